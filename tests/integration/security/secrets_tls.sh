#!/bin/bash
# Credentials stay secret and TLS stays on. Against the sandbox (HTTPS with a
# bearer token): a missing or wrong CA fails with a clear line before any
# request reaches the server (no silent fallback, no token sent); a token is
# never sent to a plain-HTTP server (a listener records what arrives); a wrong
# token, a basic-auth password and a client key never show in a message, on
# screen, in the audit log or anywhere under the state and cache folders; a
# pipeline secret is masked in the build's log; and the files holding them
# (kubeconfig, secrets.yaml) are read, never written.
. "$(dirname "$0")/../failures/lib.sh"
command -v openssl >/dev/null || skip "openssl not found"
start_sandbox main --port 0 --time-scale 50 --manifests "$FIXTURES/web.yaml" \
	--request-log "$WORK/requests.jsonl"
D=$WORK/configs
mkdir -p "$D"
TOKEN=$(sed -n 's/^ *token: //p' "$KC")
[ -n "$TOKEN" ] || fail "no token in the sandbox's kubeconfig"
requests() { cluster_request_count "$WORK/requests.jsonl"; }

# headless NAME KUBECONFIG: runs `get pods`; its stderr lands in $D/NAME.err
headless() {
	set +e
	"$SHIPDECK" --kubeconfig "$2" get pods >"$D/$1.out" 2>"$D/$1.err"
	echo $? >"$D/$1.rc"
	set -e
}
# console NAME KUBECONFIG: the rollout pane after a moment, in $D/NAME.screen
console() {
	printf 'key 4\nsleep 1500\ndump %s.screen\n' "$1" >"$D/steps"
	(cd "$D" && SHIPDECK_SCRIPT="$D/steps" SHIPDECK_SCRIPT_OUT="$D" LINES=50 COLUMNS=200 \
		TERM=xterm-256color "$SHIPDECK" --kubeconfig "$2" 2>>"$D/console.err") \
		|| fail "$1: the console failed"
}

# TLS: no CA (the system's do not know the sandbox) and another CA
sed '/certificate-authority-data/d' "$KC" >"$D/no-ca.yaml"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/other.key" -out "$WORK/other.crt" \
	-days 1 -subj /CN=other-ca 2>/dev/null
sed "s#certificate-authority-data: .*#certificate-authority-data: $(base64 -w0 <"$WORK/other.crt")#" \
	"$KC" >"$D/wrong-ca.yaml"
for c in no-ca wrong-ca; do
	before=$(requests)
	headless "$c" "$D/$c.yaml"
	[ "$(cat "$D/$c.rc")" = 2 ] || { cat "$D/$c.err"; fail "$c: exit $(cat "$D/$c.rc"), want 2"; }
	grep -q "cannot reach https://127.0.0.1:$PORT .*certificate" "$D/$c.err" \
		|| { cat "$D/$c.err"; fail "$c: no clear certificate error"; }
	[ "$(requests)" = "$before" ] || fail "$c: a request reached the server past a failed TLS check"
	console "$c" "$D/$c.yaml"
	grep -q "certificate" "$D/$c.screen" || fail "$c: the pane does not say why"
	note "$c: $(cat "$D/$c.err")"
done

# a token never goes to a plain-HTTP server: what arrives is recorded
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
with open(sys.argv[1], "ab") as out:
    while True:
        c, _ = s.accept(); c.settimeout(1)
        try:
            out.write(c.recv(65536)); out.flush()
        except OSError:
            pass
        c.close()' "$WORK/plain.bytes" >"$WORK/plain.port" &
sd_track "$!"
wait_until 5 test -s "$WORK/plain.port" || fail "the plain listener did not start"
sed "s#server: https://127.0.0.1:$PORT#server: http://127.0.0.1:$(cat "$WORK/plain.port")#" "$KC" >"$D/plain.yaml"
headless plain "$D/plain.yaml"
grep -q "refusing to send a token over plain HTTP" "$D/plain.err" || { cat "$D/plain.err"; fail "plain: not refused"; }
console plain "$D/plain.yaml"
! grep -q "$TOKEN" "$WORK/plain.bytes" 2>/dev/null || fail "the token went out over plain HTTP"
note "plain: $(cat "$D/plain.err")"

# wrong credentials of every kind: refused, named, never shown
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/client.key" -out "$WORK/client.crt" \
	-days 1 -subj /CN=client 2>/dev/null
KEYB64=$(base64 -w0 <"$WORK/client.key")
KEYLINE=$(sed -n 2p "$WORK/client.key")
sed "s/token: .*/token: wrong-token-d41d8cd98f/" "$KC" >"$D/wrong-token.yaml"
sed "s/token: .*/username: ann\n    password: s3cret-pw-77f1/" "$KC" >"$D/password.yaml"
sed "s#token: .*#client-certificate-data: $(base64 -w0 <"$WORK/client.crt")\n    client-key-data: $KEYB64#" \
	"$KC" >"$D/client-key.yaml"
for c in wrong-token password client-key; do
	headless "$c" "$D/$c.yaml"
	console "$c" "$D/$c.yaml"
	note "$c: $(head -1 "$D/$c.err")"
done
grep -q "unauthorized" "$D/wrong-token.err" || fail "wrong-token: not said to be unauthorized"

# a real session: an audited action, a build with a secret, :ctx (which
# reads the kubeconfig again), :audit
mkdir -p "$XDG_CONFIG_HOME/shipdeck"
printf 'registry_token: hunter2-p1p3l1ne-s3cret\n' >"$XDG_CONFIG_HOME/shipdeck/secrets.yaml"
REPO=$WORK/app
git init -q -b main "$REPO"
printf 'kind: pipeline\ntype: exec\nsteps:\n- name: publish\n  environment: {T: {from_secret: registry_token}}\n  commands: [echo "token is $T"]\n' \
	>"$REPO/.drone.yml"
git -C "$REPO" add -A
git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q -m "uses a secret"
cp "$KC" "$D/two.yaml"
files="$D/two.yaml $XDG_CONFIG_HOME/shipdeck/secrets.yaml"
stamp() { for f in $files; do stat -c '%n %s %Y %a' "$f"; sha256sum "$f"; done; }
stamp >"$WORK/files.before"
sleep 1
sd rollout pause web >/dev/null || fail "pause"
printf 'key 4\nwait-for Paused\nkey 1 b\nwait-for ── exit 0 ──\ndump session.screen\ntype :ctx shipdeck-sandbox\nkey Enter\ntype :audit\nkey Enter\ndump audit.screen\n' >"$D/steps"
(cd "$REPO" && SHIPDECK_SCRIPT="$D/steps" SHIPDECK_SCRIPT_OUT="$D" LINES=50 COLUMNS=200 \
	TERM=xterm-256color "$SHIPDECK" --kubeconfig "$D/two.yaml" 2>>"$D/console.err") \
	|| fail "the session failed"
grep -q "token is \*\*\*" "$D/session.screen" || fail "the secret is not shown masked"
stamp >"$WORK/files.after"
diff "$WORK/files.before" "$WORK/files.after" || fail "a file holding credentials was written"
note "kubeconfig and secrets.yaml: read, never written"

for s in "$TOKEN" wrong-token-d41d8cd98f s3cret-pw-77f1 "$KEYLINE" hunter2-p1p3l1ne-s3cret; do
	hits=$(grep -rlF -- "$s" "$D"/*.err "$D"/*.out "$D"/*.screen "$XDG_STATE_HOME" "$XDG_CACHE_HOME" 2>/dev/null || true)
	[ -z "$hits" ] || fail "a secret (${s:0:6}…) shows in: $hits"
done
grep -q '"action":"pause-resume"' "$XDG_STATE_HOME/shipdeck/audit.jsonl" || fail "the action was not audited"
echo "ok - no credential on screen, in messages, logs or the audit log; TLS verified; secret files untouched"
