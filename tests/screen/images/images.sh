#!/usr/bin/env bash
# The image tags pane in script mode against Debian's docker-registry, with
# the fixture of the integration test: goldens of the frame, the zoomed pane
# and a selection; then each failure as the pane shows it — registry down,
# wrong password, unknown repository, an unknown media type, a Link loop —
# with the program ending normally (no crash, no hang).
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/images/registry.sh"
cd "$SD_TMP"

reg_start open || exit 1
push_fixture || exit 1
git -C "$REPO" add .shipdeck.yml
git -C "$REPO" -c user.name=t -c user.email=t@t commit -qm "shipdeck settings"

cd "$REPO"
cat >"$SD_TMP/steps" <<STEPS
wait-for ${TAG[1]}
dump wide
key 3
key Enter
dump zoomed
key j j j
dump build3
key G
dump bottom
key Esc
resize 80x24
dump narrow
STEPS
sd_script 200x50 "$SD_TMP/steps"
sd_golden wide images/wide-200x50
sd_golden zoomed images/zoomed-200x50
sd_golden build3 images/build3-200x50
sd_golden narrow images/narrow-80x24
sd_check "the selection's details: growth over the previous build" \
	grep -q "grew 82% over build 2" "$SD_OUT/build3"
sd_check "G selects the last row: its details" \
	sh -c "tail -4 '$SD_OUT/bottom' | grep -q 'unknown provenance: not {sha7}-{build}; = ${TAG[3]}'"

# failure screens: the message in the pane, the console still answers q
fails() {
	local name=$1 text=$2
	printf 'key 3\nkey Enter\nwait-for %s\ndump %s\nkey q\n' "$text" "$name" >"$SD_TMP/steps"
	sd_script 120x30 "$SD_TMP/steps"
	sd_check "$name: the pane says '$text'" grep -qF "$text" "$SD_OUT/$name"
}
down=$(sd_free_port)
project_yml "$REPO" "127.0.0.1:$down/app"
fails down "registry http://127.0.0.1:$down/v2/ is not reachable"
project_yml "$REPO" "127.0.0.1:$REG_PORT/nope"
fails unknown-repo "unknown repository 'nope'"

reg_start locked alice pw || exit 1
project_yml "$REPO" "127.0.0.1:$REG_PORT/app" \
	$'registries:\n  127.0.0.1:'$REG_PORT$':\n    username_env: REG_USER\n    password_env: REG_PASS\n'
export REG_USER=alice REG_PASS=wrong
fails wrong-password "401: wrong user or password"
unset REG_USER REG_PASS

fake_start media || exit 1
project_yml "$REPO" "127.0.0.1:$FAKE_PORT/app"
fails media "unknown media type 'application/vnd.example.unknown+json'"
fake_start loop || exit 1
project_yml "$REPO" "127.0.0.1:$FAKE_PORT/app"
fails link-loop "Link header loop"
sd_done
