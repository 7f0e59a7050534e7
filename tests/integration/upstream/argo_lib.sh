# Shared by the Argo Rollouts and Flagger tests (issue 16) on the real control
# plane: the built controllers and plugin found (or what go said when
# upstream/build tried), free ports, controllers started and stopped by pid.
# Sourced with SHIPDECK_UPSTREAM_BIN and UPSTREAM_BUILD set (meson).
ARGO_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$ARGO_LIB_DIR/../rollout/lib.sh"
: "${SHIPDECK_UPSTREAM_BIN:?}" "${UPSTREAM_BUILD:?}"
kubectl_ok || skip "kubectl >= 1.27 not found"
cluster_is_upstream || fail "SHIPDECK_CLUSTER must be upstream"
BIN=$SHIPDECK_UPSTREAM_BIN
# a controller not built: what go said when upstream/build tried (its log)
# (ARGO_NEEDS: the binaries a script uses, as binary:module; default all)
for b in ${ARGO_NEEDS:-rollouts-controller:argo-rollouts kubectl-argo-rollouts:argo-rollouts flagger:flagger}; do
	log=$(dirname "$BIN")/logs/${b#*:}.log
	[ -x "$BIN/${b%%:*}" ] || fail "${b%%:*} not found in $BIN: build it with upstream/build$(
		[ -s "$log" ] && printf '; its last build (%s) said: %s' "$log" "$(grep -v '^[a-z0-9./_-]*$' "$log" | tail -3)")"
done

# the plugin as kubectl finds plugins: kubectl-argo-rollouts on PATH
mkdir -p "$WORK/plugins"
ln -s "$BIN/kubectl-argo-rollouts" "$WORK/plugins/kubectl-argo-rollouts"
export PATH=$WORK/plugins:$PATH

free_port() {
	python3 "$ARGO_LIB_DIR/../../free_port.py"
}

# start_controller NAME LOG HEALTH_URL CMD...: starts CMD by pid (sets CTL_PID),
# waits for HEALTH_URL; a controller that exits on the way is named with the
# last lines of its log
start_controller() {
	local name=$1 log=$2 url=$3 i
	shift 3
	"$@" >"$log" 2>&1 &
	CTL_PID=$!
	sd_track "$CTL_PID"
	for ((i = 0; i < 600; i++)); do
		curl -sf -o /dev/null "$url" && return 0
		if ! kill -0 "$CTL_PID" 2>/dev/null; then
			tail -5 "$log"
			fail "$name exited while starting (log above)"
		fi
		sleep 0.1
	done
	tail -5 "$log"
	fail "$name did not answer $url in 60 s"
}

stop_controller() {
	local name=$1 pid=$2
	kill "$pid" 2>/dev/null || fail "$name (pid $pid) was not running any more"
	wait_until 30 sh -c "! kill -0 $pid 2>/dev/null" || fail "$name (pid $pid) did not stop on SIGTERM"
	wait "$pid" 2>/dev/null || true
}


# start_argo: the Rollout CRDs applied from the module cache and
# rollouts-controller started (sets ARGO_PID); KC must be the cluster's.
start_argo() {
	local crds f metrics healthz
	crds=$("$UPSTREAM_BUILD" --crds argo) || fail "the Argo Rollouts CRDs: $crds"
	for f in $crds; do
		kc apply --server-side -f "$f" >/dev/null || fail "kubectl apply -f $f"
	done
	wait_until 30 kc get rollouts.argoproj.io || fail "the Rollout CRD is not served"
	metrics=$(free_port) healthz=$(free_port)
	start_controller rollouts-controller "$WORK/rollouts-controller.log" "http://127.0.0.1:$healthz/healthz" \
		env POD_NAMESPACE=default "$BIN/rollouts-controller" --kubeconfig "$KC" --leader-elect=false \
		--metricsPort "$metrics" --healthzPort "$healthz" --rollout-resync 30
	ARGO_PID=$CTL_PID
	note "rollouts-controller pid $ARGO_PID (metrics $metrics, healthz $healthz)"
}

# start_flagger METRICS_URL: the Canary CRD applied and flagger started with
# the kubernetes provider (sets FLAGGER_PID).
start_flagger() {
	local crd fport
	crd=$("$UPSTREAM_BUILD" --crds flagger) || fail "the Flagger CRDs: $crd"
	kc apply --server-side -f "$crd" >/dev/null || fail "kubectl apply -f $crd"
	wait_until 30 kc get canaries.flagger.app || fail "the Canary CRD is not served"
	fport=$(free_port)
	start_controller flagger "$WORK/flagger.log" "http://127.0.0.1:$fport/healthz" \
		"$BIN/flagger" -kubeconfig "$KC" -mesh-provider=kubernetes -port "$fport" \
		-metrics-server "$1" -control-loop-interval 2s -log-level info
	FLAGGER_PID=$CTL_PID
	note "flagger pid $FLAGGER_PID (port $fport)"
}

# start_traffic_prometheus FAULTS: the sandbox's simulated traffic for this
# cluster's pods (kwok's serve nothing: --traffic-only, with FAULTS' error
# rates) and Debian's Prometheus scraping it every second; sets PROM.
start_traffic_prometheus() {
	local dir=$WORK/prometheus url port
	mkdir -p "$dir"
	"${SHIPDECK_TRAFFIC:?}" --traffic-only --kubeconfig "$KC" --port 0 --faults "$1" \
		>"$WORK/traffic.out" 2>"$WORK/traffic.err" &
	sd_track "$!"
	url=$(cluster_wait_listening "$WORK/traffic.out" $!) \
		|| { cat "$WORK/traffic.err"; fail "the simulated traffic did not start"; }
	cat >"$dir/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: traffic
    static_configs: [{targets: ['${url#http://}']}]
YML
	port=$(free_port)
	prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
		--web.listen-address="127.0.0.1:$port" >"$dir/log" 2>&1 &
	sd_track "$!"
	PROM=http://127.0.0.1:$port
	wait_until 30 curl -fs "$PROM/-/ready" || { tail "$dir/log"; fail "prometheus did not start"; }
	note "traffic at $url, prometheus at $PROM"
}

# wait_secs SECONDS CMD...: as wait_until, but bounded by the clock — CMD
# here is kubectl or the plugin (a second or more under load), and
# wait_until counts its tries.
wait_secs() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# flagger_shop INTERVAL: Deployment shop (2 replicas) and a Flagger Canary
# of it, blue/green by the kubernetes provider, analysed every INTERVAL with
# no metrics (no Prometheus: two iterations only).
flagger_shop() {
	kc apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: shop, image: "example/shop:1.0", ports: [{containerPort: 8080}]}]
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: shop, namespace: default}
spec:
  provider: kubernetes
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: shop}
  progressDeadlineSeconds: 60
  service: {port: 80, targetPort: 8080, portDiscovery: false}
  analysis: {interval: $1, threshold: 2, iterations: 2, metrics: []}
YAML
}

# argo_rollout NAME REPLICAS IMAGE [PORT]: a canary Rollout of app NAME (one
# container NAME, on PORT if given; three old ReplicaSets kept); the canary
# strategy's body (steps, analysis), indented six spaces, on stdin. The
# template is hashed into the ReplicaSets' names, which goldens show: a
# port added or dropped renames them.
argo_rollout() {
	local ports=${4:+", ports: [{containerPort: $4}]"}
	cat <<YAML
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: $1, namespace: default}
spec:
  replicas: $2
  revisionHistoryLimit: 3
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      containers: [{name: $1, image: "$3"$ports}]
  strategy:
    canary:
$(cat)
YAML
}

# argo_success_rate APP DELAY INTERVAL FAILURE_LIMIT [COUNT]: a Service for
# APP and the AnalysisTemplate "success-rate" over the simulated traffic in
# Prometheus ($PROM): the share of APP's canary pods' requests (args.hash)
# that are not 5xx, over two intervals, must stay >= 0.95.
argo_success_rate() {
	local app=$1 delay=$2 interval=$3 limit=$4 count=${5:+"    count: $5"}
	local window=$((${interval%s} * 2))s
	local sel="service=\"$app\",pod=~\"$app-{{args.hash}}-.*\""
	kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $app, namespace: default}
spec: {selector: {app: $app}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate, namespace: default}
spec:
  args: [{name: hash}]
  metrics:
  - name: success-rate
    initialDelay: $delay
    interval: $interval
$count
    failureLimit: $limit
    successCondition: result[0] >= 0.95
    provider:
      prometheus:
        address: $PROM
        query: 'sum(rate(sandbox_http_requests_total{$sel,code!~"5.."}[$window])) / sum(rate(sandbox_http_requests_total{$sel}[$window]))'
YAML
}
