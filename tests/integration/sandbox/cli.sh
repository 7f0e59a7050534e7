#!/bin/bash
# The command line of CONTRACT.md: flags, errors (exit 2, naming file:line:col),
# --plain-http for anonymous HTTP, --manifests, the request log's format, and
# a clean SIGTERM.
. "$(dirname "$0")/lib.sh" "$@"

usage_fails() { # EXPECTED-MESSAGE ARGS...
	local want=$1 rc
	shift
	"$SANDBOX_BIN" "$@" >"$T/u.out" 2>"$T/u.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "'$*' exited $rc, want 2"
	grep -q -- "$want" "$T/u.err" || fail "'$*' said: $(cat "$T/u.err")"
	[ -s "$T/u.out" ] && fail "'$*' printed on stdout"
	return 0
}
usage_fails "unknown argument '--bogus'" --bogus
usage_fails "--port is required" --kubeconfig-out "$T/kc"
usage_fails "--kubeconfig-out is required" --port 0
usage_fails "--time-scale: expected a number above 0" --port 0 --kubeconfig-out "$T/kc" --time-scale 0
usage_fails "--watch-history: expected a number above 0" --port 0 --kubeconfig-out "$T/kc" --watch-history x
printf -- '- image: "x:*"\n  never-ready: "true"\n  crash: "yes"\n' >"$T/faults.yaml"
usage_fails "faults.yaml:3:3: unknown key 'crash' in a fault rule" --port 0 --kubeconfig-out "$T/kc" \
	--faults "$T/faults.yaml"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: ok}\nspec: {ports: [{port: 80}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Bad_Name}\nspec: {}\n' \
	>"$T/bad.yaml"
usage_fails 'bad.yaml:6:1: Deployment Bad_Name: Deployment.apps "Bad_Name" is invalid: metadata.name' \
	--port 0 --kubeconfig-out "$T/kc" --manifests "$T/bad.yaml"
usage_fails "missing.yaml" --port 0 --kubeconfig-out "$T/kc" --manifests "$T/missing.yaml"
note "ok: usage errors exit 2 and name the file:line:col"

web_manifest >"$T/web.yaml"
sandbox_start --plain-http --time-scale 20 --manifests "$T/web.yaml" --request-log "$T/req.log"
echo "$SANDBOX_URL" | grep -Eq '^http://127\.0\.0\.1:[0-9]+$' || fail "plain URL: $SANDBOX_URL"
grep -q 'token:' "$T/kubeconfig" && fail "a token in the plain-HTTP kubeconfig"
k rollout status deploy/web --timeout=60s >/dev/null || fail "the manifests' deployment rolls out"
k get svc web >/dev/null || fail "the manifests' service"
curl -sS "$SANDBOX_URL/api/v1/namespaces" | grep -q '"kind":"NamespaceList"' \
	|| fail "anonymous requests over plain HTTP"
note "ok: --plain-http, anonymous, --manifests"

# One JSON object a line with exactly the contract's fields.
k patch deploy web -p '{"spec":{"replicas":2}}' >/dev/null
line=$(grep '"method":"PATCH"' "$T/req.log" | head -1)
echo "$line" | grep -Eq '^\{"time":"20[0-9-]+T[0-9:.]+Z","method":"PATCH","path":"/apis/apps/v1/namespaces/default/deployments/web","query":"fieldManager=kubectl-patch","content_type":"application/strategic-merge-patch\+json","status":200\}$' \
	|| fail "request log line: $line"
grep -q '"method":"GET","path":"/version","query":"timeout=5s"' "$T/req.log" || fail "GET /version logged"
note "ok: request log format"
sandbox_stop

# HTTPS: a kubeconfig with the CA and a token; the CA verifies the server.
sandbox_start --time-scale 20
grep -q 'certificate-authority-data: ' "$T/kubeconfig" || fail "no CA in the kubeconfig"
sed -n 's/^ *certificate-authority-data: //p' "$T/kubeconfig" | base64 -d >"$T/ca.pem"
curl -sS --cacert "$T/ca.pem" "$SANDBOX_URL/version" | grep -q '"gitVersion":"v1.32.4"' \
	|| fail "the CA does not verify the server"
sandbox_stop
note "ok: HTTPS with a throwaway CA"
