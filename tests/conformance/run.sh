#!/usr/bin/env bash
# The differential conformance suite (conformance.py) as a test: runs the
# scenarios against shipdeck-sandbox and, when the upstream control plane is
# there ($UPSTREAM, the shipdeck-upstream launcher; default: next to the
# sandbox, when upstream/build --check finds its components), against it
# too, then compares the two reports. Fails on a failed check of
# either run, or on a difference not explained in known-differences.tsv.
# Reports go to $CONFORMANCE_REPORTS (default: the current directory).
#
#   tests/conformance/run.sh PATH/TO/shipdeck-sandbox
here=$(cd "$(dirname "$0")" && pwd)
reports=${CONFORMANCE_REPORTS:-$PWD}

# The official Python client: $SHIPDECK_PYTHON, the venv .ci/setup makes,
# or a python3 that has it (Debian's python3-kubernetes).
py=""
for c in "${SHIPDECK_PYTHON:-}" "${XDG_CACHE_HOME:-$HOME/.cache}/shipdeck/pyenv/bin/python" python3; do
	if [ -n "$c" ] && "$c" -c 'import kubernetes' 2>/dev/null; then
		py=$c
		break
	fi
done
py=$(command -v "$py" 2>/dev/null || echo "$py")
# UPSTREAM set but empty: the sandbox only (meson's sanitizer build).
upstream=${UPSTREAM:-}
if [ -z "${UPSTREAM+set}" ] && [ -x "$(dirname "${1:-.}")/shipdeck-upstream" ] \
	&& "$here/../../upstream/build" --check >/dev/null 2>&1; then
	upstream=$(dirname "${1:-.}")/shipdeck-upstream
	# before lib.sh moves HOME (the components live under the real cache)
	SHIPDECK_UPSTREAM_BIN=${SHIPDECK_UPSTREAM_BIN:-$("$here/../../upstream/build" --bin-dir)}
	export SHIPDECK_UPSTREAM_BIN
fi
# The same kubectl against both clusters (the cloud SDK's /usr/bin/kubectl
# dispatches by server version): its 1.32 when there, else kubectl.
if [ -z "${CONFORMANCE_KUBECTL:-}" ]; then
	sdk=$(dirname "$(readlink -f "$(command -v kubectl 2>/dev/null || echo /nonexistent)")")
	CONFORMANCE_KUBECTL=kubectl
	[ -x "$sdk/kubectl.1.32" ] && CONFORMANCE_KUBECTL=$sdk/kubectl.1.32
fi
export CONFORMANCE_KUBECTL

. "$here/../integration/sandbox/lib.sh" "$@"
[ -n "$py" ] || skip "no Python with the kubernetes client (run .ci/setup, or set SHIPDECK_PYTHON)"
note "kubectl: $CONFORMANCE_KUBECTL"
note "python: $py ($("$py" -c 'import kubernetes; print(kubernetes.__version__)'))"

sandbox_start --time-scale 10
"$py" "$here/conformance.py" run --kubeconfig "$KUBECONFIG" --name sandbox \
	--out "$T/sandbox.json" || { cp "$T/sandbox.json" "$reports/conformance-sandbox.json" 2>/dev/null
	fail "a scenario's check failed on the sandbox"; }
cp "$T/sandbox.json" "$reports/conformance-sandbox.json"
sandbox_stop

if [ -z "$upstream" ] || [ ! -x "$upstream" ]; then
	note "no upstream control plane (shipdeck-upstream and upstream/build): compared with nothing"
	exit 0
fi
"$upstream" --kubeconfig-out "$T/upstream.kubeconfig" --dir "$T/upstream" \
	>"$T/upstream.out" 2>"$T/upstream.err" &
up_pid=$!
track "$up_pid"
for _ in $(seq 1 1200); do
	grep -q '^shipdeck-upstream listening on ' "$T/upstream.out" 2>/dev/null && break
	kill -0 "$up_pid" 2>/dev/null || fail "shipdeck-upstream exited: $(tail -5 "$T/upstream.err")"
	sleep 0.1
done
grep -q '^shipdeck-upstream listening on ' "$T/upstream.out" \
	|| fail "shipdeck-upstream did not get ready in 120 s: $(tail -5 "$T/upstream.err") (logs: $T/upstream/logs)"
"$py" "$here/conformance.py" run --kubeconfig "$T/upstream.kubeconfig" --name upstream \
	--out "$T/upstream.json"
up_rc=$?
cp "$T/upstream.json" "$reports/conformance-upstream.json" 2>/dev/null
kill -TERM "$up_pid"
wait "$up_pid" 2>/dev/null
sd_untrack "$up_pid"
[ "$up_rc" -eq 0 ] || fail "a scenario's check failed on the upstream control plane"
"$py" "$here/conformance.py" compare --known "$here/known-differences.tsv" \
	"$T/sandbox.json" "$T/upstream.json" | tee "$reports/conformance-differences.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "the sandbox differs from upstream (see above)"
note "ok: no unexplained difference from upstream"
