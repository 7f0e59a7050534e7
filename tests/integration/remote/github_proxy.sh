#!/usr/bin/env bash
# The github backend's GitHub-only behaviours, with a real Gitea behind
# actions_proxy.py (Gitea serves the runs; the proxy adds GitHub's ETags, rate
# limit headers, the 403 when the limit is spent, the job log's redirect to
# another host, and a small per_page so that Gitea's own Link header pages):
# the same client code path as the gitea backend, only the root differs.
# Checks: Link pagination, If-None-Match polling answered 304, the rate limit
# shown and waited for (no requests meanwhile), the log fetched from the
# other host without the token.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/gitea.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
gitea_start
gitea_repo app

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
YML
remote="http://$GITEA_USER:$GITEA_TOKEN@${GITEA_URL#http://}/shipdeck/app.git"
for n in 1 2; do
	echo "$n" >"$R/n"
	git -C "$R" add -A
	git -C "$R" -c user.name=Tester -c user.email=t@example.com commit -qm "change $n"
	git -C "$R" push -q "$remote" main 2>"$SD_TMP/push.err" || { cat "$SD_TMP/push.err"; sd_fail "push $n"; sd_done; }
done
for ((i = 0; i < 100; i++)); do
	n=$(gitea_api GET /repos/shipdeck/app/actions/runs | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_count"])' 2>/dev/null)
	[ "${n:-0}" -ge 2 ] && break
	sleep 0.1
done
sd_check "two pushes, two runs in Gitea" test "${n:-0}" -ge 2

python3 "$SD_TESTS/integration/remote/actions_proxy.py" --upstream "$GITEA_URL" --token "$GITEA_TOKEN" \
	--port-file "$SD_TMP/proxy.port" --log "$SD_TMP/proxy.log" --mode "$SD_TMP/mode" --per-page 1 &
SD_PIDS+=($!)
for ((i = 0; i < 50; i++)); do [ -s "$SD_TMP/proxy.port" ] && break; sleep 0.1; done
P=http://127.0.0.1:$(cat "$SD_TMP/proxy.port")
cat >"$R/.shipdeck.yml" <<YML
ci: {backend: github, url: "$P/api/v1", repo: shipdeck/app, token_env: GH_TEST_TOKEN}
YML
export GH_TEST_TOKEN=$GITEA_TOKEN
cd "$R"

# Link: page 1 (one run, per_page=1) names page 2 on Gitea; both are read
"$SHIPDECK" pipeline ls --backend github >"$SD_TMP/ls.out" 2>"$SD_TMP/ls.err"
sd_check "ls --backend github exits 0" test $? = 0
sd_check "the newest run from page 1" grep -qE '^2 +pending' "$SD_TMP/ls.out"
sd_check "the next from page 2, by Link" grep -qE '^1 +pending' "$SD_TMP/ls.out"
sd_check "page 2 asked where Link pointed (the proxy, on the API's origin)" \
	grep -qE '"path": "/api/v1/repos/shipdeck/app/actions/runs\?(limit=1&page=2|page=2&limit=1)".*"status": 200' "$SD_TMP/proxy.log"

# the console: polled with If-None-Match, answered 304
sd_tmux_start 160 40 env GH_TEST_TOKEN="$GH_TEST_TOKEN" "$SHIPDECK"
sd_check "the pane names the backend" sd_tmux_wait "github $P/api/v1 shipdeck/app" 20
sd_check "both runs listed" sd_tmux_wait "○ #1 " 20
sd_check "the rate limit left is shown" sd_tmux_wait "rate limit: 4999 left" 10
for ((i = 0; i < 100; i++)); do
	grep -q '"if_none_match": "\\"[0-9a-f]*\\"".*"status": 304' "$SD_TMP/proxy.log" && break
	sleep 0.1
done
sd_check "the list is polled with If-None-Match and answered 304" \
	grep -q '"if_none_match": "\\"[0-9a-f]*\\"".*"status": 304' "$SD_TMP/proxy.log"
sd_check "the log: a redirect to another host, followed without the token" python3 -c '
import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])]
r=[x for x in recs if x["path"].startswith("/_log/")]
assert r and not r[0]["authorization"] and r[0]["host"].startswith("localhost:"), r
api=[x for x in recs if x["path"].startswith("/api/")]
assert all(x["authorization"] for x in api), "an API request without the token"' "$SD_TMP/proxy.log"
sd_check "the log pane shows what the log host answered" sd_tmux_wait "no log yet: build has not started" 10

# the limit spent: one line with the reset, the runs stay, and no request
# until the reset (the proxy would answer 403 to each)
echo ratelimit >"$SD_TMP/mode"
sd_check "rate limit: one line with its reset" sd_tmux_wait "github: 403 rate limit reached: 0 requests left, resets at" 10
sd_check "the runs stay on screen" sd_tmux_wait "○ #2 " 2
sent=$(grep -c . "$SD_TMP/proxy.log")
sleep 5
sd_check "no request while the limit is spent (waits for the reset)" test "$(grep -c . "$SD_TMP/proxy.log")" = "$sent"
sd_tmux send-keys q
"$SHIPDECK" pipeline ls --backend github 2>"$SD_TMP/rl.err"
sd_check "headless: exit 1 with the line" test $? = 1
sd_check "headless: the line names the URL" grep -q "rate limit reached: 0 requests left, resets at .*: GET $P/api/v1/repos/shipdeck/app/actions/runs" "$SD_TMP/rl.err"
sed 's/^/# /' "$SD_TMP/rl.err"
! grep -rqF "$GITEA_TOKEN" "$SD_TMP"/*.out "$SD_TMP"/*.err "$SD_TMP/proxy.log"
sd_check "the token is never printed" test $? = 0
sd_done
