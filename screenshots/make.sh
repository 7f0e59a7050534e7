#!/usr/bin/env bash
# Makes the README's screenshots from real runs: shipdeck in tmux, the pane
# captured with its colours, turned into HTML by aha and into PNG by headless
# Chromium. Needs tmux, aha and chromium (apt-get install aha chromium).
#
#   screenshots/make.sh NAME COLSxLINES KEYS -- SHIPDECK-ARGS...
#
# KEYS are tmux send-keys arguments separated by spaces, sent after the console
# is drawn ("" for none); "+N" waits N seconds. E.g.
# `screenshots/make.sh help 200x50 '?' --`. Without arguments it makes the set
# the README uses, from `shipdeck demo` (a world started once for all shots),
# and then argo-rollout.png on the real control plane with Argo Rollouts'
# controller (screenshots/argo.sh) when upstream/build has built them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/lib.sh"
for tool in tmux aha chromium; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is not installed" >&2; exit 2; }
done
sd_setup
export SD_TMP

shot() {
	local name=$1 size=$2 keys=$3
	shift 3
	[ "${1:-}" = -- ] && shift
	local cols=${size%x*} lines=${size#*x}
	sd_tmux_start "$cols" "$lines" "$SHIPDECK" "$@"
	sd_tmux_wait "5 Canary" 20 >/dev/null || true
	sleep "${SHOT_SETTLE:-1}"
	for k in $keys; do
		case $k in
		+*) sleep "${k#+}" ;;
		*) sd_tmux send-keys "$k"; sleep 0.2 ;;
		esac
	done
	sleep 1
	sd_tmux_screen -e >"$SD_TMP/$name.ansi"
	sd_tmux kill-server
	# the README shows the whole demo world: a missing server is a broken shot
	if [ -n "${SHOT_WHOLE_WORLD:-}" ] && grep -aqE "no Prometheus|no registry|no cluster|is not installed" \
		"$SD_TMP/$name.ansi"; then
		echo "screenshots: $name shows a part of the demo world missing:" >&2
		grep -aE "no Prometheus|no registry|no cluster|is not installed" "$SD_TMP/$name.ansi" >&2
		exit 1
	fi
	aha --black --title "shipdeck" <"$SD_TMP/$name.ansi" |
		sed 's|<pre>|<pre style="font-family: DejaVu Sans Mono, monospace; font-size: 13px; line-height: 1.2; margin: 0; padding: 6px;">|' \
		>"$SD_TMP/$name.html"
	# ~7.8 px per column and ~15.6 px per line at 13 px DejaVu Sans Mono
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$SD_TMP/chromium" --hide-scrollbars \
		--window-size=$((cols * 79 / 10 + 16)),$((lines * 156 / 10 + 14)) \
		--screenshot="$here/$name.png" "file://$SD_TMP/$name.html" >/dev/null 2>&1
	echo "screenshots/$name.png"
}

if [ $# -gt 0 ]; then
	shot "$@"
	exit 0
fi
cd "$SD_TMP"
demo=$SD_TMP/demo
for tool in docker-registry prometheus; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is not installed (the demo world needs it)" >&2; exit 2; }
done
export SHOT_WHOLE_WORLD=1
"$SHIPDECK" demo --dir "$demo" --up >/dev/null
# the console on the world (`shipdeck demo` would add "another shipdeck runs
# the world" to every shot)
console=(--kubeconfig "$demo/kubeconfig" --repo "$demo/repo")
trap '"$SHIPDECK" demo --dir "$demo" --down >/dev/null; sd_cleanup' EXIT
shot console 200x50 "1 t +3" -- "${console[@]}"
shot console-80x24 80x24 "" -- "${console[@]}"
shot help 200x50 "?" -- "${console[@]}"
shot read-only 200x50 "r" -- "${console[@]}" --read-only
shot images 200x50 "3 Enter" -- "${console[@]}"
shot rollout 200x50 "4 / w e b Enter 3 G d Enter y y +6 4" -- "${console[@]}"
shot rollback-dialog 200x50 "4 / w e b Enter r" -- "${console[@]}"
# last, as the canary stays in this world: shop on bad-errors, its first
# analysis (every 10 s in the demo), automatic mode switched on
"$SHIPDECK" --kubeconfig "$demo/kubeconfig" --repo "$demo/repo" canary start shop bad-errors \
	>/dev/null
shot canary 200x50 "5 Enter +11 A y" -- "${console[@]}"
if "$here/../upstream/build" --check >/dev/null 2>&1; then
	"$here/argo.sh"
else
	echo "screenshots: argo-rollout.png not made: the upstream binaries are not built (upstream/build)" >&2
fi
