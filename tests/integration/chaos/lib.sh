# Shared by the chaos tests (issue 18): the rollout tests' sandbox, tmux and
# hermetic folders, plus Chaos Toolkit from the virtualenv .ci/setup makes
# (${XDG_CACHE_HOME:-~/.cache}/shipdeck/venv, or SHIPDECK_CHAOS_VENV), a
# repository with the experiments, and the sandbox's request log.
CHAOS_VENV=${SHIPDECK_CHAOS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/shipdeck/venv}
CHAOS_DIR=$(cd "$(dirname "$0")" && pwd)
. "$CHAOS_DIR/../rollout/lib.sh"

kubectl_ok || skip "kubectl >= 1.27 not found"
command -v jq >/dev/null || skip "jq not found"
chaos_ok() {
	[ -x "$CHAOS_VENV/bin/chaos" ] && "$CHAOS_VENV/bin/python" -c 'import chaosk8s, chaoslib' 2>/dev/null
}
chaos_ok || skip "Chaos Toolkit is not installed in $CHAOS_VENV (bash .ci/setup makes it)"
PATH_NO_CHAOS=$PATH
export PATH=$CHAOS_VENV/bin:$PATH
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
RUNS=$XDG_STATE_HOME/shipdeck/chaos
REQLOG=$WORK/requests.jsonl

# make_repo [SHIPDECK_YML]: a git repository at $REPO with chaos/ holding
# the demo's experiment (a copy the unit test keeps equal to the demo's).
make_repo() {
	REPO=$WORK/repo
	mkdir -p "$REPO/chaos"
	git init -q "$REPO"
	cp "$CHAOS_DIR/web-pod.json" "$REPO/chaos/web-pod.json"
	printf '%s' "${1:-}" >"$REPO/.shipdeck.yml"
}

pod_names() { kc get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort; }
deletes() { grep -c '"method":"DELETE"' "$REQLOG" 2>/dev/null || true; }
