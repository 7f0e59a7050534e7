#!/bin/bash
# Screen goldens of the rollout pane (script mode, no terminal): a stalled
# rollout at 200x50 — the list and the rollback dialog (its text and its
# colour roles) — at 80x24, stacked
# and zoomed, and a pod's detail (zoomed: the log pane beside it grows). Volatile bits (ages, hash suffixes, times,
# nodes) are normalised before the diff. UPDATE_GOLDEN=1 rewrites them.
. "$(dirname "$0")/../../integration/rollout/lib.sh"
: "${GOLDENS:=$(cd "$(dirname "$0")" && pwd)}"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml" \
	--faults "$FIXTURES/faults.yaml"
sd rollout status web --timeout 30s >/dev/null
sd deploy web bad1 >/dev/null
sd rollout status web --timeout 30s >/dev/null 2>&1 && fail "the bad rollout should stall"

cat >"$WORK/steps" <<'STEPS'
wait-for DeadlineExceeded
wait-for rev 2   web-
dump list-200x50
key r
wait-for Roll back deploy/web
dump confirm-200x50
dump-roles confirm-200x50.roles
key n
resize 80x24
dump list-80x24
key Enter
dump zoom-80x24
resize 200x50
key j j j Enter
wait-for events (newest first)
dump detail-200x50
STEPS
mkdir -p "$WORK/out"
(cd "$WORK" && SHIPDECK_SCRIPT="$WORK/steps" SHIPDECK_SCRIPT_OUT="$WORK/out" LINES=50 COLUMNS=200 \
	TERM=xterm-256color TZ=UTC "$SHIPDECK" --kubeconfig "$KC") || fail "the console failed"

normalise() {
	sed -E -e 's/web-[a-z0-9]{6,10}-[a-z0-9]{5}/web-HASH-XXXXX/g' \
		-e 's/web-[a-z0-9]{6,10}\b/web-HASH/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g' \
		-e 's/(sandbox|kwok)-node-[0-9]+/\1-node-N/g' \
		-e 's/\b[0-9]+(s|m[0-9]+s|m|h[0-9]+m|h|d[0-9]+h|d)\b/AGE/g' \
		-e 's/[0-9]+\.[0-9]+ms/Nms/g' \
		-e 's/(shipdeck deploy [^ ]+ [^ ]+ by )[A-Za-z0-9._-]+/\1USER/g' \
		-e 's/(shipdeck rollback [^ ]+ to revision [0-9]+ \([^)]*\) by )[A-Za-z0-9._-]+/\1USER/g' \
		-e 's/ +$//' "$1"
}

# the dialog's colour roles (its rows only: the list's ages change widths):
# the title's role on its rule, ok/fail/warn on from, to and the cause
dialog_rows() {
	awk '/┌─ rollback/ { on = 1 } on { print NR } /└/ && on { exit }' "$WORK/out/confirm-200x50"
}
rows=$(dialog_rows | paste -sd, -)
[ -n "$rows" ] || fail "no dialog in confirm-200x50"
awk -v rows="$rows" 'NR == 1, /^--$/ { print; next }
	BEGIN { n = split(rows, r, ","); for (i = 1; i <= n; i++) want[r[i] + 0] = 1 }
	{ line++ } want[line] { print }' "$WORK/out/confirm-200x50.roles" >"$WORK/out/confirm-roles.norm"
roles_golden=$(cluster_golden "$GOLDENS/confirm-roles.golden")
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
	cp "$WORK/out/confirm-roles.norm" "$roles_golden"
elif ! diff -u "$roles_golden" "$WORK/out/confirm-roles.norm"; then
	fail "the dialog's colour roles differ from the golden"
fi

# the budget's colours: a surge at its bound is a warning, not a failure
surge=$("$(dirname "$0")/../role_at.py" "$WORK/out/confirm-200x50" "$WORK/out/confirm-200x50.roles" \
	"surge 1/1" 6) || fail "no 'surge 1/1' in confirm-200x50"
echo "$surge" | grep -qw warn || fail "a surge at its bound (1/1) is shown as '$surge', not warn"

status=0
for f in list-200x50 detail-200x50 confirm-200x50 list-80x24 zoom-80x24; do
	[ -f "$WORK/out/$f" ] || fail "no dump $f"
	normalise "$WORK/out/$f" >"$WORK/out/$f.norm"
	golden=$(cluster_golden "$GOLDENS/$f.golden")
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$WORK/out/$f.norm" "$golden"
	elif ! diff -u "$golden" "$WORK/out/$f.norm"; then
		status=1
	fi
done
[ $status = 0 ] || fail "screens differ from the goldens"
echo "ok - rollout pane screens"
