# Shared by the shipdeck-sandbox integration tests. Source it with the path
# of the built shipdeck-sandbox as $1:
#
#   . "$(dirname "$0")/lib.sh" "$1"
#
# It skips the test (exit 77) without a kubectl >= 1.27 on PATH, makes a
# private temp dir ($T) with its own kubectl cache, and kills everything it
# started on exit. sandbox_start runs the sandbox on a free port with the
# flags given and exports KUBECONFIG.

set -u

SANDBOX_BIN=${1:-${SHIPDECK_SANDBOX:-}}
if [ -z "$SANDBOX_BIN" ] || [ ! -x "$SANDBOX_BIN" ]; then
	echo "usage: $0 PATH/TO/shipdeck-sandbox" >&2
	exit 2
fi
SANDBOX_BIN=$(cd "$(dirname "$SANDBOX_BIN")" && pwd)/$(basename "$SANDBOX_BIN")

SANDBOX_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$SANDBOX_LIB_DIR/../../lib.sh"

skip() { sd_skip "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

command -v kubectl >/dev/null 2>&1 || skip "no kubectl on PATH"
KUBECTL_MINOR=$(sd_kubectl_minor)
sd_kubectl_ok || skip "kubectl ${KUBECTL_MINOR:+1.$KUBECTL_MINOR }is older than 1.27"
command -v curl >/dev/null 2>&1 || skip "no curl on PATH"

sd_setup sandbox-test
T=$SD_TMP
export HOME=$T

# a failed test shows the end of what the sandbox said
sandbox_err_tail() {
	if [ "$SD_RC" -ne 0 ] && [ "$SD_RC" -ne 77 ] && [ -f "$T/sandbox.err" ]; then
		echo "--- sandbox stderr ---" >&2
		tail -20 "$T/sandbox.err" >&2
	fi
}
sd_on_exit sandbox_err_tail
trap 'exit 1' INT TERM

# Remembers a background process to kill on exit.
track() { sd_track "$1"; }

# sandbox_start [FLAGS...]: starts the sandbox, waits for its one line,
# sets SANDBOX_URL, SANDBOX_PID, SANDBOX_TOKEN and KUBECONFIG.
sandbox_start() {
	# a second start in one test must not read the first one's line before
	# the new process has truncated the file
	rm -f "$T/sandbox.out"
	"$SANDBOX_BIN" --port 0 --kubeconfig-out "$T/kubeconfig" "$@" \
		>"$T/sandbox.out" 2>"$T/sandbox.err" &
	SANDBOX_PID=$!
	track "$SANDBOX_PID"
	SANDBOX_URL=$(cluster_wait_listening "$T/sandbox.out" "$SANDBOX_PID") \
		|| fail "the cluster did not start: $(cat "$T/sandbox.err")"
	[ -n "$SANDBOX_URL" ] || fail "the cluster did not print its listening line"
	[ "$(wc -l <"$T/sandbox.out")" -eq 1 ] || fail "sandbox printed more than one line"
	SANDBOX_TOKEN=$(sed -n 's/^ *token: //p' "$T/kubeconfig")
	export KUBECONFIG=$T/kubeconfig
}

# sandbox_stop: SIGTERM, and the exit status must be 0.
sandbox_stop() {
	kill -TERM "$SANDBOX_PID"
	wait "$SANDBOX_PID"
	local rc=$?
	sd_untrack "$SANDBOX_PID"
	[ "$rc" -eq 0 ] || fail "sandbox exited with $rc on SIGTERM"
	# Sanitizer builds report here (UBSan does not change the exit status).
	if grep -Eq 'runtime error:|Sanitizer' "$T/sandbox.err"; then
		cat "$T/sandbox.err" >&2
		fail "the sanitizers reported a problem"
	fi
}

# curl against the sandbox, with the CA and token when it runs HTTPS.
sbcurl() {
	if [ -n "${SANDBOX_TOKEN:-}" ]; then
		sed -n 's/^ *certificate-authority-data: //p' "$T/kubeconfig" | base64 -d >"$T/ca.pem"
		curl -sS --cacert "$T/ca.pem" -H "Authorization: Bearer $SANDBOX_TOKEN" "$@"
	else
		curl -sS "$@"
	fi
}

k() { timeout 120 kubectl "$@"; }

# expect_eq GOT WANT WHAT
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
	note "ok: $3"
}

# wait_for SECONDS COMMAND...: retries until the command succeeds.
wait_for() {
	local limit=$1
	shift
	sd_wait_until "$limit" "$@" || fail "timed out after ${limit}s waiting for: $*"
}

# A Deployment (maxSurge 1, maxUnavailable 0, readiness probe) and a
# Service, named $1 (default web), image $2, replicas $3.
web_manifest() {
	local name=${1:-web} image=${2:-example/web:1.0} replicas=${3:-3}
	cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $name
  labels: {app: $name}
spec:
  replicas: $replicas
  selector:
    matchLabels: {app: $name}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: $name}
    spec:
      containers:
      - name: web
        image: $image
        ports: [{containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
          initialDelaySeconds: 2
---
apiVersion: v1
kind: Service
metadata:
  name: $name
spec:
  selector: {app: $name}
  ports: [{port: 80, targetPort: 8080}]
YAML
}

# lines_ge FILE N [REGEX]: FILE has at least N lines (matching REGEX).
lines_ge() {
	local n
	if [ $# -ge 3 ]; then
		n=$(grep -Ec -- "$3" "$1" 2>/dev/null)
	else
		n=$(wc -l <"$1" 2>/dev/null)
	fi
	[ "${n:-0}" -ge "$2" ]
}

# free_port: a TCP port nothing listens on at 127.0.0.1 (for programs that,
# unlike the sandbox, cannot pick one themselves): tests/free_port.py
free_port() { sd_free_port; }

# rs_watch APP FILE: watches the ReplicaSets of app=APP into FILE as
# "EVENT NAME DESIRED" lines, until the test ends.
rs_watch() {
	k get rs -l app="$1" -w --output-watch-events --no-headers \
		-o custom-columns=EVENT:.type,NAME:.object.metadata.name,DESIRED:.object.spec.replicas \
		>"$2" 2>&1 &
	track $!
}

# rs_surge_check FILE BOUND: the controller keeps the sum of its
# ReplicaSets' desired replicas at or under replicas+maxSurge, and uses the
# full surge once. Names the line that broke it, or the most it saw.
rs_surge_check() {
	awk -v bound="$2" '
		{ desired[$2] = $1 == "DELETED" ? 0 : $3; sum = 0; for (n in desired) sum += desired[n] }
		sum > max { max = sum }
		sum > bound { print "line " NR ": the ReplicaSets want " sum " > " bound; bad = 1 }
		END { if (max != bound) { print "most desired " max ", want the full surge of " bound; bad = 1 }; exit bad }' \
		"$1" || { cat "$1"; return 1; }
}

# pods_replay FILE FROM POD_BOUND MIN_READY: replays a `kubectl get pods -w
# --output-watch-events` stream (EVENT NAME READY STATUS ...) and, from line
# FROM on, checks pods not Terminating <= POD_BOUND (0: unchecked) and ready
# pods >= MIN_READY. Prints the lines that broke it and, last, how many pods
# it saw Terminating.
#
# POD_BOUND holds on the sandbox only: on the real control plane each
# ReplicaSet's controller acts on its own, so a new pod may be created
# (its ReplicaSet already scaled up) before an old one is marked for
# deletion (its ReplicaSet already scaled down). The surge is the
# Deployment controller's bound on desired replicas: rs_surge_check.
pods_replay() {
	awk -v from="$2" -v bound="$3" -v min="$4" '
		{ ev = $1; name = $2 }
		ev == "DELETED" { delete st[name]; delete rd[name] }
		ev != "DELETED" { st[name] = $4; rd[name] = $3 }
		ev != "DELETED" && $4 == "Terminating" && !(name in seen) { seen[name] = 1; term++ }
		NR >= from {
			active = 0; up = 0
			for (n in st) { if (st[n] != "Terminating") active++; if (st[n] == "Running" && rd[n] == "1/1") up++ }
			if (bound && active > bound) { print "line " NR ": " active " pods > " bound; bad = 1 }
			if (up < min) { print "line " NR ": " up " ready < " min; bad = 1 }
		}
		END { print "terminating " term + 0; exit bad }' "$1"
}

# pod_bound N: N on the sandbox, 0 (unchecked) on the real control plane.
pod_bound() { if cluster_is_upstream; then echo 0; else echo "$1"; fi; }
