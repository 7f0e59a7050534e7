# Shared by the failure tests: the rollout tests' helpers (a private sandbox,
# hermetic HOME/XDG, kubectl, tmux) plus a misbehaving API server in front of
# the sandbox (fault_proxy.py) and a comparison of what the console shows
# with what kubectl reads from the real sandbox.
. "$(dirname "$0")/../rollout/lib.sh"
FAILURES=$(cd "$(dirname "$0")" && pwd)

# start_proxy [ARGS]: a fault proxy in front of the sandbox (started with
# --plain-http); sets PROXY_PORT, CTL_PORT and PKC, a kubeconfig through it.
start_proxy() {
	rm -f "$WORK/proxy.port" "$WORK/proxy.ctl"
	python3 "$FAILURES/fault_proxy.py" --upstream "$PORT" --port-file "$WORK/proxy.port" \
		--control-port-file "$WORK/proxy.ctl" --log "$WORK/proxy.jsonl" "$@" \
		2>"$WORK/proxy.err" &
	PIDS="$PIDS $!"
	wait_until 10 test -s "$WORK/proxy.port" || { cat "$WORK/proxy.err"; fail "the proxy did not start"; }
	PROXY_PORT=$(cat "$WORK/proxy.port")
	CTL_PORT=$(cat "$WORK/proxy.ctl")
	PKC=$WORK/proxy.kubeconfig
	sed "s#http://127.0.0.1:$PORT#http://127.0.0.1:$PROXY_PORT#" "$KC" >"$PKC"
	grep -q "$PROXY_PORT" "$PKC" || fail "no server line to point at the proxy in $KC"
}

# fault WHAT: tells the proxy how to misbehave next (see fault_proxy.py).
fault() {
	curl -sf -X POST "http://127.0.0.1:$CTL_PORT/$1" || fail "the proxy refused fault $1"
}

# The pods of deploy/web as the console's rollout pane shows them and as
# kubectl reads them from the sandbox itself: "name status ready", sorted.
screen_pods() {
	screen | grep -oE 'web-[a-z0-9]+-[a-z0-9]{5} +[A-Za-z]+ +[0-9]+/[0-9]+' | awk '{print $1, $2, $3}' | sort
}
kubectl_pods() {
	kc get pods -l app=web --no-headers | awk '{print $1, $3, $2}' | sort
}
# The cluster is quiet: the rollout is done and no pod is on its way out.
settled() {
	kc rollout status deploy/web --timeout=1s >/dev/null 2>&1 &&
		[ "$(kc get pods -l app=web --no-headers | grep -vc ' Running ')" = 0 ] &&
		[ "$(kc get pods -l app=web --no-headers | wc -l)" = "$(kc get deploy web -o jsonpath='{.spec.replicas}')" ]
}
same_pods() {
	[ -n "$(kubectl_pods)" ] && [ "$(screen_pods)" = "$(kubectl_pods)" ]
}
# expect_same WHAT: once the cluster is quiet, the screen must come to show
# exactly what kubectl lists.
expect_same() {
	wait_until 30 settled || fail "$1: the cluster did not settle"
	if ! wait_until 20 same_pods; then
		echo "# screen:"; screen_pods | sed 's/^/#   /'
		echo "# kubectl:"; kubectl_pods | sed 's/^/#   /'
		screen
		fail "$1: the console does not show what kubectl lists"
	fi
	wait_until 10 sh -c "! tmux -L '$TMUX_SESSION' capture-pane -p -t '$TMUX_SESSION' | grep -q 'reconnecting'" \
		|| { screen; fail "$1: still reconnecting"; }
	note "$1: the console shows what kubectl lists: $(screen_pods | tr '\n' ' ')"
}
# proxy_log JQ_FILTER: the proxy's request log through jq (-c).
proxy_log() {
	jq -c "$1" "$WORK/proxy.jsonl"
}
