#!/bin/bash
# Acceptance 5: malformed experiment files — broken JSON, broken YAML, an
# unknown provider, a missing hypothesis — give file:line:col and the field,
# in `chaos ls` (exit 2) and `chaos run` (exit 2) and in the console, and
# nothing runs (no run folder, no request but reads). Without Chaos Toolkit
# on PATH, shipdeck says how to install it and still lists and checks the
# experiments.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 4 --manifests "$FIXTURES/web.yaml" --request-log "$REQLOG"
make_repo
C=$REPO/chaos
printf '{\n  "title": "t",\n  "description": "d",\n  "method": [\n' >"$C/broken.json"
printf 'title: t\ndescription: d\nmethod:\n  - type: action\n    name: [a\n' >"$C/broken.yaml"
jq '.method[0].provider.type = "pyhton"' "$C/web-pod.json" >"$C/unknown-provider.json"
jq 'del(."steady-state-hypothesis")' "$C/web-pod.json" >"$C/no-hypothesis.json"
line_of() { grep -n -- "$2" "$C/$1" | head -1 | cut -d: -f1; }

set +e
(cd "$REPO" && sd chaos ls) >"$WORK/ls.out" 2>&1
rc=$?
set -e
cat "$WORK/ls.out"
[ "$rc" = 2 ] || fail "chaos ls with bad files: exit $rc, want 2"
grep -q "broken.json  *INVALID  $C/broken.json:4:14: not valid JSON: it ends too early" "$WORK/ls.out" || fail "broken.json"
grep -q "broken.yaml  *INVALID  $C/broken.yaml:[0-9]*:[0-9]*: " "$WORK/ls.out" || fail "broken.yaml"
l=$(line_of unknown-provider.json pyhton)
grep -qF "$C/unknown-provider.json:$l:17: method[0].provider.type: unknown provider 'pyhton' (python, process or http)" \
	"$WORK/ls.out" || fail "unknown provider"
grep -qF "$C/no-hypothesis.json:1:1: steady-state-hypothesis: missing" "$WORK/ls.out" || fail "no hypothesis"
grep -q 'web-pod.json  *ok  *losing one web pod' "$WORK/ls.out" || fail "the good one is listed"

for f in broken.json broken.yaml unknown-provider.json no-hypothesis.json; do
	set +e
	out=$(cd "$REPO" && sd chaos run "chaos/$f" 2>&1)
	rc=$?
	set -e
	[ "$rc" = 2 ] || fail "chaos run $f: exit $rc: $out"
	echo "$out" | grep -q "^shipdeck: chaos/$f:[0-9]*:[0-9]*: " || fail "chaos run $f: $out"
done

# the console says the same and opens no dialog
tmux_start "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
wait_screen 20 ' Available '
keys : && keys -l 'chaos unknown-provider.json' && keys Enter
wait_screen 5 "unknown-provider.json:$l:17: method\[0\].provider.type: unknown provider 'pyhton'"
screen_has 'Run it?' && fail "a dialog for a bad file"
tmux_quit
[ ! -e "$RUNS" ] || fail "a run folder was made: $(ls "$RUNS")"
! grep -qv '"method":"GET"' "$REQLOG" || fail "something but reads reached the sandbox"

# without Chaos Toolkit: the install hint, and the files are still checked
rm "$C"/broken.* "$C"/unknown-provider.json "$C"/no-hypothesis.json
out=$(cd "$REPO" && PATH=$PATH_NO_CHAOS sd chaos ls) || fail "chaos ls without chaos: $out"
echo "$out" | grep -q 'web-pod.json  *ok' || fail "not listed without chaos: $out"
echo "$out" | grep -qF 'Chaos Toolkit is not installed (no `chaos` on PATH): python3 -m venv' \
	|| fail "no install hint: $out"
set +e
out=$(cd "$REPO" && PATH=$PATH_NO_CHAOS sd chaos run chaos/web-pod.json 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] && echo "$out" | grep -qF 'pip install chaostoolkit chaostoolkit-kubernetes' \
	|| fail "chaos run without chaos: exit $rc: $out"
tmux_start env PATH="$PATH_NO_CHAOS" "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
wait_screen 20 ' Available '
keys : && keys -l chaos && keys Enter
wait_screen 5 'web-pod.json  *ok  *losing one web pod'
wait_screen 5 'Chaos Toolkit is not installed'
tmux_quit
[ ! -e "$RUNS" ] || fail "a run folder was made without chaos"
echo "ok - bad files and a missing engine run nothing"
