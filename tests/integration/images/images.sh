#!/usr/bin/env bash
# shipdeck images against Debian's docker-registry: images pushed through the
# registry API for the commits of a test repository, tagged <sha7>-<n>, plus
# latest, an alias, a two-platform index and more tags than one page; one
# registry open, one behind htpasswd basic auth. Then what must fail does,
# with a message naming the URL, in bounded time: wrong password, unknown
# repository, registry down, an unknown media type, a Link loop — and the
# bearer-token flow against a small fake; HTTPS with verification.
. "$(dirname "$0")/../../lib.sh"
sd_setup
. "$SD_TESTS/integration/images/registry.sh"
cd "$SD_TMP"

# Every run of shipdeck here must end on its own well within this.
images() {
	(cd "$REPO" && timeout 30 "$SHIPDECK" images "$@")
}

reg_start open || exit 1
push_fixture || exit 1

images --json >out.json
sd_check "images --json exits 0" test $? = 0
sd_check "images --json is one line (one document per line, as every --json)" test "$(wc -l <out.json)" = 1
sd_check "every tag is listed" json_q out.json 'len(d["tags"]) == 8'
for n in 1 2 3 4; do
	t=${TAG[$n]}
	sd_check "$t: commit subject" json_q out.json "row('$t')['commit']['subject'] == '${subjects[n - 1]}'"
	sd_check "$t: full sha" json_q out.json "row('$t')['commit']['sha'] == '${SHAS[n - 1]}'"
	sd_check "$t: digest" json_q out.json "row('$t')['digest'] == '${DIGEST[$n]}'"
	sd_check "$t: build number" json_q out.json "row('$t')['build'] == $n"
	sd_check "$t: provenance build" json_q out.json "row('$t')['provenance'] == 'build'"
	sd_check "$t: size" json_q out.json "row('$t')['size'] == ${sizes[n - 1]}"
	sd_check "$t: created" json_q out.json "row('$t')['created'] == '2024-05-0${n}T11:00:00Z'"
done
sd_check "highest build first" \
	json_q out.json "[r['tag'] for r in d['tags'][:2]] == ['0123456-7', '${TAG[5]}']"
sd_check "latest is mutable" json_q out.json "row('latest')['provenance'] == 'mutable'"
sd_check "latest has no build" json_q out.json "row('latest')['build'] is None"
sd_check "latest is an alias of build 4" json_q out.json "row('latest')['aliases'] == ['${TAG[4]}']"
sd_check "build 4 names its alias" json_q out.json "row('${TAG[4]}')['aliases'] == ['latest']"
sd_check "release-candidate: unknown provenance" \
	json_q out.json "row('release-candidate')['provenance'] == 'unknown'"
sd_check "release-candidate is build 3's image" \
	json_q out.json "row('release-candidate')['digest'] == '${DIGEST[3]}'"
sd_check "build 3 grew beyond the threshold" json_q out.json "row('${TAG[3]}')['sizeWarning'] is True"
sd_check "build 2 did not" json_q out.json "row('${TAG[2]}')['sizeWarning'] is False"
sd_check "build 1 has no previous build" json_q out.json "row('${TAG[1]}')['sizeGrowth'] is None"
sd_check "index: the index's digest" json_q out.json "row('${TAG[5]}')['digest'] == '${DIGEST[5]}'"
sd_check "index: linux/amd64 read" json_q out.json "row('${TAG[5]}')['platform'] == 'linux/amd64'"
sd_check "index: amd64's size" json_q out.json "row('${TAG[5]}')['size'] == 3000"
sd_check "index: its media type" \
	json_q out.json "row('${TAG[5]}')['mediaType'] == 'application/vnd.oci.image.index.v1+json'"
sd_check "a commit this clone lacks" \
	json_q out.json "row('0123456-7')['commit'] is None and row('0123456-7')['build'] == 7"
sd_check "no errors" json_q out.json "d['error'] is None and all(r['error'] is None for r in d['tags'])"

images >out.txt
sd_check "text: header" grep -q "^TAG .*DIGEST .*BUILD .*COMMIT .*SUBJECT" out.txt
sd_check "text: latest marked mutable" grep -q "^latest .*mutable: not a version" out.txt
sd_check "text: growth flagged" grep -q "^${TAG[3]} .*grew 82% over build 2" out.txt
sd_check "text: subject shown" grep -q "^${TAG[1]} .*Add the health endpoint" out.txt

# more tags than one page (100)
base=$(reg_image many "${TAG[1]}" 700 2024-05-01T11:00:00Z)
for ((n = 2; n <= 125; n++)); do
	reg_tag many "${TAG[1]}" "${SHAS[n % 4]:0:7}-$n" || exit 1
done
project_yml "$REPO" "127.0.0.1:$REG_PORT/many"
images --json >many.json
sd_check "125 tags over two pages all listed" json_q many.json 'len(d["tags"]) == 125'
sd_check "each with its build number" \
	json_q many.json 'sorted(r["build"] for r in d["tags"]) == list(range(1, 126))'
sd_check "all one image" json_q many.json "all(r['digest'] == '$base' for r in d['tags'])"

# ---- failures on the open registry: exit 1, the URL named
project_yml "$REPO" "127.0.0.1:$REG_PORT/nope"
images 2>err.txt >/dev/null
sd_check "unknown repository exits 1" test $? = 1
sd_check "unknown repository says so" \
	grep -q "127.0.0.1:$REG_PORT/v2/nope/tags/list.*unknown repository 'nope'.*NAME_UNKNOWN" err.txt

down=$(sd_free_port)
project_yml "$REPO" "127.0.0.1:$down/app"
images --json >down.json 2>err.txt
sd_check "registry down exits 1" test $? = 1
sd_check "registry down names the URL" grep -q "registry http://127.0.0.1:$down/v2/ is not reachable" err.txt
sd_check "registry down: the JSON says so too" json_q down.json "'not reachable' in d['error'] and d['tags'] == []"

project_yml "$REPO" "127.0.0.1:$REG_PORT/app:v1"
images 2>err.txt
sd_check "a tag in image.name is a configuration error (2)" test $? = 2
sd_check "and says why" grep -q "without a tag or digest" err.txt
printf 'image:\n  name: x\n  tag: latest\n' >"$REPO/.shipdeck.yml"
images 2>err.txt
sd_check "tag template latest refused (2)" test $? = 2
sd_check "with file:line:col" grep -q "shipdeck.yml:3:8: image.tag" err.txt
rm "$REPO/.shipdeck.yml"
images 2>err.txt
sd_check "no image.name is a configuration error (2)" test $? = 2
sd_check "and says what to set, and where" grep -q "no .shipdeck.yml in the repository $REPO: create it with image.name (or pass --repo DIR" err.txt

# ---- the registry behind htpasswd basic auth
reg_start locked alice 's3cret:pw' || exit 1
REG_AUTH='alice:s3cret:pw' reg_image app "${TAG[1]}" 1000 2024-05-01T11:00:00Z >/dev/null || exit 1
REG_AUTH='alice:s3cret:pw' reg_tag app "${TAG[1]}" latest || exit 1
creds=$'registries:\n  127.0.0.1:'$REG_PORT$':\n    username_env: REG_USER\n    password_env: REG_PASS\n'
project_yml "$REPO" "127.0.0.1:$REG_PORT/app" "$creds"

REG_USER=alice REG_PASS='s3cret:pw' images --json >auth.json 2>err.txt
sd_check "basic auth from the environment" test $? = 0
sd_check "both tags read through basic auth" \
	json_q auth.json "row('${TAG[1]}')['commit']['subject'] == '${subjects[0]}' and row('latest')['aliases'] == ['${TAG[1]}']"

REG_USER=alice REG_PASS=wrong images 2>err.txt >/dev/null
sd_check "wrong password exits 1" test $? = 1
sd_check "wrong password says so, with the URL and where it came from" \
	grep -q "http://127.0.0.1:$REG_PORT/v2/: 401: wrong user or password (credentials from \$REG_USER/\$REG_PASS)" err.txt

images 2>err.txt >/dev/null
sd_check "no credentials exits 1" test $? = 1
sd_check "no credentials says how to give them" grep -q "401: the registry needs credentials: .*docker login" err.txt

mkdir -p "$HOME/.docker"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$REG_PORT" "$(printf 'alice:s3cret:pw' | base64)" \
	>"$HOME/.docker/config.json"
project_yml "$REPO" "127.0.0.1:$REG_PORT/app"
images --json >auth2.json 2>err.txt
sd_check "basic auth from ~/.docker/config.json" test $? = 0
sd_check "tags read with docker's credentials" json_q auth2.json 'len(d["tags"]) == 2'
rm -r "$HOME/.docker"

# ---- HTTPS: verification on unless the registry's settings say otherwise
if command -v openssl >/dev/null; then
	REG_TLS=1 reg_start tls || exit 1
	reg_image app "${TAG[1]}" 1000 2024-05-01T11:00:00Z >/dev/null || exit 1
	unset REG_CACERT
	project_yml "$REPO" "127.0.0.1:$REG_PORT/app" \
		$'registries:\n  127.0.0.1:'$REG_PORT$':\n    plain_http: false\n'
	images 2>err.txt >/dev/null
	sd_check "https: a self-signed certificate is refused (exit 1)" test $? = 1
	sd_check "https: and the message says so, with the URL" \
		grep -q "registry https://127.0.0.1:$REG_PORT/v2/ is not reachable: .*certificate" err.txt
	project_yml "$REPO" "127.0.0.1:$REG_PORT/app" \
		$'registries:\n  127.0.0.1:'$REG_PORT$':\n    plain_http: false\n    insecure_skip_verify: true\n'
	images --json >tls.json 2>err.txt
	sd_check "https: insecure_skip_verify reads it" test $? = 0
	sd_check "https: the tag and its commit" \
		json_q tls.json "row('${TAG[1]}')['commit']['subject'] == '${subjects[0]}'"
else
	sd_pass "https: skipped (no openssl to make a certificate)"
fi

# ---- what docker-registry will not do on request: a small fake
fake_start media || exit 1
project_yml "$REPO" "127.0.0.1:$FAKE_PORT/app"
images --json >media.json 2>err.txt
sd_check "unknown media type exits 1" test $? = 1
sd_check "unknown media type named, with the URL" \
	grep -q "1234567-1: http://127.0.0.1:$FAKE_PORT/v2/app/manifests/sha256:.*unknown media type 'application/vnd.example.unknown+json'" err.txt
sd_check "the row carries the error" json_q media.json "'unknown media type' in row('1234567-1')['error']"

fake_start loop || exit 1
project_yml "$REPO" "127.0.0.1:$FAKE_PORT/app"
images 2>err.txt >/dev/null
sd_check "Link loop exits 1 (no hang)" test $? = 1
sd_check "Link loop says so, with the URL" \
	grep -q "http://127.0.0.1:$FAKE_PORT/v2/app/tags/list?n=100: Link header loop" err.txt

fake_start bearer --user 'bob:hunter2' --token-log "$SD_TMP/tokens" || exit 1
project_yml "$REPO" "127.0.0.1:$FAKE_PORT/app" \
	$'registries:\n  127.0.0.1:'$FAKE_PORT$':\n    username_env: REG_USER\n    password_env: REG_PASS\n'
REG_USER=bob REG_PASS=hunter2 images --json >bearer.json 2>err.txt
sd_check "bearer flow exits 0" test $? = 0
sd_check "bearer: both pages read" json_q bearer.json 'len(d["tags"]) == 3'
sd_check "bearer: manifest and config read with the token" \
	json_q bearer.json "row('1234567-2')['size'] == 4242 and row('1234567-2')['created'] == '2024-05-01T12:00:00Z'"
sd_check "bearer: the scope asked for" grep -q "scope=repository%3Aapp%3Apull&service=fake-registry" "$SD_TMP/tokens"
sd_check "bearer: one token for all requests (cached per scope)" test "$(wc -l <"$SD_TMP/tokens")" = 1
REG_USER=bob REG_PASS=nope images 2>err.txt >/dev/null
sd_check "bearer: wrong password exits 1" test $? = 1
sd_check "bearer: wrong password names the token service" \
	grep -q "http://127.0.0.1:$FAKE_PORT/token?scope=.*401: wrong user or password" err.txt
sd_done
