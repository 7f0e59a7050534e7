#!/bin/bash
# Acceptance 4: kill the sandbox mid-watch and start a new one on the same
# port: the console says it is reconnecting, then shows the new cluster's
# state, without restarting and without crashing. (Plain HTTP: a restarted
# sandbox makes a new CA and token, which a real cluster would not.)
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox first --port 0 --plain-http --time-scale 50 --manifests "$FIXTURES/web.yaml"
FIRST_PORT=$PORT

tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 20 ' Available '
wait_screen 10 'rev 1  *web-'

kill -KILL "$SBPID"
wait "$SBPID" 2>/dev/null || true
wait_screen 10 'cluster reconnecting ('
sleep 1.5
screen_has 'cluster reconnecting (' || fail "reconnecting not shown while down"
screen_has 'web ' || fail "the last state should stay on screen while reconnecting"

start_sandbox second --port "$FIRST_PORT" --plain-http --time-scale 50 \
	--manifests "$FIXTURES/fresh.yaml"
[ "$PORT" = "$FIRST_PORT" ] || fail "the new sandbox took port $PORT"
wait_screen 30 'fresh  *2/2'
wait_until 10 sh -c "! tmux -L '$TMUX_SESSION' capture-pane -p -t '$TMUX_SESSION' | grep -q 'reconnecting'" \
	|| { screen; fail "still reconnecting"; }
screen | grep -Eq '│ web +[0-9]+/[0-9]+' && fail "the old deployment is still shown"
kill -0 "$TUI_PID" || fail "the console is gone"
tmux_quit
echo "ok - reconnects to a restarted cluster"
