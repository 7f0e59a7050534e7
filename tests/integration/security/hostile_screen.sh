#!/usr/bin/env bash
# Terminal escapes from outside — OSC 52 (clipboard), OSC 8 (hyperlink), CSI
# clear screen and cursor moves, C1 controls, bidi overrides — in a
# deployment's change-cause, image and template annotations (so in its
# replica sets, pods and events), in a commit subject, and in the error
# messages of a failing registry and a failing API server (fault_proxy.py)
# never reach the terminal raw. The console's own screen (script mode dumps)
# shows their harmless text and no control character, no "^[" and no bidi
# control; a real terminal (tmux, clipboard capture on) gets no OSC at all
# and no clipboard write.
. "$(dirname "$0")/../../lib.sh"
sd_setup
command -v kubectl >/dev/null || sd_skip "kubectl is not installed"
command -v tmux >/dev/null || sd_skip "tmux is not installed"
cd "$SD_TMP"
export KUBECACHEDIR=$SD_TMP/kubecache

# what a hostile string holds, and what must remain of it on screen
EVIL='\e]52;c;ZXZpbA==\a\e]8;;http://evil.example/\e\\click\e]8;;\e\\ \e[2J\e[Hcleared \e[5;5Hmoved \u009b1;1Hc1 \u202egnp.exe\u2066x'
cat >evil.yaml <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: evil
  namespace: default
  annotations: {kubernetes.io/change-cause: "cause $EVIL"}
spec:
  replicas: 1
  selector: {matchLabels: {app: evil}}
  template:
    metadata:
      labels: {app: evil}
      annotations: {note: "$EVIL"}
    spec:
      containers:
      - {name: c, image: "example/evil:1$EVIL"}
YAML
KC=$SD_TMP/kubeconfig
# the sandbox over plain HTTP; the real apiserver speaks TLS only
plain=--plain-http
cluster_is_upstream && plain=
"$SHIPDECK_SANDBOX" --port 0 $plain --kubeconfig-out "$KC" --time-scale 50 \
	--manifests evil.yaml >sandbox.out 2>sandbox.err &
SD_PIDS+=($!)
cluster_wait_listening sandbox.out $! >/dev/null || { cat sandbox.err; sd_fail "the cluster did not start"; sd_done; }
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' sandbox.out)
# kwok cannot run the evil pod: its stages render the image into YAML and
# refuse control characters ("failed to compute patch yaml: control
# characters are not allowed"; a real kubelet would say InvalidImageName),
# so on the real control plane it stays Pending, scheduled, with no container
if cluster_is_upstream; then
	READY=0/1
	for ((i = 0; i < 200; i++)); do
		kubectl --kubeconfig "$KC" get pods -l app=evil -o name 2>/dev/null | grep -q . && break
		sleep 0.1
	done
else
	READY=1/1
	kubectl --kubeconfig "$KC" rollout status deploy/evil --timeout=30s >/dev/null || sd_fail "evil did not roll out"
fi

# a server that answers every request 500 with escapes in its message: the
# registry of the repository, and (second run) the cluster
python3 "$SD_TESTS/integration/failures/fault_proxy.py" --upstream "$PORT" \
	--port-file proxy.port --control-port-file proxy.ctl --log proxy.jsonl &
SD_PIDS+=($!)
for ((i = 0; i < 100; i++)); do [ -s proxy.port ] && [ -s proxy.ctl ] && break; sleep 0.1; done
PROXY=$(cat proxy.port)
curl -sf -X POST "http://127.0.0.1:$(cat proxy.ctl)/status/500/3600" || sd_fail "the proxy refused"
sed "s#127.0.0.1:$PORT#127.0.0.1:$PROXY#" "$KC" >failing.kubeconfig
if cluster_is_upstream; then
	# the kubeconfig says https: a second proxy, failing the same way, that
	# speaks TLS with a certificate of its own, which the kubeconfig trusts
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
		-subj /CN=fault-proxy -addext subjectAltName=IP:127.0.0.1 \
		-keyout proxy.key -out proxy.crt 2>openssl.err || sd_fail "openssl: $(cat openssl.err)"
	kubectl --kubeconfig "$KC" config view --raw \
		-o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >cluster-ca.crt
	python3 "$SD_TESTS/integration/failures/fault_proxy.py" --upstream "$PORT" \
		--upstream-ca cluster-ca.crt --tls-cert proxy.crt --tls-key proxy.key \
		--port-file tls-proxy.port --control-port-file tls-proxy.ctl --log tls-proxy.jsonl &
	SD_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do [ -s tls-proxy.port ] && [ -s tls-proxy.ctl ] && break; sleep 0.1; done
	curl -sf -X POST "http://127.0.0.1:$(cat tls-proxy.ctl)/status/500/3600" || sd_fail "the TLS proxy refused"
	sed "s#127.0.0.1:$PORT#127.0.0.1:$(cat tls-proxy.port)#" "$KC" >failing.kubeconfig
	KUBECONFIG=failing.kubeconfig kubectl config set-cluster \
		"$(kubectl --kubeconfig "$KC" config view -o jsonpath='{.clusters[0].name}')" \
		--certificate-authority proxy.crt --embed-certs >/dev/null || sd_fail "failing.kubeconfig"
fi

REPO=$SD_TMP/repo
git init -q -b main "$REPO"
printf 'kind: pipeline\ntype: exec\nsteps:\n- name: build\n  commands: [echo ok]\n' >"$REPO/.drone.yml"
printf 'image:\n  name: 127.0.0.1:%s/app\n' "$PROXY" >"$REPO/.shipdeck.yml"
git -C "$REPO" add -A
git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q -m "$(printf "subject $EVIL")"
(cd "$REPO" && "$SHIPDECK" pipeline run >/dev/null) || sd_fail "the build did not run"

# the pod's events: the kubelet's (Pulled names the image); kwok runs no
# kubelet, so on the real control plane the scheduler's is the first
EVENT=Pulled
cluster_is_upstream && EVENT=Scheduled
cat >steps <<STEPS
wait-for evil
key 4 Home
wait-for click
dump rollout
key End Enter
wait-for $EVENT
dump pod
key 1 Home
dump pipeline
key 3
wait-for UNKNOWN: injected
dump images
STEPS
sd_script 200x50 steps --kubeconfig "$KC" --repo "$REPO"
cat >steps2 <<'STEPS'
key 4
wait-for injected
dump failing
STEPS
sd_script 200x50 steps2 --kubeconfig failing.kubeconfig

clean() {
	LC_ALL=C grep -nP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\^\[' "$SD_OUT/$1" \
		&& return 1
	return 0
}
for d in rollout pod pipeline images failing; do
	sd_check "$d: no control character, ^[ or bidi control on screen" clean "$d"
done
sd_check "rollout: the change-cause's text is shown" grep -q 'cause click cleared' "$SD_OUT/rollout"
sd_check "rollout: the image's tag is shown" grep -Eq "evil +$READY .* click " "$SD_OUT/rollout"
if cluster_is_upstream; then
	sd_check "pod: the scheduler's event is shown" grep -q 'Successfully assigned default/evil-' "$SD_OUT/pod"
else
	sd_check "pod: the event's text is shown" grep -q 'evil:1click' "$SD_OUT/pod"
fi
sd_check "pipeline: the commit subject's text is shown" grep -q '#1 .* subject click' "$SD_OUT/pipeline"
sd_check "images: the registry's error is shown" grep -q '500 UNKNOWN: injected' "$SD_OUT/images"
sd_check "cluster: the API server's error is shown" grep -q 'injected failure 500' "$SD_OUT/failing"
sd_check "the status bar is still the last line" sh -c "tail -1 '$SD_OUT/rollout' | grep -q 'help'"

# a real terminal: with clipboard capture on, an OSC 52 that got through
# would become a tmux buffer (checked to work); capture -e shows any escape
# beyond colours left on screen
sd_tmux_start 200 50 env KUBECACHEDIR="$KUBECACHEDIR" "$SHIPDECK" --kubeconfig "$KC" --repo "$REPO"
sd_tmux set-option -g set-clipboard on
sd_tmux_wait 'evil' 20 || sd_fail "the console never showed evil"
sd_tmux send-keys 4 Home
sd_tmux_wait 'click' 10 || sd_fail "no change-cause"
sd_tmux send-keys End Enter
sd_tmux_wait "$EVENT" 10 || sd_fail "no events"
sd_tmux send-keys 1 Home 3
sd_tmux_wait 'UNKNOWN: injected' 10 || sd_fail "no registry error"
sleep 0.5
sd_check "tmux: no clipboard write (OSC 52) reached the terminal" test -z "$(sd_tmux list-buffers)"
sd_tmux_screen -e >captured
sd_check "tmux: no OSC or non-SGR escape on the terminal" \
	sh -c "! LC_ALL=C grep -aP '\x1b(?!\[[0-9;:]*m)' captured"
sd_check "tmux: the screen starts with the frame" sh -c "sd=\$(head -1 captured); case \$sd in *Pipeline*) ;; *) exit 1 ;; esac"
sd_tmux send-keys q
sd_done
