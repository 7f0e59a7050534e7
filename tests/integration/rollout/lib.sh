# Shared by the rollout integration tests: a private sandbox on a free port,
# a hermetic HOME/XDG, kubectl with its own cache, cleanup of what was
# started. Sourced with SHIPDECK and SANDBOX set (meson passes them).
set -eu

: "${SHIPDECK:?}" "${SANDBOX:?}"
FIXTURES=${FIXTURES:-$(cd "$(dirname "$0")/../../fixtures/kube" && pwd)}
. "$(dirname "${BASH_SOURCE[0]}")/../../cluster.sh"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
note() { echo "# $*"; }

kubectl_ok() {
	command -v kubectl >/dev/null 2>&1 || return 1
	local v
	v=$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -1)
	[ -n "$v" ] && [ "$v" -ge 27 ]
}

WORK=$(mktemp -d /tmp/shipdeck-it.XXXXXX)
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/config XDG_STATE_HOME=$WORK/state \
	XDG_CACHE_HOME=$WORK/cache KUBECACHEDIR=$WORK/kubecache TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8
unset KUBECONFIG
mkdir -p "$HOME"
PIDS=""
TMUX_SESSIONS=""

cleanup() {
	for s in $TMUX_SESSIONS; do command tmux -L "$s" kill-server 2>/dev/null || true; done
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	if [ "${KEEP_WORK:-}" ]; then echo "# work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# start_sandbox NAME [sandbox flags...]: starts the test cluster (the sandbox,
# or the upstream control plane: ../../cluster.sh); sets PORT, KC
# (kubeconfig), SBPID.
start_sandbox() {
	local name=$1 url
	shift
	KC=$WORK/$name.kubeconfig
	"$SANDBOX" --kubeconfig-out "$KC" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	SBPID=$!
	PIDS="$PIDS $SBPID"
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

# wait_until SECONDS CMD...: polls CMD every 0.1 s.
wait_until() {
	local limit=$1 i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 10)) ] && return 1
		sleep 0.1
	done
}

# tmux helpers: one session per test, 200x50, with the TERM tmux emulates
# (so that Home, End and the function keys arrive as terminfo says).
tmux_start() {
	TMUX_SESSION=sd-$$-$RANDOM
	TMUX_SESSIONS="$TMUX_SESSIONS $TMUX_SESSION"
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
