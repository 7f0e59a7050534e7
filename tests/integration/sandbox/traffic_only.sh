#!/bin/bash
# shipdeck-sandbox --traffic-only (CONTRACT.md, issue 14): a second sandbox
# that mirrors the pods of a cluster (here a first sandbox, over HTTPS with
# its token) and serves simulated traffic and /metrics for them: the labels
# are the cluster's namespace/service/deployment/pod, a fault image from
# --faults gives 500s, a pod deleted with kubectl leaves the metrics, the
# mirror follows through watches the server ends, a real Prometheus scraping
# it answers rate(), and the cluster's request log holds only GETs from it.
# Also: the command line and kubeconfig mistakes it names.
#
# With SHIPDECK_CLUSTER=upstream the cluster is the real control plane
# (shipdeck-upstream: kube-apiserver with kwok pods); the mirror's requests
# are then read from the audit log by its user agent, and the parts that need
# the sandbox's short watches and history are left out.
. "$(dirname "$0")/lib.sh" "$@"
# the traffic-only binary is shipdeck-sandbox whichever the cluster is
TRAFFIC_BIN=$(dirname "$SANDBOX_BIN")/shipdeck-sandbox
[ -x "$TRAFFIC_BIN" ] || fail "no $TRAFFIC_BIN"

# mirror_requests LOG: "METHOD uri" for each request of the mirror's: on the
# sandbox, those on the four cluster-wide collections (kubectl here never
# uses them); on upstream, the audit log's events with its user agent (get,
# list and watch shown as GET).
mirror_requests() {
	python3 - "$1" "${SHIPDECK_CLUSTER:-sandbox}" <<'PY'
import json, re, sys
wide = re.compile(r"^/api(s/apps)?/v1/(pods|services|replicasets|deployments)$")
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if sys.argv[2] == "upstream":
        if "(traffic-only)" not in e.get("userAgent", ""):
            continue
        verb = e.get("verb", "")
        print("GET" if verb in ("get", "list", "watch") else verb.upper(), e.get("requestURI"))
    elif wide.match(e.get("path", "")):
        print(e.get("method"), e["path"] + ("?" + e["query"] if e.get("query") else ""))
PY
}

# The cluster. At --time-scale 500 it ends every watch after 3.6-7.2 s (its
# min-request-timeout), so the mirror has to watch again from where it was.
sandbox_start --time-scale 500 --request-log "$T/requests.log"
touch "$T/requests.log"
CLUSTER_KUBECONFIG=$T/kubeconfig
web_manifest web example/web:1.0 3 >"$T/web.yaml"
k apply -f "$T/web.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout"

cat >"$T/faults.yaml" <<'YAML'
- image: "example/web:bad*"
  error-rate: "1"
  latency-ms: "200"
YAML

# traffic_start FLAGS...: the traffic-only sandbox; sets TRAFFIC_URL, TRAFFIC_PID.
traffic_start() {
	"$TRAFFIC_BIN" --traffic-only "$@" >"$T/traffic.out" 2>"$T/traffic.err" &
	TRAFFIC_PID=$!
	track "$TRAFFIC_PID"
	# it lists the cluster before it listens: on a loaded machine that took
	# more than 10 s, so the launchers' own wait (cluster.sh)
	TRAFFIC_URL=$(cluster_wait_listening "$T/traffic.out" "$TRAFFIC_PID") \
		|| { kill -0 "$TRAFFIC_PID" 2>/dev/null || fail "traffic-only exited: $(cat "$T/traffic.err")"; \
		     fail "traffic-only did not print its listening line"; }
	[ "$(wc -l <"$T/traffic.out")" -eq 1 ] || fail "traffic-only printed more than one line"
}

logged_before=$(wc -l <"$T/requests.log")
traffic_start --kubeconfig "$CLUSTER_KUBECONFIG" --port 0 --faults "$T/faults.yaml"
case $TRAFFIC_URL in
http://127.0.0.1:[0-9]*) note "ok: listening on $TRAFFIC_URL (plain HTTP)" ;;
*) fail "listening line: $TRAFFIC_URL" ;;
esac
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$TRAFFIC_URL/api/v1/pods")" 404 \
	"the API routes are off"
expect_eq "$(curl -s "$TRAFFIC_URL/healthz")" ok "healthz"

metrics() { curl -s "$TRAFFIC_URL/metrics"; }
# served POD CODE: the pod has answered with CODE at least once.
served() {
	metrics | grep -Eq "^sandbox_http_requests_total\{namespace=\"default\",service=\"web\",deployment=\"web\",pod=\"$1\",code=\"$2\"\} [1-9]"
}
pods=$(k get pods -l app=web -o jsonpath='{.items[*].metadata.name}')
[ "$(echo "$pods" | wc -w)" -eq 3 ] || fail "3 pods: $pods"
for p in $pods; do
	wait_for 20 served "$p" 200
done
note "ok: requests for the cluster's 3 pods, labelled namespace/service/deployment/pod"
first=${pods%% *}
metrics | grep -q "^sandbox_http_request_duration_seconds_bucket{namespace=\"default\",service=\"web\",deployment=\"web\",pod=\"$first\",le=\"+Inf\"} [1-9]" \
	|| fail "no histogram for $first"
metrics | grep -q "^sandbox_http_request_duration_seconds_count{namespace=\"default\",service=\"web\",deployment=\"web\",pod=\"$first\"} [1-9]" \
	|| fail "no _count for $first"
metrics | grep -q "^sandbox_http_request_duration_seconds_sum{namespace=\"default\",service=\"web\",deployment=\"web\",pod=\"$first\"} " \
	|| fail "no _sum for $first"
metrics | grep -q 'code="500"' && fail "500s before any fault: $(metrics | grep 'code="500"')"
note "ok: the latency histogram with _sum and _count, no 500s"

# Only the mirror talked to the cluster since it started: only GETs, the
# four kinds listed and watched cluster-wide.
if ! cluster_is_upstream; then
	mirror_log=$(tail -n +"$((logged_before + 1))" "$T/requests.log")
	echo "$mirror_log" | grep -v '"method":"GET"' && fail "the mirror sent more than GETs"
fi
mirror_log=$(mirror_requests "$T/requests.log")
for path in /api/v1/pods /api/v1/services /apis/apps/v1/replicasets /apis/apps/v1/deployments; do
	echo "$mirror_log" | grep -q "^GET $path?limit=500\$" \
		|| fail "no list of $path: $mirror_log"
	echo "$mirror_log" | grep -q "^GET $path?watch=1&allowWatchBookmarks=true&resourceVersion=[0-9]" \
		|| fail "no watch of $path: $mirror_log"
done
echo "$mirror_log" | grep -v '^GET ' && fail "the mirror sent more than GETs"
note "ok: the mirror lists then watches the four kinds, GET only"

# A watch the cluster ends is opened again from the last resourceVersion, and
# what happens after that still shows. (kube-apiserver ends them after
# 30-60 minutes.)
rewatched() {
	[ "$(grep -c '"path":"/api/v1/pods","query":"watch=1' "$T/requests.log")" -ge 2 ]
}
if ! cluster_is_upstream; then
	wait_for 30 rewatched
	note "ok: the pods' watch was opened again after the cluster ended it"
fi

# A fault image from --faults: its pods answer 500.
k set image deploy/web web=example/web:bad-2 >/dev/null || fail "set image"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout to the bad image"
bad_pods=$(k get pods -l app=web -o jsonpath='{.items[?(@.spec.containers[0].image=="example/web:bad-2")].metadata.name}')
[ "$(echo "$bad_pods" | wc -w)" -eq 3 ] || fail "3 bad pods: $bad_pods"
for p in $bad_pods; do
	wait_for 20 served "$p" 500
done
for p in $pods; do
	wait_for 20 sh -c "! curl -sS '$TRAFFIC_URL/metrics' | grep -q 'pod=\"$p\"'"
done
metrics | grep -E 'code="200"\} [1-9]' && fail "a bad pod answered 200"
note "ok: the fault image answers 500 only; the replaced pods' series went"

# A pod deleted with kubectl leaves the metrics; its replacement appears.
victim=${bad_pods%% *}
k delete pod "$victim" --wait=true >/dev/null || fail "delete pod"
wait_for 20 sh -c "! curl -sS '$TRAFFIC_URL/metrics' | grep -q 'pod=\"$victim\"'"
note "ok: the deleted pod $victim left the metrics"
k rollout status deploy/web --timeout=60s >/dev/null || fail "replacement"
for p in $(k get pods -l app=web -o jsonpath='{.items[*].metadata.name}'); do
	wait_for 20 served "$p" 500
done
note "ok: its replacement is served"

# Prometheus (Debian's, when installed) scraping the traffic-only sandbox.
if PROMETHEUS=$(command -v prometheus); then
	prom_port=$(free_port)
	cat >"$T/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: traffic
    static_configs:
      - targets: ["${TRAFFIC_URL#http://}"]
YAML
	"$PROMETHEUS" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/prom-data" \
		--web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$T/prom.log" 2>&1 &
	track $!
	query() {
		curl -sS -G "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" \
			2>/dev/null | sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
	}
	positive() { awk -v v="$(query "$1")" 'BEGIN { exit !(v + 0 > 0) }'; }
	# (it takes a while to start on a busy machine)
	for ((i = 0; i < 1200; i++)); do
		positive 'up{job="traffic"}' && break
		sleep 0.1
	done
	positive 'up{job="traffic"}' || fail "Prometheus never scraped it: $(tail -5 "$T/prom.log")"
	wait_for 60 positive 'sum(rate(sandbox_http_requests_total{namespace="default",service="web",deployment="web",code="500"}[5s]))'
	# 20 requests/s for the Service, once Prometheus has 10 s of every pod
	about_20() {
		rate=$(query 'sum(rate(sandbox_http_requests_total{deployment="web"}[10s]))')
		awk -v r="$rate" 'BEGIN { exit !(r > 17 && r < 23) }'
	}
	wait_for 60 about_20
	note "ok: Prometheus scrapes it; rate() of the 500s is positive, $rate requests/s in all"
else
	note "skipped the Prometheus part: prometheus is not installed"
fi

# Over the whole run, every non-GET in the cluster's log is kubectl's (on
# namespaced paths); the mirror sent GETs only.
if ! cluster_is_upstream; then
	grep -v '"method":"GET"' "$T/requests.log" | grep -Ev '"path":"/api(s/apps)?/v1/namespaces/' \
		&& fail "a write outside kubectl's namespaced paths"
fi
mirror_requests "$T/requests.log" | grep -v '^GET ' && fail "the mirror wrote to the cluster"
note "ok: the cluster saw only GETs from the mirror ($(mirror_requests "$T/requests.log" | wc -l) requests)"

kill -TERM "$TRAFFIC_PID"
wait "$TRAFFIC_PID"
rc=$?
sd_untrack "$TRAFFIC_PID"
expect_eq "$rc" 0 "SIGTERM ends the traffic-only sandbox cleanly"
if grep -Eq 'runtime error:|Sanitizer' "$T/traffic.err"; then
	cat "$T/traffic.err" >&2
	fail "the sanitizers reported a problem"
fi

# The other ways a kubeconfig names the CA and the token: a file beside it
# (relative paths are the kubeconfig's folder's) and a tokenFile.
mkdir -p "$T/kc2"
sed -n 's/^ *certificate-authority-data: //p' "$CLUSTER_KUBECONFIG" | base64 -d >"$T/kc2/ca.pem"
printf '%s\n' "$SANDBOX_TOKEN" >"$T/kc2/token"
sed -e 's/certificate-authority-data: .*/certificate-authority: ca.pem/' \
	-e 's/token: .*/tokenFile: token/' "$CLUSTER_KUBECONFIG" >"$T/kc2/config"
grep -q 'certificate-authority: ca.pem' "$T/kc2/config" && grep -q 'tokenFile: token' "$T/kc2/config" \
	|| fail "kubeconfig with files: $(cat "$T/kc2/config")"
traffic_start --kubeconfig "$T/kc2/config" --port 0
# (without --faults the bad image is just an image)
for p in $(k get pods -l app=web -o jsonpath='{.items[*].metadata.name}'); do
	wait_for 20 served "$p" 200
done
kill -TERM "$TRAFFIC_PID"
wait "$TRAFFIC_PID" || fail "traffic-only with CA and token files: exit $?"
sd_untrack "$TRAFFIC_PID"
note "ok: certificate-authority and tokenFile as files next to the kubeconfig"

# Mistakes, each named.
# expect_refused WANT_RC PATTERN FLAGS...
expect_refused() {
	local want=$1 pattern=$2 out rc
	shift 2
	out=$(timeout 30 "$TRAFFIC_BIN" "$@" 2>&1 </dev/null)
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$*: exit $rc, want $want ($out)"
	echo "$out" | grep -q -- "$pattern" || fail "$*: said '$out', want /$pattern/"
	note "ok: $* -> $(echo "$out" | head -1)"
}
expect_refused 2 '--traffic-only needs --kubeconfig' --traffic-only --port 0
expect_refused 2 '--kubeconfig-out does not go with --traffic-only' \
	--traffic-only --kubeconfig "$CLUSTER_KUBECONFIG" --port 0 --kubeconfig-out "$T/x"
expect_refused 2 '--time-scale does not go with --traffic-only' \
	--traffic-only --kubeconfig "$CLUSTER_KUBECONFIG" --port 0 --time-scale 5
expect_refused 2 '--kubeconfig is for --traffic-only' \
	--kubeconfig "$CLUSTER_KUBECONFIG" --port 0 --kubeconfig-out "$T/x"
expect_refused 1 "kubeconfig: $T/missing: No such file" --traffic-only --kubeconfig "$T/missing" --port 0
sed 's/^\( *token: \).*/\1wrong-token/' "$CLUSTER_KUBECONFIG" >"$T/wrong-token"
expect_refused 1 "GET $SANDBOX_URL/apis/apps/v1/deployments?limit=500: 401 Unauthorized.*(kubeconfig $T/wrong-token, context " \
	--traffic-only --kubeconfig "$T/wrong-token" --port 0
grep -v 'certificate-authority-data' "$CLUSTER_KUBECONFIG" >"$T/no-ca"
expect_refused 1 "GET $SANDBOX_URL/.*certificate.*check the cluster's certificate-authority" \
	--traffic-only --kubeconfig "$T/no-ca" --port 0
sed "s#server: https://#server: http://#" "$CLUSTER_KUBECONFIG" >"$T/plain"
expect_refused 1 "cluster '.*': server http://127.0.0.1:[0-9]* is plain http" \
	--traffic-only --kubeconfig "$T/plain" --port 0
dead_port=$(free_port)
sed "s#server: https://127.0.0.1:[0-9]*#server: https://127.0.0.1:$dead_port#" \
	"$CLUSTER_KUBECONFIG" >"$T/dead"
expect_refused 1 "GET https://127.0.0.1:$dead_port/apis/apps/v1/deployments?limit=500: .*connect" \
	--traffic-only --kubeconfig "$T/dead" --port 0

# On the real control plane (RBAC on): a user who may read one namespace
# only gets the traffic of the context's namespace, and says so.
if cluster_is_upstream; then
	k create namespace shop >/dev/null || fail "namespace shop"
	k -n shop create serviceaccount viewer >/dev/null || fail "serviceaccount"
	k -n shop create role viewer --verb=get,list,watch \
		--resource=pods,services,deployments.apps,replicasets.apps >/dev/null || fail "role"
	k -n shop create rolebinding viewer --role=viewer --serviceaccount=shop:viewer \
		>/dev/null || fail "rolebinding"
	viewer_token=$(k -n shop create token viewer) || fail "token"
	web_manifest web example/web:1.0 2 | k -n shop apply -f - >/dev/null || fail "apply in shop"
	k -n shop rollout status deploy/web --timeout=60s >/dev/null || fail "rollout in shop"
	sed -e "s/^\( *token: \).*/\1$viewer_token/" "$CLUSTER_KUBECONFIG" >"$T/viewer-default"
	expect_refused 1 "403 Forbidden: deployments.apps is forbidden: User \"system:serviceaccount:shop:viewer\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope" \
		--traffic-only --kubeconfig "$T/viewer-default" --port 0
	if grep -q '^ *namespace:' "$T/viewer-default"; then
		sed 's/^\( *namespace: \).*/\1shop/' "$T/viewer-default" >"$T/viewer"
	else
		sed 's/^\( *cluster: .*\)$/\1\n    namespace: shop/' "$T/viewer-default" >"$T/viewer"
	fi
	traffic_start --kubeconfig "$T/viewer" --port 0
	for p in $(k -n shop get pods -l app=web -o jsonpath='{.items[*].metadata.name}'); do
		wait_for 20 sh -c "curl -s '$TRAFFIC_URL/metrics' | grep -Eq '^sandbox_http_requests_total\{namespace=\"shop\",service=\"web\",deployment=\"web\",pod=\"$p\",code=\"200\"\} [1-9]'"
	done
	grep -q "may not list every namespace: the traffic is for namespace 'shop' only" \
		"$T/traffic.err" || fail "no word of the one namespace: $(cat "$T/traffic.err")"
	metrics | grep -q 'namespace="default"' && fail "default's pods without the right to list them"
	kill -TERM "$TRAFFIC_PID"
	wait "$TRAFFIC_PID" || fail "traffic-only in shop: exit $?"
	sd_untrack "$TRAFFIC_PID"
	note "ok: a user who may read namespace shop only gets shop's traffic"
fi

# The mistakes never reached the cluster with anything but GET.
mirror_requests "$T/requests.log" | grep -v '^GET ' && fail "the mirror wrote to the cluster"
sandbox_stop
cluster_is_upstream && exit 0

# A cluster that keeps one event of history: a watch opened again after
# anything else changed gets 410, and the mirror lists again. What changes
# next still shows.
sandbox_start --time-scale 500 --watch-history 1 --request-log "$T/requests2.log"
web_manifest shop example/web:1.0 2 >"$T/shop.yaml"
k apply -f "$T/shop.yaml" >/dev/null || fail "apply shop"
traffic_start --kubeconfig "$T/kubeconfig" --port 0
# served_shop POD: the pod of deployment shop has answered.
served_shop() {
	metrics | grep -Eq "^sandbox_http_requests_total\{namespace=\"default\",service=\"shop\",deployment=\"shop\",pod=\"$1\",code=\"200\"\} [1-9]"
}
relisted() {
	[ "$(grep -Ec '"path":"/api(s/apps)?/v1/(pods|services|replicasets|deployments)","query":"limit=500"' "$T/requests2.log")" -ge 5 ]
}
k scale deploy/shop --replicas=3 >/dev/null || fail "scale"
wait_for 40 relisted
note "ok: the mirror listed again after a 410 ($(grep -c '"query":"limit=500"' "$T/requests2.log") lists)"
wait_for 30 sh -c "[ \$(kubectl get pods -l app=shop --no-headers | grep -c ' 1/1 ') -eq 3 ]"
for p in $(k get pods -l app=shop -o jsonpath='{.items[*].metadata.name}'); do
	wait_for 20 served_shop "$p"
done
victim=$(k get pods -l app=shop -o jsonpath='{.items[0].metadata.name}')
k delete pod "$victim" --wait=false >/dev/null || fail "delete $victim"
wait_for 20 sh -c "! curl -s '$TRAFFIC_URL/metrics' | grep -q 'pod=\"$victim\"'"
note "ok: after relists, a scaled-up pod is served and a deleted one leaves"
grep -v '"method":"GET"' "$T/requests2.log" | grep -Ev '"path":"/api(s/apps)?/v1/namespaces/' \
	&& fail "a write outside kubectl's namespaced paths"
kill -TERM "$TRAFFIC_PID"
wait "$TRAFFIC_PID" || fail "traffic-only exit $?"
sd_untrack "$TRAFFIC_PID"
grep -q 'retrying' "$T/traffic.err" && fail "a 410 is not an error: $(cat "$T/traffic.err")"
sandbox_stop
