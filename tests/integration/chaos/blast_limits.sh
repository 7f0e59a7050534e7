#!/bin/bash
# Acceptance 2: an experiment whose method kills more pods than
# chaos.max_pods, or acts outside chaos.namespaces, is refused before
# anything runs — headless (exit 1, the numbers, a "refused" audit record)
# and in the console (no dialog) — and kubectl shows nothing changed: the
# same pods, no DELETE in the sandbox's request log, no run started.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 4 --manifests "$FIXTURES/web.yaml" --request-log "$REQLOG"
make_repo 'chaos:
  max_pods: 1
'
jq '.method[0].provider.arguments.qty = 2' "$REPO/chaos/web-pod.json" >"$REPO/chaos/two-pods.json"
jq '.method[0].provider.arguments.ns = "shop"' "$REPO/chaos/web-pod.json" >"$REPO/chaos/other-ns.json"
wait_until 30 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.status.availableReplicas}')\" = 3 ]" \
	|| fail "web never became available"
before=$(pod_names)

# the dry run says what it would hit, and runs nothing
out=$(cd "$REPO" && sd chaos run chaos/web-pod.json --dry-run) || fail "dry run failed: $out"
echo "$out" | grep -qx 'blast radius: kills 1 of 3 pods of deploy/web in default' || fail "dry run: $out"
set +e
out=$(cd "$REPO" && sd chaos run chaos/two-pods.json --dry-run 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] || fail "dry run of two pods: exit $rc: $out"
echo "$out" | grep -qx 'blast radius: kills 2 of 3 pods of deploy/web in default' || fail "dry run: $out"

set +e
out=$(cd "$REPO" && sd chaos run chaos/two-pods.json 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] || fail "two pods: exit $rc, want 1: $out"
echo "$out" | grep -qF 'shipdeck: refused before anything ran: the method kills 2 pods; chaos.max_pods is 1' \
	|| fail "refusal message: $out"
jq -s -e 'map(select(.action == "chaos-run"))[-1] | .result == "refused"
	and .from == "kills 2 of 3 pods of deploy/web in default"
	and .message == "the method kills 2 pods; chaos.max_pods is 1"' "$AUDIT" >/dev/null \
	|| { cat "$AUDIT"; fail "refused audit record"; }

set +e
out=$(cd "$REPO" && sd chaos run chaos/other-ns.json 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] || fail "other namespace: exit $rc: $out"
echo "$out" | grep -qF "refused before anything ran: activity 'terminate-one-web-pod' acts in namespace shop; allowed: only the namespace in use, default" \
	|| fail "namespace refusal: $out"

# the console refuses it too, without a dialog
tmux_start "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
wait_screen 20 ' Available '
keys : && keys -l 'chaos two-pods.json' && keys Enter
wait_screen 5 'chaos-run chaos/two-pods.json: refused before anything ran: the method kills 2 pods; chaos.max_pods is 1'
screen_has 'Run it?' && { screen; fail "the console opened the dialog"; }
tmux_quit

[ "$(deletes)" = 0 ] || fail "a DELETE reached the sandbox"
! grep -q '"method":"\(PATCH\|POST\|PUT\)"' "$REQLOG" || fail "a change reached the sandbox"
[ ! -d "$RUNS" ] || [ -z "$(ls "$RUNS")" ] || fail "a run was started: $(ls "$RUNS")"
[ "$(pod_names)" = "$before" ] || fail "the pods changed: $(pod_names)"
[ "$(jq -s 'map(select(.action == "chaos-run" and .result == "refused")) | length' "$AUDIT")" = 3 ] \
	|| { cat "$AUDIT"; fail "three refusals recorded"; }
echo "ok - beyond the blast radius nothing runs"
