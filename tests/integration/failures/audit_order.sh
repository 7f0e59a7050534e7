#!/bin/bash
# Write-ahead, seen from the system calls (strace): a headless change writes
# its intent to the audit log and fsyncs it — and the log's folder, the first
# time — before the PATCH leaves; the result is written after the answer.
# A kill -9 shows that the intent is there (failures-kill9_intent); this
# shows it would survive a power cut too, which no kill can.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "strace not found"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
start_sandbox main --port 0 --plain-http --time-scale 50 --manifests "$FIXTURES/web.yaml"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
cd "$WORK"
[ ! -e "$AUDIT" ] || fail "an audit log exists before the first action"

# LeakSanitizer cannot run under ptrace: leaks are the other tests' business
trace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -s 2048 -e trace=openat,write,writev,fsync,fdatasync,sendto,sendmsg \
		-o "$WORK/$1.trace" "$SHIPDECK" --kubeconfig "$KC" rollout "$1" web >"$WORK/$1.out" 2>&1 \
		|| { cat "$WORK/$1.out"; fail "rollout $1 failed"; }
}
# order TRACE FIRST: the calls in order, or why not
order() {
	python3 - "$WORK/$1.trace" "$AUDIT" "$2" <<'PY'
import re, sys
trace, audit, first = sys.argv[1], sys.argv[2], sys.argv[3] == "first"
folder = audit.rsplit("/", 1)[0]
kind, seen = {}, {}       # what each fd is now (numbers are reused)
def mark(name, i):
    seen.setdefault(name, i)
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
    elif "PATCH /apis/apps/v1/namespaces/default/deployments/web" in line:
        mark("PATCH sent", i)
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
echo "ok - the intent is written and fsync'd before the request leaves, the result after the answer"
