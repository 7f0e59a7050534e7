#!/usr/bin/env bash
# Idle cost: CPU time the console uses over SECONDS (default 30) with no
# input, in a real terminal (tmux, 200×50). CPU comes from
# /proc/PID/schedstat (nanoseconds, not 10 ms ticks). RUNS consoles (default
# 1) of each case run side by side over the same SECONDS, so five runs cost
# no more wall time than one. Prints one line per case:
#
#   idle CASE: X ms CPU per second (N wake-ups in S s)         RUNS=1
#   idle CASE: X1 X2 … ms CPU per second (N1 N2 … wake-ups in S s)
#
# The cluster: IDLE_KUBECONFIG (bench/run passes its 10,000-pod sandbox),
# else the demo's world, started here.
#
#   [RUNS=5] [IDLE_KUBECONFIG=F] bench/idle.sh [SECONDS]
set -euo pipefail
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/lib.sh"
sd_setup
seconds=${1:-30}
runs=${RUNS:-1}
cd "$SD_TMP"

# wakeups PID: voluntary context switches (each poll() that slept)
wakeups() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$1/status"; }

# measure "LABEL|KEYS|COMMAND..." ...: every case's consoles at once, each in
# its own tmux window, then one line per case.
measure() {
	local c i label keys pid
	local -a labels=() pids=() cpu0=() wk0=()
	sd_tmux_start 200 50 sleep 100000
	for c in "$@"; do
		IFS='|' read -r label keys cmd <<<"$c"
		labels+=("$label")
		for ((i = 0; i < runs; i++)); do
			local w="w${#labels[@]}-$i"
			sd_tmux new-window -d -n "$w" -e SHIPDECK_FRAME_LOG="$SD_TMP/frames-$w" $cmd
		done
	done
	for ((i = 0; i < ${#labels[@]} * runs; i++)); do
		local w="w$((i / runs + 1))-$((i % runs))"
		IFS='|' read -r label keys cmd <<<"${*:$((i / runs + 1)):1}"
		# ready once a frame shows every list of the cluster (the hook's
		# third column; 1 at once without a cluster)
		until grep -qs ' 1$' "$SD_TMP/frames-$w"; do sleep 0.1; done
		for k in $keys; do sd_tmux send-keys -t "$w" "$k"; done
		pids+=("$(sd_tmux display -p -t "$w" '#{pane_pid}')")
	done
	# let the first redraws and what came with the lists settle
	sleep 3
	for pid in "${pids[@]}"; do cpu0+=("$(bench_cpu_ns "$pid")"); wk0+=("$(wakeups "$pid")"); done
	sleep "$seconds"
	for ((c = 0; c < ${#labels[@]}; c++)); do
		local cpus="" wks=""
		for ((i = c * runs; i < (c + 1) * runs; i++)); do
			pid=${pids[$i]}
			cpus+=" $(awk -v a="$(bench_cpu_ns "$pid")" -v b="${cpu0[$i]}" -v s="$seconds" \
				'BEGIN { printf "%.3f", (a - b) / 1e6 / s }')"
			wks+=" $(($(wakeups "$pid") - ${wk0[$i]}))"
		done
		echo "idle ${labels[$c]}:$cpus ms CPU per second ($wks wake-ups in $seconds s)" \
			| sed 's/( /(/'
	done
	sd_tmux kill-server
}

if [ -n "${IDLE_KUBECONFIG:-}" ]; then
	cluster=(--kubeconfig "$IDLE_KUBECONFIG")
else
	# the demo's world, steady: nothing rolling out
	demo=$SD_TMP/demo
	"$SHIPDECK" demo --dir "$demo" --up >/dev/null 2>&1
	trap '"$SHIPDECK" demo --dir "$demo" --down >/dev/null 2>&1; sd_cleanup' EXIT
	sleep 5
	cluster=(demo --dir "$demo")
fi
# cases: label | keys once drawn | command (words, no quoting)
measure "no sources, nothing time-based on screen||$SHIPDECK" \
	"live watch, ages on screen (one redraw a second)||$SHIPDECK ${cluster[*]}" \
	"live watch, log pane zoomed (nothing time-based)|2 Enter|$SHIPDECK ${cluster[*]}"
