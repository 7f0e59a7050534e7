#!/usr/bin/env bash
# The pipeline and log panes for the README: a repository whose test fails,
# `t` pressed, the failing step's log in the log pane. Uses make.sh (tmux,
# aha, chromium) from inside a throwaway repository.
#
#   screenshots/pipeline.sh      → screenshots/pipeline.png
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/shipdeck-shot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
demo=$tmp/shop
mkdir -p "$demo"
git -C "$demo" init -q -b main
cat >"$demo/.drone.yml" <<'YML'
kind: pipeline
type: exec
name: default
steps:
- name: build
  commands:
  - go build ./... 2>/dev/null || echo "go build ./...  (ok)"
- name: test
  depends_on: [build]
  commands:
  - echo "=== RUN   TestAdd"
  - 'echo "    add_test.go:9: assertion failed: Add(2, 2) = 5, want 4"'
  - 'echo "--- FAIL: TestAdd (0.00s)"'
  - printf '\033[31mFAIL\033[0m\texample.com/shop\t0.004s\n'
  - exit 1
- name: lint
  depends_on: [build]
  commands:
  - echo "0 issues."
- name: publish
  depends_on: [test, lint]
  commands:
  - echo "pushing 127.0.0.1:5000/shop:$SHIPDECK_IMAGE_TAG"
YML
git -C "$demo" add -A
git -C "$demo" -c user.name=Ada -c user.email=ada@example.com commit -qm "shop: add the cart total"
cd "$demo"
SHOT_SETTLE=1 "$here/make.sh" pipeline 200x50 "t" --
