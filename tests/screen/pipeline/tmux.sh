#!/usr/bin/env bash
# Acceptance 7, in a real terminal (tmux 200x50): t runs the tests, the steps
# change live and the log pane shows the failing step's log; b runs the whole
# pipeline; x asks, y cancels: the running step's processes are gone. A
# step's title escape never reaches the terminal. q restores it.
. "$(dirname "$0")/../../lib.sh"
sd_setup
command -v tmux >/dev/null || sd_skip "tmux is not installed"
R=$SD_TMP/app
mkdir -p "$R"
git -C "$R" init -q -b main
cat >"$R/.drone.yml" <<YML
kind: pipeline
type: exec
steps:
- name: build
  commands:
  - printf '\\033]0;PWNED-TITLE\\007building\\n'
- name: test
  depends_on: [build]
  commands:
  - 'echo "add_test.go:9: assertion failed: 2+2 = 5"'
  - exit 1
- name: package
  depends_on: [build]
  commands:
  - echo packaging
  - sh -c 'sleep 600' &
  - touch $SD_TMP/packaging
  - sleep 601
- name: publish
  depends_on: [test, package]
  commands: [echo publish]
YML
git -C "$R" add -A
git -C "$R" -c user.name=Tester -c user.email=t@example.com commit -qm "calculator"

# live (not zombie) processes whose environment names this repository's build N
build_processes() {
	local p marker="SHIPDECK_BUILD=$(basename "$(ls -d "$XDG_STATE_HOME"/shipdeck/repos/app-*)")/$1"
	for p in /proc/[0-9]*; do
		[ "$(cut -d' ' -f3 "$p/stat" 2>/dev/null)" = Z ] && continue
		{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qx "$marker" && echo "${p#/proc/}"
	done
	return 0
}

sd_tmux_start 200 50 sh -c "cd '$R' && '$SHIPDECK'; echo EXIT=\$?; sleep 60"
sd_check "the console starts" sd_tmux_wait "no builds yet" 20
title=$(sd_tmux display -p '#{pane_title}')

sd_tmux send-keys t
sd_check "t: the failing step's log is shown" sd_tmux_wait "assertion failed: 2+2 = 5" 30
screen=$(sd_tmux_screen)
sd_check "t: the build failed" grep -q "✗ #1 .*console·tests" <<<"$screen"
sd_check "t: test failed with its exit code" grep -q "✗ test .*exit 1" <<<"$screen"
sd_check "t: runs no step beyond the tests" test -z "$(grep package <<<"$screen")"
sd_check "t: the log pane names the step" grep -q "2 Log  build 1 · test" <<<"$screen"

sd_tmux send-keys b
sd_check "b: the package step runs" sd_tmux_wait "packaging" 30
for _ in $(seq 100); do [ -e "$SD_TMP/packaging" ] && break; sleep 0.1; done
screen=$(sd_tmux_screen)
sd_check "b: build 2 is running" grep -q "[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] #2 " <<<"$screen"
sd_check "b: package shows a spinner" grep -q "[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] package" <<<"$screen"
sd_check "b: test failed meanwhile" grep -q "✗ test" <<<"$screen"
sd_check "b: build 2 has processes" test -n "$(build_processes 2)"

sd_tmux send-keys x
sd_check "x from another pane: says where" sd_tmux_wait "x: cancel — select a running build in 1 Pipeline" 10
sd_tmux send-keys 1 x
sd_check "x: asks first" sd_tmux_wait "Cancel build 2" 10
sd_check "x: says what happens" sd_tmux_wait "TERM, then KILL" 5
sd_tmux send-keys y
sd_check "y: build 2 is cancelled" sd_tmux_wait "cancelled" 30
sd_check "y: package is cancelled" sd_tmux_wait "⊘ package" 10
sd_check "y: publish never ran" grep -q "publish .*skipped\|publish .*cancelled" <<<"$(sd_tmux_screen)"
left=$(build_processes 2)
sd_check "y: no process of build 2 remains ($left)" test -z "$left"

# A build another process runs shows up live, and x cancels it from here.
rm -f "$SD_TMP/packaging"
(cd "$R" && "$SHIPDECK" pipeline run >"$SD_TMP/cli.txt" 2>&1) &
cli=$!
sd_check "a build run by another process appears" sd_tmux_wait "#3 " 30
for _ in $(seq 300); do [ -e "$SD_TMP/packaging" ] && break; sleep 0.1; done
sd_check "and changes live" sd_tmux_wait "cli " 10
sd_tmux send-keys 1 g x
sd_check "x on it asks" sd_tmux_wait "Cancel build 3" 10
sd_tmux send-keys y
wait "$cli"
sd_check "the other process cancelled it" grep -q "^build 3 cancelled" "$SD_TMP/cli.txt"
sd_check "the console shows it cancelled" sd_tmux_wait "⊘ #3" 20
left=$(build_processes 3)
sd_check "no process of build 3 remains ($left)" test -z "$left"

sd_check "no step changed the terminal's title" test "$(sd_tmux display -p '#{pane_title}')" = "$title"
sd_tmux send-keys q
sd_check "q quits with 0" sd_tmux_wait "EXIT=0" 20
sd_check "the terminal is restored" test "$(sd_tmux display -p '#{alternate_on}')" = 0
sd_tmux kill-server
grep -q '"action":"cancel","target":"build 2".*"result":"ok"' "$XDG_STATE_HOME/shipdeck/audit.jsonl"
sd_check "the cancel is audited" test $? = 0
sd_done
