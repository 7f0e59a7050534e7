#!/usr/bin/env bash
# The goldens' one normaliser (tests/golden/normalise.sed) on lines whose
# volatile parts it must replace and on lines it must leave alone.
. "$(dirname "$0")/../lib.sh"
n=0 failed=0
is() {
	local got
	n=$((n + 1))
	got=$(printf '%s\n' "$1" | sed -E -f "$SD_TESTS/golden/normalise.sed")
	if [ "$got" = "$2" ]; then
		echo "ok $n - $3"
	else
		echo "not ok $n - $3"
		echo "#   got  '$got'"
		echo "#   want '$2'"
		failed=1
	fi
}
is "web-5859d8889s-x2bqz   Running" "web-HASH-XXXXX Running" \
	"a pod whose template hash ends like an age is a pod"
is "ReplicaSet \"pay-blue-7755495c5c\" is progressing" "ReplicaSet \"pay-blue-HASH\" is progressing" \
	"a ReplicaSet, its app's name kept"
is "shop-canary  4/4  shop-stable" "shop-canary  4/4  shop-stable" "names with vowels are not hashes"
is "12s    5m3s  0m05s  1.2s  (3h4m ago)" "AGE AGE AGE AGE (AGE ago)" "ages and durations, their padding"
is "took 12.5ms" "took Nms" "milliseconds"
is "IMAGE          CONDITION  STAGE    PROD" "IMAGE          CONDITION  STAGE    PROD" \
	"a header ending in AGE keeps its padding"
is $'\\033[0m and x5s and v1.2m' $'\\033[0m and x5s and v1.2m' \
	"an escape shown as text, a word with digits: not ages"
is "sandbox-node-1  kwok-node-0" "node-N node-N" "nodes of either cluster"
is "2026-12-03T08:00:00.5Z at 08:00:01" "TIME at HH:MM:SS" "timestamps and clocks"
is "127.0.0.1:41235/app in /tmp/shipdeck-test.Ab3xY9/repo" \
	"127.0.0.1:PORTS/app in /tmp/shipdeck-test.XXXXXX/repo" "ports and folders, their widths kept"
is "shipdeck deploy web web:bad1 by root" "shipdeck deploy web web:bad1 by USER" "the user of a change cause"
is "next analysis in 7s · analysing…" "next analysis in AGE · next analysis in AGE" "the countdown"
echo "1..$n"
exit "$failed"
