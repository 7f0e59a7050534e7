/* The kube module's pure parts: watch line framing and backoff, objects into
 * the store, rollout-status messages, and rollout-undo planning (revision
 * choice, the JSON patch, kubectl's messages, the template diff). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../tap.h"
#include "kube/client.h"
#include "kube/listpage.h"
#include "kube/objects.h"
#include "kube/rollout_ops.h"
#include "kube/status.h"
#include "kube/undo.h"
#include "kube/watch.h"
#include "store/kube.h"
#include "store/kube_budget.h"
#include "util/intern.h"

/* ---- framing */

struct seen {
	char lines[8][64];
	int n;
};

static bool collect(void *ctx, const char *line, size_t len)
{
	struct seen *s = ctx;

	if (s->n < 8)
		snprintf(s->lines[s->n++], 64, "%.*s", (int)len, line);
	return strcmp(s->lines[s->n - 1], "stop") != 0;
}

static void test_framing(void)
{
	struct kube_lines lf = { 0 };
	struct seen s = { 0 };

	tap_ok(kube_lines_feed(&lf, "{\"a\":", 5, collect, &s), "partial line kept");
	tap_is_int(s.n, 0, "no line yet");
	tap_ok(kube_lines_feed(&lf, "1}\n{\"b\":2}\r\n\n{\"c\"", 17, collect, &s), "rest fed");
	tap_is_int(s.n, 2, "two complete lines (empty skipped)");
	tap_is_str(s.lines[0], "{\"a\":1}", "first line joined across chunks");
	tap_is_str(s.lines[1], "{\"b\":2}", "CRLF stripped");
	tap_ok(kube_lines_feed(&lf, ":3}\n", 4, collect, &s), "third");
	tap_is_str(s.lines[2], "{\"c\":3}", "third line");
	tap_ok(!kube_lines_feed(&lf, "stop\nlater\n", 11, collect, &s), "callback can stop");
	tap_is_int(s.n, 4, "nothing after stop");
	kube_lines_free(&lf);
	lf = (struct kube_lines){ .max_line = 8 };
	tap_ok(!kube_lines_feed(&lf, "0123456789abc", 13, collect, &s), "over-long line refused");
	kube_lines_free(&lf);
}

static void test_backoff(void)
{
	tap_ok(kube_backoff_ms(1, 0) >= 375 && kube_backoff_ms(1, 999) <= 625, "first retry ~0.5 s");
	tap_ok(kube_backoff_ms(3, 500) >= 1500 && kube_backoff_ms(3, 500) <= 2500, "doubles");
	tap_ok(kube_backoff_ms(30, 999) <= 10000, "capped");
	tap_ok(kube_backoff_ms(2, 0) != kube_backoff_ms(2, 999), "jitter spreads retries");
}

/* ---- objects */

static void *parse(enum kube_resource res, const char *json)
{
	cJSON *o = cJSON_Parse(json);
	void *obj = kube_object_parse(res, o);

	cJSON_Delete(o);
	return obj;
}

#define TEMPLATE(IMAGE, ENV) \
	"{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\"," \
	"\"image\":\"" IMAGE "\",\"env\":[{\"name\":\"LEVEL\",\"value\":\"" ENV "\"}]," \
	"\"readinessProbe\":{\"httpGet\":{\"path\":\"/ready\",\"port\":8080}}}]}}"

static char *deploy_json(const char *rv, long rev, bool paused, const char *tmpl)
{
	char *out = NULL;

	if (asprintf(&out,
		 "{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"uid\":\"u-web\","
		 "\"resourceVersion\":\"%s\",\"generation\":4,\"creationTimestamp\":\"2026-01-01T00:00:00Z\","
		 "\"annotations\":{\"deployment.kubernetes.io/revision\":\"%ld\","
		 "\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\","
		 "\"kubernetes.io/change-cause\":\"deploy bad\",\"team\":\"a\"}},"
		 "\"spec\":{\"replicas\":3,\"paused\":%s,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
		 "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}},"
		 "\"template\":%s},"
		 "\"status\":{\"observedGeneration\":4,\"replicas\":4,\"updatedReplicas\":1,"
		 "\"readyReplicas\":3,\"availableReplicas\":3,\"conditions\":[{\"type\":\"Progressing\","
		 "\"status\":\"True\",\"reason\":\"ReplicaSetUpdated\",\"message\":\"progressing\"}]}}",
		 rv, rev, paused ? "true" : "false", tmpl) < 0)
		out = NULL;
	return out;
}

static char *rs_json(const char *name, long rev, const char *image, const char *env,
		     const char *cause)
{
	char *tmpl = NULL, *out = NULL;

	if (asprintf(&tmpl, "{\"metadata\":{\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"h%ld\"}},"
		     "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"%s\",\"env\":[{\"name\":"
		     "\"LEVEL\",\"value\":\"%s\"}],\"readinessProbe\":{\"httpGet\":{\"path\":\"/ready\","
		     "\"port\":8080}}}]}}", rev, image, env) < 0)
		return NULL;
	if (asprintf(&out,
		 "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"shop\",\"resourceVersion\":\"1%ld\","
		 "\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"h%ld\"},"
		 "\"ownerReferences\":[{\"kind\":\"Deployment\",\"name\":\"web\",\"uid\":\"u-web\","
		 "\"controller\":true}],"
		 "\"annotations\":{\"deployment.kubernetes.io/revision\":\"%ld\","
		 "\"deployment.kubernetes.io/desired-replicas\":\"3\","
		 "\"deployment.kubernetes.io/max-replicas\":\"4\"%s%s%s}},"
		 "\"spec\":{\"replicas\":3,\"template\":%s},\"status\":{\"replicas\":3,"
		 "\"readyReplicas\":3,\"availableReplicas\":3}}",
		 name, rev, rev, rev, cause ? ",\"kubernetes.io/change-cause\":\"" : "",
		 cause ? cause : "", cause ? "\"" : "", tmpl) < 0)
		out = NULL;
	free(tmpl);
	return out;
}

static void test_objects(void)
{
	struct kube_pod *p = parse(KUBE_PODS,
		"{\"metadata\":{\"name\":\"web-h2-abcde\",\"namespace\":\"shop\",\"resourceVersion\":\"9\","
		"\"labels\":{\"pod-template-hash\":\"h2\"},\"ownerReferences\":[{\"kind\":\"ReplicaSet\","
		"\"name\":\"web-h2\",\"controller\":true}]},\"spec\":{\"nodeName\":\"n1\",\"containers\":"
		"[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\","
		"\"status\":\"False\",\"message\":\"containers with unready status: [web]\"}],"
		"\"containerStatuses\":[{\"name\":\"web\",\"ready\":false,\"restartCount\":4,"
		"\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}},\"lastState\":{\"terminated\":"
		"{\"reason\":\"Error\",\"exitCode\":2}}}]}}");
	struct kube_deployment *d;
	char *dj = deploy_json("7", 3, false, TEMPLATE("reg/web:bad1", "debug"));
	size_t bytes;

	tap_ok(p != NULL, "pod parsed");
	tap_is_str(p->status, "CrashLoopBackOff", "STATUS as kubectl shows it");
	tap_is_str(p->owner, "web-h2", "owner replica set");
	tap_is_int(p->restarts, 4, "restarts summed");
	tap_is_int(p->containers[0].last_exit_code, 2, "last termination exit code");
	tap_is_str(p->containers[0].last_reason, "Error", "last termination reason");
	tap_is_str(p->ready_message, "containers with unready status: [web]", "Ready message");
	bytes = sizeof *p + p->ncontainers * sizeof *p->containers;
	tap_ok(bytes < 512, "a pod's structs are small");
	kube_pod_free(p);

	d = parse(KUBE_DEPLOYMENTS, dj);
	free(dj);
	tap_ok(d != NULL, "deployment parsed");
	tap_is_int(d->revision, 3, "revision annotation");
	tap_is_str(d->max_surge, "1", "int maxSurge as text");
	tap_ok(d->bounds_deliberate, "1/0 is a deliberate choice");
	tap_ok(d->facts.image_pinned && d->facts.readiness_probe && !d->facts.pre_stop,
	       "template facts");
	tap_is_str(d->selector, "app=web", "selector text");
	kube_deployment_free(d);
	tap_ok(parse(KUBE_PODS, "{\"metadata\":{}}") == NULL, "nameless object refused");
	tap_ok(parse(KUBE_PODS, "[1,2]") == NULL, "non-object refused");
}

/* The next page is asked for from the head of a page, so the head must
 * read as the whole would, and anything else must say "parse it all". */
static void test_list_head(void)
{
	static const char page[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":"
		"{\"resourceVersion\":\"7\",\"continue\":\"ZGVm\"},\"items\":[{\"metadata\":{}}]}";
	static const char last[] = "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"7\"},"
		"\"items\":[]}";
	static const char items_first[] = "{\"items\":[{\"spec\":{\"volumes\":[{\"configMap\":"
		"{\"name\":\"c\",\"items\":[]}}]}}],\"metadata\":{\"continue\":\"x\"}}";
	static const char in_string[] = "{\"metadata\":{\"continue\":\"a,\\\"items\\\":b\"},"
		"\"items\":[]}";
	char *c = NULL;

	tap_ok(kube_list_head_continue(page, strlen(page), &c) && c && !strcmp(c, "ZGVm"),
	       "the token from the head of a page");
	free(c);
	tap_ok(kube_list_head_continue(last, strlen(last), &c) && !c, "the last page has none");
	tap_ok(!kube_list_head_continue(items_first, strlen(items_first), &c) && !c,
	       "items before metadata (a nested items first): parse the whole");
	tap_ok(kube_list_head_continue(in_string, strlen(in_string), &c) && c
	       && !strcmp(c, "a,\"items\":b"), "an items inside a string is not the key");
	free(c);
	tap_ok(!kube_list_head_continue("{\"metadata\":", 13, &c) && !c, "a cut page: parse the whole");
}

#define POD_JSON(suffix) "{\"metadata\":{\"name\":\"web-h2-" suffix "\",\"namespace\":\"shop\"," \
	"\"labels\":{\"pod-template-hash\":\"h2\"},\"ownerReferences\":[{\"kind\":" \
	"\"ReplicaSet\",\"name\":\"web-h2\",\"controller\":true}]},\"spec\":{\"nodeName\":" \
	"\"n1\",\"containers\":[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Running\"," \
	"\"containerStatuses\":[{\"name\":\"web\",\"image\":\"reg/web:1.1\",\"imageID\":" \
	"\"reg/web@sha256:0a\",\"ready\":true,\"state\":{\"running\":{}}}]}}"

/* Pods of one ReplicaSet share one copy of their repeated strings, and the
 * copies go with the last pod that names them. */
static void test_pod_shared_strings(void)
{
	size_t before = intern_count();
	struct kube_pod *a = parse(KUBE_PODS, POD_JSON("aaaaa")), *b = parse(KUBE_PODS, POD_JSON("bbbbb"));

	tap_ok(a && b, "two pods parsed");
	tap_ok(a->meta.namespace == b->meta.namespace && a->owner == b->owner
	       && a->template_hash == b->template_hash && a->node == b->node
	       && a->phase == b->phase && a->status == b->status, "their pod strings are one copy");
	tap_ok(a->containers[0].name == b->containers[0].name
	       && a->containers[0].image == b->containers[0].image
	       && a->containers[0].image_id == b->containers[0].image_id,
	       "their container strings are one copy");
	tap_ok(a->meta.name != b->meta.name, "names are their own");
	tap_is_str(a->containers[0].image_id, "reg/web@sha256:0a", "the shared copy reads right");
	kube_pod_free(a);
	tap_is_str(b->owner, "web-h2", "the other pod's copy outlives the first pod");
	kube_pod_free(b);
	tap_is_int((int)intern_count(), (int)before, "the last pod takes the copies with it");
}

/* A replica set's pods are found by its (shared) name and namespace. */
static void test_pods_of(void)
{
	struct store_kube k;
	struct kube_event ev;
	void **objs = calloc(2, sizeof *objs);
	char *rj = rs_json("web-h2", 2, "reg/web:1.1", "info", NULL);
	struct kube_replicaset *rs = parse(KUBE_REPLICASETS, rj), other;
	const struct kube_pod *pods[4];

	store_kube_init(&k);
	objs[0] = parse(KUBE_PODS, POD_JSON("aaaaa"));
	objs[1] = parse(KUBE_PODS, POD_JSON("bbbbb"));
	ev = (struct kube_event){ .type = KUBE_EV_SYNC, .res = KUBE_PODS, .objs = objs, .nobjs = 2 };
	store_kube_apply(&k, &ev);
	tap_is_int((int)store_kube_pods_of(&k, rs, pods, 4), 2, "both pods of the replica set");
	other = *rs;
	other.meta.namespace = "elsewhere";
	tap_is_int((int)store_kube_pods_of(&k, &other, pods, 4), 0, "none of its namesake elsewhere");
	other = *rs;
	other.meta.name = "web-h3";
	tap_is_int((int)store_kube_pods_of(&k, &other, pods, 4), 0, "none of another name");
	kube_replicaset_free(rs);
	free(rj);
	store_kube_free(&k);
}

static void test_store(void)
{
	struct store_kube k;
	struct kube_event ev;
	void **objs = calloc(2, sizeof *objs);
	const struct kube_replicaset *rss[4];
	char *a = rs_json("web-h1", 1, "reg/web:1.0", "info", NULL);
	char *b = rs_json("web-h2", 2, "reg/web:1.1", "info", NULL);
	char *dj = deploy_json("5", 2, false, TEMPLATE("reg/web:1.1", "info"));

	store_kube_init(&k);
	objs[0] = parse(KUBE_REPLICASETS, b);
	objs[1] = parse(KUBE_REPLICASETS, a);
	ev = (struct kube_event){ .type = KUBE_EV_SYNC, .res = KUBE_REPLICASETS, .objs = objs,
				  .nobjs = 2 };
	tap_ok(store_kube_apply(&k, &ev), "sync applied");
	ev = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_DEPLOYMENTS,
				  .obj = parse(KUBE_DEPLOYMENTS, dj) };
	store_kube_apply(&k, &ev);
	tap_is_int((int)store_kube_replicasets_of(&k, store_kube_deployment(&k, "shop", "web"), rss, 4),
		   2, "replica sets of the deployment");
	tap_is_str(rss[0]->meta.name, "web-h2", "newest revision first");
	ev = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_DEPLOYMENTS,
				  .obj = parse(KUBE_DEPLOYMENTS, dj) };
	tap_ok(!store_kube_apply(&k, &ev), "same resourceVersion: no change");
	ev = (struct kube_event){ .type = KUBE_EV_DELETE, .res = KUBE_REPLICASETS,
				  .obj = parse(KUBE_REPLICASETS, a) };
	tap_ok(store_kube_apply(&k, &ev), "delete applied");
	tap_ok(!store_kube_find(&k, KUBE_REPLICASETS, "shop", "web-h1"), "deleted object gone");
	store_kube_free(&k);
	free(a);
	free(b);
	free(dj);
}

static struct kube_event_obj *event_at(int i, int64_t last)
{
	struct kube_event_obj *e = calloc(1, sizeof *e);
	char name[32];

	snprintf(name, sizeof name, "ev-%05d", i);
	e->meta.namespace = intern("shop");
	e->meta.name = strdup(name);
	e->last = last;
	return e;
}

/* Events are bounded: a list of far more than the bound keeps the newest,
 * and one more event pushes out the oldest. */
static void test_event_bound(void)
{
	enum { N = KUBE_EVENTS_MAX + 700 };
	struct store_kube k;
	struct kube_event ev;
	void **objs = calloc(N, sizeof *objs);
	const struct kube_table *t = &k.tables[KUBE_EVENTS];
	int64_t oldest_kept = -1;
	bool kept_ok = true, oldest_still = false;
	char name[32];

	store_kube_init(&k);
	/* name order is not time order: last = (i * 7919) % N, all different */
	for (int i = 0; i < N; i++)
		objs[i] = event_at(i, (int64_t)i * 7919 % N);
	ev = (struct kube_event){ .type = KUBE_EV_SYNC, .res = KUBE_EVENTS, .objs = objs, .nobjs = N };
	store_kube_apply(&k, &ev);
	tap_is_int((int)t->n, KUBE_EVENTS_MAX, "a long event list is cut to the bound");
	for (size_t i = 0; i < t->n; i++) {
		const struct kube_event_obj *e = t->items[i];

		kept_ok &= e->last >= N - KUBE_EVENTS_MAX;
		if (oldest_kept < 0 || e->last < oldest_kept)
			oldest_kept = e->last;
	}
	tap_ok(kept_ok && oldest_kept == N - KUBE_EVENTS_MAX, "the newest events are kept");
	for (size_t i = 1; i < t->n; i++)
		kept_ok &= strcmp(((struct kube_meta *)t->items[i - 1])->name,
				  ((struct kube_meta *)t->items[i])->name) < 0;
	tap_ok(kept_ok, "still in name order");
	ev = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_EVENTS,
				  .obj = event_at(N, N + 10) };
	store_kube_apply(&k, &ev);
	tap_is_int((int)t->n, KUBE_EVENTS_MAX, "one more event: still the bound");
	for (size_t i = 0; i < t->n; i++)
		if (((const struct kube_event_obj *)t->items[i])->last == oldest_kept)
			oldest_still = true;
	snprintf(name, sizeof name, "ev-%05d", N);
	tap_ok(!oldest_still && store_kube_find(&k, KUBE_EVENTS, "shop", name),
	       "the oldest went, the new one is in");
	store_kube_free(&k);
}

/* ---- rollout status */

static void test_status(void)
{
	struct kube_deployment d = { .meta = { .name = "web" }, .generation = 2,
				     .observed_generation = 1, .replicas = 3 };
	struct kube_condition cond = { .type = "Progressing", .status = "False",
				       .reason = "ProgressDeadlineExceeded" };
	char msg[256];

	tap_is_int(kube_rollout_status(&d, msg, sizeof msg), KUBE_ROLLOUT_WAITING, "unobserved");
	tap_is_str(msg, "Waiting for deployment spec update to be observed...", "unobserved message");
	d.observed_generation = 2;
	d.updated = 1;
	kube_rollout_status(&d, msg, sizeof msg);
	tap_is_str(msg, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas "
		   "have been updated...", "updating");
	d.updated = 3;
	d.status_replicas = 4;
	kube_rollout_status(&d, msg, sizeof msg);
	tap_is_str(msg, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are "
		   "pending termination...", "old pending");
	d.status_replicas = 3;
	d.available = 2;
	kube_rollout_status(&d, msg, sizeof msg);
	tap_is_str(msg, "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas "
		   "are available...", "availability");
	d.available = 3;
	tap_is_int(kube_rollout_status(&d, msg, sizeof msg), KUBE_ROLLOUT_DONE, "done");
	tap_is_str(msg, "deployment \"web\" successfully rolled out", "done message");
	d.conditions = &cond;
	d.nconditions = 1;
	tap_is_int(kube_rollout_status(&d, msg, sizeof msg), KUBE_ROLLOUT_FAILED, "deadline");
	tap_is_str(msg, "deployment \"web\" exceeded its progress deadline", "deadline message");
}

/* ---- undo */

static void test_undo(void)
{
	char *j1 = rs_json("web-h1", 1, "reg/web:1.0", "info", "first");
	char *j2 = rs_json("web-h2", 2, "reg/web:1.1", "info", NULL);
	char *j3 = rs_json("web-h3", 3, "reg/web:bad1", "debug", "deploy bad");
	char *dj = deploy_json("77", 3, false, TEMPLATE("reg/web:bad1", "debug"));
	char *pj = deploy_json("77", 3, true, TEMPLATE("reg/web:bad1", "debug"));
	struct kube_replicaset *r1 = parse(KUBE_REPLICASETS, j1), *r2 = parse(KUBE_REPLICASETS, j2);
	struct kube_replicaset *r3 = parse(KUBE_REPLICASETS, j3);
	struct kube_deployment *d = parse(KUBE_DEPLOYMENTS, dj), *paused = parse(KUBE_DEPLOYMENTS, pj);
	const struct kube_replicaset *rss[3] = { r1, r3, r2 };
	struct kube_undo_plan plan;
	struct err err = { 0 };
	cJSON *patch, *ann;
	bool has_level = false;

	tap_is_int(kube_undo_plan(d, rss, 3, 0, NULL, &plan, &err), KUBE_UNDO_PLANNED, "undo planned");
	tap_is_int(plan.to_revision, 2, "previous revision chosen");
	tap_is_str(plan.from_images, "revision 3 (reg/web:bad1)", "from");
	tap_is_str(plan.to_images, "revision 2 (reg/web:1.1)", "to");
	patch = cJSON_Parse(plan.patch);
	tap_is_int(cJSON_GetArraySize(patch), 3, "template, annotations, resourceVersion");
	tap_is_str(kube_json_str(cJSON_GetArrayItem(patch, 0), "path"), "/spec/template", "op 1");
	tap_ok(!kube_json_str(kube_json_path(cJSON_GetArrayItem(patch, 0), "value"),
			      "metadata.labels.pod-template-hash"), "hash label removed");
	tap_is_str(kube_json_str(kube_json_path(cJSON_GetArrayItem(patch, 0), "value"),
				 "metadata.labels.app"), "web", "other labels kept");
	ann = (cJSON *)kube_json_path(cJSON_GetArrayItem(patch, 1), "value");
	tap_is_str(kube_json_str(cJSON_GetArrayItem(patch, 1), "path"), "/metadata/annotations", "op 2");
	tap_ok(cJSON_GetObjectItemCaseSensitive(ann, "kubernetes.io/change-cause") == NULL,
	       "change-cause from the restored replica set (it has none)");
	tap_is_str(cJSON_GetObjectItemCaseSensitive(ann, "deployment.kubernetes.io/revision")->valuestring,
		   "3", "the deployment keeps its own revision annotation");
	tap_ok(cJSON_GetObjectItemCaseSensitive(ann, "kubectl.kubernetes.io/last-applied-configuration")
	       != NULL, "and its last-applied");
	tap_ok(cJSON_GetObjectItemCaseSensitive(ann, "team") == NULL,
	       "its other annotations are replaced by the replica set's");
	tap_ok(cJSON_GetObjectItemCaseSensitive(ann, "deployment.kubernetes.io/desired-replicas") == NULL,
	       "the replica set's own bookkeeping is not copied");
	tap_is_str(kube_json_str(cJSON_GetArrayItem(patch, 2), "value"), "77",
		   "the resourceVersion seen is carried");
	for (size_t i = 0; i < plan.ndiff; i++)
		if (strstr(plan.diff[i], "- web: env[LEVEL].value=\"debug\"")
		    && i + 1 < plan.ndiff && strstr(plan.diff[i + 1], "+ web: env[LEVEL].value=\"info\""))
			has_level = true;
	tap_ok(has_level, "the diff names the env change");
	for (size_t i = 0; i < plan.ndiff; i++)
		tap_ok(!strstr(plan.diff[i], "image"), "images are not repeated in the diff");
	cJSON_Delete(patch);
	kube_undo_plan_free(&plan);

	tap_is_int(kube_undo_plan(d, rss, 3, 1, NULL, &plan, &err), KUBE_UNDO_PLANNED, "to revision 1");
	tap_is_int(plan.to_revision, 1, "revision 1 chosen");
	patch = cJSON_Parse(plan.patch);
	tap_is_str(cJSON_GetObjectItemCaseSensitive(kube_json_path(cJSON_GetArrayItem(patch, 1),
								   "value"), "kubernetes.io/change-cause")
		   ->valuestring, "first", "its change-cause restored");
	cJSON_Delete(patch);
	kube_undo_plan_free(&plan);

	/* shipdeck's own rollback says what it did, for `kubectl rollout history` */
	tap_is_int(kube_undo_plan(d, rss, 3, 1, "ada", &plan, &err), KUBE_UNDO_PLANNED,
		   "to revision 1, by ada");
	tap_is_str(plan.change_cause, "shipdeck rollback web to revision 1 (web:1.0) by ada",
		   "the cause names the revision and its image without the registry");
	patch = cJSON_Parse(plan.patch);
	tap_is_str(cJSON_GetObjectItemCaseSensitive(kube_json_path(cJSON_GetArrayItem(patch, 1),
								   "value"), "kubernetes.io/change-cause")
		   ->valuestring, "shipdeck rollback web to revision 1 (web:1.0) by ada",
		   "the patch sets that cause instead of the replica set's");
	{
		bool said = false;

		for (size_t i = 0; i < plan.ndiff; i++)
			said |= !strcmp(plan.diff[i], "+ change-cause: shipdeck rollback web to "
					"revision 1 (web:1.0) by ada");
		tap_ok(said, "the dialog shows the cause that will be set");
	}
	cJSON_Delete(patch);
	kube_undo_plan_free(&plan);

	tap_is_int(kube_undo_plan(d, rss, 3, 9, NULL, &plan, &err), KUBE_UNDO_ERROR, "missing revision");
	tap_is_str(err.msg, "unable to find specified revision 9 in history", "kubectl's words");
	tap_is_int(kube_undo_plan(d, rss, 3, 3, NULL, &plan, &err), KUBE_UNDO_SKIPPED, "same template");
	tap_is_str(err.msg, "skipped rollback (current template already matches revision 3)",
		   "skipped message");
	tap_is_int(kube_undo_plan(d, rss + 1, 1, 0, NULL, &plan, &err), KUBE_UNDO_ERROR, "no history");
	tap_is_str(err.msg, "no rollout history found for deployment \"web\"", "no history message");
	tap_is_int(kube_undo_plan(paused, rss, 3, 0, NULL, &plan, &err), KUBE_UNDO_ERROR, "paused");
	tap_ok(strstr(err.msg, "you cannot rollback a paused deployment; resume it first") != NULL,
	       "paused message");

	kube_replicaset_free(r1);
	kube_replicaset_free(r2);
	kube_replicaset_free(r3);
	kube_deployment_free(d);
	kube_deployment_free(paused);
	free(j1);
	free(j2);
	free(j3);
	free(dj);
	free(pj);
}

static void test_diff_limit(void)
{
	size_t n;
	char **lines = kube_template_diff(
		"{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"1\",\"2\",\"3\",\"4\"]}]}}",
		"{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"5\",\"6\",\"7\",\"8\"]}]}}", 4, &n);

	tap_is_int((int)n, 4, "diff cut to max lines");
	tap_ok(strstr(lines[3], "more differences") != NULL, "last line says how many more");
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	lines = kube_template_diff("{\"spec\":{\"hostNetwork\":false,\"volumes\":[]}}",
				   "{\"spec\":{}}", 10, &n);
	tap_is_int((int)n, 0, "zero values equal absent ones");
	free(lines);
}

static void test_image_for(void)
{
	char *s = kube_image_for("127.0.0.1:5000/web:1.4", "1.5");

	tap_is_str(s, "127.0.0.1:5000/web:1.5", "tag keeps the repository (registry with port)");
	free(s);
	s = kube_image_for("web", "2");
	tap_is_str(s, "web:2", "untagged image gets the tag");
	free(s);
	s = kube_image_for("reg/web@sha256:abc", "3");
	tap_is_str(s, "reg/web:3", "digest replaced by the tag");
	free(s);
	s = kube_image_for("reg/web:1", "other/img:9");
	tap_is_str(s, "other/img:9", "a whole image is taken as is");
	free(s);
}

/* 401/403 name the verb and resource refused; no answer names the context */
static void test_errors(void)
{
	struct kube_client kc = { .cfg = { .server = "https://k:6443", .context = "prod",
					   .files = "/home/a/.kube/config", .user = "ann",
					   .cluster = "k" } };
	struct http_response r = { .status = 403, .body = "{\"kind\":\"Status\",\"message\":"
				   "\"deployments.apps \\\"web\\\" is forbidden\"}" };
	struct err err;

	kube_response_error(&kc, "PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale",
			    &r, &err);
	tap_is_str(err.msg, "forbidden: cannot patch deployments/scale in namespace shop: "
		   "deployments.apps \"web\" is forbidden", "403 names verb, resource, namespace");
	r = (struct http_response){ .status = 401 };
	kube_response_error(&kc, NULL, "/api/v1/namespaces/shop/pods?watch=true&resourceVersion=1",
			    &r, &err);
	tap_is_str(err.msg, "unauthorized: the server refused the credentials of user 'ann' "
		   "(context 'prod') to watch pods in namespace shop: 401 Unauthorized",
		   "401 names the user and the watch");
	r = (struct http_response){ .status = 0, .error = "Connection refused" };
	kube_response_error(&kc, NULL, "/api/v1/pods", &r, &err);
	tap_is_str(err.msg, "cannot reach https://k:6443 (context 'prod' in /home/a/.kube/config): "
		   "Connection refused", "no answer names server, context, file");
	tap_ok(kube_response_unreachable(&r), "unreachable");
}

/* The rollout pane's budget: percentages round as the Deployment controller
 * rounds them (surge up, unavailable down), Recreate, and 0/0. */
static void test_budget(void)
{
	struct kube_deployment d = { .replicas = 10, .updated = 4, .status_replicas = 13,
				     .available = 8, .max_surge = "25%", .max_unavailable = "25%" };
	struct kube_replicaset rs = { .available = 6 };
	struct kube_budget b;

	tap_is_int(kube_budget_bound("25%", 10, true), 3, "25% of 10 surge rounds up");
	tap_is_int(kube_budget_bound("25%", 10, false), 2, "25% of 10 unavailable rounds down");
	tap_is_int(kube_budget_bound("30%", 10, true), 3, "a whole percentage stays");
	tap_is_int(kube_budget_bound("2", 10, true), 2, "an absolute bound");
	tap_is_int(kube_budget_bound(NULL, 10, true), 0, "no bound");
	kube_budget_of(&d, &rs, &b);
	tap_is_int(b.surge, 3, "surge allowed");
	tap_is_int(b.unavailable, 2, "unavailable allowed");
	tap_is_int(b.surge_used, 3, "13 pods for 10: surge used 3");
	tap_is_int(b.unavailable_used, 2, "8 available of 10: 2 unavailable");
	tap_is_int(b.new_available, 4, "the new revision's available, at most its updated");
	kube_budget_of(&d, NULL, &b);
	tap_is_int(b.new_available, 0, "no new replica set yet: none available");
	d.max_surge = "0";
	d.max_unavailable = "0%";
	kube_budget_of(&d, &rs, &b);
	tap_is_int(b.unavailable, 1, "0 and 0%: one may go down");
	d.recreate = true;
	kube_budget_of(&d, &rs, &b);
	tap_ok(b.surge == 0 && b.unavailable == 10, "Recreate: no surge, all down");
}

int main(void)
{
	test_errors();
	test_framing();
	test_backoff();
	test_objects();
	test_pod_shared_strings();
	test_list_head();
	test_pods_of();
	test_store();
	test_event_bound();
	test_status();
	test_undo();
	test_diff_limit();
	test_image_for();
	test_budget();
	return tap_done();
}
