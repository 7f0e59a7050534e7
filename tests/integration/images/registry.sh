# Helpers for the image tags tests: Debian's docker-registry on a free
# 127.0.0.1 port, and small real images pushed through the registry's HTTP
# API with curl (blob uploads, config, manifest) — no docker needed.
# Source after tests/lib.sh and sd_setup.

command -v docker-registry >/dev/null || sd_skip "docker-registry is not installed"

# reg_start NAME [USER PASSWORD]: starts a registry; sets REG_PORT and
# REG_URL. With a user, it asks for htpasswd basic auth. With REG_TLS=1 it
# serves HTTPS with a self-signed certificate for 127.0.0.1 (REG_CACERT).
reg_start() {
	local name=$1 user=${2:-} pass=${3:-} dir=$SD_TMP/registry-$1 i scheme=http
	REG_PORT=$(sd_free_port)
	mkdir -p "$dir/data"
	if [ "${REG_TLS:-}" = 1 ]; then
		scheme=https
		REG_CACERT=$dir/cert.pem
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" -out "$REG_CACERT" \
			2>/dev/null || return 1
	fi
	REG_URL=$scheme://127.0.0.1:$REG_PORT
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: true}}"
		echo "storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}"
		if [ "$scheme" = https ]; then
			echo "http: {addr: 127.0.0.1:$REG_PORT, tls: {certificate: $REG_CACERT, key: $dir/key.pem}}"
		else
			echo "http: {addr: 127.0.0.1:$REG_PORT}"
		fi
		if [ -n "$user" ]; then
			htpasswd -Bbn "$user" "$pass" >"$dir/htpasswd"
			echo "auth: {htpasswd: {realm: basic-realm, path: $dir/htpasswd}}"
		fi
	} >"$dir/config.yml"
	docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	SD_PIDS+=($!)
	# any answer will do (a locked registry says 401)
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null ${REG_CACERT:+--cacert "$REG_CACERT"} "$REG_URL/v2/" && return 0
		sleep 0.1
	done
	echo "docker-registry did not start:" >&2
	cat "$dir/log" >&2
	return 1
}

# curl against the registry, with credentials when REG_AUTH is "user:pass"
# and the certificate when it serves HTTPS.
reg_curl() {
	curl -sf ${REG_AUTH:+-u "$REG_AUTH"} ${REG_CACERT:+--cacert "$REG_CACERT"} "$@"
}

# reg_blob REPO FILE: uploads FILE as a blob; prints its digest.
reg_blob() {
	local repo=$1 file=$2 digest location
	digest=sha256:$(sha256sum "$file" | cut -d' ' -f1)
	location=$(reg_curl -X POST -D - -o /dev/null "$REG_URL/v2/$repo/blobs/uploads/" \
		| tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
	[ -n "$location" ] || { echo "no upload location for $repo" >&2; return 1; }
	case $location in http*) ;; *) location=$REG_URL$location ;; esac
	case $location in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
	reg_curl -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
		-o /dev/null "$location" || { echo "blob upload failed: $repo $file" >&2; return 1; }
	echo "$digest"
}

# reg_manifest REPO REF MEDIA_TYPE FILE: puts a manifest under a tag or digest.
reg_manifest() {
	reg_curl -X PUT -H "Content-Type: $3" --data-binary "@$4" -o /dev/null \
		"$REG_URL/v2/$1/manifests/$2" || { echo "manifest put failed: $1:$2" >&2; return 1; }
}

# reg_image REPO TAG LAYER_BYTES CREATED [MEDIA]: a one-layer image whose
# layer is LAYER_BYTES deterministic bytes (the same arguments make the same
# digest), tagged TAG (or pushed by digest only when TAG is "-"); prints the
# manifest's digest. MEDIA: oci (default) or docker.
reg_image() {
	local repo=$1 tag=$2 bytes=$3 created=$4 media=${5:-oci} w=$SD_TMP/img.$$
	local layer config mt lt ct digest
	mkdir -p "$w"
	python3 -c "import sys; sys.stdout.buffer.write((b'$repo:$bytes:' * ($bytes // 4 + 1))[:$bytes])" >"$w/layer"
	printf '{"architecture":"amd64","os":"linux","created":"%s","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$created" "$(sha256sum "$w/layer" | cut -d' ' -f1)" >"$w/config"
	layer=$(reg_blob "$repo" "$w/layer") || return 1
	config=$(reg_blob "$repo" "$w/config") || return 1
	if [ "$media" = docker ]; then
		mt=application/vnd.docker.distribution.manifest.v2+json
		ct=application/vnd.docker.container.image.v1+json
		lt=application/vnd.docker.image.rootfs.diff.tar.gzip
	else
		mt=application/vnd.oci.image.manifest.v1+json
		ct=application/vnd.oci.image.config.v1+json
		lt=application/vnd.oci.image.layer.v1.tar+gzip
	fi
	printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%s},"layers":[{"mediaType":"%s","digest":"%s","size":%s}]}' \
		"$mt" "$ct" "$config" "$(stat -c %s "$w/config")" "$lt" "$layer" "$bytes" >"$w/manifest"
	digest=sha256:$(sha256sum "$w/manifest" | cut -d' ' -f1)
	[ "$tag" = - ] && tag=$digest
	reg_manifest "$repo" "$tag" "$mt" "$w/manifest" || return 1
	echo "$digest"
}

# reg_index REPO TAG AMD64_DIGEST ARM64_DIGEST: an OCI index of two images
# already pushed by digest; prints its digest.
reg_index() {
	local repo=$1 tag=$2 w=$SD_TMP/idx.$$ size_a size_b
	mkdir -p "$w"
	size_a=$(reg_curl -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$REG_URL/v2/$repo/manifests/$3" | wc -c)
	size_b=$(reg_curl -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$REG_URL/v2/$repo/manifests/$4" | wc -c)
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"arm64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}}]}' \
		"$4" "$size_b" "$3" "$size_a" >"$w/index"
	reg_manifest "$repo" "$tag" application/vnd.oci.image.index.v1+json "$w/index" || return 1
	echo "sha256:$(sha256sum "$w/index" | cut -d' ' -f1)"
}

# reg_tag REPO FROM_TAG TO_TAG: another tag on the same manifest (an alias).
reg_tag() {
	local w=$SD_TMP/tag.$$ mt
	mkdir -p "$w"
	mt=$(reg_curl -D "$w/headers" -o "$w/m" \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
		"$REG_URL/v2/$1/manifests/$2" && tr -d '\r' <"$w/headers" | sed -n 's/^[Cc]ontent-[Tt]ype: //p')
	reg_manifest "$1" "$3" "$mt" "$w/m"
}

# git_fixture DIR SUBJECT...: a repository with one commit per subject, at
# fixed times, so the shas (and the tags made from them) are the same on
# every run.
git_fixture() {
	local dir=$1 i=0 subject
	shift
	git init -q -b main "$dir"
	for subject in "$@"; do
		i=$((i + 1))
		echo "change $i" >"$dir/file"
		git -C "$dir" add file
		GIT_AUTHOR_NAME="Ada Lovelace" GIT_AUTHOR_EMAIL=ada@example.com \
		GIT_COMMITTER_NAME="Ada Lovelace" GIT_COMMITTER_EMAIL=ada@example.com \
		GIT_AUTHOR_DATE="2024-05-0${i}T10:00:00Z" GIT_COMMITTER_DATE="2024-05-0${i}T10:00:00Z" \
			git -C "$dir" commit -q -m "$subject"
	done
}

# json_q_lines FILE EXPR: the same for a JSON lines file; d is the list.
json_q_lines() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ok = eval(sys.argv[2])
if not ok:
    print("   failed: " + sys.argv[2], file=sys.stderr)
    print(open(sys.argv[1]).read(), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# json_q FILE EXPR: true when the Python expression holds for the JSON in
# FILE; d is the document, row(TAG) the tag's entry.
json_q() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def row(tag):
    return next((r for r in d["tags"] if r["tag"] == tag), None)
ok = eval(sys.argv[2])
if not ok:
    print("   failed: " + sys.argv[2], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# fake_start MODE [ARGS...]: the tiny fake registry (fake_registry.py); sets
# FAKE_PORT.
fake_start() {
	local out=$SD_TMP/fake-$1.out i
	: >"$out"
	python3 "$SD_TESTS/integration/images/fake_registry.py" --mode "$@" >"$out" 2>&1 &
	SD_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		FAKE_PORT=$(sed -n 's/^listening on //p' "$out")
		[ -n "$FAKE_PORT" ] && return 0
		sleep 0.1
	done
	cat "$out" >&2
	return 1
}

# project_yml DIR IMAGE [MORE_YAML]: the repository's .shipdeck.yml.
project_yml() {
	printf 'image:\n  name: %s\n%s' "$2" "${3:-}" >"$1/.shipdeck.yml"
}

# push_fixture: a test repository of four commits and, on the running
# registry's "app", builds 1–4 tagged <sha7>-<n> (build 3 grows 82%: over the
# 20% threshold), latest (= build 4), release-candidate (= build 3), build 5
# as a two-platform index, and 0123456-7 from a commit the repository lacks.
# Sets REPO, SHAS, subjects, sizes, TAG[n], DIGEST[n]; writes .shipdeck.yml.
push_fixture() {
	local i n amd arm
	REPO=$SD_TMP/repo
	subjects=("Add the health endpoint" "Serve the catalogue from cache" "Fix the login redirect"
		  "Log request ids")
	git_fixture "$REPO" "${subjects[@]}"
	mapfile -t SHAS < <(git -C "$REPO" log --reverse --format=%H)
	sizes=(1000 1100 2000 2100)
	declare -gA DIGEST TAG
	for i in 0 1 2 3; do
		n=$((i + 1))
		TAG[$n]=${SHAS[i]:0:7}-$n
		DIGEST[$n]=$(reg_image app "${TAG[$n]}" "${sizes[i]}" "2024-05-0${n}T11:00:00Z") || return 1
	done
	reg_tag app "${TAG[4]}" latest || return 1
	reg_tag app "${TAG[3]}" release-candidate || return 1
	amd=$(reg_image app - 3000 2024-05-05T11:00:00Z) || return 1
	arm=$(reg_image app - 3500 2024-05-05T11:00:00Z) || return 1
	TAG[5]=${SHAS[3]:0:7}-5
	DIGEST[5]=$(reg_index app "${TAG[5]}" "$amd" "$arm") || return 1
	reg_image app 0123456-7 1500 2024-05-04T12:00:00Z >/dev/null || return 1
	project_yml "$REPO" "127.0.0.1:$REG_PORT/app"
}

# sandbox_start IMAGE: the test cluster (time-scale 50) with deployment web
# (2 pods) on IMAGE and worker on example/worker:latest; sets KC.
sandbox_start() {
	cat >"$SD_TMP/manifests.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "$1", readinessProbe: {httpGet: {path: /ready, port: 8080}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
      - {name: worker, image: "example/worker:latest"}
YAML
	KC=$SD_TMP/kubeconfig
	"$SHIPDECK_SANDBOX" --port 0 --kubeconfig-out "$KC" --time-scale 50 \
		--manifests "$SD_TMP/manifests.yaml" >"$SD_TMP/sandbox.out" 2>"$SD_TMP/sandbox.err" &
	SD_PIDS+=($!)
	cluster_wait_listening "$SD_TMP/sandbox.out" "${SD_PIDS[-1]}" >/dev/null && return 0
	cat "$SD_TMP/sandbox.err" >&2
	return 1
}
