# Shared by the pipeline integration tests: a private HOME and XDG folders,
# real git repositories, and waiting that tolerates a loaded machine.
# Usage: . lib.sh [SHIPDECK] (default: $SHIPDECK, then build/shipdeck)
set -eu

SHIPDECK=$(realpath "${1:-${SHIPDECK:-build/shipdeck}}")
WORK=$(mktemp -d /tmp/shipdeck-pipeline-test.XXXXXX)
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/config XDG_STATE_HOME=$WORK/home/state
export XDG_CACHE_HOME=$WORK/home/cache TZ=UTC LANG=C.UTF-8 TERM=xterm-256color
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
unset SHIPDECK_SCRIPT SHIPDECK_SCRIPT_OUT KUBECONFIG
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
trap 'cleanup' EXIT

cleanup_hooks=""
cleanup() {
	rc=$?
	for h in $cleanup_hooks; do $h || true; done
	if [ "$rc" -eq 0 ]; then rm -rf "$WORK"; else echo "# kept $WORK" >&2; fi
	exit $rc
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok - $*"
}

sd() {
	"$SHIPDECK" "$@"
}

# new_repo DIR: an empty repository on branch main.
new_repo() {
	mkdir -p "$1"
	git -C "$1" init -q -b main
}

commit_all() {
	git -C "$1" add -A
	git -C "$1" commit -qm "$2"
}

# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
	limit=$1
	shift
	end=$(($(date +%s) + limit))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# The folder of build N of the repository at DIR.
build_dir() {
	ls -d "$XDG_STATE_HOME"/shipdeck/repos/"$(basename "$1")"-*/builds/"$2"
}

# Live processes (not zombies: this machine's init may not reap them) whose
# environment holds SHIPDECK_BUILD=<repo-id>/<n> for repository DIR.
build_processes() {
	marker="SHIPDECK_BUILD=$(basename "$(dirname "$(dirname "$(build_dir "$1" "$2")")")")/$2"
	for p in /proc/[0-9]*; do
		st=$(cut -d' ' -f3 "$p/stat" 2>/dev/null) || continue
		[ "$st" = Z ] && continue
		if { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qx "$marker"; then
			echo "${p#/proc/}"
		fi
	done
}
