#!/bin/bash
# The clock's frame (issue 21): with only age cells changing, each second
# redraws those cells alone (views/ui.c draw_age_cells). What it leaves on
# screen — text and colour roles — must be what a whole redraw (C-l) draws
# at the same moment. 60 Deployments fill the 200x50 rollout pane with
# list rows, ages in seconds, the cursor's row among them.
. "$(dirname "$0")/../../integration/rollout/lib.sh"
. "$(dirname "$0")/../../../bench/lib.sh"
bench_manifests 60 1 >"$WORK/apps.yaml"
start_sandbox main --port 0 --time-scale 50 --manifests "$WORK/apps.yaml"
for d in app-1 app-49; do
	sd rollout status "$d" --timeout 30s >/dev/null || fail "$d did not roll out"
done

cat >"$WORK/steps" <<'STEPS'
wait-for app-39
key j j
dump first
sleep 2300
dump clock
dump-roles clock.roles
key C-l
dump full
dump-roles full.roles
STEPS

ages() { grep -oE ' [0-9]+(s|m[0-9]+s)$' "$1" | sort | uniq -c; }

# a second may turn between the two dumps: then the ages differ, so try
# again (twice more) before calling it a failure
for try in 1 2 3; do
	rm -rf "$WORK/out"
	mkdir -p "$WORK/out"
	(cd "$WORK" && SHIPDECK_SCRIPT="$WORK/steps" SHIPDECK_SCRIPT_OUT="$WORK/out" LINES=50 \
		COLUMNS=200 TERM=xterm-256color TZ=UTC "$SHIPDECK" --kubeconfig "$KC") \
		|| fail "the console failed"
	rows=$(grep -c ' app-[0-9]* .* [0-9]*s$' "$WORK/out/clock" || true)
	[ "$rows" -ge 40 ] || { cat "$WORK/out/clock"; fail "want 40+ list rows with ages in seconds, got $rows"; }
	[ "$(ages "$WORK/out/first")" != "$(ages "$WORK/out/clock")" ] \
		|| fail "the ages did not move on in 2.3 s"
	if cmp -s "$WORK/out/clock" "$WORK/out/full" \
	   && cmp -s "$WORK/out/clock.roles" "$WORK/out/full.roles"; then
		echo "ok - the clock's frame left the screen a whole redraw draws ($rows age cells; try $try)"
		exit 0
	fi
	note "try $try: the clock's frame and a whole redraw differ:"
	diff "$WORK/out/clock" "$WORK/out/full" | head -6 || true
	diff "$WORK/out/clock.roles" "$WORK/out/full.roles" | head -6 || true
done
fail "the clock's frame left another screen than a whole redraw, three times"
