#!/bin/bash
# The disk under $XDG_STATE_HOME fills up while the console runs (a 1 MiB
# tmpfs in the console's own mount namespace, filled from outside through
# /proc/PID/root): an action and a build whose intent cannot be written to
# the audit log are not made, and say so on screen; the audit log and the
# history already written stay byte for byte as they were; with space again,
# both carry on.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
command -v tmux >/dev/null || skip "tmux not found"
command -v jq >/dev/null || skip "jq not found"
mkdir -p "$WORK/probe"
unshare -m mount -t tmpfs -o size=64k tmpfs "$WORK/probe" 2>/dev/null \
	|| skip "no private mount namespace with a tmpfs here (unshare -m, mount)"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml"

REPO=$WORK/app
git init -q -b main "$REPO"
printf 'kind: pipeline\ntype: exec\nsteps:\n- name: build\n  commands: [seq 1 200]\n' >"$REPO/.drone.yml"
git -C "$REPO" add .drone.yml
git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q -m "a pipeline"

# An audit log from earlier sessions, OLD bytes: tmpfs hands out 4 KiB pages,
# so build 1's intent and result still fit in its page and the next record
# needs a new page — from a full disk.
STATE=$XDG_STATE_HOME
OLD=3500
mkdir -p "$STATE"
jq -nc '{time: "2024-05-01T10:00:00Z", user: "ada", context: "prod", namespace: "default",
	action: "rollback", target: "deploy/web", from: "revision 3", to: "revision 2", result: "ok",
	message: ("x" * (3559 - 3750 + '"$OLD"'))}' >"$WORK/old-audit.jsonl"
[ "$(stat -c %s "$WORK/old-audit.jsonl")" = "$OLD" ] || fail "the old audit log is $(stat -c %s "$WORK/old-audit.jsonl") bytes"
cat >"$WORK/in-ns.sh" <<EOF
mount -t tmpfs -o size=1m tmpfs '$STATE' || exit 1
mkdir -p '$STATE/shipdeck' && cp '$WORK/old-audit.jsonl' '$STATE/shipdeck/audit.jsonl' || exit 1
exec '$SHIPDECK' --kubeconfig '$KC' --repo '$REPO'
EOF
cd "$WORK"
tmux_start unshare -m sh "$WORK/in-ns.sh"
wait_screen 20 'rev 1  *web-'
DISK=/proc/$TUI_PID/root$STATE/shipdeck
AUDIT=$DISK/audit.jsonl
[ ! -e "$STATE/shipdeck" ] || fail "the state folder is not the private tmpfs"

# pause-resume deploy/web, confirmed
toggle() {
	keys 4 Home Space
	wait_screen 5 'the rollout of deploy/web?'
	keys y
}
# b on the pipeline pane; waits for the build's row
build() {
	keys 1 b
	wait_screen 20 "$1"
}

build '✓ #1 '
wait_until 10 sh -c "[ \"\$(jq -s 'length' '$AUDIT' 2>/dev/null)\" = 3 ]" || fail "build 1 was not audited"
[ "$(stat -c %s "$AUDIT")" -le 4096 ] || fail "build 1's records end at $(stat -c %s "$AUDIT"), in a second page: adjust OLD"
[ "$(stat -c %s "$AUDIT")" -gt $((4096 - 200)) ] || fail "build 1's records end at $(stat -c %s "$AUDIT"): the next one fits in the page: adjust OLD"
wait_until 10 test -s "$DISK/repos/"*/builds/1/build.json || fail "build 1 has no history"
B1=$(dirname "$(ls "$DISK"/repos/*/builds/1/build.json)")
before=$(cd "$DISK" && find . -type f | sort | xargs sha256sum)

# the disk fills up
dd if=/dev/zero of="$DISK/filler" bs=64k 2>/dev/null || true
[ "$(stat -f -c %a "$DISK")" = 0 ] || fail "the tmpfs is not full"

toggle
wait_screen 10 'not done: it cannot be recorded: audit log'
screen_has 'No space left on device' || { screen; fail "the audit error does not say why"; }
note "audit: $(screen | grep -o 'pause-resume deploy/web: not done[^│]*' | head -1)"
[ "$(kc get deploy web -o jsonpath='{.spec.paused}')" != true ] || fail "the unrecorded pause was sent"
build 'run-pipeline .*No space left on device'
note "build: $(screen | grep -o 'run-pipeline .*No space left on device')"
screen_has '✓ #1 ' || fail "build 1 is no longer listed"

after=$(cd "$DISK" && find . -type f ! -name filler | sort | xargs sha256sum)
if [ "$before" != "$after" ]; then
	diff <(echo "$before") <(echo "$after")
	fail "what was written before the disk filled changed"
fi
jq -e . "$B1/build.json" >/dev/null || fail "build 1's build.json no longer parses"
note "the audit log and build 1 are byte for byte as before"

# space again: both carry on, the audit log stays one whole record per line
rm -f "$DISK/filler"
toggle
wait_until 10 sh -c "[ \"\$(jq -s 'length' '$AUDIT' 2>/dev/null)\" = 5 ]" || { cat "$AUDIT"; fail "the next action was not audited"; }
jq -se '.[3].phase == "intent" and .[4].phase == "result" and .[3].id == .[4].id
	and .[3].action == "pause-resume"' "$AUDIT" >/dev/null || { cat "$AUDIT"; fail "not an intent and its result"; }
[ "$(tail -c 1 "$AUDIT" | od -An -c | tr -d ' ')" = '\n' ] || fail "the audit log does not end with a newline"
build '✓ #2 '        # the refused build took no number: it never started
tmux_quit
echo "ok - a full disk is reported on screen and corrupts nothing already written"
