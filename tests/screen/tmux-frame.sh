#!/usr/bin/env bash
# The real binary in a real terminal (tmux): panes, help, resize, quit
# restores the terminal; a bad config exits 2 without touching the screen.
. "$(dirname "$0")/../lib.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
cd "$SD_TMP"

sd_tmux_start 200 50 sh -c "'$SHIPDECK'; echo EXIT=\$?; sleep 60"
sd_check "five panes drawn at 200x50" sd_tmux_wait "5 Canary"
screen=$(sd_tmux_screen)
for p in "1 Pipeline" "2 Log" "3 Image tags" "4 Rollout" "5 Canary" "no cluster"; do
	sd_check "'$p' on screen" grep -qF "$p" <<<"$screen"
done
sd_check "alternate screen in use while running" \
	test "$(sd_tmux display -p '#{alternate_on}')" = 1
sd_tmux send-keys '?'
sd_check "help opens" sd_tmux_wait "shipdeck keys"
sd_tmux send-keys Escape
sd_tmux resize-window -x 80 -y 24
sd_check "80x24 still shows five panes" sd_tmux_wait "5 Canary"
sd_tmux resize-window -x 20 -y 6
sd_check "20x6 says too small" sd_tmux_wait "terminal too small"
sd_tmux resize-window -x 200 -y 50
sd_check "back to 200x50" sd_tmux_wait "5 Canary"
sd_tmux send-keys q
sd_check "q quits with 0" sd_tmux_wait "EXIT=0"
sd_check "alternate screen left" test "$(sd_tmux display -p '#{alternate_on}')" = 0
sd_check "cursor visible" test "$(sd_tmux display -p '#{cursor_flag}')" = 1
sd_tmux kill-server

# SIGTERM restores the terminal too.
sd_tmux_start 100 30 sh -c "'$SHIPDECK'; echo EXIT=\$?; sleep 60"
sd_check "started for SIGTERM" sd_tmux_wait "5 Canary"
pid=$(pgrep -P "$(sd_tmux display -p '#{pane_pid}')" | head -1)
kill -TERM "$pid"
sd_check "SIGTERM exits cleanly" sd_tmux_wait "EXIT=0"
sd_check "terminal restored after SIGTERM" test "$(sd_tmux display -p '#{alternate_on}')" = 0
sd_tmux kill-server

# A bad config: the message names file:line:col, exit 2, the screen untouched.
printf 'theme: light\nkeyz:\n  help: h\n' >bad.yaml
sd_tmux_start 100 30 sh -c "echo BEFORE; '$SHIPDECK' --config bad.yaml; echo EXIT=\$?; sleep 60"
sd_check "bad config exits 2" sd_tmux_wait "EXIT=2"
screen=$(sd_tmux_screen)
sd_check "message names config file:line:col" grep -qF "bad.yaml:2:1: unknown key 'keyz'" <<<"$screen"
sd_check "screen not cleared" grep -qF "BEFORE" <<<"$screen"
printf 'keys: [\n' >bad.yaml
out=$("$SHIPDECK" --config bad.yaml 2>&1)
code=$?
sd_check "YAML syntax error exits 2" test "$code" = 2
sd_check "YAML syntax error names file:line:col" grep -q "bad.yaml:[0-9]*:[0-9]*: YAML syntax error" <<<"$out"
sd_done
