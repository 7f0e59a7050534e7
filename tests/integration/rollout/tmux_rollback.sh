#!/bin/bash
# Acceptance 2, as an operator would: the console against a sandbox, deploy a
# never-ready image from the pane, watch the rollout stall, press r then y;
# the deployment is back on the previous image, the pane shows it converge,
# and the audit log has the rollback once, with from and to.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml" \
	--faults "$FIXTURES/faults.yaml"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
image() { kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}'; }

tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 20 ' Available '
wait_screen 10 'rev 1  *web-'

# deploy a never-ready image from the pane: d, the tag, Enter, y
keys d
wait_screen 5 'image or tag (now example/web:1.0)'
keys -l bad1
keys Enter
wait_screen 5 'Deploy example/web:bad1 to deploy/web?'
keys y
wait_until 10 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')\" = example/web:bad1 ]" \
	|| fail "deploy did not reach the cluster"
wait_screen 20 'DeadlineExceeded'
wait_screen 5 'ProgressDeadlineExceeded'
wait_screen 5 'rev 2  *web-'

# roll back: the dialog names from/to and the template differences
keys r
wait_screen 5 'Roll back deploy/web to revision 1'
screen_has 'from: revision 2 (example/web:bad1)' || { screen; fail "dialog from"; }
screen_has 'to:   revision 1 (example/web:1.0)' || { screen; fail "dialog to"; }
keys y
wait_until 10 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')\" = example/web:1.0 ]" \
	|| fail "rollback did not reach the cluster: $(image)"

# the pane converges: the deployment available again on revision 3 (= 1)
wait_screen 20 ' Available '
wait_until 20 sh -c "! tmux -L '$TMUX_SESSION' capture-pane -p -t '$TMUX_SESSION' | grep -q 'rev 2  *web-'" \
	|| { screen; fail "bad pods still shown"; }
wait_screen 5 'rev 3  *web-'
kc rollout status deploy/web --timeout=30s >/dev/null || fail "kubectl says not rolled out"

[ "$(jq -s 'map(select(.action == "rollback" and .phase == "result")) | length' "$AUDIT")" = 1 ] \
	|| fail "rollback audited once"
[ "$(jq -s 'map(select(.action == "rollback" and .phase == "intent")) | length' "$AUDIT")" = 1 ] \
	|| fail "the rollback's intent recorded once"
jq -s -e 'map(select(.action == "rollback" and .phase == "result"))[0] | .from == "revision 2 (example/web:bad1)"
	and .to == "revision 1 (example/web:1.0)" and .result == "ok" and .target == "deploy/web"' \
	"$AUDIT" >/dev/null || { cat "$AUDIT"; fail "audit record"; }
tmux_quit
echo "ok - rollback from the console"
