#!/bin/bash
# Acceptance 1: `kubectl apply -f` a Deployment (3 replicas, maxSurge 1,
# maxUnavailable 0, readiness probe) and a Service; `kubectl rollout status`
# waits and exits 0; `kubectl get deploy,rs,pods,svc` prints real tables.
. "$(dirname "$0")/lib.sh" "$@"

sandbox_start --time-scale 20

# the sandbox says 1.32 (KUBE-API.md §0); the real one its pinned version
want=v1.32.4
cluster_is_upstream && want=$(sed -n 's/^kubernetes=//p' "$(dirname "$0")/../../../upstream/versions")
k version -o json | grep -q "\"gitVersion\": \"$want\"" || fail "server version is not $want"
web_manifest >"$T/web.yaml"
out=$(k apply -f "$T/web.yaml") || fail "kubectl apply failed"
echo "$out" | grep -q '^deployment.apps/web created$' || fail "apply output: $out"
echo "$out" | grep -q '^service/web created$' || fail "apply output: $out"
out=$(k rollout status deploy/web --timeout=60s) || fail "rollout status failed: $out"
echo "$out" | tail -1 | grep -q '^deployment "web" successfully rolled out$' \
	|| fail "rollout status said: $out"
note "ok: rollout status exits 0 when complete"

# A second apply of the same file changes nothing.
out=$(k apply -f "$T/web.yaml")
echo "$out" | grep -q '^deployment.apps/web unchanged$' || fail "re-apply: $out"

k get deploy,rs,pods,svc >"$T/get.txt" || fail "kubectl get failed"
cat "$T/get.txt"
grep -Eq '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE$' "$T/get.txt" || fail "deploy header"
grep -Eq '^deployment.apps/web +3/3 +3 +3 +[0-9]+s$' "$T/get.txt" || fail "deploy row"
grep -Eq '^NAME +DESIRED +CURRENT +READY +AGE$' "$T/get.txt" || fail "rs header"
rs=$(k get rs -l app=web -o jsonpath='{.items[0].metadata.name}')
hash=$(k get rs "$rs" -o jsonpath='{.metadata.labels.pod-template-hash}')
expect_eq "$rs" "web-$hash" "ReplicaSet named after the pod-template-hash"
grep -Eq "^replicaset.apps/$rs +3 +3 +3 +[0-9]+s$" "$T/get.txt" || fail "rs row"
grep -Eq '^NAME +READY +STATUS +RESTARTS +AGE$' "$T/get.txt" || fail "pods header"
[ "$(grep -Ec "^pod/$rs-[bcdfghjklmnpqrstvwxz2456789]{5} +1/1 +Running +0 +[0-9]+s$" "$T/get.txt")" -eq 3 ] \
	|| fail "three running ready pods"
grep -Eq '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE$' "$T/get.txt" || fail "svc header"
grep -Eq '^service/web +ClusterIP +10\.96\.[0-9]+\.[0-9]+ +<none> +80/TCP +[0-9]+s$' "$T/get.txt" \
	|| fail "svc row"
note "ok: get deploy,rs,pods,svc prints the server's columns"

k get pods -o wide | grep -Eq ' 10\.244\.[0-9]+\.[0-9]+ +(sandbox|kwok)-node-[123] +<none> +<none>$' \
	|| fail "pods -o wide shows IP and node"
k get deploy web -o wide | grep -Eq ' web +example/web:1.0 +app=web$' || fail "deploy -o wide"

# Status and revision as the controller writes them.
expect_eq "$(k get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" \
	1 "deployment revision annotation"
expect_eq "$(k get deploy web -o jsonpath='{.status.observedGeneration}/{.metadata.generation}')" \
	"1/1" "observedGeneration"
expect_eq "$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}')" \
	NewReplicaSetAvailable "Progressing reason"
expect_eq "$(k get deploy web -o jsonpath='{.status.conditions[?(@.type=="Available")].reason}')" \
	MinimumReplicasAvailable "Available reason"
expect_eq "$(k get pod -l app=web -o jsonpath='{.items[0].spec.containers[0].imagePullPolicy}')" \
	IfNotPresent "container defaults"
expect_eq "$(k get svc web -o jsonpath='{.spec.ports[0].protocol}/{.spec.sessionAffinity}')" \
	"TCP/None" "service defaults"
k get all | grep -q '^deployment.apps/web ' || fail "kubectl get all lists the deployment"
k get nodes | grep -Eq '^(sandbox|kwok)-node-1 +Ready ' || fail "nodes"

sandbox_stop
note "ok: SIGTERM ends the sandbox with status 0"
