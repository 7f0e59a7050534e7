#!/bin/bash
# Acceptance 5: bad kubeconfigs each give one clear line naming the file,
# context or field: exit 2 for headless commands, and the same line in the
# console's rollout pane.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || skip "openssl not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml"
D=$WORK/configs
mkdir -p "$D"
# the cluster's kubeconfig names its context, cluster and user alike
CTX=$(sed -n 's/^current-context: //p' "$KC")

# check NAME KUBECONFIG EXPECTED [flags]: headless exit 2 + message, and the pane
check() {
	local name=$1 cfg=$2 want=$3
	shift 3
	set +e
	"$SHIPDECK" --kubeconfig "$cfg" "$@" get deployments >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	set -e
	[ $rc = 2 ] || { cat "$WORK/err"; fail "$name: exit $rc, want 2"; }
	[ "$(wc -l <"$WORK/err")" = 1 ] || { cat "$WORK/err"; fail "$name: not one line"; }
	grep -qF -- "$want" "$WORK/err" || { cat "$WORK/err"; fail "$name: message lacks '$want'"; }
	printf 'sleep 1500\ndump pane\n' >"$WORK/steps"
	(cd "$WORK" && SHIPDECK_SCRIPT="$WORK/steps" SHIPDECK_SCRIPT_OUT="$WORK" LINES=50 COLUMNS=200 \
		TERM=xterm-256color "$SHIPDECK" --kubeconfig "$cfg" "$@" 2>>"$WORK/tui.err") \
		|| fail "$name: the console failed"
	# the pane wraps long lines at spaces: join its rows again
	awk -F'│' 'NR >= 2 && NR <= 25 { print $2 }' "$WORK/pane" | sed 's/^ //; s/ *$//' | tr '\n' ' ' \
		| grep -qF -- "$want" \
		|| { cat "$WORK/pane"; fail "$name: not shown in the rollout pane"; }
	echo "# $name: $(cat "$WORK/err")"
}

check missing-file "$D/none.yaml" "$D/none.yaml"
printf 'clusters:\n  - name: x\n   bad: [\n' >"$D/syntax.yaml"
check yaml-error "$D/syntax.yaml" "syntax.yaml:3:"
check unknown-context "$KC" "context 'staging' not found" --context staging
sed 's/certificate-authority-data: .*/certificate-authority-data: "%%%not-base64"/' "$KC" >"$D/b64.yaml"
check bad-base64 "$D/b64.yaml" "certificate-authority-data is not valid base64"
sed "s#server: .*#server: https://127.0.0.1:1#" "$KC" >"$D/unreachable.yaml"
check unreachable "$D/unreachable.yaml" "cannot reach https://127.0.0.1:1 (context '$CTX'"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/other.key" -out "$WORK/other.crt" \
	-days 1 -subj /CN=other-ca 2>/dev/null
sed "s#certificate-authority-data: .*#certificate-authority-data: $(base64 -w0 <"$WORK/other.crt")#" \
	"$KC" >"$D/wrongca.yaml"
check wrong-ca "$D/wrongca.yaml" "check certificate-authority of cluster '$CTX'"

# a wrong token is the server refusing, not the kubeconfig: exit 1, user named
sed 's/token: .*/token: wrong/' "$KC" >"$D/token.yaml"
set +e
"$SHIPDECK" --kubeconfig "$D/token.yaml" get pods 2>"$WORK/err"
rc=$?
set -e
[ $rc = 1 ] || fail "wrong token: exit $rc"
grep -q "unauthorized: the server refused the credentials of user '$CTX'" "$WORK/err" \
	|| { cat "$WORK/err"; fail "wrong token message"; }
echo "ok - bad kubeconfigs explained"
