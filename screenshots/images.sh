#!/usr/bin/env bash
# The image tags pane's screenshot for the README: the test fixture (a
# repository of four commits, their images in Debian's docker-registry, a
# sandbox deployment on build 2), the pane zoomed, build 3 selected.
#
#   screenshots/images.sh        → screenshots/images.png
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/lib.sh"
sd_setup
. "$SD_TESTS/integration/images/registry.sh"
cd "$SD_TMP"
reg_start open
push_fixture
sandbox_start "127.0.0.1:$REG_PORT/app:${TAG[2]}"
sleep 2
"$here/make.sh" images 200x50 "3 Enter j j j" -- --kubeconfig "$KC" --repo "$REPO"
