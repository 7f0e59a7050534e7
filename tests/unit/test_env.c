/* environments (issue 20): reading an environment's lists, drift with
 * expected differences, without a cluster. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "env/drift.h"
#include "env/read.h"
#include "tap.h"

static const char *const D64 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

static cJSON *deployments(const char *image, const char *log_level, int replicas)
{
	char *s = NULL;
	cJSON *j;

	if (asprintf(&s,
		     "{\"items\":[{\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\"},"
		     "\"spec\":{\"replicas\":%d,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
		     "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{"
		     "\"containers\":[{\"name\":\"side\",\"image\":\"other/proxy:1\"},"
		     "{\"name\":\"web\",\"image\":\"%s\",\"env\":[{\"name\":\"LOG_LEVEL\",\"value\":\"%s\"},"
		     "{\"name\":\"HOST\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"cfg\",\"key\":\"host\"}}}]}]}}}}]}",
		     replicas, image, log_level) < 0)
		return NULL;
	j = cJSON_Parse(s);
	free(s);
	return j;
}

static cJSON *pods(const char *image, const char *image_id)
{
	char *s = NULL;
	cJSON *j;

	if (asprintf(&s,
		     "{\"items\":[{\"metadata\":{\"name\":\"web-abc-1\",\"labels\":{\"pod-template-hash\":\"abc\"},"
		     "\"creationTimestamp\":\"2026-12-01T10:00:00Z\",\"ownerReferences\":[{\"name\":\"web-abc\"}]},"
		     "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"%s\"}]},"
		     "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
		     "\"containerStatuses\":[{\"name\":\"web\",\"imageID\":\"%s\"}]}}]}",
		     image, image_id) < 0)
		return NULL;
	j = cJSON_Parse(s);
	free(s);
	return j;
}

static cJSON *configmaps(const char *host)
{
	char *s = NULL;
	cJSON *j;

	if (asprintf(&s, "{\"items\":[{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"host\":\"%s\"}},"
		     "{\"metadata\":{\"name\":\"unused\"},\"data\":{}}]}", host) < 0)
		return NULL;
	j = cJSON_Parse(s);
	free(s);
	return j;
}

static void test_read(void)
{
	struct env_app app = { .name = "web", .deployments = (char *[]){ "web" }, .ndeployments = 1 };
	struct env_conf conf = { .name = "stage", .namespace = "ns", .apps = &app, .napps = 1 };
	cJSON *d = deployments("reg:5000/app:1.2", "info", 2);
	char id[200];
	cJSON *p;
	struct env_state *s;

	snprintf(id, sizeof id, "docker-pullable://reg:5000/app@%s", D64);
	p = pods("reg:5000/app:1.2", id);
	s = env_state_read(&conf, "ctx", "reg:5000/app", d, p, NULL);
	tap_is_int((long)s->nruns, 1, "one run");
	tap_is_str(s->runs[0].container, "web", "the container of image.name, not the first");
	tap_is_str(s->runs[0].tag, "1.2", "the tag after a host:port");
	tap_is_str(s->runs[0].digest, D64, "the digest from the pods' imageID");
	tap_ok(s->runs[0].digest_from_pods, "said to come from the pods");
	tap_is_int(s->runs[0].ready, 1, "one ready pod");
	env_state_free(s);
	cJSON_Delete(p);
	p = pods("reg:5000/app:1.2", "sandbox.shipdeck.dev/x@sha256:0123abcd");
	s = env_state_read(&conf, "ctx", "reg:5000/app", d, p, NULL);
	tap_ok(!s->runs[0].digest, "an imageID that is no sha256 digest: unknown");
	env_state_free(s);
	cJSON_Delete(p);
	cJSON_Delete(d);
	tap_ok(!env_digest_of_image_id(NULL), "no imageID");
}

static void test_drift(void)
{
	struct env_app app = { .name = "web", .deployments = (char *[]){ "web" }, .ndeployments = 1 };
	struct env_conf envs[2] = {
		{ .name = "stage", .namespace = "ns", .apps = &app, .napps = 1 },
		{ .name = "prod", .namespace = "ns", .apps = &app, .napps = 1,
		  .expected = (char *[]){ "replicas" }, .nexpected = 1 },
	};
	struct project pj = { .envs = envs, .nenvs = 2 };
	struct store_envs se;
	struct envs_event ev;
	struct drift dr;
	struct err err;
	cJSON *d[2] = { deployments("app:1", "info", 1), deployments("app:1", "debug", 3) };
	cJSON *cm[2] = { configmaps("a.example"), configmaps("b.example") };

	store_envs_init(&se);
	for (size_t i = 0; i < 2; i++) {
		ev = (struct envs_event){ .type = ENVS_EV_STATE, .index = i,
			.state = env_state_read(&envs[i], "c", NULL, d[i], NULL, cm[i]) };
		store_envs_apply(&se, &ev);
		cJSON_Delete(d[i]);
		cJSON_Delete(cm[i]);
	}
	tap_is_int((long)se.envs[0].nconfigmaps, 1, "only the ConfigMaps the template names");
	tap_ok(env_drift(&pj, &se, "web", &dr, &err) == 0, "drift compares");
	tap_is_int((long)dr.n, 2, "the env var and the ConfigMap value");
	tap_is_str(dr.n ? dr.items[0].field : "", "containers.web.env.HOST", "sorted by field");
	tap_is_str(dr.n ? dr.items[0].values[1] : "", "configMap cfg key host = \"b.example\"",
		   "a ConfigMap reference with its value");
	tap_is_str(dr.n > 1 ? dr.items[1].values[1] : "", "\"debug\"", "a literal value");
	tap_is_int((long)dr.expected, 1, "replicas declared, counted, not shown");
	drift_free(&dr);
	tap_ok(env_drift(&pj, &se, "api", &dr, &err) == -1, "an app no environment lists");
	store_envs_free(&se);

	tap_ok(drift_expected("containers.web.env.LOG_LEVEL", "env.LOG_LEVEL"), "without the container");
	tap_ok(drift_expected("containers.web.env.LOG_LEVEL", "containers.web.env"), "a prefix");
	tap_ok(!drift_expected("containers.web.env.LOG_LEVELS", "env.LOG_LEVEL"), "not a partial name");
	tap_ok(drift_expected("annotations.example.com/x", "annotations"), "every annotation");
	tap_ok(!drift_expected("replicas", "env"), "another field");
}

int main(void)
{
	test_read();
	test_drift();
	return tap_done();
}
