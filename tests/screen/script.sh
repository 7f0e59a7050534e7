#!/usr/bin/env bash
# Script mode can fail (issue 19, item 7): a screen test whose step does not
# happen must go red, not compare whatever screen is left. An unknown step,
# an unknown key, a bad size and a wait-for that times out each end the
# console non-zero with the script's file and line; a good script exits 0.
. "$(dirname "$0")/../lib.sh"
sd_setup
cd "$SD_TMP"

# fails STEPS EXPECTED: the script fails, naming EXPECTED on stderr
fails() {
	printf '%b' "$1" >steps
	if COLUMNS=80 LINES=24 SHIPDECK_SCRIPT=steps SHIPDECK_SCRIPT_OUT=. \
		timeout 30 "$SHIPDECK" --kubeconfig "$SD_TMP/none" </dev/null 2>err; then
		echo "# exited 0 on: $1"
		return 1
	fi
	grep -qF "$2" err || { echo "# stderr: $(cat err)"; return 1; }
}

sd_check "an unknown step names file and line" fails 'key 1\n\n# a comment\nfrobnicate 3\n' "script steps:4: unknown step 'frobnicate'"
sd_check "an unknown key sends none of the line" fails 'key 1 Q-typo\n' "script steps:1: unknown key 'Q-typo'"
sd_check "a bad size" fails 'resize 80by24\n' "script steps:1: resize wants COLSxLINES, not '80by24'"
sd_check "a bad sleep" fails 'sleep soon\n' "script steps:1: sleep wants milliseconds"
sd_check "a dump that cannot be written" fails 'dump no/such/dir/x\n' "cannot write ./no/such/dir/x"
sd_check "a wait-for that times out" fails 'key 1\nwait-for NEVER ON THIS SCREEN\n' "script steps:2: timed out after 10 s waiting for 'NEVER ON THIS SCREEN'"

printf 'key 1\nwait-for 1 Pipeline\nresize 100x30\nsleep 10\ndump ok\n' >steps
sd_check "a good script exits 0 and dumps" sh -c "COLUMNS=80 LINES=24 SHIPDECK_SCRIPT=steps SHIPDECK_SCRIPT_OUT=. \
	timeout 30 '$SHIPDECK' --kubeconfig '$SD_TMP/none' </dev/null && grep -q '1 Pipeline' ok"
sd_done
