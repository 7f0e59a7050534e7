#!/bin/bash
# Acceptance 5: a stale update gets 409; a watch from a resourceVersion older
# than --watch-history gets the in-stream 410 and kubectl's reflector
# relists; an unauthenticated request gets 401; malformed JSON or YAML bodies
# get 400 with a message; none of it crashes the sandbox or corrupts the
# store.
. "$(dirname "$0")/lib.sh" "$@"

# At --time-scale 1000 the server ends watches after 1.8-3.6 s (its scaled
# --min-request-timeout), which is when the reflector resumes.
sandbox_start --time-scale 1000 --watch-history 5 --request-log "$T/requests.log"
web_manifest >"$T/web.yaml"
k apply -f "$T/web.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout"
API=$SANDBOX_URL/apis/apps/v1/namespaces/default/deployments

# 401 without the token, for kubectl and for curl.
code=$(curl -sS -k -o "$T/401.json" -w '%{http_code}' "$API")
expect_eq "$code" 401 "no token: 401"
grep -q '"reason":"Unauthorized"' "$T/401.json" || fail "401 body: $(cat "$T/401.json")"
out=$(k --token=wrong get pods 2>&1) && fail "a wrong token was accepted"
echo "$out" | grep -q 'Unauthorized' || fail "kubectl with a wrong token: $out"
expect_eq "$(curl -sS -k -o /dev/null -w '%{http_code}' "$SANDBOX_URL/metrics")" 200 \
	"/metrics needs no token"
note "ok: 401 without the token"

# 409: a stale update, by kubectl replace and by a JSON patch precondition.
k get deploy web -o json >"$T/stale.json"
stale_rv=$(k get deploy web -o jsonpath='{.metadata.resourceVersion}')
k scale deploy/web --replicas=4 >/dev/null || fail "scale"
out=$(k replace -f "$T/stale.json" 2>&1) && fail "stale replace succeeded"
echo "$out" | grep -q 'the object has been modified; please apply your changes to the latest version and try again' \
	|| fail "stale replace said: $out"
code=$(sbcurl -o "$T/409.json" -w '%{http_code}' -X PATCH -H 'Content-Type: application/json-patch+json' \
	--data "[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"$stale_rv\"},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":1}]" \
	"$API/web")
expect_eq "$code" 409 "JSON patch with a stale resourceVersion: 409"
grep -q '"reason":"Conflict"' "$T/409.json" || fail "409 body: $(cat "$T/409.json")"
cur_rv=$(k get deploy web -o jsonpath='{.metadata.resourceVersion}')
code=$(sbcurl -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json-patch+json' \
	--data "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"$cur_rv\"},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]" \
	"$API/web")
expect_eq "$code" 200 "JSON patch with the current resourceVersion"
expect_eq "$(k get deploy web -o jsonpath='{.spec.replicas}')" 3 "the stale writes changed nothing"

# 400, 404, 415, 422 — all answered with a Status.
status_of() { # METHOD PATH CONTENT-TYPE BODY
	sbcurl -o "$T/resp.json" -w '%{http_code}' -X "$1" -H "Content-Type: $3" --data-binary "$4" \
		"$SANDBOX_URL$2"
}
expect_eq "$(status_of POST /apis/apps/v1/namespaces/default/deployments application/json '{"kind": "Deployment", nope')" \
	400 "malformed JSON: 400"
grep -q '"kind":"Status".*"message":"couldn.t get version/kind; json parse error' "$T/resp.json" \
	|| fail "400 body: $(cat "$T/resp.json")"
expect_eq "$(status_of POST /api/v1/namespaces/default/services application/yaml $'kind: Service\nmetadata: [unclosed\n')" \
	400 "malformed YAML: 400"
grep -q '"reason":"BadRequest"' "$T/resp.json" && grep -q '"message":"yaml: ' "$T/resp.json" \
	|| fail "400 body: $(cat "$T/resp.json")"
expect_eq "$(status_of POST /api/v1/namespaces/default/services application/yaml "$(printf 'a: &a [%s]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n' 'x,x,x,x,x,x,x,x,x')")" \
	400 "YAML alias bomb: 400"
expect_eq "$(status_of PATCH /apis/apps/v1/namespaces/default/deployments/web application/merge-patch+json '{"spec":{"replicas":"three"}}')" \
	400 "wrongly typed field: 400"
expect_eq "$(status_of PATCH /apis/apps/v1/namespaces/default/deployments/web text/plain 'replicas=1')" \
	415 "patch with an unknown content type: 415"
grep -q '"reason":"UnsupportedMediaType"' "$T/resp.json" || fail "415 body"
expect_eq "$(status_of GET /apis/apps/v1/namespaces/default/widgets application/json '')" \
	404 "unknown resource: 404"
grep -q '"reason":"NotFound"' "$T/resp.json" || fail "404 body"
expect_eq "$(status_of GET /no/such/path application/json '')" 404 "unknown path: 404"
expect_eq "$(status_of PATCH /apis/apps/v1/namespaces/default/deployments/web application/merge-patch+json '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}')" \
	422 "changing the selector: 422"
grep -q '"reason":"Invalid"' "$T/resp.json" || fail "422 body"
sed 's/name: web$/name: broken/; s/labels: {app: web}$/labels: {app: nope}/' "$T/web.yaml" >"$T/broken.yaml"
out=$(k apply -f "$T/broken.yaml" 2>&1) && fail "an invalid deployment was accepted"
echo "$out" | grep -q 'selector. does not match template .labels' || fail "invalid apply: $out"
k get deploy web >/dev/null || fail "the sandbox survived the bad requests"
expect_eq "$(k get deploy --no-headers | wc -l)" 1 "no stray objects from refused requests"
note "ok: 400/404/415/422 with Status bodies"

# 410 in the stream for a resourceVersion older than --watch-history.
sbcurl -m 5 "$API?watch=1&resourceVersion=1" >"$T/410.txt"
head -1 "$T/410.txt" | grep -q '^{"type":"ERROR","object":{"kind":"Status".*"reason":"Expired","code":410}}$' \
	|| fail "410 stream: $(cat "$T/410.txt")"
note "ok: in-stream 410 Expired"

# Bookmarks when asked for: 2 s before the client's timeoutSeconds (and every
# 60 s), with the current resourceVersion; the stream ends at the timeout.
start=$SECONDS
sbcurl -m 10 "$API?watch=1&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=$(k get deploy web -o jsonpath='{.metadata.resourceVersion}')" \
	>"$T/bookmark.txt"
grep -q '^{"type":"BOOKMARK","object":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"resourceVersion":"[0-9]*"}}}$' \
	"$T/bookmark.txt" || fail "no bookmark: $(cat "$T/bookmark.txt")"
[ $((SECONDS - start)) -le 5 ] || fail "the watch outlived its timeoutSeconds"
sbcurl -m 10 "$API?watch=1&timeoutSeconds=2&resourceVersion=0" >"$T/nobookmark.txt"
grep -q BOOKMARK "$T/nobookmark.txt" && fail "a bookmark nobody asked for"
grep -q '^{"type":"ADDED","object":{"kind":"Deployment".*"name":"web"' "$T/nobookmark.txt" \
	|| fail "resourceVersion=0 starts with ADDED for what exists"
note "ok: bookmarks, timeoutSeconds, synthetic ADDED"

# kubectl's reflector: rollout status lists, watches; other objects change
# more than --watch-history times; the server ends the watch; the reflector
# resumes with its old resourceVersion, gets 410 and relists.
cat >"$T/slow.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: slow}
spec:
  replicas: 2
  progressDeadlineSeconds: 2147483647
  selector: {matchLabels: {app: slow}}
  template:
    metadata:
      labels: {app: slow}
      annotations: {sandbox.shipdeck.dev/never-ready: "true"}
    spec:
      containers: [{name: app, image: "example/slow:1"}]
YAML
for i in 1 2 3 4 5 6 7 8; do
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: churn-%s}\ndata: {a: b}\n---\n' "$i"
done >"$T/churn.yaml"
k apply -f "$T/slow.yaml" >/dev/null || fail "apply slow"
sleep 0.5
k rollout status deploy/slow -v=4 >"$T/rs.out" 2>"$T/rs.err" &
rs_pid=$!
track $rs_pid
watching() { grep -q '"path":"/apis/apps/v1/namespaces/default/deployments","query":"allowWatchBookmarks=true&fieldSelector=metadata.name%3Dslow' "$T/requests.log"; }
wait_for 20 watching
k apply -f "$T/churn.yaml" >/dev/null || fail "churn"
relisted() { grep -q 'closed with: too old resource version' "$T/rs.err"; }
wait_for 30 relisted
relists() { lines_ge "$T/requests.log" 2 '"path":"/apis/apps/v1/namespaces/default/deployments","query":"fieldSelector=metadata.name%3Dslow'; }
wait_for 20 relists
note "ok: kubectl's reflector got 410 Expired and relisted"
k patch deploy slow --type=json -p '[{"op":"remove","path":"/spec/template/metadata/annotations"}]' >/dev/null \
	|| fail "heal slow"
wait "$rs_pid" || fail "rollout status after the relist: $(cat "$T/rs.out")"
grep -q 'deployment "slow" successfully rolled out' "$T/rs.out" || fail "rollout status output"
note "ok: rollout status carried on after the relist"

kill -0 "$SANDBOX_PID" || fail "sandbox died"
sandbox_stop
