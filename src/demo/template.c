#include "demo/template.h"

#include <stdlib.h>

#include "util/xalloc.h"

static const char greet_v1[] =
	"#!/bin/sh\n"
	"# greet: answers one HTTP request read from stdin, as a tiny web service run\n"
	"# by a socket server (e.g. `socat TCP-LISTEN:8080,fork EXEC:app/greet.sh`).\n"
	"read -r method path _\n"
	"case $method in\n"
	"GET) ;;\n"
	"*) printf 'HTTP/1.0 405 Method Not Allowed\\r\\n\\r\\n'; exit 0 ;;\n"
	"esac\n"
	"body=\"hello from shipdeck-demo\"\n"
	"printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: "
	"%s\\r\\n\\r\\n%s\\n' \\\n"
	"\t\"$((${#body} + 1))\" \"$body\"\n";

static const char greet_v2[] =
	"#!/bin/sh\n"
	"# greet: answers one HTTP request read from stdin, as a tiny web service run\n"
	"# by a socket server (e.g. `socat TCP-LISTEN:8080,fork EXEC:app/greet.sh`).\n"
	"read -r method path _\n"
	"case $method in\n"
	"GET) ;;\n"
	"*) printf 'HTTP/1.0 405 Method Not Allowed\\r\\n\\r\\n'; exit 0 ;;\n"
	"esac\n"
	"body=\"hello from shipdeck-demo ${VERSION:-dev}\"\n"
	"printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: "
	"%s\\r\\n\\r\\n%s\\n' \\\n"
	"\t\"$((${#body} + 1))\" \"$body\"\n";

static const char greet_v3[] =
	"#!/bin/sh\n"
	"# greet: answers one HTTP request read from stdin, as a tiny web service run\n"
	"# by a socket server (e.g. `socat TCP-LISTEN:8080,fork EXEC:app/greet.sh`).\n"
	"read -r method path _\n"
	"case $method in\n"
	"GET) ;;\n"
	"*) printf 'HTTP/1.0 405 Method Not Allowed\\r\\n\\r\\n'; exit 0 ;;\n"
	"esac\n"
	"body=\"HELLO FROM SHIPDECK-DEMO ${VERSION:-dev}\"\n"
	"printf 'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: "
	"%s\\r\\n\\r\\n%s\\n' \\\n"
	"\t\"$((${#body} + 1))\" \"$body\"\n";

static const char greet_test[] =
	"#!/bin/sh\n"
	"# Unit test of app/greet.sh: a GET is greeted, anything else refused.\n"
	"set -eu\n"
	"out=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | sh app/greet.sh)\n"
	"echo \"$out\"\n"
	"case $out in\n"
	"*'200 OK'*'hello from shipdeck-demo'*) echo 'ok 1 - GET is greeted' ;;\n"
	"*) echo 'not ok 1 - GET is greeted: expected \"hello from shipdeck-demo\"'; exit 1 ;;\n"
	"esac\n"
	"out=$(printf 'POST / HTTP/1.0\\r\\n\\r\\n' | sh app/greet.sh)\n"
	"case $out in\n"
	"*405*) echo 'ok 2 - POST is refused' ;;\n"
	"*) echo 'not ok 2 - POST is refused'; exit 1 ;;\n"
	"esac\n";

static const char drone_yml[] =
	"# The pipeline, kept with the code: build, test, publish, deploy.\n"
	"# A failing test stops it before the image is pushed.\n"
	"kind: pipeline\n"
	"type: exec\n"
	"name: default\n"
	"\n"
	"steps:\n"
	"  - name: build\n"
	"    commands:\n"
	"      - sh -n app/greet.sh\n"
	"      - mkdir -p dist\n"
	"      - tar -czf dist/app.tar.gz app\n"
	"  - name: test\n"
	"    commands:\n"
	"      - sh test/greet_test.sh\n"
	"  - name: publish\n"
	"    commands:\n"
	"      - sh ci/publish.sh \"$SHIPDECK_IMAGE\" dist/app.tar.gz\n"
	"  - name: deploy\n"
	"    commands:\n"
	"      - shipdeck deploy web \"$SHIPDECK_IMAGE_TAG\"\n";

/* An OCI image pushed with plain HTTP calls: the layer, a config, a
 * manifest. What `docker push` does, without a container engine. */
static const char publish_sh[] =
	"#!/bin/sh\n"
	"# publish IMAGE LAYER.tar.gz: pushes a one-layer OCI image to a registry\n"
	"# through the distribution API (blobs, config, manifest).\n"
	"set -eu\n"
	"image=$1 layer=$2\n"
	"ref=${image%:*} tag=${image##*:}\n"
	"registry=${ref%%/*} repo=${ref#*/}\n"
	"base=http://$registry/v2/$repo\n"
	"\n"
	"push_blob() {\n"
	"\tdigest=sha256:$(sha256sum \"$1\" | cut -d' ' -f1)\n"
	"\tif curl -fsS -o /dev/null -I \"$base/blobs/$digest\" 2>/dev/null; then return; fi\n"
	"\tlocation=$(curl -fsS -X POST -D - -o /dev/null \"$base/blobs/uploads/\" |\n"
	"\t\ttr -d '\\r' | sed -n 's/^[Ll]ocation: //p')\n"
	"\tcase $location in\n"
	"\t/*) location=http://$registry$location ;;\n"
	"\tesac\n"
	"\tcase $location in *\\?*) sep='&' ;; *) sep='?' ;; esac\n"
	"\tcurl -fsS -X PUT -H 'Content-Type: application/octet-stream' \\\n"
	"\t\t--data-binary @\"$1\" \"$location${sep}digest=$digest\"\n"
	"}\n"
	"\n"
	"work=$(mktemp -d)\n"
	"trap 'rm -rf \"$work\"' EXIT\n"
	"diff_id=sha256:$(gzip -dc \"$layer\" | sha256sum | cut -d' ' -f1)\n"
	"created=$(date -u +%Y-%m-%dT%H:%M:%SZ)\n"
	"printf '{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"%s\",'\\\n"
	"'\"config\":{\"Env\":[\"VERSION=%s\"],\"Cmd\":[\"sh\",\"app/greet.sh\"]},'\\\n"
	"'\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]},'\\\n"
	"'\"history\":[{\"created\":\"%s\",\"created_by\":\"ci/publish.sh\"}]}' \\\n"
	"\t\"$created\" \"$tag\" \"$diff_id\" \"$created\" >\"$work/config.json\"\n"
	"push_blob \"$layer\"\n"
	"push_blob \"$work/config.json\"\n"
	"layer_digest=sha256:$(sha256sum \"$layer\" | cut -d' ' -f1)\n"
	"config_digest=sha256:$(sha256sum \"$work/config.json\" | cut -d' ' -f1)\n"
	"printf "
	"'{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",'\\\n"
	"'\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
	"\"digest\":\"%s\",\"size\":%s},'\\\n"
	"'\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	"\"digest\":\"%s\",\"size\":%s}]}' \\\n"
	"\t\"$config_digest\" \"$(wc -c <\"$work/config.json\")\" \\\n"
	"\t\"$layer_digest\" \"$(wc -c <\"$layer\")\" >\"$work/manifest.json\"\n"
	"curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \\\n"
	"\t--data-binary @\"$work/manifest.json\" \"$base/manifests/$tag\"\n"
	"echo \"pushed $image\"\n";

static const char readme[] =
	"# shipdeck demo\n\n"
	"A tiny web service (`app/greet.sh`) with a unit test (`test/greet_test.sh`),\n"
	"its pipeline (`.drone.yml`: build, test, publish, deploy) and its manifests\n"
	"(`k8s/`). `shipdeck demo` runs it against a sandbox cluster, a local\n"
	"registry and Prometheus.\n";

static const char gitignore[] = "dist/\n";

/* The demo's chaos experiment, as Chaos Toolkit reads it: kill one of web's
 * three pods and check that web stays available and heals. */
static const char chaos_web_pod[] =
	"{\n"
	"  \"version\": \"1.0.0\",\n"
	"  \"title\": \"losing one web pod keeps web available\",\n"
	"  \"description\": \"Kill one pod of deploy/web: the other two keep serving, the "
	"Deployment replaces it, and web is fully available again.\",\n"
	"  \"tags\": [\"kubernetes\", \"shipdeck-demo\"],\n"
	"  \"steady-state-hypothesis\": {\n"
	"    \"title\": \"web is available\",\n"
	"    \"probes\": [\n"
	"      {\n"
	"        \"type\": \"probe\",\n"
	"        \"name\": \"web-available-and-healthy\",\n"
	"        \"tolerance\": true,\n"
	"        \"provider\": {\n"
	"          \"type\": \"python\",\n"
	"          \"module\": \"chaosk8s.deployment.probes\",\n"
	"          \"func\": \"deployment_available_and_healthy\",\n"
	"          \"arguments\": {\"name\": \"web\", \"ns\": \"default\"}\n"
	"        }\n"
	"      }\n"
	"    ]\n"
	"  },\n"
	"  \"method\": [\n"
	"    {\n"
	"      \"type\": \"action\",\n"
	"      \"name\": \"terminate-one-web-pod\",\n"
	"      \"provider\": {\n"
	"        \"type\": \"python\",\n"
	"        \"module\": \"chaosk8s.pod.actions\",\n"
	"        \"func\": \"terminate_pods\",\n"
	"        \"arguments\": {\"label_selector\": \"app=web\", \"qty\": 1, \"rand\": true, "
	"\"ns\": \"default\"}\n"
	"      },\n"
	"      \"pauses\": {\"after\": 5}\n"
	"    },\n"
	"    {\n"
	"      \"type\": \"probe\",\n"
	"      \"name\": \"web-fully-available-again\",\n"
	"      \"provider\": {\n"
	"        \"type\": \"python\",\n"
	"        \"module\": \"chaosk8s.deployment.probes\",\n"
	"        \"func\": \"deployment_fully_available\",\n"
	"        \"arguments\": {\"name\": \"web\", \"ns\": \"default\", \"timeout\": 60}\n"
	"      }\n"
	"    }\n"
	"  ],\n"
	"  \"rollbacks\": []\n"
	"}\n";

static const struct demo_file commit1[] = {
	{ "README.md", readme, 0644 },
	{ ".gitignore", gitignore, 0644 },
	{ "app/greet.sh", greet_v1, 0755 },
	{ "test/greet_test.sh", greet_test, 0755 },
	{ ".drone.yml", drone_yml, 0644 },
	{ "ci/publish.sh", publish_sh, 0755 },
	{ "chaos/web-pod.json", chaos_web_pod, 0644 },
	{ NULL, NULL, 0 },
};

static const struct demo_file commit2[] = {
	{ "app/greet.sh", greet_v2, 0755 },
	{ NULL, NULL, 0 },
};

static const struct demo_file commit3[] = {
	{ "app/greet.sh", greet_v3, 0755 },
	{ NULL, NULL, 0 },
};

const struct demo_commit demo_commits[] = {
	{ "Add the greeting service, its test and its pipeline", commit1 },
	{ "Say which version answers", commit2 },
	{ "Greet in capitals", commit3 },
};
const int demo_ncommits = sizeof demo_commits / sizeof *demo_commits;

const char demo_faults[] =
	"# Images whose tag says what is wrong with them.\n"
	"- image: \"*:bad-stall*\"\n"
	"  never-ready: \"true\"\n"
	"- image: \"*:bad-errors*\"\n"
	"  error-rate: \"0.2\"\n"
	"  latency-ms: \"250\"\n";

/* A Deployment with a readiness probe, a preStop hook and deliberate
 * rolling-update bounds, as the practices ask. labels: "app: web". */
static char *deployment_in(const char *ns, const char *name, const char *labels, int replicas,
			   const char *image, const char *env)
{
	return xasprintf(
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata:\n"
		"  name: %s\n"
		"  namespace: %s\n"
		"  annotations:\n"
		"    kubernetes.io/change-cause: \"shipdeck demo: first deploy\"\n"
		"spec:\n"
		"  replicas: %d\n"
		"  revisionHistoryLimit: 5\n"
		"  progressDeadlineSeconds: 60\n"
		"  strategy:\n"
		"    type: RollingUpdate\n"
		"    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n"
		"  selector:\n"
		"    matchLabels: {%s}\n"
		"  template:\n"
		"    metadata:\n"
		"      labels: {%s}\n"
		"    spec:\n"
		"      containers:\n"
		"        - name: greet\n"
		"          image: %s\n"
		"%s"
		"          ports: [{containerPort: 8080}]\n"
		"          resources:\n"
		"            requests: {cpu: 50m, memory: 32Mi}\n"
		"          readinessProbe:\n"
		"            httpGet: {path: /, port: 8080}\n"
		"            initialDelaySeconds: 2\n"
		"            periodSeconds: 2\n"
		"          lifecycle:\n"
		"            preStop:\n"
		"              exec: {command: [sleep, \"2\"]}\n",
		name, ns, replicas, labels, labels, image, env);
}

static char *deployment(const char *name, const char *labels, int replicas, const char *image)
{
	return deployment_in("default", name, labels, replicas, image, "");
}

/* The environments: greet in stage and in prod, one drift planted (prod
 * logs at debug); prod's two replicas are declared as expected. */
static char *environments(const char *image)
{
	char *stage = deployment_in("stage", "greet", "app: greet", 1, image,
				    "          env: [{name: LOG_LEVEL, value: info}]\n");
	char *prod = deployment_in("prod", "greet", "app: greet", 2, image,
				   "          env: [{name: LOG_LEVEL, value: debug}]\n");
	char *all = xasprintf("%s---\n%s---\n%s", demo_namespaces, stage, prod);

	free(stage);
	free(prod);
	return all;
}

static char *service(const char *name, const char *selector)
{
	return xasprintf(
		"apiVersion: v1\n"
		"kind: Service\n"
		"metadata:\n"
		"  name: %s\n"
		"  namespace: default\n"
		"spec:\n"
		"  selector: {%s}\n"
		"  ports: [{port: 80, targetPort: 8080}]\n",
		name, selector);
}

const char demo_namespaces[] =
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: stage}\n---\n"
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n";

char *demo_manifests(const char *image)
{
	char *web = deployment("web", "app: web", 3, image);
	char *web_svc = service("web", "app: web");
	/* stable and canary pods differ by track; the Service selects both */
	char *shop = deployment("shop", "app: shop, track: stable", 4, image);
	char *shop_svc = service("shop", "app: shop");
	char *blue = deployment("pay-blue", "app: pay, color: blue", 2, image);
	char *green = deployment("pay-green", "app: pay, color: green", 2, image);
	char *pay_svc = service("pay", "app: pay, color: blue");
	char *envs = environments(image);
	char *all = xasprintf("%s---\n%s---\n%s---\n%s---\n%s---\n%s---\n%s---\n%s", web, web_svc,
			      shop, shop_svc, blue, green, pay_svc, envs);

	free(envs);

	free(web);
	free(web_svc);
	free(shop);
	free(shop_svc);
	free(blue);
	free(green);
	free(pay_svc);
	return all;
}

char *demo_project_settings(const char *registry, const char *prometheus_url)
{
	return xasprintf(
		"# Written by `shipdeck demo` for this run's addresses (not committed).\n"
		"image:\n"
		"  name: %s/demo/greet\n"
		"  tag: \"{sha7}-{build}\"\n"
		"registries:\n"
		"  %s: {plain_http: true}\n"
		"pipeline:\n"
		"  file: .drone.yml\n"
		"prometheus: %s\n"
		"apps:\n"
		"  shop:\n"
		"    strategy: canary\n"
		"    steps: [25, 50, 100]\n"
		"    interval: 10s\n"
		"    threshold: 2\n"
		"  pay:\n"
		"    strategy: blue-green\n"
		"chaos:\n"
		"  dir: chaos\n"
		"  max_pods: 1\n"
		"  namespaces: [default]\n"
		"environments:\n"
		"  - {name: stage, namespace: stage, apps: [greet]}\n"
		"  - name: prod\n"
		"    namespace: prod\n"
		"    apps: [greet]\n"
		"    expected_differences: [replicas]\n",
		registry, registry, prometheus_url);
}
