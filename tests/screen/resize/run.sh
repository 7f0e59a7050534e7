#!/usr/bin/env bash
# A screen that never lies (issue 22): a console shrunk from 200×50 to
# 100×30 while a build log floods, then grown back, shows exactly what a
# console started fresh at that size shows in the same state; text written
# over the console from outside is gone after C-l.
. "$(dirname "$0")/../../lib.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
R=$SD_TMP/app
mkdir -p "$R"
git -C "$R" init -q -b main
cat >"$R/.drone.yml" <<'YML'
kind: pipeline
type: exec
steps:
- name: flood
  commands:
  - for i in 0 1 2 3 4 5; do seq -f "line %.0f of a chatty build log, long enough to fill the width of a wide pane" $((i*3000+1)) $((i*3000+3000)); sleep 0.4; done
YML
git -C "$R" add -A
git -C "$R" -c user.name=Tester -c user.email=t@example.com commit -qm flood

# every row but the status bar's (its message is this console's own)
screen_rows() { sd_tmux_screen | sed '$d'; }
# fresh COLS LINES FILE: what a console started now at that size shows
fresh() {
	local keep=$SD_TMUX
	SD_TMUX=""
	sd_tmux_start "$1" "$2" sh -c "cd '$R' && '$SHIPDECK'; sleep 60"
	sd_tmux_wait "── exit 0 ──" 20 >/dev/null && sleep 0.5
	screen_rows >"$3"
	sd_tmux kill-server
	SD_TMUX=$keep
}

sd_tmux_start 200 50 sh -c "cd '$R' && '$SHIPDECK'; echo EXIT=\$?; sleep 60"
sd_check "the console starts" sd_tmux_wait "no builds yet" 20
sd_tmux send-keys b
sd_check "the flood runs" sd_tmux_wait "of a chatty build log" 30
sd_tmux resize-window -x 100 -y 30
sd_check "the flood was still running when shrunk" sh -c "! tmux -L '$SD_TMUX' capture-pane -p | grep -q '── exit 0 ──'"
sd_check "the build ends" sd_tmux_wait "── exit 0 ──" 30
sleep 0.5
screen_rows >"$SD_TMP/shrunk"
main=$SD_TMUX
fresh 100 30 "$SD_TMP/fresh-100x30"
SD_TMUX=$main
sd_check "shrunk during the flood = fresh at 100×30" diff -u "$SD_TMP/fresh-100x30" "$SD_TMP/shrunk"

sd_tmux resize-window -x 200 -y 50
sleep 0.5
screen_rows >"$SD_TMP/grown"
fresh 200 50 "$SD_TMP/fresh-200x50"
SD_TMUX=$main
sd_check "grown back = fresh at 200×50" diff -u "$SD_TMP/fresh-200x50" "$SD_TMP/grown"

# text written to the terminal behind the console's back; C-l draws it all again
printf '\033[5;5HGARBAGE-FROM-OUTSIDE\033[20;30HMORE-GARBAGE' >"$(sd_tmux display -p '#{pane_tty}')"
sd_check "the garbage is on screen" sd_tmux_wait "GARBAGE-FROM-OUTSIDE" 5
sd_tmux send-keys C-l
sleep 0.5
screen_rows >"$SD_TMP/after-cl"
sd_check "C-l: the garbage is gone" sh -c "! grep -q GARBAGE '$SD_TMP/after-cl'"
sd_check "C-l: the screen is the console's again" diff -u "$SD_TMP/grown" "$SD_TMP/after-cl"
sd_tmux send-keys q
sd_check "q quits" sd_tmux_wait "EXIT=0" 10
sd_done
