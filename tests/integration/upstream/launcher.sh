#!/bin/bash
# shipdeck-upstream: the real control plane starts, serves kubectl, turns the
# sandbox's faults into kwok stages, and stops exactly what it started — on
# SIGTERM, and when it is killed. Bad input: a missing or broken build, a port
# in use, an etcd that will not start — each one line naming the component
# and its log, and nothing left running.
. "$(dirname "$0")/../rollout/lib.sh"
: "${UPSTREAM:?}" "${SHIPDECK_UPSTREAM_BIN:?}"
kubectl_ok || skip "kubectl >= 1.27 not found"

# the components running from one data folder (their command lines name it)
running_from() {
	pgrep -f -- "$1" | grep -v "^$$\$" || true
}

# step N WHAT: names the step in the log, with the seconds so far (a
# failure under load then says where the time went)
step() { note "step $1 at ${SECONDS} s: ${*:2}"; }

none_running_from() { [ -z "$(running_from "$1")" ]; }

# launch NAME [flags]: runs the launcher to its end; its stderr in NAME.err
launch() {
	local name=$1
	shift
	set +e
	timeout 120 "$UPSTREAM" --kubeconfig-out "$WORK/$name.kc" --dir "$WORK/$name" "$@" \
		>"$WORK/$name.out" 2>"$WORK/$name.err"
	LAUNCH_RC=$?
	set -e
}

step 1 'a missing build'
# 1. a missing build names the binary, the folder and how to build it
launch missing --bin-dir "$WORK/nothing-here"
[ "$LAUNCH_RC" = 2 ] || fail "missing build: exit $LAUNCH_RC"
grep -q "etcd not found in $WORK/nothing-here: build the upstream components with upstream/build" \
	"$WORK/missing.err" || { cat "$WORK/missing.err"; fail "missing build message"; }

step 2 'a broken kube-apiserver'
# 2. a broken kube-apiserver: its own words and its log in the message;
#    the etcd already started is stopped again
mkdir -p "$WORK/broken-bin"
for b in etcd kube-controller-manager kube-scheduler kwok; do
	ln -s "$SHIPDECK_UPSTREAM_BIN/$b" "$WORK/broken-bin/$b"
done
printf '#!/bin/sh\necho "kube-apiserver: cannot start: bad build" >&2\nexit 3\n' \
	>"$WORK/broken-bin/kube-apiserver"
chmod +x "$WORK/broken-bin/kube-apiserver"
launch broken --bin-dir "$WORK/broken-bin"
[ "$LAUNCH_RC" = 1 ] || fail "broken build: exit $LAUNCH_RC"
grep -q "kube-apiserver exited while starting (log: $WORK/broken/logs/kube-apiserver.log): kube-apiserver: cannot start: bad build" \
	"$WORK/broken.err" || { cat "$WORK/broken.err"; fail "broken build message"; }
[ -z "$(running_from "$WORK/broken/")" ] || fail "broken build left processes: $(running_from "$WORK/broken/")"

step 3 'the port asked for is in use'
# 3. the port asked for is in use
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(60)' \
	>"$WORK/busy.port" &
sd_track "$!"
wait_until 5 test -s "$WORK/busy.port"
busy=$(cat "$WORK/busy.port")
launch busy --port "$busy"
[ "$LAUNCH_RC" = 1 ] || fail "port in use: exit $LAUNCH_RC"
grep -q "kube-apiserver: port 127.0.0.1:$busy is in use" "$WORK/busy.err" \
	|| { cat "$WORK/busy.err"; fail "port in use message"; }

step 4 'etcd that cannot start'
# 4. etcd that cannot start (its data folder is a file)
mkdir -p "$WORK/noetcd"
echo "not a folder" >"$WORK/noetcd/etcd"
launch noetcd
[ "$LAUNCH_RC" = 1 ] || fail "etcd: exit $LAUNCH_RC"
grep -q "^shipdeck-upstream: etcd exited while starting (log: $WORK/noetcd/logs/etcd.log)" "$WORK/noetcd.err" \
	|| { cat "$WORK/noetcd.err"; fail "etcd message"; }
[ -z "$(running_from "$WORK/noetcd/")" ] || fail "etcd failure left processes"

step 5 'a good start'
# 5. a good start: one line, nodes Ready, faults as stages; SIGTERM stops all
cat >"$WORK/faults.yaml" <<'YAML'
- image: "example/web:bad*"
  never-ready: "true"
- image: "example/web:crash*"
  crash-loop: "true"
YAML
"$UPSTREAM" --kubeconfig-out "$WORK/good.kc" --dir "$WORK/good" --faults "$WORK/faults.yaml" \
	--time-scale 10 >"$WORK/good.out" 2>"$WORK/good.err" &
good=$!
sd_track "$good"
url=$(cluster_wait_listening "$WORK/good.out" "$good") || { cat "$WORK/good.err"; fail "no start"; }
[ "$(wc -l <"$WORK/good.out")" = 1 ] || fail "more than one line on stdout"
export KUBECONFIG=$WORK/good.kc
[ "$(kubectl get nodes --no-headers | grep -c ' Ready ')" = 3 ] || fail "3 Ready nodes"
kubectl version -o json | jq -e '.serverVersion.gitVersion | startswith("v1.")' >/dev/null \
	|| fail "server version"
for d in good:example/web:1.0 bad:example/web:bad-1 crash:example/web:crash-1; do
	kubectl create deployment "${d%%:*}" --image="${d#*:}" >/dev/null || fail "create ${d%%:*}"
done
kubectl rollout status deploy/good --timeout=60s >/dev/null || fail "good rollout"
pod_status() { kubectl get pods -l app="$1" --no-headers | awk '{print $2, $3}'; }
wait_until 30 sh -c "kubectl get pods -l app=crash --no-headers | grep -q CrashLoopBackOff" \
	|| fail "crash-loop fault"
wait_until 30 sh -c "kubectl get pods -l app=bad --no-headers | grep -q '0/1 *Running'" \
	|| fail "never-ready fault"
sleep 2
[ "$(pod_status bad)" = "0/1 Running" ] || fail "never-ready pod became ready: $(pod_status bad)"
# pod logs, through kwok's kubelet server from the files podlogs.c writes
gp=$(kubectl get pods -l app=good -o jsonpath='{.items[0].metadata.name}')
wait_until 10 sh -c "kubectl logs $gp | grep -q 'msg=\"starting web\" image=example/web:1.0 pod=$gp\$'" \
	|| fail "the pod's log: $(kubectl logs "$gp" 2>&1 | head -5)"
kubectl logs deploy/crash --previous 2>&1 | grep -q '^panic: runtime error' \
	|| fail "the crash-looping pod's previous log: $(kubectl logs deploy/crash --previous 2>&1 | head -5)"
# the audit log is the request log: kubectl's create is in it
grep -q '"verb":"create".*"userAgent":"kubectl' "$WORK/good/audit.log" || fail "audit log"
pids=$(running_from "$WORK/good/")
[ "$(echo "$pids" | wc -w)" -ge 5 ] || fail "the five components run: $pids"
kill -TERM "$good"
set +e
wait "$good"
rc=$?
set -e
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc"
for p in $pids; do ! kill -0 "$p" 2>/dev/null || fail "component $p still runs after SIGTERM"; done

step 6 'killed outright'
# 6. killed outright, it takes its components with it
"$UPSTREAM" --kubeconfig-out "$WORK/k9.kc" --dir "$WORK/k9" >"$WORK/k9.out" 2>"$WORK/k9.err" &
k9=$!
cluster_wait_listening "$WORK/k9.out" "$k9" >/dev/null || fail "second start"
pids=$(running_from "$WORK/k9/")
kill -KILL "$k9"
wait "$k9" 2>/dev/null || true
# (asked again on each try: SIGKILL'd components take a moment to go)
wait_until 20 none_running_from "$WORK/k9/" || fail "kill -9 left: $(running_from "$WORK/k9/")"
step 7 'stopped while it starts'
# 7. stopped while it starts: it gives up at once and leaves nothing
"$UPSTREAM" --kubeconfig-out "$WORK/early.kc" --dir "$WORK/early" >"$WORK/early.out" 2>"$WORK/early.err" &
early=$!
wait_until 20 grep -q 'kube-apiserver starting' "$WORK/early.err" || fail "early: no start"
kill -TERM "$early"
start=$SECONDS
wait "$early" 2>/dev/null || true
[ $((SECONDS - start)) -lt 15 ] || fail "early stop took $((SECONDS - start)) s"
[ ! -s "$WORK/early.out" ] || fail "early stop printed the listening line"
grep -q 'stopped while' "$WORK/early.err" || { cat "$WORK/early.err"; fail "early stop message"; }
[ -z "$(running_from "$WORK/early/")" ] || fail "early stop left: $(running_from "$WORK/early/")"
step end
echo "ok - shipdeck-upstream starts, serves, fails clearly and stops what it started"
