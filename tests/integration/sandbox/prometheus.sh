#!/bin/bash
# Acceptance 6: a real Prometheus (Debian's), started here on 127.0.0.1 and
# scraping every second, sees the sandbox's request counters, and a faulty
# canary's error rate shows in PromQL.
. "$(dirname "$0")/lib.sh" "$@"

PROMETHEUS=$(command -v prometheus) || skip "prometheus is not installed"

sandbox_start --time-scale 20
sed -n 's/^ *certificate-authority-data: //p' "$T/kubeconfig" | base64 -d >"$T/ca.pem"
sandbox_port=${SANDBOX_URL##*:}

# Stable web (3 pods) and a canary (1 pod, half its answers 500, +300 ms)
# behind one Service.
cat >"$T/apps.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web, track: stable}}
  template:
    metadata: {labels: {app: web, track: stable}}
    spec:
      containers: [{name: web, image: "example/web:1.0", ports: [{containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
spec:
  replicas: 1
  selector: {matchLabels: {app: web, track: canary}}
  template:
    metadata:
      labels: {app: web, track: canary}
      annotations:
        sandbox.shipdeck.dev/error-rate: "0.5"
        sandbox.shipdeck.dev/latency-ms: "300"
    spec:
      containers: [{name: web, image: "example/web:2.0", ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
YAML
k apply -f "$T/apps.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout web"
k rollout status deploy/web-canary --timeout=60s >/dev/null || fail "rollout canary"

prom_port=$(free_port)
cat >"$T/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: sandbox
    scheme: https
    tls_config:
      ca_file: $T/ca.pem
    static_configs:
      - targets: ["127.0.0.1:$sandbox_port"]
YAML
"$PROMETHEUS" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/prom-data" \
	--web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$T/prom.log" 2>&1 &
track $!
PROM=http://127.0.0.1:$prom_port

# query PROMQL: prints the first result's value, or nothing.
query() {
	curl -sS -G "$PROM/api/v1/query" --data-urlencode "query=$1" 2>/dev/null \
		| sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
}
positive() { awk -v v="$(query "$1")" 'BEGIN { exit !(v + 0 > 0) }'; }

wait_for 60 positive 'up{job="sandbox"}'
note "ok: Prometheus scrapes the sandbox over HTTPS without a token"
wait_for 60 positive 'sum(rate(sandbox_http_requests_total{deployment="web",code="200"}[5s]))'
note "ok: request counters of the stable pods"
wait_for 60 positive 'sum(rate(sandbox_http_requests_total{deployment="web-canary",code=~"5.."}[5s]))'
note "ok: the canary's 5xx rate is visible in PromQL"

# Enough canary requests (5 a second) that the ratio is not luck; the ratio of
# the counters themselves (rate() extrapolates each series from its own first
# sample, and the 5xx series starts with the first error).
enough() { awk -v n="$(query 'sum(sandbox_http_requests_total{deployment="web-canary"})')" 'BEGIN { exit !(n + 0 >= 60) }'; }
wait_for 60 enough
ratio=$(query 'sum(sandbox_http_requests_total{deployment="web-canary",code=~"5.."}) / sum(sandbox_http_requests_total{deployment="web-canary"})')
awk -v r="$ratio" 'BEGIN { exit !(r > 0.2 && r < 0.8) }' || fail "canary error ratio $ratio, want about 0.5"
stable=$(query 'sum(rate(sandbox_http_requests_total{deployment="web",code=~"5.."}[30s])) or vector(0)')
expect_eq "$stable" 0 "the stable pods serve no errors"
success=$(query 'sum(rate(sandbox_http_requests_total{deployment="web",code!~"5.."}[30s])) / sum(rate(sandbox_http_requests_total{deployment="web"}[30s]))')
expect_eq "$success" 1 "the stable success rate (CONTRACT.md's canary query)"
p99=$(query 'histogram_quantile(0.99, sum(rate(sandbox_http_request_duration_seconds_bucket{deployment="web-canary"}[30s])) by (le))')
awk -v p="$p99" 'BEGIN { exit !(p > 0.25) }' || fail "canary p99 latency $p99, want > 0.25 s"
note "ok: error ratio $ratio and p99 ${p99}s for the canary"
# Traffic is split across ready pods by count: the canary gets about 1/4.
share=$(query 'sum(rate(sandbox_http_requests_total{deployment="web-canary"}[30s])) / sum(rate(sandbox_http_requests_total{service="web"}[30s]))')
awk -v s="$share" 'BEGIN { exit !(s > 0.15 && s < 0.35) }' || fail "canary traffic share $share, want about 0.25"
note "ok: traffic split by pod count (canary share $share)"
sandbox_stop
