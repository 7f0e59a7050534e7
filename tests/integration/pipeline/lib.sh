# Shared by the pipeline integration tests: real git repositories and the
# builds' folders, on ../../lib.sh (a private HOME and XDG folders, waiting
# that tolerates a loaded machine).
# Usage: . lib.sh [SHIPDECK] (default: $SHIPDECK, then build/shipdeck)
set -eu

SHIPDECK=$(realpath "${1:-${SHIPDECK:-build/shipdeck}}")
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"
sd_setup shipdeck-pipeline-test
SD_KEEP_ON_FAILURE=1   # a failed build's folders are the evidence
WORK=$SD_TMP
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
unset SHIPDECK_SCRIPT SHIPDECK_SCRIPT_OUT

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
wait_for() { sd_wait_until "$@"; }

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
