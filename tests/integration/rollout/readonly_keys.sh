#!/bin/bash
# Acceptance 3: with --read-only, every key of the keymap pressed in every
# pane (on a deployment, a replica set and a pod, in the pod detail, at the
# ':' line) sends nothing but GETs — the sandbox's request log says so.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
command -v tmux >/dev/null || skip "tmux not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml" \
	--request-log "$WORK/requests.jsonl"

# the keymap from the program itself: "  KEYS       action   help"
mapfile -t KEYS < <("$SHIPDECK" --help | sed -n '/^Keys in the console/,/^$/p' | sed '1d;$d' \
	| cut -c3-12 | tr ' ' '\n' | sed '/^$/d')
[ "${#KEYS[@]}" -gt 30 ] || fail "keymap not found in --help"
tmux_key() {
	case $1 in
	PgDn) echo NPage ;; PgUp) echo PPage ;; S-Tab) echo BTab ;; Esc) echo Escape ;;
	Space) echo Space ;; *) echo "$1" ;;
	esac
}

tmux_start "$SHIPDECK" --read-only --kubeconfig "$KC"
wait_screen 20 ' Available '
wait_screen 10 'rev 1  *web-'
screen_has 'READ-ONLY' || fail "no READ-ONLY badge"

sweep() {
	for k in "${KEYS[@]}"; do
		[ "$k" = q ] && continue
		keys "$(tmux_key "$k")"
		sleep 0.02
		keys Escape
		keys Escape
	done
}

# every pane, then the rollout pane with the cursor on each kind of row
for pane in 1 2 3 5 4; do
	keys "$pane"
	sweep
done
keys 4 Home
keys r
wait_screen 5 'read-only: rollback disabled'
for moves in "" "j j j j j" "j j j j j j j j"; do
	keys 4 Home
	for m in $moves; do keys "$m"; done
	sweep
done
# the pod detail, and the ':' commands
keys 4 Home j j j j j j j j Enter
sleep 0.2
sweep
for cmd in "ns default" "ctx nope" "theme mono" "undo 1"; do
	keys :
	keys -l "$cmd"
	keys Enter
	sleep 0.1
done
wait_screen 5 'read-only: rollback disabled'
tmux_quit
sleep 0.3

changes=$(cluster_changes "$WORK/requests.jsonl")
[ -z "$changes" ] || { echo "$changes" | sed 's/^/# /'; fail "a request other than GET was sent"; }
[ "$(cluster_request_count "$WORK/requests.jsonl")" -gt 0 ] || fail "the request log is empty"
[ "$(kc get deploy web -o jsonpath='{.metadata.generation}')" = 1 ] || fail "the deployment changed"
echo "ok - read-only sends only GETs through every key"
