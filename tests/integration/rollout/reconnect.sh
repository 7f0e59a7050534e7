#!/bin/bash
# Acceptance 4: kill the sandbox mid-watch and start a new one on the same
# port: the console says it is reconnecting, then shows the new cluster's
# state, without restarting and without crashing. (The sandbox over plain
# HTTP: a restarted sandbox makes a new CA and token, which a real cluster
# would not. The real control plane started again on the same --dir keeps its
# CA and tokens; its etcd data is removed between the two: a new state.)
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"
flags=(--plain-http)
cluster_is_upstream && flags=(--dir "$WORK/control-plane")
start_sandbox first --port 0 "${flags[@]}" --time-scale 50 --manifests "$FIXTURES/web.yaml"
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

if cluster_is_upstream; then
	# kill -9 of the launcher takes its components with it (their parent-death
	# signal); the port is free once the apiserver is gone
	port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$FIRST_PORT") 2>/dev/null; }
	wait_until 15 port_free || fail "the killed control plane still holds port $FIRST_PORT"
	rm -rf "$WORK/control-plane/etcd"
fi
start_sandbox second --port "$FIRST_PORT" "${flags[@]}" --time-scale 50 \
	--manifests "$FIXTURES/fresh.yaml"
[ "$PORT" = "$FIRST_PORT" ] || fail "the new sandbox took port $PORT"
wait_screen 30 'fresh  *2/2'
wait_until 10 sh -c "! tmux -L '$TMUX_SESSION' capture-pane -p -t '$TMUX_SESSION' | grep -q 'reconnecting'" \
	|| { screen; fail "still reconnecting"; }
screen | grep -Eq '│ web +[0-9]+/[0-9]+' && fail "the old deployment is still shown"
kill -0 "$TUI_PID" || fail "the console is gone"
tmux_quit
echo "ok - reconnects to a restarted cluster"
