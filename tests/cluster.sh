# The cluster a kube-facing test runs on. meson runs each such test twice:
# with SHIPDECK_CLUSTER=sandbox (or unset) on shipdeck-sandbox, and with
# SHIPDECK_CLUSTER=upstream on the real control plane, started by
# shipdeck-upstream with the same flags. Both print one line once they
# serve, "shipdeck-{sandbox,upstream} listening on URL"; both stop on SIGTERM.
#
#   cluster_is_upstream            true on the real control plane
#   cluster_bin                    the binary to start (from $SHIPDECK_SANDBOX
#                                  or $SANDBOX, which meson sets per variant)
#   cluster_wait_listening OUT PID waits for the line in OUT (the cluster's
#                                  stdout) while PID lives; prints the URL
#   cluster_changes LOG            what shipdeck changed, by the request log
#                                  (sandbox) or the audit log (upstream)

cluster_is_upstream() {
	[ "${SHIPDECK_CLUSTER:-sandbox}" = upstream ]
}

cluster_bin() {
	echo "${SANDBOX:-${SHIPDECK_SANDBOX:?}}"
}

cluster_wait_listening() {
	local out=$1 pid=$2 limit=300 i
	# the real control plane takes 10–30 s to start on 2 cores
	cluster_is_upstream && limit=1800
	for ((i = 0; i < limit; i++)); do
		if grep -qsE '^shipdeck-(sandbox|upstream) listening on ' "$out"; then
			sed -nE 's/^shipdeck-(sandbox|upstream) listening on //p' "$out"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# cluster_changes LOG: the requests in the request log (sandbox) or audit log
# (upstream) that change something, one per line ("METHOD path" / "verb
# uri"), made by shipdeck — told apart from the controllers', kubectl's and
# the launcher's by user and user agent on upstream.
cluster_changes() {
	local log=$1
	if cluster_is_upstream; then
		python3 - "$log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if not e.get("userAgent", "").startswith("shipdeck/"):
        continue
    if e.get("user", {}).get("username") != "shipdeck-admin":
        continue  # shipdeck-upstream's own set-up
    if e.get("verb") not in ("get", "list", "watch"):
        print(e.get("verb"), e.get("requestURI"))
PY
	else
		python3 - "$log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("method") not in ("GET", "HEAD"):
        print(e.get("method"), e.get("path"))
PY
	fi
}

# cluster_request_count LOG: how many requests shipdeck sent, by the request
# log (sandbox: every request is shipdeck's or the test's kubectl's) or the
# audit log (upstream: shipdeck's, by user agent).
cluster_request_count() {
	if cluster_is_upstream; then
		grep '"username":"shipdeck-admin"' "$1" | grep -c '"userAgent":"shipdeck/' || true
	else
		wc -l <"$1"
	fi
}

# cluster_requests LOG|-: every request by the admin's kubeconfig (shipdeck,
# kubectl, Chaos Toolkit…) as "METHOD path" lines — the sandbox's request log
# as it is; the audit log's verbs as the HTTP methods they came as, without
# the controllers' and the launcher's own requests.
cluster_requests() {
	if cluster_is_upstream; then
		python3 -c '
import json, sys
methods = {"get": "GET", "list": "GET", "watch": "GET", "create": "POST", "update": "PUT",
           "patch": "PATCH", "delete": "DELETE", "deletecollection": "DELETE"}
for line in (sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("user", {}).get("username") == "shipdeck-admin":
        print(methods.get(e.get("verb"), e.get("verb")), e.get("requestURI", "").split("?")[0])
' "$1"
	else
		python3 -c '
import json, sys
for line in (sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    print(e.get("method"), e.get("path"))
' "$1"
	fi
}

# cluster_demo_flag: what `shipdeck demo` is told to run this cluster on.
cluster_demo_flag() {
	if cluster_is_upstream; then echo "--cluster upstream"; else echo "--cluster sandbox"; fi
}
