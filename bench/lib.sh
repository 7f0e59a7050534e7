# Helpers shared by bench/run, bench/sandbox/run and
# tests/screen/rollout/clock.sh. Source it (bash).

# bench_now: the wall clock in seconds with nanoseconds.
bench_now() { date +%s.%N; }

# bench_elapsed A B: B - A in seconds, two decimals.
bench_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# bench_manifests DEPLOYMENTS REPLICAS: Deployments app-1..app-D of R pods
# each in namespace default, as YAML for shipdeck-sandbox --manifests.
bench_manifests() {
	local i
	for i in $(seq 1 "$1"); do
		cat <<YAML
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-$i, namespace: default}
spec:
  replicas: $2
  selector: {matchLabels: {app: app-$i}}
  template:
    metadata: {labels: {app: app-$i}}
    spec:
      containers: [{name: app, image: "example/app:$i"}]
YAML
	done
}

# bench_sandbox_start BIN DIR DEPLOYMENTS REPLICAS TIME_SCALE [FLAGS...]:
# starts shipdeck-sandbox with that many pods and waits until every one is
# available. DIR gets kubeconfig, ca.pem, token, url, pid, up (seconds to
# bring the pods up); the caller kills $(cat DIR/pid).
bench_sandbox_start() {
	local bin=$1 dir=$2 deployments=$3 replicas=$4 scale=$5 start pods
	shift 5
	mkdir -p "$dir"
	bench_manifests "$deployments" "$replicas" >"$dir/manifests.yaml"
	pods=$((deployments * replicas))
	start=$(bench_now)
	"$bin" --port 0 --kubeconfig-out "$dir/kubeconfig" --time-scale "$scale" \
		--manifests "$dir/manifests.yaml" "$@" >"$dir/out" 2>"$dir/err" &
	echo $! >"$dir/pid"
	until grep -q listening "$dir/out" 2>/dev/null; do
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || { cat "$dir/err" >&2; return 1; }
		sleep 0.05
	done
	sed -n 's/^ *certificate-authority-data: //p' "$dir/kubeconfig" | base64 -d >"$dir/ca.pem"
	sed -n 's/^ *token: //p' "$dir/kubeconfig" >"$dir/token"
	sed -n 's/^shipdeck-sandbox listening on //p' "$dir/out" >"$dir/url"
	until [ "$(bench_available "$dir")" = "$pods" ]; do sleep 0.2; done
	bench_elapsed "$start" "$(bench_now)" >"$dir/up"
}

# bench_api DIR PATH [CURL ARGS...]: a request to the sandbox in DIR.
bench_api() {
	local dir=$1 path=$2
	shift 2
	curl -sS --cacert "$dir/ca.pem" -H "Authorization: Bearer $(cat "$dir/token")" \
		"$(cat "$dir/url")$path" "$@"
}

# bench_exec_api DIR PATH [CURL ARGS...]: the same, as `bench_exec_api ... &`
# so that $! is curl's own PID (to stop and continue it).
bench_exec_api() {
	local dir=$1 path=$2
	shift 2
	exec curl -sS --cacert "$dir/ca.pem" -H "Authorization: Bearer $(cat "$dir/token")" \
		"$(cat "$dir/url")$path" "$@"
}

# bench_available DIR: available pods over all Deployments.
bench_available() {
	bench_api "$1" /apis/apps/v1/deployments | jq '[.items[].status.availableReplicas // 0] | add'
}

# bench_scale_all DIR DEPLOYMENTS REPLICAS: every Deployment to REPLICAS at
# once (8 patches in parallel; kubectl scale --all paces itself at 5/s).
bench_scale_all() {
	local dir=$1 deployments=$2 replicas=$3
	for i in $(seq 1 "$deployments"); do echo "app-$i"; done \
		| xargs -P 8 -I{} curl -sS -o /dev/null --cacert "$dir/ca.pem" \
			-H "Authorization: Bearer $(cat "$dir/token")" -X PATCH \
			-H 'Content-Type: application/merge-patch+json' \
			--data "{\"spec\":{\"replicas\":$replicas}}" \
			"$(cat "$dir/url")/apis/apps/v1/namespaces/default/deployments/{}/scale"
}

# The step of bench_flood_repo prints lines of this shape (~69 bytes).
BENCH_FLOOD_FMT="line %g of a chatty build log, with some words to make it longer"

# bench_flood_repo DIR LINES: a git repository whose pipeline has one step,
# flood, printing LINES lines. Needs GIT_AUTHOR_* and GIT_COMMITTER_* set.
bench_flood_repo() {
	mkdir -p "$1"
	git -C "$1" init -q -b main
	cat >"$1/.drone.yml" <<YML
kind: pipeline
type: exec
steps:
- name: flood
  commands:
  - seq -f "$BENCH_FLOOD_FMT" 1 $2
YML
	git -C "$1" add -A
	git -C "$1" commit -qm bench
}

# bench_rss_kb PID: VmRSS of a process; bench_hwm_kb PID: its peak (VmHWM).
bench_rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
bench_hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# bench_cpu_ns PID: CPU time its threads used so far, in ns (schedstat: not
# 10 ms ticks; every thread, for Go's kubectl).
# (%.0f: awk's %d stops at 2^31 ns, 2.1 s, which a Go program's threads pass)
bench_cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }

# bench_stats: min, median and max of the numbers on stdin, one a line.
bench_stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print v[1], m, v[NR] }'
}
