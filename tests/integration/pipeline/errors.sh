#!/bin/bash
# Exit codes and messages: a bad pipeline file exits 2 naming file:line:col
# and the key; usage errors exit 2; --read-only exits 4; a missing secret
# fails its step and says how to set it.
. "$(dirname "$0")/lib.sh"

R=$WORK/app
new_repo "$R"
cd "$R"

# expect CODE PATTERN ARGS...: exit code and a line of stderr.
expect() {
	code=$1 pattern=$2
	shift 2
	rc=0
	sd "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	[ "$rc" -eq "$code" ] || fail "shipdeck $*: exit $rc, want $code ($(cat "$WORK/err"))"
	[ -z "$pattern" ] || grep -q -- "$pattern" "$WORK/err" || fail "shipdeck $*: stderr '$(cat "$WORK/err")' lacks '$pattern'"
}

printf 'hello\n' >README
commit_all "$R" "no pipeline yet"
expect 2 "commit [0-9a-f]\{7\} has no .drone.yml" pipeline run
ok "no pipeline file in the commit: exit 2"

write() {
	printf '%s' "$1" >.drone.yml
	commit_all "$R" "pipeline"
}
write 'kind: pipeline
steps:
- name: test
  commands: [make test]
  comand: oops
'
expect 2 "\.drone\.yml:5:3: unknown key 'comand' in pipeline 'default'.steps\[0\] (test)" pipeline run
write 'kind: pipeline
steps:
- name: build
  commands: [make]
- name: test
  commands: [make test]
  depends_on: [biuld]
'
expect 2 "\.drone\.yml:7:16: .*depends on 'biuld', but there is no step named 'biuld'" pipeline run
write 'kind: pipeline
steps:
- name: a
  commands: [x]
  depends_on: [b]
- name: b
  commands: [x]
  depends_on: [a]
'
expect 2 "\.drone\.yml:5:15: .*depends_on makes a cycle: a → b → a" pipeline run
write 'kind: pipeline
steps:
- name: a
  commands: [x]
  environment: [A, B]
'
expect 2 "\.drone\.yml:5:16: .*environment: expected a mapping, found a list" pipeline run
ok "a bad pipeline file: exit 2 with file:line:col and the key"
[ ! -d "$XDG_STATE_HOME/shipdeck/repos" ] || [ -z "$(ls "$XDG_STATE_HOME"/shipdeck/repos/*/builds)" ] \
	|| fail "a file that does not parse takes no build number"
ok "and no build number is taken"

expect 2 "unknown flag '--fast'" pipeline run --fast
expect 2 "usage: shipdeck pipeline logs N" pipeline logs
expect 2 "usage: shipdeck pipeline" pipeline frobnicate
expect 2 "no commit 'nope'" pipeline run --commit nope
expect 4 "read-only: run-pipeline disabled" --read-only pipeline run
expect 4 "read-only: run-tests disabled" pipeline run --tests --read-only
expect 1 "no build 9" pipeline logs 9
ok "usage errors exit 2, --read-only exits 4"

write 'kind: pipeline
type: exec
steps:
- name: deploy
  environment:
    KUBE_TOKEN: {from_secret: kube_token}
  commands: [echo deploying]
'
expect 1 "" pipeline run
sd pipeline logs 1 deploy | grep -q "shipdeck: secret 'kube_token' (for KUBE_TOKEN) is not set: export kube_token or add it to .*/shipdeck/secrets.yaml" \
	|| fail "the missing secret is named in the step's log: $(sd pipeline logs 1 deploy)"
kube_token=abc sd pipeline run >/dev/null || fail "the secret from the environment"
ok "a missing secret fails its step and says how to set it"

cd "$WORK"
expect 2 "no repository" pipeline ls
ok "outside a repository: exit 2"
