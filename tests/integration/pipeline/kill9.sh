#!/bin/bash
# Acceptance 4: kill -9 of shipdeck mid-build. After a restart the build shows
# as interrupted, the processes it left are stopped, its log up to the crash
# is readable, and the next build gets a fresh number — never a reused one,
# even when the newest build's folder was deleted.
. "$(dirname "$0")/lib.sh"

R=$WORK/app
new_repo "$R"
cat >"$R/.drone.yml" <<YML
kind: pipeline
type: exec
steps:
- name: work
  commands:
  - echo "line before the crash"
  - sh -c 'sleep 700' &
  - touch $WORK/ready
  - test -e $WORK/quick || sleep 701
YML
commit_all "$R" "slow step"
cd "$R"

"$SHIPDECK" pipeline run >"$WORK/run1.txt" 2>&1 &
pid=$!
wait_for 60 test -e "$WORK/ready" || fail "the build did not start: $(cat "$WORK/run1.txt")"
# what shipdeck has read is on disk (a line still in the pipe dies with it)
wait_for 30 grep -q "line before the crash" "$(build_dir "$R" 1)/work.log" || fail "the line was captured"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[ -n "$(build_processes "$R" 1)" ] || fail "the killed build left its step running"
grep -q '"status":[[:space:]]*"running"' "$(build_dir "$R" 1)/build.json" || fail "build.json says running"
ok "kill -9 mid-build: build.json still says running, the step is orphaned"

sd pipeline ls --json >"$WORK/ls.json"
tr -d ' \t\n' <"$WORK/ls.json" | grep -q '"number":1,"status":"interrupted"' || fail "interrupted: $(cat "$WORK/ls.json")"
tr -d ' \t\n' <"$(build_dir "$R" 1)/build.json" | grep -q '"key":"work","name":"work","pipeline":"default","image":null,"status":"interrupted"' \
	|| fail "the running step is interrupted in build.json"
[ -z "$(build_processes "$R" 1)" ] || fail "the restart stopped what the build left: $(build_processes "$R" 1)"
ok "after a restart: interrupted (written back), leftovers stopped"

sd pipeline logs 1 work >"$WORK/logs.txt" || fail "logs of an interrupted build"
grep -q "^line before the crash$" "$WORK/logs.txt" || fail "the log up to the crash: $(cat "$WORK/logs.txt")"
sd pipeline ls | grep -q "^1 *interrupted" || fail "ls text"
ok "its log up to the crash is readable"

touch "$WORK/quick"
sd pipeline run >"$WORK/run2.txt" 2>&1 || fail "the next build: $(cat "$WORK/run2.txt")"
grep -q "^build 2 passed" "$WORK/run2.txt" || fail "the next build is number 2"
rm -rf "$(build_dir "$R" 2)"
sd pipeline run >"$WORK/run3.txt" 2>&1 || fail "build 3"
grep -q "^build 3 passed" "$WORK/run3.txt" || fail "a deleted newest build's number is not reused: $(head -1 "$WORK/run3.txt")"
ok "the next numbers are fresh, never reused"
