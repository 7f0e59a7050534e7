#!/bin/bash
# The console's other actions against a sandbox: a rollback whose deployment
# changed while the dialog was open (409: the dialog comes back with the new
# state), scale with its prompt, kill a pod and watch it replaced, :undo N,
# :ns switching live.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml"
AUDIT=$XDG_STATE_HOME/shipdeck/audit.jsonl
image() { kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}'; }
kc set image deploy/web web=example/web:1.1 >/dev/null
kc rollout status deploy/web --timeout=30s >/dev/null

tmux_start "$SHIPDECK" --kubeconfig "$KC"
wait_screen 20 'rev 2  *web-'

# 409: the deployment moves on while the operator reads the dialog
keys r
wait_screen 5 'Roll back deploy/web to revision 1'
kc annotate deploy/web team=payments >/dev/null
keys y
wait_screen 10 'deploy/web changed while you looked (409)'
keys y
wait_until 10 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')\" = example/web:1.0 ]" \
	|| fail "rollback after the conflict did not happen: $(image)"
[ "$(jq -s '[.[] | select(.action == "rollback" and .phase == "result") | .result] | join(",")' "$AUDIT")" = '"failed,ok"' ] \
	|| { cat "$AUDIT"; fail "audit: the refused write and the confirmed one"; }
kc rollout status deploy/web --timeout=30s >/dev/null

# :undo N rolls back to revision N (2 = the 1.1 template, now revision 2)
keys : 
keys -l "undo 2"
keys Enter
wait_screen 5 'Roll back deploy/web to revision 2'
# the controller writes the status all through a rollout (a new
# resourceVersion each time, on a real cluster often): a status-only write
# while the dialog is open is no conflict to bother the operator with
kc patch deploy web --subresource=status \
	-p '{"status":{"conditions":[{"type":"Available","message":"written by the test"}]}}' >/dev/null
keys y
wait_until 10 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')\" = example/web:1.1 ]" \
	|| { screen; fail ":undo 2 did not happen: $(image)"; }
[ "$(jq -s '[.[] | select(.action == "rollback" and .phase == "result") | .result] | join(",")' "$AUDIT")" = '"failed,ok,ok"' ] \
	|| { cat "$AUDIT"; fail "audit: the status-only write was not retried under the same intent"; }
kc rollout status deploy/web --timeout=30s >/dev/null

# scale: the prompt starts at the current count
keys s
wait_screen 5 'scale deploy/web to replicas: 3'
keys BSpace
keys -l 4
keys Enter
wait_screen 5 'from: 3 replicas'
keys y
wait_until 10 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get deploy web -o jsonpath='{.spec.replicas}')\" = 4 ]" \
	|| fail "scale did not happen"
wait_screen 10 '4/4 '

# kill a pod: the cursor on the last pod, K, y; a new pod takes its place
keys 4 End
sleep 0.2
victim=$(screen | grep -o '› *web-[a-z0-9]*-[a-z0-9]*' | grep -o 'web-.*' || true)
[ -n "$victim" ] || { screen; fail "no pod under the cursor"; }
keys K
wait_screen 5 "Kill pod $victim"
keys y
wait_until 20 sh -c "! kubectl --kubeconfig '$KC' get pod '$victim' >/dev/null 2>&1" || fail "pod not deleted"
wait_until 20 sh -c "[ \"\$(kubectl --kubeconfig '$KC' get pods --no-headers | grep -c Running)\" = 4 ]" \
	|| fail "pod not replaced"
# (its log stays in the log pane: only its row must go)
wait_until 10 sh -c "! tmux -L '$TMUX_SESSION' capture-pane -p -t '$TMUX_SESSION' | grep -Eq '$victim +[A-Z]'" \
	|| { screen; kc get pods; fail "the killed pod is still shown"; }

# :ns switches live
keys :
keys -l "ns elsewhere"
keys Enter
wait_screen 5 'no deployments in namespace elsewhere'
keys :
keys -l "ns default"
keys Enter
wait_screen 10 'rev [0-9]  *web-'
tmux_quit
[ "$(jq -s 'map(select(.action == "kill-pod" and .result == "ok")) | length' "$AUDIT")" = 1 ] \
	|| fail "kill audited"
echo "ok - console actions: 409, :undo, scale, kill, :ns"
