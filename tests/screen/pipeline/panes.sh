#!/usr/bin/env bash
# The pipeline and log panes in script mode, against goldens: t runs the
# tests and the log pane shows the failing step; b runs the DAG (an ignored
# failure, a skipped publish); Enter and j pick a step; / searches the log,
# w wraps, T shows times; 80x24. Secrets never reach the screen.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/repo.sh"
sd_setup
make_repo "$SD_TMP/app"
cd "$SD_TMP/app"

cat >"$SD_TMP/steps" <<'STEPS'
wait-for 1 Pipeline
dump empty
key t
wait-for ── exit 1 ──
dump tests
key b
wait-for #2
wait-for skipped
wait-for ✓ docs
dump build
key 1 Enter k
dump steps
key j j
dump lint
key k 2
type /assert
key Enter
dump search
key w T
dump wrap-time
key Esc 1 Esc j
dump build-1
resize 80x24
dump narrow
STEPS
sd_script 200x50 "$SD_TMP/steps"
# the end of a build reaches the status bar, with the step that failed
sd_check "t: the status bar says build 1 failed: test" grep -q "build 1 failed: test" "$SD_OUT/tests"
sd_check "b: the status bar says build 2 failed: test" grep -q "build 2 failed: test" "$SD_OUT/build"
norm_for "$SD_TMP/app"
sd_golden empty pipeline/empty-200x50 "$NORM"
sd_golden tests pipeline/tests-200x50 "$NORM"
sd_golden build pipeline/build-200x50 "$NORM"
sd_golden steps pipeline/steps-200x50 "$NORM"
sd_golden lint pipeline/lint-200x50 "$NORM"
sd_golden search pipeline/search-200x50 "$NORM"
sd_golden wrap-time pipeline/wrap-time-200x50 "$NORM"
sd_golden build-1 pipeline/build-1-200x50 "$NORM"
sd_golden narrow pipeline/narrow-80x24 "$NORM"
sd_check "the failing step's log follows t" grep -q "assertion failed: 2+2 = 5" "$SD_OUT/tests"
sd_check "publish is skipped" grep -q "publish .*skipped" "$SD_OUT/build"
sd_check "docker steps say where they run" grep -q "docker steps run on this host" "$SD_OUT/build"
sd_check "the secret is masked" grep -q "compiling with token \*\*\*" "$SD_OUT/steps"
sd_check "the secret never reaches the screen" sh -c "! grep -rq hunter2 '$SD_OUT'"
sd_check "times shown with T" grep -q "^HH:MM:SS " <(sd_normalise "$SD_OUT/wrap-time")
sd_done
