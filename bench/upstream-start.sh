#!/bin/bash
# The upstream control plane's start and stop (build/shipdeck-upstream): RUNS
# times (default 5), the seconds until it prints its listening line — when
# the apiserver is ready (etcd starting beside it), the nodes are Ready and
# the namespace's default service account exists — and until SIGTERM has
# stopped every component; min / median / max of each. Every upstream test
# pays both once.
#
#   bench/upstream-start.sh [BUILD_DIR] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=${1:-$here/../build}
runs=${2:-5}
bin=$build/shipdeck-upstream
[ -x "$bin" ] || { echo "bench: no $bin (meson compile -C BUILD_DIR)" >&2; exit 2; }
export SHIPDECK_UPSTREAM_BIN=${SHIPDECK_UPSTREAM_BIN:-$("$here/../upstream/build" --bin-dir)}
work=$(mktemp -d /tmp/bench-upstream.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
: >"$work/ready"
: >"$work/stop"
for i in $(seq 1 "$runs"); do
	start=$(bench_now)
	rm -f "$work/out"
	"$bin" --kubeconfig-out "$work/kc" --dir "$work/d$i" >"$work/out" 2>"$work/err" &
	pid=$!
	until grep -qs "^shipdeck-upstream listening on " "$work/out"; do
		kill -0 "$pid" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
		sleep 0.02
	done
	bench_elapsed "$start" "$(bench_now)" >>"$work/ready"
	echo >>"$work/ready"
	start=$(bench_now)
	kill "$pid"
	wait "$pid" || true
	pid=""
	bench_elapsed "$start" "$(bench_now)" >>"$work/stop"
	echo >>"$work/stop"
done
echo "start to listening, s (min / median / max of $runs): $(bench_stats <"$work/ready")"
echo "SIGTERM to stopped, s: $(bench_stats <"$work/stop")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
