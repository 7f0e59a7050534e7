#!/bin/bash
# The API server misbehaves under a running console (fault_proxy.py in front
# of a real sandbox): a watch cut mid-event, a truncated chunk, garbage in the
# stream, a stream that stalls, 500s, 429 with Retry-After, and the server
# gone. Each time the cluster changes meanwhile (through kubectl, straight to
# the sandbox); the console says what is wrong where it lasts long enough to
# read, retries with backoff, and ends up showing exactly what kubectl lists.
# SHIPDECK_NET_TIMEOUT=2: watches end every 2 s, silence for 4 s is a stall.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
command -v tmux >/dev/null || skip "tmux not found"
command -v jq >/dev/null || skip "jq not found"
start_sandbox main --port 0 $CLUSTER_PLAIN --time-scale 50 --manifests "$FIXTURES/web.yaml"
start_proxy

cd "$WORK"
tmux_start SHIPDECK_NET_TIMEOUT=2 "$SHIPDECK" --kubeconfig "$PKC"
keys 4
wait_screen 20 'rev 1  *web-'
expect_same "at start"

kill_a_pod() {
	kc delete pod "$(kc get pods -l app=web -o name | head -1 | cut -d/ -f2)" --wait=false >/dev/null
}
since() { date +%s.%N; }
# logged FAULT: the proxy has logged a stream it broke that way
logged() { [ -n "$(proxy_log "select(.fault == \"$1\")" 2>/dev/null)" ]; }

# A stream cut in the middle of an event, or in a chunk promising more: the
# event is not half-applied; the watch starts again from the last version.
for f in close-mid-event truncated-chunk; do
	fault "$f"
	kill_a_pod
	wait_until 10 logged "$f" \
		|| fail "$f: the proxy never cut a stream"
	expect_same "$f"
done

# Garbage in the stream: the stream is dropped and the kind listed again.
t=$(since)
fault garbage
kill_a_pod
wait_until 10 logged "garbage" \
	|| fail "garbage: the proxy never sent it"
expect_same garbage
res=$(proxy_log "select(.fault == \"garbage\") | .path" | head -1)
[ -n "$(proxy_log "select(.start > $t and .path == $res and (.query | test(\"watch=\") | not))")" ] \
	|| fail "garbage: $res was not listed again"
note "garbage: $res listed again"

# A stream that goes silent: given up after 2·SHIPDECK_NET_TIMEOUT, not
# after the 5–10 minutes of a real watch.
fault stall
kill_a_pod
wait_screen 15 'lost the connection to https*://127.0.0.1'
note "stall: $(screen | grep -o 'cluster reconnecting.*' | sed 's/ *? help$//')"
wait_until 20 logged "stall" \
	|| fail "stall: the stalled stream was never given up"
held=$(proxy_log 'select(.fault == "stall") | .time - .start' | head -1)
note "stall: the silent stream was dropped after ${held} s"
awk -v h="$held" 'BEGIN { exit !(h >= 3.5 && h < 15) }' || fail "stall: dropped after $held s, expected about 4"
expect_same stall

# 500 for 8 s: said on screen, retried with growing pauses (0.5, 1, 2, 4 s ±25%).
t=$(since)
fault status/500/8
kill_a_pod
wait_screen 10 'reconnecting'
wait_screen 5 'injected failure 500'
expect_same "500 for 8 s"
gaps=$(proxy_log "select(.start > $t and .status == 500 and .path == \"/api/v1/namespaces/default/pods\") | .start" \
	| awk 'NR > 1 { printf "%.2f ", $1 - prev } { prev = $1 }')
note "500: pauses between the pod list's retries: $gaps"
echo "$gaps" | awk '{ if (NF < 2) exit 1; for (i = 2; i <= NF; i++) if ($i <= $(i - 1)) exit 1 }' \
	|| fail "500: the retries did not back off ($gaps)"

# 429 with Retry-After: 2 for 3 s: the pause is the server's, and said.
t=$(since)
fault status/429/3
kill_a_pod
wait_screen 10 'the server asks to wait 2 s: '
expect_same "429 with Retry-After"
short=$(proxy_log "select(.start > $t and .status == 429) | [.path, .start]" \
	| jq -rs 'group_by(.[0])[] | [.[][1]] | . as $s | range(1; length) | $s[.] - $s[. - 1] | select(. < 1.9)')
[ -z "$short" ] || fail "429: retried sooner than Retry-After: $short"

# The server gone for 5 s while a new version rolls out.
fault down
wait_screen 15 'reconnecting'
kc set image deploy/web web=example/web:2.0 >/dev/null
sleep 5
screen_has 'rev 2' && fail "down: rev 2 shown while the server was gone"
screen_has 'web' || fail "down: the last state should stay on screen"
fault up
wait_screen 20 'rev 2'
expect_same "server gone and back"

kill -0 "$TUI_PID" || fail "the console is gone"
tmux_quit
echo "ok - the console rides out a misbehaving API server and ends equal to kubectl"
