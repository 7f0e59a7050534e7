#!/usr/bin/env bash
# Acceptance 6: hostile log lines — cursor moves, clear screen, OSC 0 (title)
# and OSC 52 (clipboard), bell, invalid UTF-8, terminal reset, C1 controls,
# bidi overrides and a 1 MB single line — never reach the terminal: the
# screen stays intact (golden), colours survive, the long line is cut in
# memory with a note while the log file keeps it whole.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/repo.sh"
sd_setup
hostile_repo "$SD_TMP/evil"
cd "$SD_TMP/evil"

cat >"$SD_TMP/steps" <<'STEPS'
wait-for 1 Pipeline
key b
wait-for ── exit 0 ──
dump hostile
key 2 w k k
dump wrapped
STEPS
sd_script 200x50 "$SD_TMP/steps"
norm_for "$SD_TMP/evil"
sd_golden hostile pipeline/hostile-200x50 "$NORM"
sd_golden wrapped pipeline/hostile-wrapped-200x50 "$NORM"
sd_check "no control character on screen" sh -c "! LC_ALL=C grep -qP '[\\x00-\\x08\\x0b-\\x1f\\x7f]' '$SD_OUT/hostile'"
sd_check "a cursor move is text in its row" grep -q "^cursor-moved" "$SD_OUT/hostile"
sd_check "colours kept as colours" grep -q "^red and bold green" "$SD_OUT/hostile"
sd_check "invalid UTF-8 shown as U+FFFD" grep -q "bad utf8 �� here" "$SD_OUT/hostile"
sd_check "the 1 MB line is cut with a note" grep -q "…(1048579 bytes in all: the whole line is in the log file)" "$SD_OUT/wrapped"
sd_check "without wrap it ends at the edge" grep -q "^AAAA* …(+1032195 bytes in the log file)" "$SD_OUT/hostile"
sd_check "lines after it are intact" grep -q "^after" "$SD_OUT/hostile"
sd_check "the end of the build reaches the status bar" grep -q "build 1 passed: SHA7-1\|build 1 passed: [0-9a-f]\{7\}-1" "$SD_OUT/hostile"
log=$(ls "$XDG_STATE_HOME"/shipdeck/repos/evil-*/builds/1/hostile.log)
sd_check "the log file keeps the long line whole" \
	test "$(awk 'length($0) == 1048579 && /^A+END$/' "$log" | wc -l)" = 1
sd_done
