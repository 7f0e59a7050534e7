# The one library of shipdeck's shell tests (screen, tmux, integration).
# Source it, then call sd_setup. Every test gets a private HOME and XDG folders,
# a fixed terminal and time zone, and kills what it started on exit. The
# libraries of a test area (integration/*/lib.sh) build on it and add only
# what their area needs (a sandbox, a repository, Prometheus).
#
#   SHIPDECK       the binary under test (default: ../build/shipdeck)
#   UPDATE_GOLDEN  set to 1 to rewrite golden files instead of comparing
#   KEEP_TMP       set to keep the test's folder (KEEP_WORK says the same)

set -u

SD_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SD_ROOT=$(cd "$SD_TESTS/.." && pwd)
: "${SHIPDECK:=$SD_ROOT/build/shipdeck}"
: "${SHIPDECK_SANDBOX:=$(dirname "$SHIPDECK")/shipdeck-sandbox}"
. "$SD_TESTS/cluster.sh"
SD_PIDS=()
SD_TMUX=""
SD_TMUX_SERVERS=()
SD_EXIT_HOOKS=()
SD_KEEP_ON_FAILURE=""
SD_FAILED=0

# sd_track PID: a background process to stop on exit.
sd_track() {
	SD_PIDS+=("$1")
}

# sd_untrack PID: one the test has stopped itself (its pid may be reused).
sd_untrack() {
	local kept=() pid
	for pid in "${SD_PIDS[@]}"; do
		[ "$pid" = "$1" ] || kept+=("$pid")
	done
	SD_PIDS=("${kept[@]}")
}

# sd_on_exit FUNCTION: runs first on exit, with SD_RC the test's exit status
# (e.g. to show a server's log when the test failed).
sd_on_exit() {
	SD_EXIT_HOOKS+=("$1")
}

sd_cleanup() {
	SD_RC=$?
	local pid h s
	# every step may fail (a process already gone): none may stop the rest
	for h in "${SD_EXIT_HOOKS[@]}"; do
		"$h" || true
	done
	for s in "$SD_TMUX" "${SD_TMUX_SERVERS[@]}"; do
		[ -z "$s" ] || command tmux -L "$s" kill-server 2>/dev/null || true
	done
	for pid in "${SD_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${SD_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "${SD_TMP:-}" ]; then
		if [ -n "${KEEP_TMP:-}${KEEP_WORK:-}" ] \
		   || { [ -n "$SD_KEEP_ON_FAILURE" ] && [ "$SD_RC" != 0 ] && [ "$SD_RC" != 77 ]; }; then
			echo "# kept $SD_TMP" >&2
		else
			rm -rf "$SD_TMP"
		fi
	fi
	return "$SD_RC"
}

# sd_setup [NAME]: the test's folder ($SD_TMP, /tmp/NAME.XXXXXX), a
# hermetic HOME, XDG folders and kubectl cache, UTC, UTF-8, a known TERM.
sd_setup() {
	SD_TMP=$(mktemp -d "/tmp/${1:-shipdeck-test}.XXXXXX")
	# short paths: a message that names a file (the audit log) fits the status bar
	export HOME=$SD_TMP/home
	export XDG_CONFIG_HOME=$SD_TMP/config XDG_STATE_HOME=$SD_TMP/state
	export XDG_CACHE_HOME=$SD_TMP/cache
	mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
	export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
	unset NO_COLOR KUBECONFIG
	export KUBECACHEDIR=$SD_TMP/kubecache
	trap sd_cleanup EXIT
}

sd_fail() {
	echo "not ok: $*" >&2
	SD_FAILED=1
}

sd_pass() {
	echo "ok: $*"
}

# sd_check DESCRIPTION COMMAND...: runs the command, reports.
sd_check() {
	local what=$1
	shift
	if "$@"; then sd_pass "$what"; else sd_fail "$what"; fi
}

sd_done() {
	exit "$SD_FAILED"
}

# Skips the whole test (meson counts exit 77 as skipped).
sd_skip() {
	echo "skip: $*"
	exit 77
}

# sd_script COLSxLINES STEPS_FILE [ARGS...]: runs the console in script mode;
# dumps land in $SD_OUT.
sd_script() {
	local size=$1 steps=$2
	shift 2
	SD_OUT=$SD_TMP/out
	mkdir -p "$SD_OUT"
	COLUMNS=${size%x*} LINES=${size#*x} SHIPDECK_SCRIPT=$steps SHIPDECK_SCRIPT_OUT=$SD_OUT \
		timeout 60 "$SHIPDECK" "$@" </dev/null
	local code=$?
	[ "$code" = 0 ] || sd_fail "shipdeck $* in script mode exited $code"
	return "$code"
}

# sd_normalise FILE [SED]: the file as its golden has it: through SED
# first, then tests/golden/normalise.sed.
sd_normalise() {
	sed -E "${2:-}" "$1" | sed -E -f "$SD_TESTS/golden/normalise.sed"
}

# sd_golden DUMP NAME [SED]: compares a screen dump with its golden,
# tests/golden/NAME (AREA/SCREEN-COLSxLINES: tests/golden/README.md). DUMP
# is a file, or a dump's name in $SD_OUT. The dump goes through SED (what
# only this test knows: its commits' hashes), then through the one
# normaliser, tests/golden/normalise.sed (what changes run to run on every
# screen). On the upstream control plane NAME.upstream is the golden where
# there is one. UPDATE_GOLDEN=1 rewrites the golden instead.
sd_golden() {
	local dump=$1 golden=$SD_TESTS/golden/$2 norm=${3:-}
	local got=$SD_TMP/golden.got
	case $dump in */*) ;; *) dump=$SD_OUT/$dump ;; esac
	if [ ! -f "$dump" ]; then
		sd_fail "screen $(basename "$dump") was not dumped"
		return 0
	fi
	if cluster_is_upstream && { [ -e "$golden.upstream" ] || [ "${UPDATE_GOLDEN:-}" = 1 ]; }; then
		golden=$golden.upstream
	fi
	sd_normalise "$dump" "$norm" >"$got"
	if [ "${UPDATE_GOLDEN:-}" = 1 ] && [ "$golden" != "${golden%.upstream}" ] \
	   && cmp -s "${golden%.upstream}" "$got"; then
		rm -f "$golden"     # the same on both clusters: one golden
		sd_pass "golden ${golden%.upstream} holds on both clusters"
	elif [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		mkdir -p "$(dirname "$golden")"
		cp "$got" "$golden"
		sd_pass "golden $golden updated"
	elif diff -u "$golden" "$got"; then
		sd_pass "screen $(basename "$dump") matches $2"
	else
		sd_fail "screen $(basename "$dump") differs from $golden"
	fi
}

# tmux on a private server: sd_tmux_start COLS LINES COMMAND...
sd_tmux_start() {
	local cols=$1 lines=$2
	shift 2
	[ -n "$SD_TMUX" ] && command tmux -L "$SD_TMUX" kill-server 2>/dev/null || true
	SD_TMUX=shipdeck-test-$$-$RANDOM
	command tmux -L "$SD_TMUX" -f /dev/null new-session -d -x "$cols" -y "$lines" \
		-e HOME="$HOME" -e XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		-e XDG_STATE_HOME="$XDG_STATE_HOME" -e XDG_CACHE_HOME="$XDG_CACHE_HOME" \
		-e TERM=xterm-256color -e LANG=C.UTF-8 -e TZ=UTC "$@"
}

sd_tmux() {
	command tmux -L "$SD_TMUX" "$@"
}

sd_tmux_screen() {
	command tmux -L "$SD_TMUX" capture-pane -p "$@"
}

# sd_tmux_wait TEXT [SECONDS]: waits until TEXT is on the screen.
sd_tmux_wait() {
	local text=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 10; i++)); do
		if sd_tmux_screen 2>/dev/null | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	echo "--- screen while waiting for '$text':" >&2
	sd_tmux_screen >&2 2>/dev/null
	return 1
}

# A free TCP port on 127.0.0.1 (free_port.py says which and why).
sd_free_port() {
	python3 "$SD_TESTS/free_port.py"
}

# sd_wait_until SECONDS CMD...: polls CMD every 0.1 s; 1 when it never held.
sd_wait_until() {
	local limit=$1 i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 10)) ] && return 1
		sleep 0.1
	done
}

# The minor version of kubectl on PATH ("" without one).
sd_kubectl_minor() {
	command -v kubectl >/dev/null 2>&1 || return 0
	kubectl version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -1
}

# Whether kubectl on PATH is 1.27 or newer (the oldest the tests speak to).
sd_kubectl_ok() {
	local v
	v=$(sd_kubectl_minor)
	[ -n "$v" ] && [ "$v" -ge 27 ]
}
