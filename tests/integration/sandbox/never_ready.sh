#!/bin/bash
# Acceptance 4: a pod template annotated never-ready stalls the rollout:
# `kubectl rollout status --timeout` fails, and after progressDeadlineSeconds
# the Progressing condition says ProgressDeadlineExceeded and `kubectl
# rollout status` exits non-zero with kubectl's own message.
. "$(dirname "$0")/lib.sh" "$@"

# 60 s of progress deadline is 3 s here.
sandbox_start --time-scale 20
web_manifest >"$T/web.yaml"
k apply -f "$T/web.yaml" >/dev/null || fail "apply"
k rollout status deploy/web --timeout=60s >/dev/null || fail "first rollout"

# 60 s, divided by --time-scale in the sandbox; the real controller counts
# real seconds
deadline=60
cluster_is_upstream && deadline=8
k patch deploy web -p '{"spec":{"progressDeadlineSeconds":'$deadline',"template":{"metadata":{"annotations":{"sandbox.shipdeck.dev/never-ready":"true"}}}}}' \
	>/dev/null || fail "patch"
out=$(k rollout status deploy/web --timeout=1s 2>&1) && fail "rollout status succeeded: $out"
echo "$out" | grep -q 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated' \
	|| fail "rollout status --timeout said: $out"
echo "$out" | grep -q 'timed out waiting for the condition' || fail "no timeout message: $out"
note "ok: rollout status --timeout fails while the new pod is never ready"

start=$SECONDS
out=$(k rollout status deploy/web 2>&1) && fail "rollout status succeeded: $out"
echo "$out" | tail -1 | grep -q '^error: deployment "web" exceeded its progress deadline$' \
	|| fail "rollout status said: $out"
[ $((SECONDS - start)) -lt 30 ] || fail "the progress deadline took too long"
note "ok: rollout status exits non-zero with kubectl's message"

cond=$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].status}/{.status.conditions[?(@.type=="Progressing")].reason}')
expect_eq "$cond" "False/ProgressDeadlineExceeded" "Progressing condition"
msg=$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].message}')
echo "$msg" | grep -Eq '^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$' || fail "message: $msg"
# maxUnavailable 0: the old pods keep serving, the new one is not ready.
expect_eq "$(k get deploy web -o jsonpath='{.status.availableReplicas}/{.status.updatedReplicas}/{.status.replicas}')" \
	"3/1/4" "three old pods available, one new, not ready"
new=$(k get pods -l app=web -o jsonpath='{range .items[?(@.metadata.annotations.sandbox\.shipdeck\.dev/never-ready)]}{.metadata.name}{end}')
k get pod "$new" --no-headers | grep -Eq '^web-[a-z0-9]+-[a-z0-9]+ +0/1 +Running +0 ' || fail "new pod 0/1 Running"
wait_for 20 sh -c "kubectl get events --field-selector involvedObject.name=$new | grep -q 'Readiness probe failed'"
note "ok: Unhealthy events for the never-ready pod"

# Undo recovers.
k rollout undo deploy/web >/dev/null || fail "undo"
k rollout status deploy/web --timeout=60s >/dev/null || fail "rollout after undo"
expect_eq "$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}')" \
	NewReplicaSetAvailable "progress after undo"
sandbox_stop
