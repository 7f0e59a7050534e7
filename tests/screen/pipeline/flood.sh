#!/usr/bin/env bash
# Acceptance 5: a step printing 1,000,000 lines. In the console (tmux) keys
# are answered while it runs, memory stays bounded, the full log is on disk,
# and the oldest lines (long gone from memory) are paged and searched from it.
# Figures for bench/README.md come from bench/log-ingest.sh, not from here.
. "$(dirname "$0")/../../lib.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
R=$SD_TMP/app
mkdir -p "$R"
git -C "$R" init -q -b main
# four bursts with pauses, so the check below surely lands inside the flood
cat >"$R/.drone.yml" <<'YML'
kind: pipeline
type: exec
steps:
- name: flood
  commands:
  - for i in 0 1 2 3; do seq -f "line %.0f of a chatty build log" $((i*250000+1)) $((i*250000+250000)); sleep 0.5; done
YML
git -C "$R" add -A
git -C "$R" -c user.name=Tester -c user.email=t@example.com commit -qm flood

sd_tmux_start 200 50 sh -c "cd '$R' && '$SHIPDECK'; echo EXIT=\$?; sleep 60"
sd_check "the console starts" sd_tmux_wait "no builds yet" 20
pid=$(pgrep -P "$(sd_tmux display -p '#{pane_pid}')" shipdeck | head -1)
sd_tmux send-keys b
sd_check "the flood runs" sd_tmux_wait "of a chatty build log" 30

answered=0 worst=0
json() { cat "$XDG_STATE_HOME"/shipdeck/repos/app-*/builds/1/build.json; }
while json | grep -q '"status":[[:space:]]*"running"'; do
	t0=$(date +%s%N)
	sd_tmux send-keys '?'
	sd_tmux_wait "shipdeck keys" 10 >/dev/null || break
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -gt "$worst" ] && worst=$ms
	sd_tmux send-keys Escape
	json | grep -q '"status":[[:space:]]*"running"' && answered=$((answered + 1))
	sleep 0.2
done
echo "# keys answered during the flood: $answered, slowest ${worst} ms"
sd_check "keys answered while the step runs" test "$answered" -ge 1
sd_check "each within 2 s (slowest ${worst} ms)" test "$worst" -lt 2000
sd_check "the pane counts every line" sd_tmux_wait "flood · 1000001 lines" 60
sd_check "the step passes" sd_tmux_wait "── exit 0 ──" 30
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
echo "# peak RSS ${hwm} kB"
if ldd "$SHIPDECK" | grep -q libasan; then
	echo "# sanitizer build: memory bound not checked"
else
	sd_check "memory stays bounded (${hwm} kB < 64 MB)" test "$hwm" -lt 65536
fi
log=$(ls "$XDG_STATE_HOME"/shipdeck/repos/app-*/builds/1/flood.log)
sd_check "the full log is on disk" test "$(wc -l <"$log")" = 1000001

sd_tmux send-keys 2 g
sd_check "g: the first lines are paged from disk" sd_tmux_wait "line 1 of a chatty build log" 10
sd_tmux send-keys / 'line 123456 of' Enter
sd_check "/: a search finds a line only the disk holds" sd_tmux_wait "line 123457 of" 20
sd_check "and the pane pauses there" sd_tmux_wait "paused" 5
sd_tmux send-keys G
sd_check "G: back to the end" sd_tmux_wait "line 1000000 of a chatty build log" 10
sd_tmux send-keys q
sd_check "q quits" sd_tmux_wait "EXIT=0" 20
sd_done
