# Shared by the rollout integration tests (and the areas built on them:
# canary, chaos, failures, upstream): a private cluster (the sandbox, or the
# upstream control plane: ../../cluster.sh), the console in tmux, and
# fail-fast checks. Built on ../../lib.sh (the hermetic folders, cleanup of
# what was started). Sourced with SHIPDECK and SANDBOX set (meson passes
# them).
set -eu

: "${SHIPDECK:?}" "${SANDBOX:?}"
FIXTURES=${FIXTURES:-$(cd "$(dirname "$0")/../../fixtures/kube" && pwd)}
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"
sd_setup shipdeck-it
WORK=$SD_TMP

skip() { sd_skip "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
note() { echo "# $*"; }
kubectl_ok() { sd_kubectl_ok; }
# wait_until SECONDS CMD...: polls CMD every 0.1 s.
wait_until() { sd_wait_until "$@"; }

# start_sandbox NAME [sandbox flags...]: starts the test cluster; sets PORT,
# KC (kubeconfig), SBPID.
start_sandbox() {
	local name=$1 url
	shift
	KC=$WORK/$name.kubeconfig
	"$SANDBOX" --kubeconfig-out "$KC" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	SBPID=$!
	sd_track "$SBPID"
	url=$(cluster_wait_listening "$WORK/$name.out" "$SBPID") \
		|| { cat "$WORK/$name.err"; fail "cluster $name did not start"; }
	PORT=${url##*:}
}

stop_sandbox() {
	kill "$SBPID" 2>/dev/null || true
	wait "$SBPID" 2>/dev/null || true
}

sd() { "$SHIPDECK" --kubeconfig "$KC" "$@"; }
kc() { kubectl --kubeconfig "$KC" "$@"; }

# tmux helpers: one session per test, 200x50, with the TERM tmux emulates
# (so that Home, End and the function keys arrive as terminfo says).
tmux_start() {
	TMUX_SESSION=sd-$$-$RANDOM
	SD_TMUX_SERVERS+=("$TMUX_SESSION")
	rm -f "$WORK/tui.pid"   # a second session must not read the first one's pid
	command tmux -L "$TMUX_SESSION" -f /dev/null new-session -d -s "$TMUX_SESSION" -x 200 -y 50 \
		"echo \$\$ >$WORK/tui.pid; exec env ASAN_OPTIONS=log_path=$WORK/asan UBSAN_OPTIONS=log_path=$WORK/asan TERM=screen-256color HOME=$HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME TZ=UTC $*"
	wait_until 5 test -s "$WORK/tui.pid" || fail "the console did not start"
	TUI_PID=$(cat "$WORK/tui.pid")
}
tmux() { command tmux -L "${TMUX_SESSION:-none}" "$@"; }
screen() { tmux capture-pane -p -t "$TMUX_SESSION"; }
screen_has() { screen | grep -q -- "$1"; }
keys() { tmux send-keys -t "$TMUX_SESSION" "$@"; }
# quit the console and make sure a sanitizer build had nothing to say
tmux_quit() {
	keys q
	wait_until 10 sh -c "! kill -0 $TUI_PID 2>/dev/null" || fail "the console did not quit"
	if ls "$WORK"/asan.* >/dev/null 2>&1; then
		cat "$WORK"/asan.*
		fail "the sanitizers reported errors"
	fi
}
wait_screen() {
	wait_until "$1" screen_has "$2" || { screen; fail "screen never showed '$2'"; }
}
