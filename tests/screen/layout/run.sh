#!/usr/bin/env bash
# Space where it is needed (issue 22): the demo's world (`shipdeck demo
# --up`) at 80×24, 120×40, 160×45, 200×50 and 240×60, in script mode. At
# every size no tag is cut, no pane keeps empty rows while another cuts its
# own lines, both apps of the canary pane and web in the rollout pane are
# in view; and each screen matches its golden (ages, hashes, ports and
# commits normalised, runs of spaces squeezed: hashes vary in length).
# UPDATE_GOLDEN=1 rewrites the goldens.
. "$(dirname "$0")/../../lib.sh"
sd_setup
command -v docker-registry >/dev/null || sd_skip "docker-registry is not installed"
DEMO=$SD_TMP/demo
trap '"$SHIPDECK" demo --dir "$DEMO" --down >/dev/null 2>&1; sd_cleanup' EXIT
export SHIPDECK_DEMO_TIME_SCALE=20
"$SHIPDECK" demo $(cluster_demo_flag) --dir "$DEMO" --up >"$SD_TMP/up.txt" 2>&1 || { cat "$SD_TMP/up.txt"; sd_fail "demo --up"; sd_done; }
cd "$DEMO/repo"
sha7=$(git log -1 --format=%h --abbrev=7 HEAD~1)

sizes="80x24 120x40 160x45 200x50 240x60"
{
	echo "wait-for pay-green"
	echo "wait-for bad-stall"
	echo "wait-for live blue"
	echo "key 1"
	for s in $sizes; do
		echo "resize $s"
		echo "dump s$s"
	done
} >"$SD_TMP/steps"
sd_script 200x50 "$SD_TMP/steps" --kubeconfig "$DEMO/kubeconfig"

NORM=""
for sha in $(git log --format=%H); do
	NORM="$NORM s/${sha:0:12}/SHA12/g; s/${sha:0:7}/SHA7/g;"
done
# the environments' pods roll while the demo opens: their counts are a timing
NORM="$NORM s/greet(@?) ×[0-9]+/greet\1 ×N/g; s/(greet [^ ]+) ×[0-9]+/\1 ×N/g; s/sha256:[0-9a-f]{4}…[0-9a-f]{4}/sha256:SHORT/g;
 s/greet:[0-9a-f]{1,6}…/greet:SHA…/g; s/ReplicaSet \"[^│]*/ReplicaSet RS…/g; s/sha256:[0-9a-f]+/sha256:DIGEST/g; s/\b[0-9a-f]{12}\b/DIGEST12/g;
s/\b[0-9]+ B\b/N B/g; s/  +/  /g"
for s in $sizes; do
	d=$SD_OUT/s$s
	sd_check "$s: the newest tag whole" grep -q " $sha7-1 " "$d"
	sd_check "$s: no tag cut" sh -c "! grep -qE ' ($sha7|bad-e|bad-s)[a-z0-9-]*… ' '$d'"
	sd_check "$s: web in the rollout pane" grep -qE "(^|│)[ ›]web  " "$d"
	sd_check "$s: both apps in the canary pane" sh -c "grep -qE '(^|│)▶ shop  ' '$d' && grep -qE '(^|│)  pay  ' '$d'"
	sd_golden "s$s" "layout/demo-$s" "$NORM"
done
sd_check "200x50: where the image runs, in full" grep -q "pay-blue ×2, pay-green ×2, shop ×4, web ×3" "$SD_OUT/s200x50"
sd_check "200x50: the canary pane shows the release" grep -q "stable greet:" "$SD_OUT/s200x50"
sd_done
