# Helpers for the environments tests (issue 20): Debian's docker-registry
# with the image fixture (images/registry.sh), and sandboxes whose
# namespaces stage and prod each run deployment web (2 pods) with the same
# ConfigMap, env var and readiness probe, on the images given.
# Source after tests/lib.sh and sd_setup.
. "$SD_TESTS/integration/images/registry.sh"
command -v kubectl >/dev/null || sd_skip "kubectl is not installed"
[ -x "$SHIPDECK_SANDBOX" ] || sd_skip "shipdeck-sandbox is not built"
. "$SD_TESTS/cluster.sh"

# env_manifests NS IMAGE [REPLICAS]: web in NS, and its ConfigMap.
env_manifests() {
	cat <<YAML
---
apiVersion: v1
kind: Namespace
metadata: {name: $1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: $1}
data: {greeting: hello, pool: "8"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: $1}
spec:
  replicas: ${3:-2}
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: "$2"
        env:
        - {name: LOG_LEVEL, value: info}
        - name: GREETING
          valueFrom: {configMapKeyRef: {name: web-config, key: greeting}}
        envFrom:
        - configMapRef: {name: web-config}
        readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}
        resources: {requests: {cpu: 100m, memory: 64Mi}}
YAML
}

# env_sandbox NAME MANIFESTS: a cluster (cluster.sh: the sandbox, or the
# real control plane; time-scale 50) whose kubeconfig names its context,
# cluster and user NAME; sets KC_<NAME>.
env_sandbox() {
	local name=$1 kc=$SD_TMP/kc-$1
	"$(cluster_bin)" --port 0 --kubeconfig-out "$kc.raw" --time-scale 50 \
		--manifests "$2" >"$SD_TMP/sandbox-$name.out" 2>"$SD_TMP/sandbox-$name.err" &
	SD_PIDS+=($!)
	cluster_wait_listening "$SD_TMP/sandbox-$name.out" "${SD_PIDS[-1]}" >/dev/null \
		|| { cat "$SD_TMP/sandbox-$name.err" >&2; return 1; }
	sed -E "s/shipdeck-(sandbox|upstream)/$name/g" "$kc.raw" >"$kc"
	printf -v "KC_$name" %s "$kc"
}

# env_project DIR IMAGE_NAME ENVIRONMENTS_YAML: .shipdeck.yml with image.name
# (none when "") and the environments.
env_project() {
	{
		[ -n "$2" ] && printf 'image:\n  name: %s\n' "$2"
		printf 'environments:\n%s' "$3"
	} >"$1/.shipdeck.yml"
}

# env_wait_rolled KC NS: web's rollout in NS is complete.
env_wait_rolled() {
	kubectl --kubeconfig "$1" -n "$2" rollout status deploy/web --timeout=20s >/dev/null
}

# pod_digests KC NS: the digests web's pods run, sorted, unique: what the
# kubelet reports (imageID), or where it reports none (kwok's pods, on the
# real control plane) the digest the pod's own spec names.
pod_digests() {
	kubectl --kubeconfig "$1" -n "$2" get pods -l app=web \
		-o jsonpath='{range .items[*]}{.status.containerStatuses[0].imageID} {.spec.containers[0].image}{"\n"}{end}' \
		| grep -oE '@sha256:[0-9a-f]{64}' | sed 's/^@//' | sort -u
}
