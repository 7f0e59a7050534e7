#!/bin/bash
# The layers of src/README.md, checked in the source with grep: who may
# include whom. From the floor up:
#   util < store, project < model < runtime < action < sources < the app
# where the sources are the folders of SOURCES, and the app (the
# composition root) is app/, cmd/, demo/, main.c and the console in views/.
# Where a rule has an exemption, it is named beside the check.
set -u
SOURCES="kube ci registry metrics git chaos env"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
rc=0
n=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
flunk() { n=$((n + 1)); echo "not ok $n - $1"; printf "%s\n" "${2%$'\n'}" | sed "s/^/#   /"; rc=1; }

# includes FOLDER...: "file: header" for every quoted include under them
includes() {
	grep -rnE --include='*.c' --include='*.h' '^#include "' "$@" \
		| sed -E 's/^([^:]+):[0-9]+:#include "([^"]+)".*/\1: \2/'
}

# (a) nothing below the app includes app/
out=$(includes src | grep -E ': app/' | grep -vE '^src/(app/|cmd/|demo/|main\.c:)')
[ -z "$out" ] && pass "nothing under src/ below the app includes app/" \
	|| flunk "headers of app/ included below the app" "$out"

# nothing below the app includes the console, the commands or the demo
out=$(includes src | grep -E ': (views|cmd|demo)/' | grep -vE '^src/(cmd/|demo/|main\.c:)')
[ -z "$out" ] && pass "nothing under src/ below the app includes views/, cmd/ or demo/" \
	|| flunk "views/, cmd/ or demo/ included below the app" "$out"

# (b) the floors include nothing above them
floor() {
	local dir=$1 allowed=$2 out

	out=$(includes "src/$dir" | grep -vE ": ($allowed)/")
	[ -z "$out" ] && pass "$dir/ includes only $allowed" \
		|| flunk "$dir/ includes something above it" "$out"
}
floor util 'util'
floor store 'util|store'
floor project 'util|project'
floor model 'util|store|project|model'
floor runtime 'util|store|project|runtime'
floor action 'util|store|project|runtime|action'

# a source reaches another only through the hooks of runtime/rt.h: it
# touches its own slot of struct rt, no other. The slots and their owners
# are runtime/rt.h's: "struct TYPE *NAME;  /* FOLDER/ …".
declare -A owner=()
while read -r slot dir; do
	owner[$slot]=$dir
done < <(sed -n "/Each source's own slot/,/^\$/p" src/runtime/rt.h \
	| sed -nE 's|^[[:space:]]*struct [a-z_]+ \*([a-z_]+);[[:space:]]*/\* ([a-z]+)/.*|\1 \2|p')
slots=$(printf '%s|' "${!owner[@]}")
out=
[ "${#owner[@]}" -ge 5 ] || out="runtime/rt.h: the slots' owners not found (${#owner[@]} read)"$'\n'
for dir in $SOURCES; do
	while read -r slot; do
		[ -n "$slot" ] || continue
		[ "${owner[${slot#rt->}]}" = "$dir" ] && continue
		out+="src/$dir uses $slot"$'\n'
	done < <(grep -rhoE "\\brt->(${slots%|})\\b" "src/$dir" | sort -u)
done
[ -z "$out" ] && pass "each source touches only its own slot of struct rt" \
	|| flunk "a source reaching into another's slot (wire a hook in app/sources.c)" "$out"

# (c) views get what they need through the store, the read models and the
# action builders, not from a source's header
out=$(includes views | grep -E ": (${SOURCES// /|})/" | sort -u)
[ -z "$out" ] && pass "views include no source header" \
	|| flunk "a view including a source header (go through the store or an action builder)" \
		"$out"

# views draw and ask: none reads a file (the log pager reads logs, a log
# provider fills a buffer). Opening to write (screen dumps, the frame log)
# and /dev/null for a terminal are not reads; text in quotes is not a call.
# The script mode (views/script.c) reads its steps once, before the console.
out=$(grep -rnE --include='*.c' --include='*.h' \
	'\b(fopen|open|read|fread|fgets|getline|opendir|file_read_all)[[:space:]]*\(' views \
	| grep -v '^views/script\.c:' \
	| grep -vE 'fopen\([^;]*,[[:space:]]*"[wa]' | grep -vF '"/dev/null"' \
	| sed -E 's/"([^"\\]|\\.)*"/""/g' \
	| grep -E '\b(fopen|open|read|fread|fgets|getline|opendir|file_read_all)[[:space:]]*\(' \
	| grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')
[ -z "$out" ] && pass "no file under views/ calls a file-reading function" \
	|| flunk "a view reading a file (ask a provider below the views)" "$out"

echo "1..$n"
exit $rc
