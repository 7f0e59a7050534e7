#!/bin/bash
# A registry that accepts the connection and never answers: the images pane
# says so once the (shortened: SHIPDECK_NET_TIMEOUT=2) timeout is over, and
# all the while the console keeps answering keys at once — the loop never
# waits for the network.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"

# a listening socket nobody accepts from: connections open, nothing comes back
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
time.sleep(3600)' >"$WORK/hang.port" &
PIDS="$PIDS $!"
wait_until 5 test -s "$WORK/hang.port" || fail "the hanging server did not start"
HANG=$(cat "$WORK/hang.port")

REPO=$WORK/app
git init -q -b main "$REPO"
printf 'image:\n  name: 127.0.0.1:%s/app\nregistries:\n  127.0.0.1:%s: {plain_http: true}\n' \
	"$HANG" "$HANG" >"$REPO/.shipdeck.yml"
git -C "$REPO" add .shipdeck.yml
git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q -m "registry that hangs"

cd "$WORK"
started=$(date +%s.%N)
tmux_start SHIPDECK_NET_TIMEOUT=2 "$SHIPDECK" --repo "$REPO"
wait_screen 10 'Image tags'

# While the registry hangs: focus moves, help opens and closes, the ':' line
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
	keys 1; answered '▶1 Pipeline' || fail "key 1 not answered while the registry hangs"
	keys 3; answered '▶3 Image tags' || fail "key 3 not answered while the registry hangs"
	checks=$((checks + 2))
done
keys :
keys -l "theme mo"
answered ':theme mo' || fail "the ':' line does not echo while the registry hangs"
keys Escape
note "$checks focus changes answered while the registry hung"
[ "$checks" -ge 4 ] || fail "too few keys tried while the registry hung ($checks)"

wait_screen 10 'timed out'
waited=$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
note "the images pane said the registry timed out after ${waited} s"
awk -v w="$waited" 'BEGIN { exit !(w < 8) }' || fail "the timeout took ${waited} s"
screen | grep -q "127.0.0.1:$HANG" || { screen; fail "the message does not name the registry"; }
keys 1
answered '▶1 Pipeline' || fail "keys not answered after the timeout"
tmux_quit
echo "ok - a hanging registry is reported after a bounded timeout and keys keep working"
