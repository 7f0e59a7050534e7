# Shared by the canary tests: the rollout tests' sandbox helpers, plus a real
# Prometheus (Debian's) on a free port scraping the sandbox's /metrics every
# second, and a repository whose .shipdeck.yml names apps shop (canary) and
# pay (blue/green). Sourced with SHIPDECK and SANDBOX set (meson passes them).
CANARY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIXTURES=$CANARY_DIR
. "$CANARY_DIR/../rollout/lib.sh"

command -v prometheus >/dev/null 2>&1 || skip "Debian's prometheus not installed"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
kubectl_ok || skip "kubectl >= 1.27 not found"

free_port() { sd_free_port; }

# start_world [sandbox flags...]: the sandbox with shop and pay (time scale 50).
start_world() {
	start_sandbox main --port 0 --time-scale 50 --manifests "$CANARY_DIR/world.yaml" \
		--faults "$CANARY_DIR/faults.yaml" "$@"
	kc rollout status deploy/shop --timeout 30s >/dev/null || fail "shop did not roll out"
	kc rollout status deploy/pay-blue --timeout 30s >/dev/null || fail "pay-blue did not roll out"
}

# start_prometheus: sets PROM (its URL) and PROMPID. It scrapes the sandbox's
# /metrics; beside the upstream cluster (whose kwok pods serve nothing), those
# of the sandbox's simulated traffic run against it (--traffic-only).
start_prometheus() {
	local dir=$WORK/prometheus port scheme=https target=127.0.0.1:$PORT tls url
	mkdir -p "$dir"
	if cluster_is_upstream; then
		"${SHIPDECK_TRAFFIC:?}" --traffic-only --kubeconfig "$KC" --port 0 \
			--faults "$CANARY_DIR/faults.yaml" >"$WORK/traffic.out" 2>"$WORK/traffic.err" &
		sd_track "$!"
		url=$(cluster_wait_listening "$WORK/traffic.out" $!) \
			|| { cat "$WORK/traffic.err"; fail "the simulated traffic did not start"; }
		scheme=http target=${url#http://} tls=""
	else
		sed -n 's/^ *certificate-authority-data: *//p' "$KC" | base64 -d >"$dir/ca.crt"
		tls="    tls_config: {ca_file: $dir/ca.crt}"
	fi
	cat >"$dir/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: sandbox
    scheme: $scheme
$tls
    static_configs: [{targets: ['$target']}]
YML
	port=$(free_port)
	prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
		--web.listen-address="127.0.0.1:$port" >"$dir/log" 2>&1 &
	PROMPID=$!
	sd_track "$PROMPID"
	PROM=http://127.0.0.1:$port
	wait_until 30 curl -fs "$PROM/-/ready" || { tail "$dir/log"; fail "prometheus did not start"; }
	# the sandbox is scraped: wait for its first samples
	wait_until 30 sh -c "curl -fs '$PROM/api/v1/query?query=sandbox_http_requests_total' | grep -q shop" \
		|| fail "prometheus does not see the sandbox's metrics"
}

# make_repo PROMETHEUS_URL [INTERVAL] [THRESHOLD]: a git repository with the
# apps in .shipdeck.yml; sets REPO.
make_repo() {
	REPO=$WORK/repo
	mkdir -p "$REPO"
	cat >"$REPO/.shipdeck.yml" <<YML
prometheus: $1
apps:
  shop:
    strategy: canary
    steps: [25, 50, 100]
    interval: ${2:-3s}
    threshold: ${3:-2}
  pay:
    strategy: blue-green
    interval: ${2:-3s}
YML
	git -C "$REPO" init -q
	git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m init
}

sdc() { "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO" "$@"; }
image_of() { kc get deploy "$1" -o jsonpath='{.spec.template.spec.containers[0].image}'; }
replicas_of() { kc get deploy "$1" -o jsonpath='{.spec.replicas}'; }

# start_fake_prometheus MODE: fake_prometheus.py (fixed numbers, or errors);
# sets PROM.
start_fake_prometheus() {
	# emptied here, not by the child's redirect: on a second start the wait
	# below could still read the first server's line before the child runs
	: >"$WORK/fake-prom.out"
	python3 "$CANARY_DIR/fake_prometheus.py" --mode "$1" >>"$WORK/fake-prom.out" 2>&1 &
	sd_track "$!"
	wait_until 10 grep -q 'listening on' "$WORK/fake-prom.out" || fail "the fake prometheus did not start"
	PROM=http://127.0.0.1:$(sed -n 's/listening on //p' "$WORK/fake-prom.out")
}

# console STEPS_FILE [ARGS...]: the console in script mode at 200x50; dumps in $WORK/out.
console() {
	local steps=$1
	shift
	mkdir -p "$WORK/out"
	(cd "$WORK" && SHIPDECK_SCRIPT="$steps" SHIPDECK_SCRIPT_OUT="$WORK/out" LINES=50 COLUMNS=200 \
		TERM=xterm-256color TZ=UTC timeout 120 "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO" "$@") \
		|| fail "the console failed"
}

audit() { cat "$XDG_STATE_HOME/shipdeck/audit.jsonl"; }
