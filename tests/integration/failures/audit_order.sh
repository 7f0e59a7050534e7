#!/bin/bash
# Write-ahead, seen from the system calls (strace): a headless change writes
# its intent to the audit log and fsyncs it — and the log's folder, the first
# time — before the PATCH leaves; the result is written after the answer.
# A kill -9 shows that the intent is there (failures-kill9_intent); this
# shows it would survive a power cut too, which no kill can.
#
# Over TLS (both clusters: the sandbox speaks HTTP/1.1, the real apiserver
# HTTP/2) the request is not readable in the bytes sent, so libcurl writes
# its TLS secrets (SSLKEYLOGFILE) and tls_requests.py decrypts what each
# send to the cluster's port carried: the PATCH is the call that sent its
# request line (HTTP/1.1) or the HEADERS of the one stream with a body (h2),
# whichever connection it went on — one kept alive since the GETs or new.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "strace not found"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography not found (tls_requests.py)"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml" \
	--request-log "$WORK/requests.jsonl"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
cd "$WORK"
[ ! -e "$AUDIT" ] || fail "an audit log exists before the first action"

# LeakSanitizer cannot run under ptrace: leaks are the other tests' business
trace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 SSLKEYLOGFILE=$WORK/$1.keys \
		strace -f -qq -x -s 1048576 -e trace=connect,openat,write,writev,fsync,fdatasync,sendto,sendmsg \
		-o "$WORK/$1.trace" "$SHIPDECK" --kubeconfig "$KC" rollout "$1" web >"$WORK/$1.out" 2>&1 \
		|| { cat "$WORK/$1.out"; fail "rollout $1 failed"; }
	python3 "$FAILURES/tls_requests.py" "$WORK/$1.trace" "$WORK/$1.keys" "$PORT" >"$WORK/$1.requests" \
		|| fail "the requests of rollout $1 could not be read from its trace"
}
# order TRACE FIRST: the calls in order, or why not
order() {
	python3 - "$WORK/$1.trace" "$AUDIT" "$2" "$WORK/$1.requests" <<'PY'
import json, re, sys
trace, audit, first = sys.argv[1], sys.argv[2], sys.argv[3] == "first"
folder = audit.rsplit("/", 1)[0]
kind, seen = {}, {}       # what each fd is now (numbers are reused)
def mark(name, i):
    seen.setdefault(name, i)
# the change: HTTP/1.1's request line, or the h2 stream with a body (the only
# request with one: every other is a GET)
requests = [json.loads(l) for l in open(sys.argv[4])]
changes = [r for r in requests if r.get("body")
           or r.get("request", "").startswith("PATCH /apis/apps/v1/namespaces/default/deployments/web?")]
if len(changes) != 1:
    sys.exit("%d requests with a body among %s" % (len(changes), requests))
mark("PATCH sent", changes[0]["line"])
for i, line in enumerate(open(trace)):
    m = re.search(r'openat\([^,]*, "([^"]*)", ([A-Z_|]*)[^=]*= (\d+)', line)
    if m:
        kind[m.group(3)] = ("log" if m.group(1) == audit and "O_WRONLY" in m.group(2)
                            else "folder" if m.group(1) == folder and "O_DIRECTORY" in m.group(2)
                            else None)
        continue
    m = re.search(r'\b(write|writev|fsync|fdatasync|sendto|sendmsg)\((\d+)', line)
    if not m:
        continue
    call, fd = m.groups()
    k = kind.get(fd)
    if call == "write" and k == "log" and '\\"phase\\":\\"intent\\"' in line:
        mark("intent written", i)
    elif call == "write" and k == "log" and '\\"phase\\":\\"result\\"' in line:
        mark("result written", i)
    elif call in ("fsync", "fdatasync") and k == "log" and "intent written" in seen:
        mark("intent synced", i)
    elif call in ("fsync", "fdatasync") and k == "folder":
        mark("folder synced", i)
want = ["intent written", "intent synced"] + (["folder synced"] if first else []) \
    + ["PATCH sent", "result written"]
missing = [w for w in want if w not in seen]
if missing:
    sys.exit("never seen: " + ", ".join(missing))
got = sorted(want, key=lambda w: seen[w])
if first and seen["folder synced"] > seen["PATCH sent"]:
    sys.exit("the folder was synced after the PATCH")
want_order = [w for w in want if w != "folder synced"]
if [w for w in got if w != "folder synced"] != want_order:
    sys.exit("in this order: " + " → ".join(got))
print(" → ".join(got))
PY
}

trace pause
o=$(order pause first) || fail "a new log: $o"
note "a new audit log: $o"
trace resume
o=$(order resume again) || fail "an existing log: $o"
note "the next action: $o"
[ "$(jq -s 'length' "$AUDIT")" = 4 ] || fail "two intents and two results expected"
# what reached the cluster: the two PATCHes the traces found, no more
changes() { cluster_changes "$WORK/requests.jsonl" | awk '{print toupper($1), $2}' | sed 's/?.*//'; }
two_patches() {
	[ "$(changes)" = "$(printf 'PATCH %s\nPATCH %s' /apis/apps/v1/namespaces/default/deployments/web \
		/apis/apps/v1/namespaces/default/deployments/web)" ]
}
wait_until 10 two_patches || fail "the cluster saw other changes than two PATCHes: $(changes)"
echo "ok - the intent is written and fsync'd before the request leaves, the result after the answer"
