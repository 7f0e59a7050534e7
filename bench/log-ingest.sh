#!/usr/bin/env bash
# Log ingest: a step printing LINES lines (default 1,000,000, ~69 bytes each)
# through the local runner, against `seq | cat > file`. Measures the step's
# wall time from build.json, the peak RSS (VmHWM) of shipdeck, and — in the
# console, under tmux — how long a key takes to be answered during the flood.
# Prints a Markdown table for bench/README.md (figures as min / median / max
# over RUNS runs, default 1); with BENCH_RAW=1, one line per run instead:
# "ingest CAT_MS HEADLESS_MS HEADLESS_KB CONSOLE_MS CONSOLE_KB KEY_MS BYTES".
#
#   [RUNS=5] [BENCH_RAW=1] bench/log-ingest.sh build/shipdeck [LINES]
set -eu
. "$(dirname "$0")/lib.sh"

SHIPDECK=$(realpath "${1:-build/shipdeck}")
LINES=${2:-1000000}
RUNS=${RUNS:-1}
WORK=$(mktemp -d /tmp/shipdeck-bench.XXXXXX)
TMUX_SERVER=sdbench-$$
trap 'tmux -L $TMUX_SERVER kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/config XDG_CACHE_HOME=$WORK/home/cache
export LANG=C.UTF-8 TERM=xterm-256color
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

R=$WORK/repo
mkdir -p "$HOME"
bench_flood_repo "$R" "$LINES"

now() { date +%s.%N; }
ms() { echo "($2 - $1) * 1000 / 1" | bc; }
build_dir() { ls -d "$XDG_STATE_HOME"/shipdeck/repos/*/builds/"$1"; }

# step_ms N: the flood step's duration in build N
step_ms() {
	tr -d ' \t\n' <"$(build_dir "$1")/build.json" \
		| sed 's/.*"key":"flood".*"duration_ms":\([0-9]*\).*/\1/'
}

hwm() { bench_hwm_kb "$1" || echo 0; }

# one_run: prints the raw line of one run (each run has its own history,
# so the headless build is 1 and the console's 2)
one_run() {
	local t0 t1 base_ms bytes pid peak v head_ms head_peak key_ms running tui_ms disk
	export XDG_STATE_HOME=$WORK/state-$1
	t0=$(now)
	seq -f "$BENCH_FLOOD_FMT" 1 "$LINES" | cat >"$WORK/baseline.txt"
	t1=$(now)
	base_ms=$(ms "$t0" "$t1")
	bytes=$(wc -c <"$WORK/baseline.txt")
	rm -f "$WORK/baseline.txt"

	cd "$R"
	"$SHIPDECK" pipeline run >/dev/null &
	pid=$!
	peak=0
	while kill -0 "$pid" 2>/dev/null; do
		v=$(hwm "$pid"); [ "${v:-0}" -gt "$peak" ] && peak=$v
		sleep 0.02
	done
	wait "$pid"
	head_ms=$(step_ms 1)
	head_peak=$peak

	tmux -L "$TMUX_SERVER" -f /dev/null new-session -d -x 200 -y 50 \
		-e XDG_STATE_HOME="$XDG_STATE_HOME" "$SHIPDECK"
	wait_screen() { until tmux -L "$TMUX_SERVER" capture-pane -p | grep -q "$1"; do sleep 0.01; done; }
	wait_screen "Pipeline"
	pid=$(tmux -L "$TMUX_SERVER" list-panes -F '#{pane_pid}')
	tmux -L "$TMUX_SERVER" send-keys b
	wait_screen "flood"
	t0=$(now)
	tmux -L "$TMUX_SERVER" send-keys '?'
	wait_screen "shipdeck keys"
	t1=$(now)
	key_ms=$(ms "$t0" "$t1")
	running=$(grep -c '"running"' "$(build_dir 2)/build.json" || true)
	tmux -L "$TMUX_SERVER" send-keys Escape
	peak=0
	while grep -q '"status":[[:space:]]*"running"' "$(build_dir 2)/build.json"; do
		v=$(hwm "$pid"); [ "${v:-0}" -gt "$peak" ] && peak=$v
		sleep 0.02
	done
	v=$(hwm "$pid"); [ "${v:-0}" -gt "$peak" ] && peak=$v
	tui_ms=$(step_ms 2)
	disk=$(wc -l <"$(build_dir 2)/flood.log")
	tmux -L "$TMUX_SERVER" kill-server
	[ "$disk" -eq $((LINES + 1)) ] || echo "log-ingest: flood.log has $disk lines, want $((LINES + 1))" >&2
	[ "$running" -gt 0 ] || echo "log-ingest: the key was answered after the step ended" >&2
	echo "ingest $base_ms $head_ms $head_peak $tui_ms $peak $key_ms $bytes"
}

raw=$WORK/raw
for i in $(seq 1 "$RUNS"); do
	one_run "$i" | tee -a "$raw" | { [ "${BENCH_RAW:-}" = 1 ] && cat || cat >/dev/null; }
done
[ "${BENCH_RAW:-}" = 1 ] && exit 0

# col N: min / median / max of field N; mbs: throughput of a time in ms
bytes=$(awk '{ print $8; exit }' "$raw")
col() { awk -v n="$1" '{ print $n }' "$raw" | bench_stats | awk '{ printf "%s / %s / %s", $1, $2, $3 }'; }
mbs() { awk -v n="$1" -v b="$bytes" '{ print b * 1000 / $n / 1048576 }' "$raw" | bench_stats \
	| awk '{ printf "%.1f / %.1f / %.1f", $3 == 0 ? 0 : $1, $2, $3 }'; }
mb() { awk -v n="$1" '{ print int($n / 1024) }' "$raw" | bench_stats | awk '{ printf "%s / %s / %s MB", $1, $2, $3 }'; }
echo "| run | lines | wall ms | MB/s | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: |"
printf '| `seq \\| cat > file` | %s | %s | %s | – |\n' "$LINES" "$(col 2)" "$(mbs 2)"
echo "| \`shipdeck pipeline run > /dev/null\` | $LINES | $(col 3) | $(mbs 3) | $(mb 4) |"
echo "| console (tmux 200×50, following) | $LINES | $(col 5) | $(mbs 5) | $(mb 6) |"
echo
echo "Key answered during the flood: $(col 7) ms. Output size: $((bytes / 1048576)) MB. $RUNS run(s)."
