#!/bin/sh
# Log ingest: a step printing LINES lines (default 1,000,000, ~69 bytes each)
# through the local runner, against `seq | cat > file`. Measures the step's
# wall time from build.json, the peak RSS (VmHWM) of shipdeck, and — in the
# console, under tmux — how long a key takes to be answered during the flood.
# Prints a Markdown table for bench/README.md.
#
#   bench/log-ingest.sh build/shipdeck [LINES]
set -eu

SHIPDECK=$(realpath "${1:-build/shipdeck}")
LINES=${2:-1000000}
WORK=$(mktemp -d /tmp/shipdeck-bench.XXXXXX)
trap 'tmux -L sdbench kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/config XDG_STATE_HOME=$WORK/home/state
export XDG_CACHE_HOME=$WORK/home/cache LANG=C.UTF-8 TERM=xterm-256color
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
FMT="line %g of a chatty build log, with some words to make it longer"

R=$WORK/repo
mkdir -p "$R" "$HOME"
git -C "$R" init -q -b main
cat >"$R/.drone.yml" <<YML
kind: pipeline
type: exec
steps:
- name: flood
  commands:
  - seq -f "$FMT" 1 $LINES
YML
git -C "$R" add -A
git -C "$R" commit -qm bench

now() { date +%s.%N; }
ms() { echo "($2 - $1) * 1000 / 1" | bc; }

# step_ms N: the flood step's duration in build N
step_ms() {
	tr -d ' \t\n' <"$(ls -d "$XDG_STATE_HOME"/shipdeck/repos/*/builds/"$1")/build.json" \
		| sed 's/.*"key":"flood".*"duration_ms":\([0-9]*\).*/\1/'
}

# peak PID: VmHWM in kB, polled until the process ends (or build N is done)
hwm() { awk '/VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

t0=$(now)
seq -f "$FMT" 1 "$LINES" | cat >"$WORK/baseline.txt"
t1=$(now)
base_ms=$(ms "$t0" "$t1")
bytes=$(wc -c <"$WORK/baseline.txt")

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

tmux -L sdbench -f /dev/null new-session -d -x 200 -y 50 "$SHIPDECK"
wait_screen() { until tmux -L sdbench capture-pane -p | grep -q "$1"; do sleep 0.01; done; }
wait_screen "Pipeline"
pid=$(tmux -L sdbench list-panes -F '#{pane_pid}')
tmux -L sdbench send-keys b
wait_screen "flood"
t0=$(now)
tmux -L sdbench send-keys '?'
wait_screen "shipdeck keys"
t1=$(now)
key_ms=$(ms "$t0" "$t1")
running=$(grep -c '"running"' "$(ls -d "$XDG_STATE_HOME"/shipdeck/repos/*/builds/2)/build.json" || true)
tmux -L sdbench send-keys Escape
peak=0
while grep -q '"status":[[:space:]]*"running"' "$(ls -d "$XDG_STATE_HOME"/shipdeck/repos/*/builds/2)/build.json"; do
	v=$(hwm "$pid"); [ "${v:-0}" -gt "$peak" ] && peak=$v
	sleep 0.02
done
v=$(hwm "$pid"); [ "${v:-0}" -gt "$peak" ] && peak=$v
tui_ms=$(step_ms 2)
disk=$(wc -l <"$(ls -d "$XDG_STATE_HOME"/shipdeck/repos/*/builds/2)/flood.log")
tmux -L sdbench send-keys q

mbs() { echo "scale=1; $bytes * 1000 / $1 / 1048576" | bc; }
echo "| run | lines | wall | MB/s | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: |"
printf '| `seq \\| cat > file` | %s | %s ms | %s | – |\n' "$LINES" "$base_ms" "$(mbs "$base_ms")"
echo "| \`shipdeck pipeline run > /dev/null\` | $LINES | ${head_ms} ms | $(mbs "$head_ms") | $((head_peak / 1024)) MB |"
echo "| console (tmux 200×50, following) | $LINES | ${tui_ms} ms | $(mbs "$tui_ms") | $((peak / 1024)) MB |"
echo
echo "Key answered during the flood: ${key_ms} ms (the step was still running: $([ "$running" -gt 0 ] && echo yes || echo no))."
echo "Lines in flood.log: $disk ($LINES + the echoed command). Output size: $((bytes / 1048576)) MB."
