#!/usr/bin/env bash
# Instruction counts of the console (valgrind's callgrind), the figure to
# trust on a shared machine where CPU time moves with the neighbours' load.
#
#   bench/callgrind.sh start SHIPDECK KUBECONFIG OUT
#       exec → the first complete frame (SHIPDECK_FRAME_LOG), then SIGTERM;
#       the count includes the teardown after it (app_free)
#   bench/callgrind.sh idle SHIPDECK KUBECONFIG OUT [SECONDS]
#       the console in tmux at 200×50 with no input: counted from 3 s after
#       the first complete frame for SECONDS (default 20); OUT.1 is the dump
#
# Read OUT with `callgrind_annotate --inclusive=yes OUT`. Script mode
# (SHIPDECK_SCRIPT) draws start into an in-memory screen; idle runs in a
# real terminal (tmux) as bench/idle.sh does.
set -euo pipefail
mode=${1:?start or idle} shipdeck=$(realpath "${2:?SHIPDECK}") kc=$(realpath "${3:?KUBECONFIG}")
out=$(realpath -m "${4:?OUT}")
seconds=${5:-20}
command -v valgrind >/dev/null || { echo "bench/callgrind.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-callgrind.XXXXXX")
tm=sdcallgrind-$$
trap 'tmux -L "$tm" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME=$work/home XDG_CONFIG_HOME=$work/home/config XDG_STATE_HOME=$work/home/state
export XDG_CACHE_HOME=$work/home/cache LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=xterm-256color
mkdir -p "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$work/cwd"
log=$work/frames
complete() { grep -qs ' 1$' "$log"; }
cg=(valgrind --tool=callgrind --callgrind-out-file="$out" "$shipdeck" --kubeconfig "$kc")

case $mode in
start)
	# a script step longer than any run: the console waits, does not quit
	echo 'sleep 100000000' >"$work/wait.script"
	(cd "$work/cwd" && COLUMNS=200 LINES=50 SHIPDECK_SCRIPT=$work/wait.script \
		SHIPDECK_FRAME_LOG=$log exec "${cg[@]}" </dev/null >/dev/null 2>"$out.err") &
	pid=$!
	until complete; do kill -0 "$pid" 2>/dev/null || { cat "$out.err" >&2; exit 1; }; sleep 0.1; done
	kill "$pid"
	wait "$pid" || true
	;;
idle)
	tmux -L "$tm" -f /dev/null new-session -d -s b -x 200 -y 50 -e HOME="$HOME" \
		-e TERM="$TERM" -e LANG="$LANG" -e TZ=UTC sleep 100000
	tmux -L "$tm" new-window -d -n w -c "$work/cwd" -e SHIPDECK_FRAME_LOG="$log" "${cg[@]}"
	pid=$(tmux -L "$tm" display -p -t w '#{pane_pid}')
	until complete; do sleep 0.2; done
	sleep 3
	callgrind_control -z "$pid" >/dev/null 2>&1
	sleep "$seconds"
	callgrind_control -d "$pid" >/dev/null 2>&1
	sleep 1
	;;
*) echo "bench/callgrind.sh: start or idle, not '$mode'" >&2; exit 2 ;;
esac
echo "$out: $(callgrind_annotate "$out"$([ "$mode" = idle ] && echo .1) 2>/dev/null \
	| awk '/PROGRAM TOTALS/ { print $1; exit }') instructions"
