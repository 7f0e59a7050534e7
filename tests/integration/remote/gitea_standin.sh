#!/usr/bin/env bash
# Remote CI against a real Gitea whose runs are taken by a STAND-IN runner
# (tests/standin-runner: our own, over Gitea's runner protocol; act_runner
# itself is not on the Go module proxy, tests/README.md). What moves is real
# Gitea state: the pane (tmux, 100x40) shows the run queued → running → each
# job and step → failed, the failing step's log streaming while it runs, the
# dependent job skipped; b re-runs it (Gitea: attempt 2), t re-runs its
# failed jobs (attempt 3), and that attempt, cancelled in Gitea's web UI
# while it runs, shows cancelled.
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
      - name: compile
        run: echo compiling; sleep 1; echo compiled
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - name: unit
        run: for i in 1 2 3 4; do echo "test line $i"; sleep 1; done; echo FAIL; exit 1
  publish:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - name: push image
        run: echo pushed
YML
cat >"$R/.shipdeck.yml" <<YML
ci: {backend: gitea, url: "$GITEA_URL", repo: shipdeck/app, token_env: GITEA_TOKEN}
YML
git -C "$R" add -A
git -C "$R" -c user.name=Tester -c user.email=t@example.com commit -qm "a failing test"
cd "$R"
sd_tmux_start 100 40 "$SHIPDECK"
sd_check "the pane is up before the push" sd_tmux_wait "no runs yet" 20
git push -q "http://$GITEA_USER:$GITEA_TOKEN@${GITEA_URL#http://}/shipdeck/app.git" main 2>"$SD_TMP/push.err" \
	|| { cat "$SD_TMP/push.err"; sd_fail "git push"; sd_done; }
sd_check "the push's run, queued: no runner yet" sd_tmux_wait "○ #1    pending" 15
standin_start app
sd_check "the run in progress" sd_tmux_wait "#1    running" 20
sd_check "the failing step's log streams while it runs" sd_tmux_wait "test line 2" 20
sd_tmux_screen >"$SD_TMP/screen.live"
sd_check "…while the step is still running" grep -qE "(⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏) +unit +running" "$SD_TMP/screen.live"
sd_check "the log pane says live" grep -q "gitea #1 unit · live" "$SD_TMP/screen.live"
sd_check "then failed" sd_tmux_wait "✗ #1    failed" 30
sd_check "the build job passed" sd_tmux_wait "✓ build" 5
sd_check "the dependent job skipped" sd_tmux_wait "– publish" 5
sd_check "the whole log, ending with the failure" sd_tmux_wait "FAIL" 10
sd_tmux_screen >"$SD_TMP/screen.failed"
sed -n '1,14p' "$SD_TMP/screen.failed" | sed 's/^/# /'
"$SHIPDECK" pipeline logs 1 --backend gitea --json >"$SD_TMP/logs.json"
sd_check "logs --json: each job's log, the failure in the test job's" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["run"]==1 and d["status"]=="failed", d
t=[j for j in d["logs"] if j["name"]=="test"][0]
assert t["status"]=="failed" and t["lines"][-1].endswith("FAIL"), t' "$SD_TMP/logs.json"
"$SHIPDECK" pipeline logs 1 unit --backend gitea >"$SD_TMP/logs.out"
sd_check "logs N STEP: that step (its job's log)" grep -q "test line 4" "$SD_TMP/logs.out"
sd_tmux send-keys 1 b
sd_check "b: Gitea takes the re-run" sd_tmux_wait "run-pipeline gitea run #1: re-run asked" 15
sd_check "it runs again" sd_tmux_wait "#1    running" 20
sd_check "and fails again" sd_tmux_wait "✗ #1    failed" 40
sd_tmux send-keys t
sd_check "t: Gitea re-runs the failed jobs" sd_tmux_wait "run-pipeline gitea run #1: re-run failed jobs asked" 15
sd_check "the audit log: both re-runs with Gitea's 201" python3 -c '
import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])]
res=[r["message"] for r in recs if r["phase"]=="result" and r["target"]=="gitea run #1"]
u=sys.argv[2]+"/api/v1/repos/shipdeck/app/actions/runs/1/"
assert res==["re-run asked (POST "+u+"rerun: 201)","re-run failed jobs asked (POST "+u+"rerun-failed-jobs: 201)"], res' \
	"$XDG_STATE_HOME/shipdeck/audit.jsonl" "$GITEA_URL"
sd_check "Gitea: attempt 3 of run 1" python3 -c '
import json,sys; r=json.loads(sys.argv[1])["workflow_runs"][0]
assert r["run_attempt"]==3, r["run_attempt"]' "$(gitea_api GET /repos/shipdeck/app/actions/runs)"
# a running run cancelled (in Gitea's web UI: its API has no cancel, and x
# says so in remote-gitea_console): the stand-in stops the step, the pane
# shows the run cancelled
sd_check "attempt 3 runs" sd_tmux_wait "#1    running" 20
gitea_web_cancel app 1 || sd_fail "cancel through Gitea's web UI"
sd_check "cancelled while running: the pane shows it" sd_tmux_wait "⊘ #1    cancelled" 20
sd_tmux send-keys q
sd_done
