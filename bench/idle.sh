#!/usr/bin/env bash
# Idle cost: CPU time the console uses over 30 s with no input, in a real
# terminal (tmux). Prints one line per case: "idle CASE: X ms CPU per second
# (N wake-ups)". Usage: bench/idle.sh [SECONDS]
set -euo pipefail
. "$(dirname "$0")/../tests/lib.sh"
sd_setup
seconds=${1:-30}
hz=$(getconf CLK_TCK)
cd "$SD_TMP"

# cpu_ms PID: user+system CPU time of the process in milliseconds.
cpu_ms() {
	awk -v hz="$hz" '{ print ($14 + $15) * 1000 / hz }' "/proc/$1/stat"
}

measure() {
	local label=$1 pid before after
	shift
	sd_tmux_start 200 50 "$@"
	sd_tmux_wait "5 Canary" 10 >/dev/null
	for k in ${measure_keys:-}; do
		sd_tmux send-keys "$k"
	done
	sleep 2
	pid=$(sd_tmux display -p '#{pane_pid}')
	before=$(cpu_ms "$pid")
	local polls_before
	polls_before=$(grep -s '^voluntary_ctxt_switches' "/proc/$pid/status" | awk '{print $2}')
	sleep "$seconds"
	after=$(cpu_ms "$pid")
	local polls_after
	polls_after=$(grep -s '^voluntary_ctxt_switches' "/proc/$pid/status" | awk '{print $2}')
	awk -v a="$after" -v b="$before" -v s="$seconds" -v l="$label" \
		-v w=$((polls_after - polls_before)) \
		'BEGIN { printf "idle %s: %.3f ms CPU per second (%d wake-ups in %d s)\n", l, (a - b) / s, w, s }'
	sd_tmux kill-server
}

measure "no sources, nothing time-based on screen" "$SHIPDECK"

# With a live cluster watch (the demo's world, steady: nothing rolling out).
demo=$SD_TMP/demo
"$SHIPDECK" demo --dir "$demo" --up >/dev/null 2>&1
trap '"$SHIPDECK" demo --dir "$demo" --down >/dev/null 2>&1; sd_cleanup' EXIT
sleep 5
measure "live watch, ages on screen (one redraw a second)" "$SHIPDECK" demo --dir "$demo"
# the log pane zoomed on a finished build's log: nothing on screen counts time
measure_keys="2 Enter"
measure "live watch, log pane zoomed (nothing time-based)" "$SHIPDECK" demo --dir "$demo"
