#!/usr/bin/env bash
# The github backend against GitHub itself, for those who have a token:
# SHIPDECK_GITHUB_TOKEN and SHIPDECK_GITHUB_REPO (owner/name, with Actions
# runs) enable it; skipped otherwise (GitHub cannot be reached from CI
# here). Reads only: lists the runs, reads the newest run's job logs (a
# redirect to GitHub's log storage), and checks that --read-only refuses a
# re-run before anything is sent.
. "$(dirname "$0")/../../lib.sh"
[ -n "${SHIPDECK_GITHUB_TOKEN:-}" ] && [ -n "${SHIPDECK_GITHUB_REPO:-}" ] \
	|| sd_skip "set SHIPDECK_GITHUB_TOKEN and SHIPDECK_GITHUB_REPO to run it against GitHub"
sd_setup
R=$SD_TMP/app
mkdir -p "$R"
git -C "$R" init -q -b main
cat >"$R/.shipdeck.yml" <<YML
ci: {backend: github, repo: "$SHIPDECK_GITHUB_REPO", token_env: SHIPDECK_GITHUB_TOKEN}
YML
cd "$R"
"$SHIPDECK" pipeline ls --backend github >"$SD_TMP/ls.out" 2>"$SD_TMP/ls.err"
sd_check "ls exits 0" test $? = 0
sd_check "ls names the backend" grep -q "^github https://api.github.com $SHIPDECK_GITHUB_REPO" "$SD_TMP/ls.out"
n=$(awk 'NR == 3 { print $1 }' "$SD_TMP/ls.out")
if [ -n "$n" ]; then
	timeout 60 "$SHIPDECK" pipeline logs "$n" --backend github >"$SD_TMP/logs.out" 2>&1
	sd_check "logs of run $n" grep -q '^-- ' "$SD_TMP/logs.out"
	"$SHIPDECK" --read-only pipeline run "$n" --backend github 2>/dev/null
	sd_check "read-only: re-run refused (exit 4)" test $? = 4
fi
! grep -qF "$SHIPDECK_GITHUB_TOKEN" "$SD_TMP"/*.out "$SD_TMP"/*.err
sd_check "the token is never printed" test $? = 0
sd_done
