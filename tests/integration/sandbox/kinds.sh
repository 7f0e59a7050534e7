#!/usr/bin/env bash
# The kinds real manifests carry (issue 14), with the real kubectl: public
# manifests apply as published (tests/fixtures/manifests, see SOURCES),
# `kubectl create` of each kind it can make (protobuf bodies), tables,
# short names, cluster-scoped paths, the default ServiceAccount and
# kube-root-ca.crt of a new namespace, and watch=True.
. "$(dirname "$0")/lib.sh" "$@"
fixtures=$(cd "$(dirname "$0")/../../fixtures/manifests" && pwd)

sandbox_start --time-scale 20

# -- public manifests, as published
out=$(k apply -f "$fixtures" 2>&1) || fail "apply of the public manifests: $out"
for want in 'statefulset.apps/web created' 'daemonset.apps/fluentd-elasticsearch created' \
	'job.batch/pi created' 'poddisruptionbudget.policy/zk-pdb created' \
	'ingress.networking.k8s.io/minimal-ingress created' \
	'horizontalpodautoscaler.autoscaling/php-apache created' \
	'clusterrole.rbac.authorization.k8s.io/kube-state-metrics created' \
	'clusterrolebinding.rbac.authorization.k8s.io/kube-state-metrics created' \
	'serviceaccount/kube-state-metrics created' 'service/nginx created'; do
	echo "$out" | grep -qx "$want" || fail "apply did not say '$want': $out"
done
note "ok: the public manifests apply"
# Generations of what controllers write the status of (upstream), and
# resourceVersions of what nobody else writes.
rvs() {
	k get sts/web pdb/zk-pdb job/pi hpa/php-apache -o jsonpath='{.items[*].metadata.generation}'
	k get ing/minimal-ingress svc/nginx clusterrole/kube-state-metrics \
		-o jsonpath=' {.items[*].metadata.resourceVersion}'
}
before=$(rvs)
out=$(k apply -f "$fixtures" 2>&1) || fail "second apply: $out"
# kubectl replaces some fields whole (volumeClaimTemplates, a PDB's
# selector) and so may say "configured"; the server must find nothing to
# change: same generations and resourceVersions.
changed=$(echo "$out" | grep -v ' unchanged$' | grep -vx 'statefulset.apps/web configured' \
	| grep -vx 'poddisruptionbudget.policy/zk-pdb configured')
[ -z "$changed" ] || fail "second apply changed something: $changed"
expect_eq "$(rvs)" "$before" "a no-op apply changes nothing on the server"
note "ok: applied again, all unchanged"

# -- server-side defaults kubectl shows
expect_eq "$(k get sts web -o jsonpath='{.spec.podManagementPolicy} {.spec.updateStrategy.type} {.spec.volumeClaimTemplates[0].spec.volumeMode} {.spec.volumeClaimTemplates[0].status.phase}')" \
	"OrderedReady RollingUpdate Filesystem Pending" "StatefulSet defaults"
expect_eq "$(k get job pi -o jsonpath='{.spec.completions} {.spec.parallelism} {.spec.backoffLimit} {.spec.completionMode} {.spec.template.metadata.labels.job-name}')" \
	"1 1 4 NonIndexed pi" "Job defaults and generated labels"
uid=$(k get job pi -o jsonpath='{.metadata.uid}')
expect_eq "$(k get job pi -o jsonpath='{.spec.selector.matchLabels.batch\.kubernetes\.io/controller-uid}')" \
	"$uid" "Job selector from its uid"
expect_eq "$(k -n kube-system get ds fluentd-elasticsearch -o jsonpath='{.spec.updateStrategy.rollingUpdate.maxUnavailable} {.spec.revisionHistoryLimit}')" \
	"1 10" "DaemonSet defaults"
expect_eq "$(k -n kube-system get sa kube-state-metrics -o jsonpath='{.automountServiceAccountToken}')" \
	"false" "ServiceAccount field kept"

# -- tables, as kube-apiserver prints them
header() { k get "$@" 2>&1 | head -1 | tr -s ' '; }
expect_eq "$(header sts)" "NAME READY AGE" "statefulset table"
expect_eq "$(header -n kube-system ds)" \
	"NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE" "daemonset table"
expect_eq "$(header job)" "NAME STATUS COMPLETIONS DURATION AGE" "job table"
expect_eq "$(header pdb)" "NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE" "pdb table"
expect_eq "$(k get pdb zk-pdb --no-headers | tr -s ' ' | cut -d' ' -f1-4)" "zk-pdb 2 N/A 0" "pdb row"
expect_eq "$(header hpa)" "NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE" "hpa table"
expect_eq "$(k get hpa php-apache --no-headers | tr -s ' ' | cut -d' ' -f2-6)" \
	"Deployment/php-apache cpu: <unknown>/50% 1 10" "hpa row"
expect_eq "$(header ing)" "NAME CLASS HOSTS ADDRESS PORTS AGE" "ingress table"
expect_eq "$(k get ing minimal-ingress --no-headers | tr -s ' ' | cut -d' ' -f1-4)" \
	"minimal-ingress nginx-example * 80" "ingress row (no address: an empty cell)"
expect_eq "$(header clusterrole kube-state-metrics)" "NAME CREATED AT" "clusterrole table"
expect_eq "$(k get clusterrolebinding kube-state-metrics -o wide --no-headers | tr -s ' ' | cut -d' ' -f2,4-)" \
	"ClusterRole/kube-state-metrics kube-system/kube-state-metrics" "clusterrolebinding wide row"

# -- kubectl create of each kind (protobuf bodies)
k create namespace team-a >/dev/null || fail "create namespace"
for args in "configmap c1 --from-literal=a=b --from-literal=x=y" \
	"secret generic s1 --from-literal=p=q" "serviceaccount sa1" \
	"deployment d0 --image=example/web:1.0 --replicas=0" \
	"deployment d2 --image=example/web:1.0 --replicas=2 --port=8080" \
	"job j1 --image=example/job:1" "role r1 --verb=get,list --resource=pods" \
	"rolebinding rb1 --role=r1 --user=alice --serviceaccount=team-a:sa1" \
	"service clusterip s1 --tcp=80:8080" "ingress i1 --rule=foo.example/bar=s1:80" \
	"pdb p1 --selector=app=d2 --max-unavailable=50%"; do
	# shellcheck disable=SC2086
	out=$(k -n team-a create $args 2>&1) || fail "kubectl create $args: $out"
done
k -n team-a create cronjob cj1 --image=example/job:1 --schedule='*/5 * * * *' >/dev/null \
	|| fail "create cronjob"
k create clusterrole cr1 --verb=get --resource=nodes >/dev/null || fail "create clusterrole"
k create clusterrolebinding crb1 --clusterrole=cr1 --group=g1 >/dev/null || fail "create crb"
note "ok: kubectl create of every kind"
expect_eq "$(k -n team-a get cm c1 -o jsonpath='{.data.a}{.data.x}')" "by" "configmap data"
expect_eq "$(k -n team-a get secret s1 -o jsonpath='{.type} {.data.p}')" "Opaque cQ==" "secret data"
expect_eq "$(k -n team-a get deploy d0 -o jsonpath='{.spec.replicas}')" "0" "replicas 0 kept"
expect_eq "$(k -n team-a get deploy d2 -o jsonpath='{.spec.template.spec.containers[0].ports[0].containerPort} {.spec.selector.matchLabels.app}')" \
	"8080 d2" "deployment from protobuf"
k -n team-a rollout status deploy/d2 --timeout=60s >/dev/null || fail "d2 rolls out"
expect_eq "$(k -n team-a get job j1 -o jsonpath='{.spec.template.spec.restartPolicy}')" "Never" \
	"job restartPolicy"
expect_eq "$(k -n team-a get rolebinding rb1 -o jsonpath='{.roleRef.kind}/{.roleRef.name} {.subjects[*].kind}')" \
	"Role/r1 User ServiceAccount" "rolebinding subjects"
expect_eq "$(k -n team-a get pdb p1 -o jsonpath='{.spec.maxUnavailable}')" "50%" "pdb IntOrString"
expect_eq "$(k -n team-a get svc s1 -o jsonpath='{.spec.ports[0].targetPort}')" "8080" \
	"service targetPort"
expect_eq "$(k -n team-a get cj cj1 -o jsonpath='{.spec.schedule}|{.spec.concurrencyPolicy}')" \
	"*/5 * * * *|Allow" "cronjob"
expect_eq "$(k -n team-a get ing i1 -o jsonpath='{.spec.rules[0].host} {.spec.rules[0].http.paths[0].pathType}')" \
	"foo.example Exact" "ingress from protobuf"

# -- what every namespace gets, short names, cluster-scoped paths
wait_for 10 k -n team-a get sa default
wait_for 10 k -n team-a get cm kube-root-ca.crt
note "ok: default ServiceAccount and kube-root-ca.crt"
k -n team-a get sa,secret,sts,ds,job,cj,role,rolebinding,ing,pdb,hpa,netpol >/dev/null \
	|| fail "short and plural names"
API=$SANDBOX_URL
code=$(sbcurl -o /dev/null -w '%{http_code}' "$API/apis/rbac.authorization.k8s.io/v1/clusterroles/cr1")
expect_eq "$code" 200 "clusterrole at its cluster path"
code=$(sbcurl -o /dev/null -w '%{http_code}' "$API/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/clusterroles/cr1")
expect_eq "$code" 404 "no namespaced path for a cluster-scoped kind"
k api-resources --api-group=batch -o name | sort | tr '\n' ' ' | grep -qx 'cronjobs.batch jobs.batch ' \
	|| fail "api-resources batch: $(k api-resources --api-group=batch -o name)"

# -- a protobuf body of another kind than the endpoint's: 400, in upstream's words
printf 'k8s\0\x0a\x25\x0a\x14scheduling.k8s.io/v1\x12\x0dPriorityClass\x12\x00' >"$T/pc.pb"
code=$(sbcurl -o "$T/pc.json" -w '%{http_code}' -X POST \
	-H 'Content-Type: application/vnd.kubernetes.protobuf' --data-binary @"$T/pc.pb" \
	"$API/api/v1/namespaces/team-a/configmaps")
expect_eq "$code" 400 "protobuf of another kind"
grep -q 'PriorityClass in version \\"v1\\" cannot be handled as a ConfigMap' "$T/pc.json" \
	|| fail "400 message: $(cat "$T/pc.json")"

# -- watch=True (the Python client's spelling) streams
rv=$(sbcurl "$API/api/v1/namespaces/team-a/configmaps" | sed -n 's/.*"resourceVersion":"\([0-9]*\)".*/\1/p' | head -1)
sbcurl -m 3 "$API/api/v1/namespaces/team-a/configmaps?watch=True&resourceVersion=$rv" >"$T/w.txt" 2>/dev/null &
curl_pid=$!
sleep 0.5
k -n team-a create configmap c2 >/dev/null
wait "$curl_pid"
grep -q '"type":"ADDED".*"name":"c2"' "$T/w.txt" || fail "watch=True: $(head -c 300 "$T/w.txt")"
note "ok: watch=True streams"
sandbox_stop
