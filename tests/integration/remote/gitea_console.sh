#!/usr/bin/env bash
# Remote CI against a real Gitea (issue 17), as far as it goes without a
# runner: a push creates a run, which stays queued (no act_runner here); the
# headless commands and the pipeline pane (tmux) show it; the pane's x and b
# go through the gate to Gitea's API and its answer is shown in one line;
# --read-only sends no POST (Gitea's access log); a wrong token, an unknown
# repository and the server going away mid-run are one clear line each, and
# the other panes keep working. One Gitea for all of it.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/gitea.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
gitea_start
gitea_repo app
export GITEA_TOKEN

R=$SD_TMP/app
mkdir -p "$R/.gitea/workflows"
git -C "$R" init -q -b main
cat >"$R/.gitea/workflows/ci.yml" <<'YML'
name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo build
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo test
  publish:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: echo publish
YML
cat >"$R/.shipdeck.yml" <<YML
ci: {backend: gitea, url: "$GITEA_URL", repo: shipdeck/app, token_env: GITEA_TOKEN}
YML
git -C "$R" add -A
git -C "$R" -c user.name=Tester -c user.email=t@example.com commit -qm "build, test, publish"
git -C "$R" push -q "http://$GITEA_USER:$GITEA_TOKEN@${GITEA_URL#http://}/shipdeck/app.git" main \
	2>"$SD_TMP/push.err" || { cat "$SD_TMP/push.err"; sd_fail "git push to gitea"; sd_done; }
cd "$R"

# 1. a push creates a run: Gitea's own API says so, then ours
for ((i = 0; i < 100; i++)); do
	n=$(gitea_api GET /repos/shipdeck/app/actions/runs | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_count"])' 2>/dev/null)
	[ "${n:-0}" -ge 1 ] && break
	sleep 0.1
done
sd_check "the push created a run in Gitea" test "${n:-0}" -ge 1

"$SHIPDECK" pipeline ls --backend gitea >"$SD_TMP/ls.out" 2>"$SD_TMP/ls.err"
sd_check "pipeline ls --backend gitea exits 0" test $? = 0
sd_check "ls names the backend" grep -q "^gitea $GITEA_URL shipdeck/app" "$SD_TMP/ls.out"
sd_check "ls shows run 1 pending on main, a push" grep -qE '^1 +pending +[0-9a-f]{7} +main +push' "$SD_TMP/ls.out"
"$SHIPDECK" pipeline ls --backend gitea --json >"$SD_TMP/ls.json"
sd_check "ls --json: the run with its id and status" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); r=d["runs"][0]
assert r["number"]==1 and r["status"]=="pending" and r["id"]>0, r' "$SD_TMP/ls.json"
"$SHIPDECK" pipeline logs 1 --backend gitea >"$SD_TMP/logs.out" 2>&1
sd_check "logs: every job, queued" grep -q -- "-- build: pending" "$SD_TMP/logs.out"
sd_check "the request shape Gitea logged is the Actions one" \
	grep -q "^GET /api/v1/repos/shipdeck/app/actions/runs?page=1&per_page=30 200" "$GITEA_LOG"
sd_check "the jobs of the run by its id" \
	grep -qE "^GET /api/v1/repos/shipdeck/app/actions/runs/[0-9]+/jobs 200" "$GITEA_LOG"

# the screen golden (script mode): commits normalised (and, as on every
# screen, ports and times)
. "$SD_TESTS/screen/pipeline/repo.sh"
norm_for "$R"
cat >"$SD_TMP/steps" <<'STEPS'
wait-for #1
wait-for ○ publish
dump queued
STEPS
sd_script 100x30 "$SD_TMP/steps"
sd_golden queued pipeline/remote-gitea-100x30 "$NORM"

# 2. the console: the pane names the backend, shows the run queued and its jobs
sd_tmux_start 160 40 "$SHIPDECK"
sd_check "the pane names the backend" sd_tmux_wait "gitea $GITEA_URL shipdeck/app" 20
sd_check "run #1 pending" sd_tmux_wait "○ #1 " 20
sd_check "its jobs" sd_tmux_wait "○ publish" 20
sd_tmux_screen >"$SD_TMP/screen.queued"
# x: through the gate (confirm, audit) to POST …/cancel; Gitea 1.27's API has
# no cancel (only its web UI's session route): its 404 is the line shown
sd_tmux send-keys 1 x
sd_check "x asks first" sd_tmux_wait "Cancel run #1" 10
sd_tmux send-keys y
sd_check "x: Gitea's answer in one line naming the URL" \
	sd_tmux_wait "cancel gitea run #1: 404 Not Found: the server has no such run, or no such endpoint: POST $GITEA_URL/api/v1/repos/" 15
sd_check "the POST reached Gitea" grep -qE "^POST /api/v1/repos/shipdeck/app/actions/runs/[0-9]+/cancel 404" "$GITEA_LOG"
sd_check "Gitea still shows the run queued (its API cannot cancel)" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["workflow_runs"][0]["status"]=="queued", d["workflow_runs"][0]["status"]' \
	"$(gitea_api GET /repos/shipdeck/app/actions/runs)"
sd_check "the audit log has the intent and the result" python3 -c '
import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])]
c=[r for r in recs if r["action"]=="cancel" and "gitea run #1" in r["target"]]
assert [r["phase"] for r in c]==["intent","result"] and c[1]["result"]=="failed", c
assert c[1]["message"].endswith("POST "+sys.argv[2]+"/api/v1/repos/shipdeck/app/actions/runs/1/cancel"), c[1]' \
	"$XDG_STATE_HOME/shipdeck/audit.jsonl" "$GITEA_URL"
# b: re-run, answered by Gitea as it answers a run still queued
sd_tmux send-keys b
sd_check "b: Gitea's answer to a re-run: not while it is queued" \
	sd_tmux_wait "run-pipeline gitea run #1: HTTP 400: this workflow run is not done: POST $GITEA_URL/api/v1/repos/" 15
sd_tmux_screen >"$SD_TMP/screen.rerun"
# Gitea's web UI cancels it (signed in, as a person would; its API cannot):
# the pane shows the run cancelled, and b re-runs it: Gitea takes it (201)
# and the run is queued again, its second attempt
gitea_web_cancel app 1 || sd_fail "cancel through Gitea's web UI"
sd_check "cancelled in Gitea's web UI: the pane shows it" sd_tmux_wait "⊘ #1 " 15
sd_tmux send-keys b
sd_check "b: Gitea takes the re-run (201)" sd_tmux_wait \
	"run-pipeline gitea run #1: re-run asked (POST $GITEA_URL/api/v1/repos/shipdeck/app/actions/runs/1/rerun: 201)" 15
sd_check "queued again in the pane" sd_tmux_wait "○ #1 " 15
sd_check "Gitea: queued, attempt 2" python3 -c '
import json,sys; r=json.loads(sys.argv[1])["workflow_runs"][0]
assert r["status"]=="queued" and r["run_attempt"]==2, (r["status"], r["run_attempt"])' \
	"$(gitea_api GET /repos/shipdeck/app/actions/runs)"
sd_tmux send-keys P
sd_check "P: promotion is Drone's" sd_tmux_wait "promote: a Drone build's (gitea deploys through a workflow)" 5
sd_tmux send-keys q
sleep 0.3

# 3. --read-only: no POST leaves the program (Gitea's access log)
before=$(grep -c '^POST ' "$GITEA_LOG")
sd_tmux_start 160 40 "$SHIPDECK" --read-only
sd_tmux_wait "○ #1 " 20
sd_tmux send-keys 1 x
sd_check "read-only: x refused in the pane" sd_tmux_wait "read-only: cancel disabled" 5
sd_tmux send-keys b
sd_check "read-only: b refused" sd_tmux_wait "read-only: run-pipeline disabled" 5
sd_tmux send-keys P
sd_check "read-only: P refused" sd_tmux_wait "read-only: ci-promote disabled" 5
sd_tmux send-keys q
"$SHIPDECK" --read-only pipeline cancel 1 --backend gitea 2>"$SD_TMP/ro.err"
sd_check "read-only: pipeline cancel exits 4" test $? = 4
"$SHIPDECK" --read-only pipeline run 1 --backend gitea 2>>"$SD_TMP/ro.err"
sd_check "read-only: pipeline run exits 4" test $? = 4
sleep 0.3
sd_check "read-only: no POST reached Gitea" test "$(grep -c '^POST ' "$GITEA_LOG")" = "$before"

# 4. errors: a wrong token, an unknown repository: one line naming the URL
GITEA_TOKEN=wrong-token-0123 "$SHIPDECK" pipeline ls --backend gitea 2>"$SD_TMP/401.err"
sd_check "401: exit 1" test $? = 1
sd_check "401: named with the URL" grep -q "gitea: 401 Unauthorized: the token was refused .*: GET $GITEA_URL/api/v1/repos/shipdeck/app/actions/runs" "$SD_TMP/401.err"
sed 's/^/# /' "$SD_TMP/401.err"
sed -i "s#repo: shipdeck/app#repo: shipdeck/nope#" .shipdeck.yml
timeout 20 "$SHIPDECK" pipeline ls --backend gitea 2>"$SD_TMP/404.err"
sd_check "unknown repository: exit 1" test $? = 1
sd_check "unknown repository: 404 naming it" grep -q "404 Not Found: no repository shipdeck/nope" "$SD_TMP/404.err"
sed 's/^/# /' "$SD_TMP/404.err"
git checkout -q .shipdeck.yml

# 5. the server goes away mid-run: the pane says so, nothing hangs, the other
# panes keep working
sd_tmux_start 160 40 "$SHIPDECK"
sd_tmux_wait "○ #1 " 20
gitea_stop
sd_check "server down: one line saying so" sd_tmux_wait "gitea: cannot reach the server (is it up?)" 20
"$SHIPDECK" pipeline ls --backend gitea 2>"$SD_TMP/down.err"
sd_check "server down, headless: exit 1" test $? = 1
sd_check "server down, headless: the line names the URL" \
	grep -q "gitea: cannot reach the server (is it up?): .*: GET $GITEA_URL/api/v1/repos/shipdeck/app/actions/runs" "$SD_TMP/down.err"
sed 's/^/# /' "$SD_TMP/down.err"
sd_tmux send-keys 3
sd_check "another pane still answers (images focused)" sd_tmux_wait "▶3 Image tags" 5
sd_tmux send-keys '?'
sd_check "help still opens" sd_tmux_wait "ci-promote" 5
sd_tmux send-keys Escape 1
sd_check "back to the pipeline pane" sd_tmux_wait "▶1 Pipeline" 5
sd_check "the last runs stay on screen" sd_tmux_wait "○ #1 " 5
start=$(date +%s%N)
sd_tmux send-keys q
for ((i = 0; i < 50; i++)); do sd_tmux list-panes >/dev/null 2>&1 || break; sleep 0.1; done
sd_check "q quits at once with the server gone (no hang)" test $i -lt 50

# the token never shows: not on screens, not in outputs, not in the audit log
! grep -rqF "$GITEA_TOKEN" "$SD_TMP"/*.out "$SD_TMP"/*.err "$SD_TMP"/screen.* \
	"$XDG_STATE_HOME/shipdeck/audit.jsonl" 2>/dev/null
sd_check "the token is never printed" test $? = 0
sd_done
