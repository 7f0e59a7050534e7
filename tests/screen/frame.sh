#!/usr/bin/env bash
# The console's frame without any source: five labelled panes, each saying
# what is not configured; help; read-only; too small; a rebound key; themes.
. "$(dirname "$0")/../lib.sh"
sd_setup
cd "$SD_TMP"

cat >steps <<'STEPS'
dump wide
key ?
dump help
key Esc
key 4 Enter
dump zoomed
key Esc
resize 80x24
dump narrow
resize 20x6
dump tiny
resize 80x24
dump narrow-again
type :nonsense
key Enter
dump unknown-command
key ?
key PgDn PgDn PgDn PgDn PgDn PgDn
dump help-end
key Esc
type :un
key Tab
dump complete-one
key C-u
type c
key Tab
dump complete-two
key C-u
type qu
key Tab
dump complete-alias
key Esc
STEPS
sd_script 200x50 steps
sd_golden wide frame/wide-200x50
sd_golden help frame/help-200x50
sd_golden zoomed frame/zoomed-200x50
sd_golden narrow frame/narrow-80x24
sd_check "too small says so" grep -q "terminal too small" "$SD_OUT/tiny"
sd_check "too small says the minimum" grep -q "(need 40×12)" "$SD_OUT/tiny"
sd_check "resize back restores the frame" cmp -s "$SD_OUT/narrow" "$SD_OUT/narrow-again"
sd_check "unknown command is named" grep -q "unknown command ':nonsense'" "$SD_OUT/unknown-command"
sd_check "unknown command lists the table's commands" \
	grep -q "known: :ctx \[NAME\], :" "$SD_OUT/unknown-command"
sd_check "help lists the commands" grep -qE ":theme \[NAME\] +switch the colour theme" "$SD_OUT/help-end"
sd_check "help lists an alias" grep -qE ":q +leave shipdeck  \(also :quit\)" "$SD_OUT/help-end"
sd_check "Tab completes a command's name" grep -q "^:undo *$" "$SD_OUT/complete-one"
sd_check "Tab lists the names a prefix leaves" grep -q ":ctx :chaos" "$SD_OUT/complete-two"
sd_check "Tab completes an alias" grep -q "^:quit *$" "$SD_OUT/complete-alias"

# Read-only: the mode shows, every mutating key answers, help marks them.
cat >steps <<'STEPS'
dump start
key r
dump after-r
key Space
dump after-space
key ?
dump help
STEPS
sd_script 200x50 steps --read-only
sd_check "READ-ONLY in the status bar" grep -q "READ-ONLY" "$SD_OUT/start"
sd_check "r answers read-only" grep -q "read-only: rollback disabled" "$SD_OUT/after-r"
sd_check "Space answers read-only" grep -q "read-only: pause-resume disabled" "$SD_OUT/after-space"
sd_check "help marks mutating actions disabled" \
	grep -q "rollback .*(disabled: read-only)" "$SD_OUT/help"

# Messages age out: a warning goes after 30 s (an info one after 8 s), so
# none is believed minutes later.
printf 'key r\ndump warned\nsleep 30200\ndump later\n' >steps
sd_script 120x30 steps --read-only
sd_check "the warning shows" grep -q "read-only: rollback disabled" "$SD_OUT/warned"
sd_check "and has gone 30 s later" sh -c "! grep -q 'read-only: rollback disabled' '$SD_OUT/later'"

# A rebound key from the user's config.
mkdir -p "$XDG_CONFIG_HOME/shipdeck"
printf 'keys:\n  help: "h"\n' >"$XDG_CONFIG_HOME/shipdeck/config.yaml"
printf 'key h\ndump rebound\nkey Esc\nkey ?\ndump old-key\n' >steps
sd_script 200x50 steps
sd_check "rebound key opens help" grep -q "shipdeck keys" "$SD_OUT/rebound"
sd_check "old key no longer does" sh -c "! grep -q 'shipdeck keys' '$SD_OUT/old-key'"
rm "$XDG_CONFIG_HOME/shipdeck/config.yaml"

# Themes: every shipped theme loads; :theme switches; a bad one is named.
printf 'type :theme light\nkey Enter\ndump light\ntype :theme nope\nkey Enter\ndump nope\n' >steps
sd_script 200x50 steps
sd_check ":theme nope names the theme" grep -q "theme 'nope' not found" "$SD_OUT/nope"
for t in default light high-contrast mono; do
	printf 'dump t\n' >steps
	sd_check "theme $t starts" sd_script 80x24 steps --theme "$t"
done
# Headless outside any repository: say that no .shipdeck.yml was found,
# where shipdeck looked, and --repo DIR (issue 22).
mkdir -p "$SD_TMP/nowhere"
out=$(cd "$SD_TMP/nowhere" && "$SHIPDECK" images 2>&1)
sd_check "images outside a repository exits 2" test $? = 2
sd_check "images names the missing .shipdeck.yml, where, and --repo" sh -c "printf '%s' '$out' \
	| grep -q 'no .shipdeck.yml found: $SD_TMP/nowhere is not inside a git repository.*--repo DIR'"
out=$(cd "$SD_TMP/nowhere" && "$SHIPDECK" canary status shop 2>&1)
sd_check "canary status names it too" sh -c "printf '%s' '$out' | grep -q 'no apps: no .shipdeck.yml found:.*--repo DIR'"
sd_done
