#!/bin/bash
# Acceptance 1, the kubectl cross-check: twin deployments go through the same
# changes; `kubectl rollout undo` on one and `shipdeck rollout undo` on the
# other must leave identical templates, annotations and history.
. "$(dirname "$0")/lib.sh"
kubectl_ok || skip "kubectl >= 1.27 not found"
start_sandbox twins --port 0 --time-scale 50 --manifests "$FIXTURES/twins.yaml"

for d in twin-a twin-b; do
	kc rollout status deploy/$d --timeout=60s >/dev/null
	kc annotate deploy/$d kubernetes.io/change-cause="image 1.1" >/dev/null
	kc set image deploy/$d web=example/web:1.1 >/dev/null
	kc rollout status deploy/$d --timeout=60s >/dev/null
	kc annotate --overwrite deploy/$d kubernetes.io/change-cause="debug logs, args, 1.2" >/dev/null
	kc patch deploy/$d --type=json -p '[
		{"op":"replace","path":"/spec/template/spec/containers/0/env/0/value","value":"debug"},
		{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--verbose"},
		{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"example/web:1.2"}]' \
		>/dev/null
	kc rollout status deploy/$d --timeout=60s >/dev/null
done

# the same view of both: names folded, server-set fields left out. The one
# difference meant: shipdeck's rollback sets kubernetes.io/change-cause to
# what it did (issue 22) where kubectl restores the old revision's.
state() {
	kc get deploy "$1" -o json | jq -S '{template: .spec.template,
		annotations: (.metadata.annotations | del(."kubernetes.io/change-cause"))}' \
		| sed "s/$1/TWIN/g"
	kc rollout history deploy/"$1" | awk '{ print $1 }' | sed "s/$1/TWIN/g"
}

cause_of() { kc get deploy "$1" -o jsonpath='{.metadata.annotations.kubernetes\.io/change-cause}'; }

# compare NAME [CAUSE]: the twins agree; twin-b's change-cause is CAUSE
compare() {
	state twin-a >"$WORK/a.$1"
	state twin-b >"$WORK/b.$1"
	diff -u "$WORK/a.$1" "$WORK/b.$1" || fail "$1: kubectl and shipdeck disagree"
	[ -z "${2:-}" ] || [ "$(cause_of twin-b)" = "$2" ] || fail "$1: twin-b's change-cause: $(cause_of twin-b)"
	[ -z "${2:-}" ] || kc rollout history deploy/twin-b | tail -2 | grep -qF "$2" \
		|| fail "$1: twin-b's history does not show its cause"
}
by=${USER:-$(id -un)}

compare before
sd rollout undo twin-b --dry-run >"$WORK/dry.txt"
grep -q -- '- web: env\[LEVEL\].value="debug"' "$WORK/dry.txt" || { cat "$WORK/dry.txt"; fail "dry run diff"; }
grep -q -- '+ web: env\[LEVEL\].value="info"' "$WORK/dry.txt" || fail "dry run diff (+)"
grep -q -- 'args\[2\]="--verbose"' "$WORK/dry.txt" || fail "dry run shows args"

kc rollout undo deploy/twin-a >/dev/null
sd rollout undo twin-b >/dev/null
kc rollout status deploy/twin-a --timeout=60s >/dev/null
sd rollout status twin-b --timeout 60s >/dev/null
compare undo "shipdeck rollback twin-b to revision 2 (web:1.1) by $by"

kc rollout undo deploy/twin-a --to-revision=1 >/dev/null
sd rollout undo deploy/twin-b --to-revision 1 >/dev/null
kc rollout status deploy/twin-a --timeout=60s >/dev/null
sd rollout status twin-b --timeout 60s >/dev/null
compare to-revision "shipdeck rollback twin-b to revision 1 (web:1.0) by $by"

# and once more to the previous: back and forth through revision history
kc rollout undo deploy/twin-a >/dev/null
sd rollout undo twin-b >/dev/null
kc rollout status deploy/twin-a --timeout=60s >/dev/null
sd rollout status twin-b --timeout 60s >/dev/null
compare again "shipdeck rollback twin-b to revision 4 (web:1.1) by $by"
echo "ok - shipdeck rollout undo matches kubectl rollout undo"
