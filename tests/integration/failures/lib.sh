# Shared by the failure tests: the rollout tests' helpers (a private sandbox,
# hermetic HOME/XDG, kubectl, tmux) plus a misbehaving API server in front of
# the sandbox (fault_proxy.py) and a comparison of what the console shows
# with what kubectl reads from the real sandbox.
. "$(dirname "$0")/../rollout/lib.sh"
FAILURES=$(cd "$(dirname "$0")" && pwd)

# CLUSTER_PLAIN: the flag that makes the sandbox speak plain HTTP (the
# proxy's simplest set-up); none for the real apiserver, which speaks TLS
# only: the proxy then speaks TLS on both sides (start_proxy).
CLUSTER_PLAIN=--plain-http
cluster_is_upstream && CLUSTER_PLAIN=

# start_proxy [ARGS]: a fault proxy in front of the cluster; sets
# PROXY_PORT, CTL_PORT and PKC, a kubeconfig through it. In front of the
# real apiserver it verifies the server with the kubeconfig's CA and shows
# shipdeck a certificate of its own (made here for 127.0.0.1), which PKC
# trusts instead; the bearer token goes through as it is.
start_proxy() {
	local tls=() scheme=http
	rm -f "$WORK/proxy.port" "$WORK/proxy.ctl"
	if cluster_is_upstream; then
		scheme=https
		kc config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' \
			| base64 -d >"$WORK/cluster-ca.crt"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
			-subj /CN=fault-proxy -addext subjectAltName=IP:127.0.0.1 \
			-keyout "$WORK/proxy.key" -out "$WORK/proxy.crt" 2>"$WORK/openssl.err" \
			|| { cat "$WORK/openssl.err"; fail "openssl could not make the proxy's certificate"; }
		tls=(--upstream-ca "$WORK/cluster-ca.crt" --tls-cert "$WORK/proxy.crt" --tls-key "$WORK/proxy.key")
	fi
	python3 "$FAILURES/fault_proxy.py" --upstream "$PORT" --port-file "$WORK/proxy.port" \
		--control-port-file "$WORK/proxy.ctl" --log "$WORK/proxy.jsonl" "${tls[@]}" "$@" \
		2>"$WORK/proxy.err" &
	sd_track "$!"
	wait_until 10 test -s "$WORK/proxy.port" || { cat "$WORK/proxy.err"; fail "the proxy did not start"; }
	PROXY_PORT=$(cat "$WORK/proxy.port")
	CTL_PORT=$(cat "$WORK/proxy.ctl")
	PKC=$WORK/proxy.kubeconfig
	sed "s#$scheme://127.0.0.1:$PORT#$scheme://127.0.0.1:$PROXY_PORT#" "$KC" >"$PKC"
	grep -q "$PROXY_PORT" "$PKC" || fail "no server line to point at the proxy in $KC"
	if cluster_is_upstream; then
		KUBECONFIG=$PKC kubectl config set-cluster "$(kc config view -o jsonpath='{.clusters[0].name}')" \
			--certificate-authority "$WORK/proxy.crt" --embed-certs >/dev/null \
			|| fail "could not make $PKC trust the proxy"
	fi
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
