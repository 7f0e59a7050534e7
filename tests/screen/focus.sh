#!/usr/bin/env bash
# Focus shows on the pane's border, not only as ▶ (issue 22): in a real
# terminal (tmux, colours captured) the focused pane's title rule is in the
# title colour (default theme: bold cyan), every other pane's in the border
# colour (244); moving the focus moves the colour.
. "$(dirname "$0")/../lib.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
command -v perl >/dev/null || sd_skip "perl is not installed"
cd "$SD_TMP"
sd_tmux_start 120 30 sh -c "'$SHIPDECK'; sleep 60"
sd_check "the console starts" sd_tmux_wait "5 Canary"
# colour TEXT: the SGRs in force where TEXT and its rule are drawn
colour() {
	sd_tmux_screen -e | T=$1 perl -ne 'if (/((?:\e\[[0-9;]*m)+)[^\e]*\Q$ENV{T}\E ─/) {
		($s = $1) =~ s/\e\[//g; $s =~ s/m/ /g; print "$s\n"; exit }'
}
is_colour() { [[ " $(colour "$1")" == *" $2 "* ]]; }
sleep 0.5
echo "# focused: $(colour '4 Rollout'), another: $(colour '1 Pipeline')"
sd_check "the focused pane's rule is in the title colour" is_colour "▶4 Rollout" 36
sd_check "another pane's rule in the border colour" is_colour " 1 Pipeline" "38;5;244"
sd_tmux send-keys 1
sleep 0.5
sd_check "1: the pipeline's rule takes the title colour" is_colour "▶1 Pipeline" 36
sd_check "1: the rollout's rule the border colour" is_colour " 4 Rollout" "38;5;244"
sd_done
