#!/bin/bash
# Acceptance 3: a hypothesis that fails after the method ends "deviated",
# with the rollbacks run. web has one replica and may lose it during a
# rollout (maxUnavailable 1, maxSurge 0); the method deploys an image the
# sandbox's faults file makes never ready; the hypothesis after finds web
# unavailable; the rollback (kubectl rollout undo) brings web back. Written
# in YAML, so the YAML reader runs end to end too.
. "$(dirname "$0")/lib.sh"
cat >"$WORK/faults.yaml" <<'YAML'
- image: "example/web:bad*"
  never-ready: "true"
YAML
cat >"$WORK/one.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: example/web:1.0
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
YAML
start_sandbox main --port 0 --time-scale 4 --manifests "$WORK/one.yaml" --faults "$WORK/faults.yaml" \
	--request-log "$REQLOG"
make_repo
cat >"$REPO/chaos/bad-image.yaml" <<'YAML'
version: 1.0.0
title: a never-ready image on web's only replica
description: The only pod is replaced by one that never becomes ready; web is down.
steady-state-hypothesis:
  title: web is available
  probes:
    - type: probe
      name: web-available-and-healthy
      tolerance: true
      provider:
        type: python
        module: chaosk8s.deployment.probes
        func: deployment_available_and_healthy
        arguments: {name: web, ns: default, raise_on_unavailable: false}
method:
  - type: action
    name: deploy-never-ready-image
    provider:
      type: process
      path: kubectl
      arguments: [set, image, deployment/web, web=example/web:bad1]
    pauses: {after: 3}
rollbacks:
  - type: action
    name: roll-back-web
    provider:
      type: process
      path: kubectl
      arguments: [rollout, undo, deployment/web]
YAML
image() { kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}'; }
wait_until 30 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.status.availableReplicas}')\" = 1 ]" \
	|| fail "web never became available"

set +e
(cd "$REPO" && sd chaos run chaos/bad-image.yaml) >"$WORK/run.out" 2>&1
rc=$?
set -e
cat "$WORK/run.out"
[ "$rc" = 1 ] || fail "a deviated run exits 1, got $rc"
grep -qx 'status: deviated (deviated: yes)' "$WORK/run.out" || fail "not deviated"
grep -qx 'hypothesis before: met' "$WORK/run.out" || fail "hypothesis before"
grep -qx 'hypothesis after: NOT met' "$WORK/run.out" || fail "hypothesis after"
grep -qF '  ✗ probe web-available-and-healthy: false (tolerance true) not met' "$WORK/run.out" \
	|| fail "the failing probe, its value and tolerance"
grep -qF '  ✓ action roll-back-web: succeeded' "$WORK/run.out" || fail "the rollback ran"

journal=$RUNS/1/journal.json
[ "$(jq -r .deviated "$journal")" = true ] || fail "journal: deviated"
[ "$(jq -r '.rollbacks[0].status' "$journal")" = succeeded ] || fail "journal: rollback"
[ "$(jq -r '.rollbacks[0].output.status' "$journal")" = 0 ] || fail "kubectl rollout undo failed"
# the rollback reached the cluster: web is on its image again, and available
[ "$(image)" = example/web:1.0 ] || fail "image after the rollback: $(image)"
wait_until 30 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.status.availableReplicas}')\" = 1 ]" \
	|| fail "web not available after the rollback"
jq -s -e 'map(select(.action == "chaos-run" and .phase == "result"))[0] | .result == "failed" and .to == "deviated"' \
	"$AUDIT" >/dev/null || { cat "$AUDIT"; fail "audit record"; }
[ "$(sd chaos show 1 >/dev/null; echo $?)" = 1 ] || fail "chaos show of a deviated run exits 1"
sd --json chaos show 1 | jq -e '.status == "deviated" and .journal.deviated == true
	and (.journal | has("experiment") | not)' >/dev/null || fail "chaos show --json"
echo "ok - deviated, rollbacks run"
