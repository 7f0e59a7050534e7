#!/bin/bash
# Screen goldens of the rollout pane (script mode, no terminal): a stalled
# rollout at 200x50 — the list and the rollback dialog (its text and its
# colour roles) — at 80x24, stacked
# and zoomed, and a pod's detail (zoomed: the log pane beside it grows). Volatile bits (ages, hash suffixes, times,
# nodes) are normalised before the diff. UPDATE_GOLDEN=1 rewrites them.
. "$(dirname "$0")/../../integration/rollout/lib.sh"
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
sd_golden "$WORK/out/confirm-roles.norm" rollout/confirm-roles
[ "$SD_FAILED" = 0 ] || fail "the dialog's colour roles differ from the golden"

# the budget's colours: a surge at its bound is a warning, not a failure
surge=$("$(dirname "$0")/../role_at.py" "$WORK/out/confirm-200x50" "$WORK/out/confirm-200x50.roles" \
	"surge 1/1" 6) || fail "no 'surge 1/1' in confirm-200x50"
echo "$surge" | grep -qw warn || fail "a surge at its bound (1/1) is shown as '$surge', not warn"

for f in list-200x50 detail-200x50 confirm-200x50 list-80x24 zoom-80x24; do
	sd_golden "$WORK/out/$f" "rollout/$f"
done
[ "$SD_FAILED" = 0 ] || fail "screens differ from the goldens"
echo "ok - rollout pane screens"
