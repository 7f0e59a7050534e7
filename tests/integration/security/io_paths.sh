#!/bin/bash
# Two walls that hold only if nothing goes around them, checked in the
# source: every request leaves through runtime/http (where read-only refuses
# all but GET and HEAD) — no other socket, curl handle or libgit2 remote in
# shipdeck (the sandbox is another program; util/spawn only probes ports
# on 127.0.0.1 for the servers the demo and shipdeck-upstream start) — and every string reaches the terminal through the draw
# helpers, which sanitize (views/draw.c), never through curses directly.
# And the audit log has one writer, the gate.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
rc=0
net=$(grep -rnE '\b(socket|connect|getaddrinfo|curl_easy_init|curl_easy_perform|curl_multi_init|git_remote_[a-z_]+|git_clone)\(' \
	src views --include='*.c' | grep -vE '^src/(sandbox/|runtime/http\.c:|util/spawn\.c:)')
if [ -n "$net" ]; then
	echo "not ok - network access outside runtime/http:"
	echo "$net"
	rc=1
else
	echo "ok - every request goes through runtime/http"
fi
# util/spawn.c: only port probes on 127.0.0.1
if grep -nE '\b(socket|connect)\(' src/util/spawn.c | grep -qv 'AF_INET\|connect(fd'; then
	echo "not ok - src/util/spawn.c opens sockets beyond its port probes"
	rc=1
fi
out=$(grep -rnE '\b(mv)?w?(addn?str|addn?wstr|printw|addch|add_wch|waddstr|wprintw|mvwprintw|mvwaddstr)\(' \
	views --include='*.c' | grep -v '^views/draw\.c:' | grep -vE 'mvprintw\(0, 0, "terminal too small')
if [ -n "$out" ]; then
	echo "not ok - views writing to the terminal without the draw helpers:"
	echo "$out"
	rc=1
else
	echo "ok - views draw only through the sanitizing helpers"
fi
# the audit log has one writer: the gate (intent before the request, result
# after); nothing else appends records or opens the file
aud=$(grep -rnE '\baudit_append\(|audit\.jsonl|audit_path' src views --include='*.c' \
	| grep -vE '^src/action/(gate|audit)\.c:|^src/app/app\.c:|^src/main\.c:.*audit\.jsonl')
if [ -n "$aud" ]; then
	echo "not ok - the audit log written or opened outside the gate:"
	echo "$aud"
	rc=1
else
	echo "ok - only the gate writes the audit log"
fi
exit $rc
