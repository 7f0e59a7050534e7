#!/bin/bash
# shipdeck pipeline lint (issue 15) on 38 real .drone.yml files kept byte
# for byte in tests/fixtures/drone-corpus (sources in its SOURCES file):
# every one loads (exit 0), and each pipeline's services and steps come out
# in the order of tests/fixtures/drone-corpus/GOLDEN (checked against the
# files by hand). Then the error side: a typo exits 2 with file:line:col and
# "did you mean", a 0.8 matrix is refused in one line, --json on both.
. "$(dirname "$0")/lib.sh"

CORPUS=$(cd "$(dirname "$0")/../../fixtures/drone-corpus" && pwd)
listing() {
	for f in "$CORPUS"/*.drone.yml; do
		echo "== $(basename "$f")"
		sd --json pipeline lint "$f" >"$WORK/lint.json" || { echo "exit $?"; continue; }
		python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for p in doc["pipelines"]:
    names = [("service:" if s["kind"] == "service" else "") + s["name"] for s in p["steps"]]
    print("%s: %s" % (p["name"], " | ".join(names)))
' "$WORK/lint.json"
	done
}
listing >"$WORK/listing"
n=$(ls "$CORPUS"/*.drone.yml | wc -l)
[ "$n" -ge 30 ] || fail "the corpus has $n files, want at least 30"
! grep -q '^exit ' "$WORK/listing" || fail "some files do not load: $(grep -B1 '^exit ' "$WORK/listing")"
diff -u "$CORPUS/GOLDEN" "$WORK/listing" || fail "the plans differ from GOLDEN"
ok "all $n corpus files load; their plans' step names and order match GOLDEN"

# the text form names the pipelines, the steps and the ignored keys
sd pipeline lint "$CORPUS/15cm__thanatosns.drone.yml" >"$WORK/text" || fail "lint text"
grep -q '^pipeline ' "$WORK/text" || fail "no pipeline line: $(cat "$WORK/text")"
grep -q '! `concurrency`: ignored by the local runner' "$WORK/text" || fail "no concurrency notice: $(cat "$WORK/text")"
ok "the text form lists what the local runner ignores"

cd "$WORK"
printf 'kind: pipeline\nsteps:\n- name: a\n  comands: [x]\n' >typo.yml
rc=0
sd pipeline lint typo.yml 2>"$WORK/err" >/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "a typo: exit $rc, want 2"
grep -q "typo.yml:4:3: unknown key 'comands' in pipeline 'default'.steps\[0\] (a); did you mean 'commands'?" "$WORK/err" || fail "typo message: $(cat "$WORK/err")"
rc=0
sd --json pipeline lint typo.yml >"$WORK/out" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "a typo with --json: exit $rc, want 2"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"].startswith("typo.yml:4:3:"), d' "$WORK/out" || fail "--json error: $(cat "$WORK/out")"
ok "a typo exits 2 with file:line:col and did you mean, in text and JSON"

printf 'pipeline:\n  test:\n    image: golang\n    commands: [go test]\nmatrix:\n  GO: [1.20, 1.21]\n' >matrix.yml
rc=0
sd pipeline lint matrix.yml 2>"$WORK/err" >/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "a 0.8 matrix: exit $rc, want 2"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "the refusal is not one line: $(cat "$WORK/err")"
grep -q "matrix.yml:5:1: this is a Drone 0.8 file with a build matrix" "$WORK/err" || fail "matrix message: $(cat "$WORK/err")"
ok "a Drone 0.8 build matrix is refused in one line"

# without FILE: the repository's pipeline file
new_repo "$WORK/app"
cp "$CORPUS/1995parham__eltravel.drone.yml" "$WORK/app/.drone.yml"
(cd "$WORK/app" && sd pipeline lint) >"$WORK/text" || fail "lint in a repository"
grep -q '^\.drone\.yml: 1 pipeline' "$WORK/text" || fail "lint without FILE: $(cat "$WORK/text")"
ok "without FILE, lint reads the repository's pipeline file"
