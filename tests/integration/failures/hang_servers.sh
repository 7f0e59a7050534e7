#!/bin/bash
# A registry and a Prometheus that accept the connection and never answer:
# the images pane and the canary pane (a canary of shop under way) say so
# once the (shortened: SHIPDECK_NET_TIMEOUT=2) timeout is over, and all the
# while the console keeps answering keys at once — the loop never waits for
# the network.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"
kubectl_ok || skip "kubectl >= 1.27 not found"
CANARY=$(cd "$(dirname "$0")/../canary" && pwd)
start_sandbox main --port 0 --time-scale 50 --manifests "$CANARY/world.yaml"
kc rollout status deploy/shop --timeout 30s >/dev/null || fail "shop did not roll out"

# a listening socket nobody accepts from: connections open, nothing comes back
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
time.sleep(3600)' >"$WORK/hang.port" &
sd_track "$!"
wait_until 5 test -s "$WORK/hang.port" || fail "the hanging server did not start"
HANG=$(cat "$WORK/hang.port")

REPO=$WORK/app
git init -q -b main "$REPO"
cat >"$REPO/.shipdeck.yml" <<YML
image: {name: "127.0.0.1:$HANG/app"}
registries: {"127.0.0.1:$HANG": {plain_http: true}}
prometheus: http://127.0.0.1:$HANG
apps:
  shop: {strategy: canary, steps: [25, 50, 100], interval: 2s}
YML
git -C "$REPO" add .shipdeck.yml
git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q -m "servers that hang"
"$SHIPDECK" --kubeconfig "$KC" --repo "$REPO" canary start shop 2.0 >/dev/null || fail "canary start"

cd "$WORK"
started=$(date +%s.%N)
tmux_start SHIPDECK_NET_TIMEOUT=2 "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
wait_screen 10 'Image tags'

# While both hang: focus moves, help opens and closes, the ':' line
# echoes what is typed — each seen on screen within half a second.
answered() {
	local want=$1 i
	for ((i = 0; i < 50; i++)); do
		screen_has "$want" && return 0
		sleep 0.01
	done
	return 1
}
checks=0
while awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { exit !(n - s < 1.8) }'; do
	keys 1; answered '▶1 Pipeline' || fail "key 1 not answered while the servers hang"
	keys 3; answered '▶3 Image tags' || fail "key 3 not answered while the servers hang"
	checks=$((checks + 2))
done
keys :
keys -l "theme mo"
answered ':theme mo' || fail "the ':' line does not echo while the servers hang"
keys Escape
note "$checks focus changes answered while the servers hung"
[ "$checks" -ge 4 ] || fail "too few keys tried while the servers hung ($checks)"

wait_screen 10 'timed out'
waited=$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
note "the images pane said the registry timed out after ${waited} s"
awk -v w="$waited" 'BEGIN { exit !(w < 8) }' || fail "the timeout took ${waited} s"
screen | grep -q "127.0.0.1:$HANG" || { screen; fail "the message does not name the registry"; }
keys 5 Enter
wait_screen 10 "prometheus http://127.0.0.1:$HANG/api/v1/query_range"
wait_screen 10 'timed out'
note "the canary pane: $(screen | grep -o "prometheus http://127.0.0.1:$HANG[^│]*" | head -1 | sed 's/  *$//')"
keys 1
answered '▶1 Pipeline' || fail "keys not answered after the timeout"
tmux_quit
echo "ok - a hanging registry and Prometheus are reported after a bounded timeout and keys keep working"
