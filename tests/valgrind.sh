#!/usr/bin/env bash
# The slower memory check, run by hand (not in CI): unit tests and one
# console session in script mode (a sandbox cluster, a repository with a
# pipeline: a build, its log, the rollout pane, a pod's detail, :audit, a
# resize) under valgrind --leak-check=full, on the plain build. Prints one
# line per run — errors, bytes definitely and indirectly lost, seconds — and
# exits 1 when any run has an error or a definite leak. Logs in build-valgrind/.
#
#   tests/valgrind.sh [BUILD_DIR]      (default: build)
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
command -v valgrind >/dev/null || { echo "valgrind: apt-get install valgrind"; exit 2; }
[ -x "$B/shipdeck" ] || { echo "build first: meson setup $B && meson compile -C $B"; exit 2; }
ldd "$B/shipdeck" | grep -q libasan && { echo "valgrind needs a build without sanitizers"; exit 2; }
OUT=$PWD/build-valgrind
rm -rf "$OUT"
mkdir -p "$OUT"
W=$(mktemp -d /tmp/shipdeck-valgrind.XXXXXX)
export HOME=$W/home XDG_CONFIG_HOME=$W/config XDG_STATE_HOME=$W/state XDG_CACHE_HOME=$W/cache
export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color KUBECACHEDIR=$W/kubecache
mkdir -p "$HOME"
SB=""
trap '[ -n "$SB" ] && kill "$SB" 2>/dev/null; rm -rf "$W"' EXIT
VG=(valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --track-fds=no)
failed=0

# run NAME COMMAND...: under valgrind, with its log in $OUT/NAME.log
run() {
	local name=$1 start end errors def ind
	shift
	start=$(date +%s.%N)
	"${VG[@]}" --log-file="$OUT/$name.log" "$@" >"$OUT/$name.out" 2>&1
	local rc=$?
	end=$(date +%s.%N)
	errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$OUT/$name.log" | tail -1)
	def=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$OUT/$name.log" | tail -1)
	ind=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$OUT/$name.log" | tail -1)
	printf '%-22s errors %-4s definitely lost %-8s indirectly lost %-8s %5.1f s  %s\n' "$name" \
		"${errors:-?}" "${def:-0}" "${ind:-0}" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
		"$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc, see $OUT/$name.log)")"
	[ $rc = 0 ] || failed=1
}

# (not kube_config: under valgrind a missing exec plugin's failed exec exits
# 1, not 127, so its installHint check cannot pass there)
for t in util app kube registry registry_store ci_file ci_sched ci_log prometheus canary http_gate; do
	run "unit-$t" "$B/tests/test_$t"
done

# the console: a cluster and a repository with a pipeline
"$B/shipdeck-sandbox" --port 0 --kubeconfig-out "$W/kc" --time-scale 50 \
	--manifests tests/fixtures/kube/web.yaml >"$W/sb.out" 2>&1 &
SB=$!
for _ in $(seq 100); do grep -qs 'listening on' "$W/sb.out" && break; sleep 0.1; done
R=$W/app
git init -q -b main "$R"
printf 'kind: pipeline\ntype: exec\nsteps:\n- name: build\n  commands: [seq 1 500]\n- name: test\n  commands: [echo ok]\n' >"$R/.drone.yml"
git -C "$R" add -A
git -C "$R" -c user.name=t -c user.email=t@example.com commit -q -m "valgrind run"
cat >"$W/steps" <<'STEPS'
wait-for rev 1
key 1 b
wait-for ── exit 0 ──
key Enter j 2 / 4 2 Enter n
key 4 Home j j j j j j j j Enter
wait-for Started
key Esc 4 Home
type :audit
key Enter
resize 100x30
key 3 5 ?
key Esc
STEPS
COLUMNS=200 LINES=50 SHIPDECK_SCRIPT=$W/steps SHIPDECK_SCRIPT_OUT=$W \
	run console "$B/shipdeck" --kubeconfig "$W/kc" --repo "$R"
run headless-get "$B/shipdeck" --kubeconfig "$W/kc" get pods --json
run headless-history "$B/shipdeck" --kubeconfig "$W/kc" rollout history web
exit $failed
