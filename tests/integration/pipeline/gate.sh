#!/bin/bash
# Acceptance 1: a failing test gates the image. The publish step is skipped
# and its side effect never exists; fixed and committed, the build passes and
# publish runs with SHIPDECK_IMAGE_TAG=<sha7>-<build>. Also: --tests runs only
# the test steps and what they need, secrets are masked, Drone's variables.
. "$(dirname "$0")/lib.sh"

R=$WORK/app
PUBLISHED=$WORK/registry
new_repo "$R"
mkdir -p "$PUBLISHED"
cat >"$R/.drone.yml" <<YML
kind: pipeline
type: exec
name: default

steps:
- name: build
  commands:
  - echo "building \$DRONE_COMMIT_SHA on \$DRONE_BRANCH, build \$DRONE_BUILD_NUMBER, CI=\$CI"
  - cp add.sh add.bin
- name: test
  commands:
  - 'test "\$(sh add.bin 2 2)" = 4 || { echo "assertion failed: 2+2 is \$(sh add.bin 2 2)"; exit 1; }'
- name: publish
  environment:
    REGISTRY_TOKEN:
      from_secret: registry_token
  commands:
  - echo "pushing app:\$SHIPDECK_IMAGE_TAG with token \$REGISTRY_TOKEN"
  - echo "\$SHIPDECK_IMAGE_TAG" > $PUBLISHED/app-\$SHIPDECK_IMAGE_TAG
YML
printf 'echo $(($1 * $2 + 1))\n' >"$R/add.sh"
commit_all "$R" "add with a bug"
mkdir -p "$XDG_CONFIG_HOME/shipdeck"
printf 'registry_token: hunter2-very-secret\n' >"$XDG_CONFIG_HOME/shipdeck/secrets.yaml"

cd "$R"
set +e
sd pipeline run --json >"$WORK/run1.json" 2>"$WORK/run1.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a failing test exits 1 (got $rc): $(cat "$WORK/run1.err")"
grep -q '"step":"test","status":"failed","exit_code":1' "$WORK/run1.json" || fail "test failed"
grep -q '"step":"publish","status":"skipped"' "$WORK/run1.json" || fail "publish skipped"
grep -q '"text":"assertion failed: 2+2 is 5"' "$WORK/run1.json" || fail "the test's output streamed"
[ -z "$(ls "$PUBLISHED")" ] || fail "publish's side effect must not exist"
tail -1 "$WORK/run1.json" | grep -q '"type":"build","build":1,"status":"failed"' || fail "last line: build failed"
ok "a failing test skips publish and nothing is published"

printf 'echo $(($1 + $2))\n' >"$R/add.sh"
commit_all "$R" "fix add"
sha7=$(git rev-parse --short=7 HEAD)
sd pipeline run >"$WORK/run2.txt" 2>&1 || fail "the fixed build passes: $(cat "$WORK/run2.txt")"
[ -f "$PUBLISHED/app-$sha7-2" ] || fail "published app-$sha7-2 ($(ls "$PUBLISHED"))"
[ "$(cat "$PUBLISHED/app-$sha7-2")" = "$sha7-2" ] || fail "SHIPDECK_IMAGE_TAG is <sha7>-<build>"
grep -q "^publish | pushing app:$sha7-2 with token \*\*\*$" "$WORK/run2.txt" || fail "the secret is masked"
grep -q "hunter2" "$WORK/run2.txt" && fail "the secret leaked into the output"
grep -rq "hunter2" "$XDG_STATE_HOME" && fail "the secret leaked into the history"
grep -q "^build | building $(git rev-parse HEAD) on main, build 2, CI=true$" "$WORK/run2.txt" \
	|| fail "Drone variables and CI=true"
grep -q "^build 2 passed" "$WORK/run2.txt" || fail "build 2 passed"
ok "fixed and committed: passes, publish runs with SHIPDECK_IMAGE_TAG=$sha7-2"

sd pipeline run --tests --json >"$WORK/run3.json" || fail "the tests pass"
grep -q '"step":"publish"' "$WORK/run3.json" && fail "--tests runs nothing downstream"
grep -q '"step":"build","status":"passed"' "$WORK/run3.json" || fail "--tests runs what tests need"
grep -q '"tests_only":true' "$WORK/run3.json" || fail "marked tests only"
[ "$(ls "$PUBLISHED" | wc -l)" -eq 1 ] || fail "nothing published by --tests"
ok "--tests runs the test steps and their dependencies only"

sd pipeline ls --json >"$WORK/ls.json"
for n in 1 2 3; do grep -q "\"number\":$n," "$WORK/ls.json" || fail "ls has build $n"; done
sd pipeline ls | grep -q "^3 *passed *$sha7 *main *cli tests" || fail "ls text: $(sd pipeline ls)"
sd pipeline logs 1 test | grep -q "assertion failed: 2+2 is 5" || fail "logs N STEP"
sd pipeline logs 2 | grep -q "^-- publish: passed" || fail "logs N shows every step"
sd pipeline logs 2 --json | grep -q '"step":"publish","status":"passed","exit_code":0' || fail "logs --json"
ok "ls and logs read the history"

git -C "$R" checkout -q -b feature/login
sd pipeline run --commit HEAD~1 --json >"$WORK/run4.json" && fail "HEAD~1 has the bug"
grep -q "\"commit\":\"$(git rev-parse HEAD~1)\"" "$WORK/run4.json" || fail "--commit builds that commit"
grep -q '"branch":"feature/login"' "$WORK/run4.json" || fail "on the checked-out branch"
ok "--commit REV"
