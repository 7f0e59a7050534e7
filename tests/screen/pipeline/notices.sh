#!/usr/bin/env bash
# The pipeline pane says what the local runner ignores of the pipeline file
# (issue 15): a file with Drone keys that have no effect here (privileged,
# volumes, node_selector, clone.depth) shows one line per key, a count of
# the rest, and the build still runs: its service is stopped after the
# steps, its plugin step says it needs its image. 120x30, script mode.
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/repo.sh"
sd_setup
R=$SD_TMP/app
mkdir -p "$R"
git -C "$R" init -q -b main
cat >"$R/.drone.yml" <<'YML'
kind: pipeline
type: docker
name: default
node_selector: {disk: ssd}
pool: {use: ubuntu}
clone: {depth: 10}
volumes:
- name: cache
  temp: {}
services:
- name: sleeper
  image: alpine
  commands: [exec sleep 300]
steps:
- name: build
  image: golang:1.22
  privileged: true
  dns: [10.0.0.2]
  volumes: [{name: cache, path: /go/pkg}]
  commands: [echo built]
- name: push
  image: plugins/docker
  failure: ignore
  settings: {repo: example/app}
YML
git -C "$R" add -A
git -C "$R" -c user.name=Tester -c user.email=t@example.com commit -qm "a pipeline with ignored keys"
cd "$R"

cat >"$SD_TMP/steps" <<'STEPS'
wait-for 1 Pipeline
wait-for ignored by the local runner
dump notices
key b
wait-for #1
wait-for ✓ #1
dump build
STEPS
sd_script 200x40 "$SD_TMP/steps"
norm_for "$R"
sd_golden notices pipeline/notices-200x40 "$NORM"
sd_golden build pipeline/notices-build-200x40 "$NORM"
sd_check "one line per key, naming the step" grep -q '`volumes` (build): ignored by the local runner' "$SD_OUT/notices"
sd_check "the rest are counted" grep -q 'and [0-9]* more ignored keys: shipdeck pipeline lint' "$SD_OUT/notices"
sd_check "the plugin step needs its image" grep -q 'push .*not started' "$SD_OUT/build"
sd_check "the service was stopped" grep -q 'sleeper .*stopped' "$SD_OUT/build"
sd_check "its log says so" grep -q 'shipdeck: needs image plugins/docker' "$SD_OUT/build"
sd_done
