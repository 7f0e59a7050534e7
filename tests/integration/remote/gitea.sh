# A real Gitea (built by upstream/build from its Go module) on 127.0.0.1 for
# the remote CI tests: sqlite, INSTALL_LOCK, Actions enabled, its access log
# on (every request with method and path), a user, a token and a repository
# made through its CLI and API. No act_runner: gitea.com/gitea/act_runner is
# not on the Go module proxy (tests/README.md), so runs stay queued.
#
# Source after tests/lib.sh and sd_setup. Sets GITEA_URL, GITEA_PID,
# GITEA_TOKEN, GITEA_USER, GITEA_LOG (access log), GITEA_DIR.
#   gitea_start            starts it (skips the test when it is not built)
#   gitea_repo NAME        an empty repository of GITEA_USER
#   gitea_api METHOD PATH [JSON]   curl with the token; prints the body
#   gitea_web_cancel REPO RUN      cancels through the web UI (the API cannot)
#   gitea_stop             SIGTERM, and waits

# where upstream/build put it, and the module's folder (its templates): asked
# before sd_setup gives the test its own HOME (the caches are the user's)
GITEA_BIN_DIR=${SHIPDECK_UPSTREAM_BIN:-$("$SD_ROOT/upstream/build" --bin-dir)}
GITEA_STATIC=$("$SD_ROOT/upstream/build" --gitea-dir 2>/dev/null)

gitea_start() {
	local bin=$GITEA_BIN_DIR/gitea static=$GITEA_STATIC port i
	[ -x "$bin" ] && [ "$(cat "$GITEA_BIN_DIR/.gitea.version" 2>/dev/null)" = \
		"$(sed -n 's/^gitea=//p' "$SD_ROOT/upstream/versions")" ] \
		|| sd_skip "Gitea is not built: upstream/build (it builds code.gitea.io/gitea)"
	[ -d "$static/templates" ] || sd_skip "the Gitea module is not in the module cache (upstream/build --gitea-dir)"
	GITEA_DIR=$SD_TMP/gitea
	port=$(sd_free_port)
	GITEA_URL=http://127.0.0.1:$port
	mkdir -p "$GITEA_DIR/custom/conf" "$GITEA_DIR/log"
	cat >"$GITEA_DIR/custom/conf/app.ini" <<INI
APP_NAME = shipdeck-test
RUN_MODE = prod
WORK_PATH = $GITEA_DIR
I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true
[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = $port
ROOT_URL = $GITEA_URL/
STATIC_ROOT_PATH = $static
APP_DATA_PATH = $GITEA_DIR/data
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
[database]
DB_TYPE = sqlite3
PATH = $GITEA_DIR/data/gitea.db
[security]
INSTALL_LOCK = true
SECRET_KEY = shipdeck-test-secret-key
[repository]
ROOT = $GITEA_DIR/repos
[actions]
ENABLED = true
[service]
DISABLE_REGISTRATION = true
[mailer]
ENABLED = false
[indexer]
REPO_INDEXER_ENABLED = false
[log]
MODE = file
LEVEL = Info
ROOT_PATH = $GITEA_DIR/log
ENABLE_ACCESS_LOG = true
ACCESS = file
ACCESS_LOG_TEMPLATE = {{.Ctx.Req.Method}} {{.Ctx.Req.URL.RequestURI}} {{.ResponseWriter.Status}}
INI
	GITEA=$bin
	GITEA_LOG=$GITEA_DIR/log/access.log
	GITEA_WORK_DIR=$GITEA_DIR "$bin" web --config "$GITEA_DIR/custom/conf/app.ini" \
		>"$GITEA_DIR/stdout" 2>&1 &
	GITEA_PID=$!
	SD_PIDS+=("$GITEA_PID")
	for ((i = 0; i < 1200; i++)); do
		curl -fs "$GITEA_URL/api/v1/version" >/dev/null 2>&1 && break
		kill -0 "$GITEA_PID" 2>/dev/null || { tail -20 "$GITEA_DIR/stdout" "$GITEA_DIR"/log/*.log >&2; sd_fail "gitea exited"; sd_done; }
		sleep 0.1
	done
	curl -fs "$GITEA_URL/api/v1/version" >/dev/null || { sd_fail "gitea did not serve in 120 s"; sd_done; }
	GITEA_USER=shipdeck GITEA_PASSWORD=Shipdeck-test-1
	gitea_cli admin user create --username "$GITEA_USER" --password "$GITEA_PASSWORD" \
		--email shipdeck@example.com --admin --must-change-password=false >/dev/null \
		|| { sd_fail "gitea admin user create"; sd_done; }
	GITEA_TOKEN=$(gitea_cli admin user generate-access-token --username "$GITEA_USER" \
		--token-name tests --scopes all --raw) || { sd_fail "gitea: no token"; sd_done; }
}

gitea_cli() {
	GITEA_WORK_DIR=$GITEA_DIR "$GITEA" --config "$GITEA_DIR/custom/conf/app.ini" "$@"
}

gitea_api() {
	local method=$1 path=$2 body=${3:-}
	curl -fsS -X "$method" -H "Authorization: token $GITEA_TOKEN" \
		-H 'Content-Type: application/json' ${body:+--data "$body"} "$GITEA_URL/api/v1$path"
}

gitea_repo() {
	gitea_api POST /user/repos "{\"name\":\"$1\",\"auto_init\":false}" >/dev/null
}

# gitea_web_cancel RUN: cancels a run in Gitea's web UI, signed in as a
# person would be (its API has no cancel): how a test gets a finished run
# without a runner
gitea_web_cancel() {
	local jar=$GITEA_DIR/cookies
	curl -fs -c "$jar" -b "$jar" -o /dev/null -X POST \
		--data-urlencode "user_name=$GITEA_USER" --data-urlencode "password=$GITEA_PASSWORD" \
		"$GITEA_URL/user/login" \
		&& curl -fs -c "$jar" -b "$jar" -o /dev/null -X POST "$GITEA_URL/$GITEA_USER/$1/actions/runs/$2/cancel"
}

gitea_stop() {
	kill "$GITEA_PID" 2>/dev/null
	wait "$GITEA_PID" 2>/dev/null
	return 0
}

# The stand-in runner (tests/standin-runner, NOT act_runner: see its
# main.go), built once into the user's cache, before sd_setup changes HOME.
STANDIN_SRC=$SD_ROOT/tests/standin-runner
STANDIN_BIN=${XDG_CACHE_HOME:-$HOME/.cache}/shipdeck/standin-runner/$(cat "$STANDIN_SRC"/go.mod "$STANDIN_SRC"/go.sum "$STANDIN_SRC"/main.go | sha1sum | cut -c1-12)/standin-runner

# standin_start REPO: builds it when missing, registers it with REPO's
# registration token (Gitea's API) and starts it.
standin_start() {
	local rt
	if [ ! -x "$STANDIN_BIN" ]; then
		command -v go >/dev/null || sd_skip "go is not installed (the stand-in runner is built with it)"
		(cd "$STANDIN_SRC" && HOME=$SD_HOME_ORIG XDG_CACHE_HOME=$SD_CACHE_ORIG nice go build -o "$STANDIN_BIN" .) \
			|| { sd_fail "the stand-in runner did not build"; sd_done; }
	fi
	rt=$(gitea_api POST "/repos/$GITEA_USER/$1/actions/runners/registration-token" \
		| python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') \
		|| { sd_fail "no runner registration token"; sd_done; }
	"$STANDIN_BIN" --url "$GITEA_URL" --token "$rt" >"$GITEA_DIR/standin.log" 2>&1 &
	SD_PIDS+=($!)
}
SD_HOME_ORIG=$HOME
SD_CACHE_ORIG=${XDG_CACHE_HOME:-$HOME/.cache}
