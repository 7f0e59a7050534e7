#!/bin/bash
# Acceptance 3: cancelling a step that spawned children and grandchildren —
# its shell ignoring TERM (so the KILL after the grace period is needed), a
# child in a session of its own — leaves no process of the build, whether
# the cancel comes from another process (pipeline cancel N) or from Ctrl-C
# on `pipeline run`.
. "$(dirname "$0")/lib.sh"

R=$WORK/app
new_repo "$R"
cat >"$R/.drone.yml" <<YML
kind: pipeline
type: exec
steps:
- name: work
  commands:
  - trap "" TERM
  - sh -c 'sleep 600 & sh -c "sleep 601 & wait" & wait' &
  - sh -c 'while :; do sleep 1; done' &
  - setsid sh -c 'sleep 602' &
  - touch $WORK/ready-\$DRONE_BUILD_NUMBER
  - sleep 603
- name: after
  commands:
  - echo never
YML
commit_all "$R" "long step"
cd "$R"

# run N WAYS: starts build N in the background and waits until it is busy.
start_build() {
	"$SHIPDECK" pipeline run >"$WORK/run$1.txt" 2>&1 &
	run_pid=$!
	wait_for 60 test -e "$WORK/ready-$1" || fail "build $1 did not start: $(cat "$WORK/run$1.txt")"
	[ -n "$(build_processes "$R" "$1")" ] || fail "build $1 has processes"
}

check_gone() {
	left=$(build_processes "$R" "$1")
	[ -z "$left" ] || { ps -o pid,pgid,sid,stat,args -p "$(echo $left | tr ' ' ,)" >&2; fail "processes of build $1 remain: $left"; }
	pgid=$(sed -n "s/.*\"pgid\":[[:space:]]*\([0-9]*\).*/\1/p" "$(build_dir "$R" "$1")/build.json" | sort -n | tail -1)
	[ -n "$pgid" ] && [ "$pgid" -gt 1 ] || fail "build.json records the step's process group"
	live=$(ps -o stat= -g "$pgid" 2>/dev/null | grep -vc '^Z' || true)
	[ "$live" -eq 0 ] || fail "process group $pgid still has $live live processes"
}

start_build 1
t0=$(date +%s)
sd pipeline cancel 1 >"$WORK/cancel.txt" 2>&1 || fail "cancel: $(cat "$WORK/cancel.txt")"
wait "$run_pid" && fail "a cancelled build exits non-zero"
grep -q "build 1 cancelled" "$WORK/cancel.txt" || fail "cancel says so: $(cat "$WORK/cancel.txt")"
grep -q "^build 1 cancelled" "$WORK/run1.txt" || fail "run says so: $(cat "$WORK/run1.txt")"
grep -q "^-- after: cancelled" "$WORK/run1.txt" || fail "the pending step is cancelled"
[ $(($(date +%s) - t0)) -ge 2 ] || fail "the TERM-proof child needed the KILL after the grace period"
check_gone 1
ok "pipeline cancel N from another process: no process of the build remains"

start_build 2
t0=$(date +%s)
kill -INT "$run_pid"
wait "$run_pid" && fail "an interrupted build exits non-zero"
grep -q "^build 2 cancelled" "$WORK/run2.txt" || fail "Ctrl-C cancels: $(cat "$WORK/run2.txt")"
[ $(($(date +%s) - t0)) -ge 2 ] || fail "TERM was ignored: KILL after the grace period"
check_gone 2
ok "Ctrl-C on pipeline run: no process of the build remains"

sd pipeline cancel 2 >/dev/null 2>&1 && fail "cancelling a finished build fails"
rc=0
sd --read-only pipeline cancel 1 >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 4 ] || fail "read-only refuses (exit 4, got $rc)"
grep -q '"action":"cancel","target":"build 1".*"result":"ok"' "$XDG_STATE_HOME/shipdeck/audit.jsonl" \
	|| fail "the cancel is audited"
ok "cancel of a finished build fails, read-only refuses, audited"
