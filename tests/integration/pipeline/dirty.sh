#!/bin/bash
# Acceptance 2: a dirty work tree does not leak into a build (the build sees
# the committed file), and a build leaves the operator's tree — its files,
# its .git and `git status` — exactly as they were.
. "$(dirname "$0")/lib.sh"

R=$WORK/app
new_repo "$R"
cat >"$R/.drone.yml" <<'YML'
kind: pipeline
type: exec
steps:
- name: check
  commands:
  - cat version.txt
  - test "$(cat version.txt)" = committed
  - test ! -e untracked.txt
  - test "$(git rev-parse HEAD)" = "$DRONE_COMMIT_SHA"
  - echo build output > made-by-build.txt
YML
echo committed >"$R/version.txt"
commit_all "$R" "version"
echo "edited, not committed" >"$R/version.txt"
echo new >"$R/untracked.txt"
git -C "$R" status --porcelain=v2 --branch >"$WORK/status.before"
sleep 1.1    # mtimes: anything touched from now on is newer than the stamp
touch "$WORK/stamp"

cd "$R"
sd pipeline run >"$WORK/run.txt" 2>&1 || fail "the build of the commit passes: $(cat "$WORK/run.txt")"
grep -q "^check | committed$" "$WORK/run.txt" || fail "the build saw the committed file"
ok "the build saw the commit, not the dirty tree"

changed=$(find "$R" -newer "$WORK/stamp")
[ -z "$changed" ] || fail "the build wrote into the operator's tree: $changed"
[ ! -e "$R/made-by-build.txt" ] || fail "build output in the operator's tree"
[ "$(cat "$R/version.txt")" = "edited, not committed" ] || fail "the edit is intact"
git -C "$R" status --porcelain=v2 --branch >"$WORK/status.after"
cmp -s "$WORK/status.before" "$WORK/status.after" || fail "git status changed"
ok "nothing written into the operator's tree; git status unchanged"

W=$(ls -d "$XDG_CACHE_HOME"/shipdeck/work/app-*/1)
[ -f "$W/made-by-build.txt" ] || fail "the build ran in its own work folder ($W)"
ok "steps ran in the build's work folder under XDG_CACHE_HOME"
