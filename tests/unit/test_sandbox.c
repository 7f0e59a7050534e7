/* Unit tests of shipdeck-sandbox's pure parts (patches, selectors, template
 * hashes, the store's history) and of its controllers driven pass by pass
 * with a made-up clock, without HTTP. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "sandbox/api.h"
#include "sandbox/defaults.h"
#include "sandbox/jsonx.h"
#include "sandbox/kubelet.h"
#include "sandbox/mirror.h"
#include "sandbox/patch.h"
#include "sandbox/pbwire.h"
#include "sandbox/podlog.h"
#include "sandbox/sandbox.h"
#include "sandbox/select.h"
#include "sandbox/objstore.h"
#include "sandbox/traffic.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Applies a patch given as text; returns the result as compact text (or
 * "ERROR <code>"). The caller frees. */
static char *patched(enum patch_type type, const char *doc, const char *patch)
{
	cJSON *d = cJSON_Parse(doc), *p = cJSON_Parse(patch);
	struct err err;
	int code;
	char *out;

	if (patch_apply(type, &d, p, &code, &err))
		out = xasprintf("ERROR %d", code);
	else
		out = jprint(d);
	cJSON_Delete(d);
	cJSON_Delete(p);
	return out;
}

#define PATCH_IS(type, doc, patch, want, name) do { \
	char *got_ = patched(type, doc, patch); \
	tap_is_str(got_, want, name); \
	free(got_); \
} while (0)

static void test_merge_patch(void)
{
	PATCH_IS(PATCH_MERGE, "{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"}}",
		 "{\"a\":\"z\",\"c\":{\"f\":null}}", "{\"a\":\"z\",\"c\":{\"d\":\"e\"}}",
		 "RFC 7386 example");
	PATCH_IS(PATCH_MERGE, "{\"a\":[1,2]}", "{\"a\":[3]}", "{\"a\":[3]}", "lists replaced");
	PATCH_IS(PATCH_MERGE, "{\"a\":1}", "{\"b\":{\"c\":null}}", "{\"a\":1,\"b\":{}}",
		 "null inside a new object");
}

static void test_json_patch(void)
{
	const char *doc = "{\"spec\":{\"ports\":[{\"port\":80}]},\"metadata\":{}}";

	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"add\",\"path\":\"/spec/ports/-\",\"value\":{\"port\":81}}]",
		 "{\"spec\":{\"ports\":[{\"port\":80},{\"port\":81}]},\"metadata\":{}}", "add to array end");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"replace\",\"path\":\"/spec/ports/0/port\",\"value\":8080}]",
		 "{\"spec\":{\"ports\":[{\"port\":8080}]},\"metadata\":{}}", "replace in array");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"replace\",\"path\":\"/metadata/annotations\",\"value\":{\"a\":\"b\"}}]",
		 "{\"spec\":{\"ports\":[{\"port\":80}]},\"metadata\":{\"annotations\":{\"a\":\"b\"}}}",
		 "replace of a missing member adds it");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"remove\",\"path\":\"/spec/nope\"}]", "ERROR 422",
		 "remove of a missing path is 422");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"test\",\"path\":\"/spec/ports/0/port\",\"value\":81}]",
		 "ERROR 422", "failed test is 422");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"move\",\"from\":\"/spec/ports\",\"path\":\"/ports\"}]",
		 "{\"spec\":{},\"metadata\":{},\"ports\":[{\"port\":80}]}", "move");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"copy\",\"from\":\"/spec/ports/0\",\"path\":\"/spec/ports/0\"}]",
		 "{\"spec\":{\"ports\":[{\"port\":80},{\"port\":80}]},\"metadata\":{}}", "copy inserts");
	PATCH_IS(PATCH_JSON, "{\"a\":[1,2,3]}", "[{\"op\":\"add\",\"path\":\"/a/2\",\"value\":9}]",
		 "{\"a\":[1,2,9,3]}", "add in the middle of an array");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"add\",\"path\":\"/a/b/c\",\"value\":1}]", "ERROR 422",
		 "add under a missing parent");
	PATCH_IS(PATCH_JSON, doc, "{\"op\":\"add\"}", "ERROR 400", "not an array is 400");
	PATCH_IS(PATCH_JSON, doc, "[{\"op\":\"jump\",\"path\":\"/a\"}]", "ERROR 400", "unknown op");
	PATCH_IS(PATCH_JSON, "{\"a\":{\"~/\":1}}", "[{\"op\":\"remove\",\"path\":\"/a/~0~1\"}]",
		 "{\"a\":{}}", "pointer escapes");
}

static void test_strategic(void)
{
	const char *dep =
		"{\"spec\":{\"template\":{\"spec\":{\"containers\":["
		"{\"name\":\"a\",\"image\":\"a:1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}]},"
		"{\"name\":\"b\",\"image\":\"b:1\",\"env\":[{\"name\":\"X\",\"value\":\"1\"}]}]}}}}";

	PATCH_IS(PATCH_STRATEGIC, dep,
		 "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
		 "\"containers\":[{\"image\":\"b:2\",\"name\":\"b\"}]}}}}",
		 "{\"spec\":{\"template\":{\"spec\":{\"containers\":["
		 "{\"name\":\"a\",\"image\":\"a:1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}]},"
		 "{\"name\":\"b\",\"image\":\"b:2\",\"env\":[{\"name\":\"X\",\"value\":\"1\"}]}]}}}}",
		 "set image: containers merged by name");
	PATCH_IS(PATCH_STRATEGIC, dep,
		 "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"$patch\":\"delete\"}]}}}}",
		 "{\"spec\":{\"template\":{\"spec\":{\"containers\":["
		 "{\"name\":\"b\",\"image\":\"b:1\",\"env\":[{\"name\":\"X\",\"value\":\"1\"}]}]}}}}",
		 "$patch: delete in a list");
	PATCH_IS(PATCH_STRATEGIC, dep,
		 "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":81}]}]}}}}",
		 "{\"spec\":{\"template\":{\"spec\":{\"containers\":["
		 "{\"name\":\"a\",\"image\":\"a:1\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"},{\"containerPort\":81}]},"
		 "{\"name\":\"b\",\"image\":\"b:1\",\"env\":[{\"name\":\"X\",\"value\":\"1\"}]}]}}}}",
		 "container ports merged by containerPort");
	PATCH_IS(PATCH_STRATEGIC, "{\"spec\":{\"paused\":true,\"replicas\":2}}",
		 "{\"spec\":{\"paused\":null}}", "{\"spec\":{\"replicas\":2}}", "null deletes (resume)");
	PATCH_IS(PATCH_STRATEGIC,
		 "{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":1}}}",
		 "{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}",
		 "{\"strategy\":{\"type\":\"Recreate\"}}", "$retainKeys");
	PATCH_IS(PATCH_STRATEGIC, "{\"m\":{\"a\":1,\"b\":2}}", "{\"m\":{\"$patch\":\"replace\",\"c\":3}}",
		 "{\"m\":{\"c\":3}}", "$patch: replace of a map");
	PATCH_IS(PATCH_STRATEGIC, "{\"l\":[{\"name\":\"x\"}],\"containers\":[{\"name\":\"x\"}]}",
		 "{\"containers\":[{\"$patch\":\"replace\"},{\"name\":\"y\"}]}",
		 "{\"l\":[{\"name\":\"x\"}],\"containers\":[{\"name\":\"y\"}]}", "$patch: replace of a list");
	PATCH_IS(PATCH_STRATEGIC, "{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}",
		 "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}",
		 "{\"metadata\":{\"finalizers\":[\"b\"]}}", "$deleteFromPrimitiveList");
	PATCH_IS(PATCH_STRATEGIC, "{\"spec\":{\"ports\":[{\"port\":80,\"name\":\"a\"}]}}",
		 "{\"spec\":{\"ports\":[{\"port\":90}]}}",
		 "{\"spec\":{\"ports\":[{\"port\":80,\"name\":\"a\"},{\"port\":90}]}}",
		 "service ports merged by port");
	PATCH_IS(PATCH_STRATEGIC, "{}", "[1]", "ERROR 400", "a list is not a strategic patch");
	PATCH_IS(PATCH_STRATEGIC, "{\"containers\":[]}", "{\"containers\":[{\"image\":\"x\"}]}",
		 "ERROR 422", "a list item without its merge key");
	tap_is_int(patch_type_from_content_type("application/strategic-merge-patch+json; charset=utf-8"),
		   PATCH_STRATEGIC, "content type with parameters");
	tap_is_int(patch_type_from_content_type("application/apply-patch+yaml"), -1,
		   "server-side apply is not supported");
}

static void test_selectors(void)
{
	struct selector s;
	struct err err;
	cJSON *labels = cJSON_Parse("{\"app\":\"web\",\"tier\":\"front\",\"n\":\"7\"}");
	cJSON *obj = cJSON_Parse("{\"metadata\":{\"name\":\"p1\",\"namespace\":\"default\"},"
				 "\"status\":{\"phase\":\"Running\"}}");

	tap_ok(!sel_parse_labels(&s, "app=web, tier in (front,back),!gone,n>5", &err), "parse labels");
	tap_ok(sel_match_labels(&s, labels), "labels match");
	sel_free(&s);
	tap_ok(!sel_parse_labels(&s, "app!=web", &err) && !sel_match_labels(&s, labels), "!=");
	sel_free(&s);
	tap_ok(!sel_parse_labels(&s, "tier notin (front)", &err) && !sel_match_labels(&s, labels), "notin");
	sel_free(&s);
	tap_ok(sel_parse_labels(&s, "app in web", &err) == -1, "in without parentheses refused");
	tap_ok(sel_parse_labels(&s, "=x", &err) == -1, "missing key refused");
	tap_ok(!sel_parse_fields(&s, &kinds[K_POD], "metadata.name=p1,status.phase!=Pending", &err)
	       && sel_match_fields(&s, obj), "field selector");
	tap_is_str(sel_field_name(&s), "p1", "pinned name");
	sel_free(&s);
	tap_ok(sel_parse_fields(&s, &kinds[K_DEPLOYMENT], "spec.replicas=1", &err) == -1,
	       "unsupported field refused");
	tap_is_str(err.msg, "field label not supported: spec.replicas", "message");
	cJSON_Delete(labels);
	cJSON_Delete(obj);
}

static void test_template_hash(void)
{
	cJSON *a = cJSON_Parse("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
			       "[{\"name\":\"web\",\"image\":\"w:1\"}]}}");
	cJSON *b = cJSON_Parse("{\"spec\":{\"containers\":[{\"image\":\"w:1\",\"name\":\"web\"}]},"
			       "\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\","
			       "\"pod-template-hash\":\"abc\"}}}");
	char h1[16], h2[16], h3[16];

	defaults_pod_template(a);
	defaults_pod_template(b);
	template_hash(a, 0, h1);
	template_hash(b, 0, h2);
	template_hash(a, 1, h3);
	tap_is_str(h1, h2, "hash ignores key order, nulls and pod-template-hash");
	tap_ok(strcmp(h1, h3) != 0, "collision count changes the hash");
	tap_ok(strspn(h1, safe_alphabet) == strlen(h1) && strlen(h1) >= 6, "safe alphabet");
	tap_ok(template_equal_ignore_hash(a, b), "templates equal");
	jset_str(J(a, "spec", "containers")->child, "image", "w:2");
	tap_ok(!template_equal_ignore_hash(a, b), "image change differs");
	cJSON_Delete(a);
	cJSON_Delete(b);

	a = cJSON_Parse("\"25%\"");
	tap_is_int(intstr_scaled(a, 3, true, 0), 1, "25% of 3 rounds up to 1");
	tap_is_int(intstr_scaled(a, 3, false, 0), 0, "25% of 3 rounds down to 0");
	tap_is_int(intstr_scaled(a, 10, true, 0), 3, "25% of 10 up: 3");
	tap_is_int(intstr_scaled(a, 10, false, 0), 2, "25% of 10 down: 2");
	cJSON_Delete(a);
}

static cJSON *named(const char *ns, const char *name)
{
	cJSON *o = cJSON_CreateObject();

	jset_str(jchild(o, "metadata"), "name", name);
	jset_str(jchild(o, "metadata"), "namespace", ns);
	jset_str(jchild(o, "metadata"), "uid", name);
	return o;
}

static void test_store(void)
{
	struct objstore s;
	struct watcher w;
	struct obj **v;
	size_t n;

	objstore_init(&s, 3);
	objstore_commit(&s, &kinds[K_CONFIGMAP], named("a", "x"));
	objstore_commit(&s, &kinds[K_CONFIGMAP], named("a", "y"));
	objstore_commit(&s, &kinds[K_CONFIGMAP], named("b", "x"));
	objstore_commit(&s, &kinds[K_CONFIGMAP], named("a", "x"));
	tap_is_int(s.rv, 4, "one resourceVersion per commit");
	tap_is_str(jstr(J(objstore_get(&s, &kinds[K_CONFIGMAP], "a", "x")->cur->json, "metadata",
			  "resourceVersion")), "4", "stored resourceVersion");
	tap_ok(objstore_event(&s, 4) && objstore_event(&s, 4)->type == EV_MODIFIED, "MODIFIED event");
	tap_ok(objstore_rv_too_old(&s, 0) && !objstore_rv_too_old(&s, 1), "history window of 3");
	n = objstore_list(&s, &kinds[K_CONFIGMAP], "a", &v);
	tap_is_int(n, 2, "list by namespace");
	tap_is_str(v[0]->name, "x", "sorted by key");
	free(v);
	objstore_watch_add(&s, &w, 1);
	for (int i = 0; i < 10; i++)
		objstore_commit(&s, &kinds[K_CONFIGMAP], named("c", "z"));
	tap_ok(objstore_event(&s, 2) != NULL, "a slow watcher keeps its events");
	tap_ok(objstore_rv_too_old(&s, 2), "but new watches from there are too old");
	tap_ok(!objstore_watcher_lost(&s, &w), "a slow watcher is not lost");
	for (int i = 0; i < 200010; i++)
		objstore_commit(&s, &kinds[K_CONFIGMAP], named("c", "z"));
	tap_ok(objstore_watcher_lost(&s, &w), "a watcher 200,000 events behind is let go");
	objstore_watch_del(&s, &w);
	tap_ok(objstore_event(&s, 2) == NULL, "history trimmed when the watcher goes");
	objstore_remove(&s, objstore_get(&s, &kinds[K_CONFIGMAP], "a", "y"));
	tap_ok(objstore_event(&s, s.rv)->type == EV_DELETED, "DELETED event");
	tap_is_str(jstr(J(objstore_event(&s, s.rv)->obj->json, "metadata", "resourceVersion")),
		   "200025", "DELETED carries the deletion's resourceVersion");
	objstore_free(&s);
}

static void test_podlog(void)
{
	struct ctrlog *l = ctrlog_new(2000);

	for (int i = 0; i < 5000; i++)
		ctrlog_append(l, i, "line %d", i);
	tap_is_int(ctrlog_first(l), 3000, "the oldest lines go");
	tap_ok(ctrlog_line(l, 2999) == NULL && ctrlog_line(l, 5000) == NULL, "out of range");
	tap_is_str(ctrlog_line(l, 3000)->text, "line 3000", "first kept line");
	tap_is_str(ctrlog_line(l, 4999)->text, "line 4999", "last line");
	l->ended = true;
	ctrlog_append(l, 0, "after the end");
	tap_is_int(l->total, 5000, "nothing after the end");
	ctrlog_unref(l);
}

/* ---- controllers, pass by pass ---- */

static int request(struct sandbox *sb, const char *method, const char *path, const char *ct,
		   const char *body)
{
	struct request req = { .method = method, .content_type = ct, .body = body,
			       .body_len = body ? strlen(body) : 0, .client_fd = -1 };
	struct response resp = { 0 };
	int status;

	request_parse_uri(&req, path);
	api_handle(sb, &req, &resp);
	status = resp.status;
	resp_free(&resp);
	request_free(&req);
	return status;
}

static long long count_pods(struct sandbox *sb, bool ready_only)
{
	struct kstore *ks = &sb->store.k[K_POD];
	long long n = 0;

	for (size_t i = 0; i < ks->n; i++) {
		if (J(ks->v[i]->cur->json, "metadata", "deletionTimestamp"))
			continue;
		if (!ready_only || kubelet_pod_ready(ks->v[i]))
			n++;
	}
	return n;
}

static void run(struct sandbox *sb, int64_t *now, int passes, long long *max_pods,
		long long *min_ready)
{
	for (int i = 0; i < passes; i++) {
		int64_t next = *now + 1000;

		pthread_mutex_lock(&sb->mu);
		sandbox_pass(sb, *now, &next);
		if (count_pods(sb, false) > *max_pods)
			*max_pods = count_pods(sb, false);
		if (count_pods(sb, true) < *min_ready)
			*min_ready = count_pods(sb, true);
		pthread_mutex_unlock(&sb->mu);
		*now += 5;
	}
}

static const char *deploy_annotation(struct sandbox *sb, const char *name, const char *key)
{
	struct obj *d = objstore_get(&sb->store, &kinds[K_DEPLOYMENT], "default", name);

	return d ? jmeta_get(d->cur->json, "annotations", key) : NULL;
}

static void test_controllers(void)
{
	struct sandbox_opts opt = { .time_scale = 1000, .watch_history = 1000 };
	struct sandbox sb;
	int64_t now = 1000000;
	long long max_pods = 0, min_ready = 1000;
	static const char deploy[] =
		"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
		"\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
		"\"strategy\":{\"rollingUpdate\":{\"maxSurge\":1,\"maxUnavailable\":0}},"
		"\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
		"[{\"name\":\"web\",\"image\":\"w:1\"}]}}}}";

	sandbox_init(&sb, &opt);
	tap_is_int(request(&sb, "POST", "/apis/apps/v1/namespaces/default/deployments",
			   "application/json", deploy), 201, "create deployment");
	run(&sb, &now, 200, &max_pods, &min_ready);
	pthread_mutex_lock(&sb.mu);
	tap_is_int(count_pods(&sb, true), 3, "three ready pods");
	pthread_mutex_unlock(&sb.mu);
	tap_is_str(deploy_annotation(&sb, "web", "deployment.kubernetes.io/revision"), "1",
		   "revision 1");

	max_pods = 0;
	min_ready = 1000;
	tap_is_int(request(&sb, "PATCH", "/apis/apps/v1/namespaces/default/deployments/web",
			   "application/strategic-merge-patch+json",
			   "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\","
			   "\"image\":\"w:2\"}]}}}}"), 200, "set image");
	run(&sb, &now, 400, &max_pods, &min_ready);
	tap_is_int(max_pods, 4, "never more than replicas + maxSurge pods");
	tap_is_int(min_ready, 3, "never fewer than replicas - maxUnavailable ready");
	tap_is_str(deploy_annotation(&sb, "web", "deployment.kubernetes.io/revision"), "2",
		   "revision 2");
	pthread_mutex_lock(&sb.mu);
	tap_is_int(sb.store.k[K_REPLICASET].n, 2, "two ReplicaSets");
	pthread_mutex_unlock(&sb.mu);

	tap_is_int(request(&sb, "DELETE", "/apis/apps/v1/namespaces/default/deployments/web",
			   NULL, NULL), 200, "delete deployment");
	run(&sb, &now, 1000, &max_pods, &min_ready);
	pthread_mutex_lock(&sb.mu);
	tap_is_int(sb.store.k[K_REPLICASET].n + sb.store.k[K_POD].n, 0,
		   "ReplicaSets and pods deleted with it");
	pthread_mutex_unlock(&sb.mu);
	sandbox_free(&sb);
}

/* A pod as a cluster lists it: no kind, uid u, image img, Ready or not. */
static char *mpod_json(const char *name, const char *uid, const char *img, bool ready,
		       const char *annotations)
{
	return xasprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"shop\",\"uid\":\"%s\","
			 "\"resourceVersion\":\"9\",\"labels\":{\"app\":\"web\"},"
			 "\"annotations\":{%s},\"managedFields\":[{\"manager\":\"kubectl\"}],"
			 "\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"web-1\","
			 "\"uid\":\"rs-uid\",\"controller\":true}]},"
			 "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"%s\"}]},"
			 "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":"
			 "\"Initialized\",\"status\":\"True\"},{\"type\":\"Ready\","
			 "\"status\":\"%s\"}]}}", name, uid, annotations, img,
			 ready ? "True" : "False");
}

static int mlist(struct sandbox *sb, enum kind_id k, const char *rv, const char *items,
		 char **got_rv)
{
	char *text = xasprintf("{\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"%s\"},"
			       "\"items\":[%s]}", rv, items);
	struct err err;
	int rc = mirror_apply_list(sb, &kinds[k], cJSON_Parse(text), got_rv, &err);

	free(text);
	return rc;
}

static enum mirror_line mline(struct sandbox *sb, enum kind_id k, const char *type,
			      const char *obj, char **rv)
{
	char *text = xasprintf("{\"type\":\"%s\",\"object\":%s}", type, obj);
	struct err err;
	enum mirror_line rc = mirror_apply_line(sb, &kinds[k], text, strlen(text), rv, &err);

	free(text);
	return rc;
}

static struct obj *mget(struct sandbox *sb, enum kind_id k, const char *name)
{
	return objstore_get(&sb->store, &kinds[k], "shop", name);
}

/* The mirror of --traffic-only: lists and watch lines into the store, the
 * readiness and faults the traffic reads, and the traffic on top of it. */
static void test_mirror(void)
{
	struct sandbox_opts opt = { .time_scale = 1, .watch_history = 1000, .traffic_only = true };
	struct sandbox sb;
	struct strbuf out = { 0 };
	struct err err;
	char *rv = NULL, *a, *b, *b2, *c, *items, path[] = "/tmp/test-mirror-XXXXXX";
	const struct faultset *f;
	uint64_t rv_before;
	int fd = mkstemp(path);
	static const char rules[] = "- image: \"example/web:bad*\"\n  error-rate: \"1\"\n"
				    "  latency-ms: \"40\"\n";

	tap_ok(fd >= 0 && write(fd, rules, sizeof rules - 1) == (ssize_t)(sizeof rules - 1),
	       "faults file written");
	close(fd);
	sandbox_init(&sb, &opt);
	tap_is_int(sb.store.k[K_NAMESPACE].n + sb.store.k[K_NODE].n, 0,
		   "traffic-only: no namespaces or nodes of its own");
	tap_ok(!faults_load(&sb.faults, path, &err), "faults loaded");
	unlink(path);

	a = mpod_json("web-a", "uid-a", "example/web:1.0", true,
		      "\"sandbox.shipdeck.dev/error-rate\":\"0.25\"");
	b = mpod_json("web-b", "uid-b", "example/web:bad-2", false, "");
	items = xasprintf("%s,%s", a, b);
	tap_is_int(mlist(&sb, K_POD, "100", items, &rv), 0, "a pod List applies");
	free(items);
	tap_is_str(rv, "100", "the list's resourceVersion");
	tap_is_int(sb.store.k[K_POD].n, 2, "two pods mirrored");
	tap_ok(mirror_pod_ready(mget(&sb, K_POD, "web-a")), "Ready=True is ready");
	tap_ok(!mirror_pod_ready(mget(&sb, K_POD, "web-b")), "Ready=False is not");
	tap_ok(!kubelet_pod_ready(mget(&sb, K_POD, "web-a")), "the kubelet has no say");
	tap_is_str(jstr(J(mget(&sb, K_POD, "web-a")->cur->json, "kind")), "Pod", "kind set");
	tap_ok(!J(mget(&sb, K_POD, "web-a")->cur->json, "metadata", "managedFields"),
	       "managedFields dropped");
	tap_is_str(mget(&sb, K_POD, "web-a")->owner_uid, "rs-uid", "the controller's uid");
	f = mirror_pod_faults(mget(&sb, K_POD, "web-a"));
	tap_ok(f && f->error_rate == 0.25, "error rate by annotation");
	f = mirror_pod_faults(mget(&sb, K_POD, "web-b"));
	tap_ok(f && f->error_rate == 1 && f->latency_ms == 40, "faults by image from the file");

	b2 = mpod_json("web-b", "uid-b", "example/web:bad-2", true, "");
	tap_is_int(mline(&sb, K_POD, "MODIFIED", b2, &rv), MIRROR_LINE_OK, "MODIFIED applies");
	tap_ok(mirror_pod_ready(mget(&sb, K_POD, "web-b")), "a watch event makes it ready");
	tap_is_str(rv, "9", "the event's resourceVersion");
	rv_before = sb.store.rv;
	tap_is_int(mline(&sb, K_POD, "MODIFIED", b2, &rv), MIRROR_LINE_OK, "the same again");
	tap_ok(sb.store.rv == rv_before, "an unchanged object is not committed again");
	tap_is_int(mline(&sb, K_POD, "BOOKMARK", "{\"kind\":\"Pod\",\"metadata\":"
			 "{\"resourceVersion\":\"250\"}}", &rv), MIRROR_LINE_OK, "BOOKMARK");
	tap_is_str(rv, "250", "a bookmark moves the resourceVersion");
	tap_ok(sb.store.rv == rv_before && sb.store.k[K_POD].n == 2, "and nothing else");

	/* the traffic on mirrored objects: a Service selects both, a Deployment
	 * owns them through its ReplicaSet */
	tap_is_int(mlist(&sb, K_DEPLOYMENT, "101", "{\"metadata\":{\"name\":\"web\","
			 "\"namespace\":\"shop\",\"uid\":\"d-uid\"}}", &rv), 0, "deployments");
	tap_is_int(mlist(&sb, K_REPLICASET, "102", "{\"metadata\":{\"name\":\"web-1\","
			 "\"namespace\":\"shop\",\"uid\":\"rs-uid\",\"ownerReferences\":"
			 "[{\"uid\":\"d-uid\",\"controller\":true}]}}", &rv), 0, "replicasets");
	tap_is_int(mlist(&sb, K_SERVICE, "103", "{\"metadata\":{\"name\":\"front\","
			 "\"namespace\":\"shop\",\"uid\":\"s-uid\"},\"spec\":{\"selector\":"
			 "{\"app\":\"web\"}}}", &rv), 0, "services");
	pthread_mutex_lock(&sb.mu);
	for (int64_t now = 1000; now <= 3000; now += 100) {
		int64_t next = now + 1000;

		traffic_step(&sb, now, &next);
	}
	traffic_render(&sb, &out);
	pthread_mutex_unlock(&sb.mu);
	tap_ok(strstr(out.s, "sandbox_http_requests_total{namespace=\"shop\",service=\"front\","
		      "deployment=\"web\",pod=\"web-b\",code=\"500\"} ") != NULL,
	       "the bad image's pod answers 500, labelled with its Deployment");
	tap_ok(strstr(out.s, "pod=\"web-b\",code=\"200\"} 0\n") != NULL, "and never 200");
	tap_ok(strstr(out.s, "pod=\"web-a\",code=\"200\"} ") != NULL, "the other one serves");
	sb_reset(&out);

	/* DELETED of another uid (an older pod of that name) leaves it */
	tap_is_int(mline(&sb, K_POD, "DELETED", "{\"metadata\":{\"name\":\"web-a\","
			 "\"namespace\":\"shop\",\"uid\":\"older\",\"resourceVersion\":\"251\"}}",
			 &rv), MIRROR_LINE_OK, "DELETED of another uid");
	tap_ok(mget(&sb, K_POD, "web-a") != NULL, "leaves the pod");
	tap_is_int(mline(&sb, K_POD, "DELETED", a, &rv), MIRROR_LINE_OK, "DELETED");
	tap_ok(mget(&sb, K_POD, "web-a") == NULL, "removes it");
	pthread_mutex_lock(&sb.mu);
	traffic_render(&sb, &out);
	pthread_mutex_unlock(&sb.mu);
	tap_ok(!strstr(out.s, "web-a"), "and its series");
	sb_reset(&out);

	/* a relist: web-b came back under a new uid, web-c is new, web-a stays gone */
	free(b);
	b = mpod_json("web-b", "uid-b2", "example/web:1.0", true, "");
	c = mpod_json("web-c", "uid-c", "example/web:1.0", true, "");
	items = xasprintf("%s,%s", b, c);
	tap_is_int(mline(&sb, K_POD, "ADDED", a, &rv), MIRROR_LINE_OK, "web-a again");
	tap_is_int(mlist(&sb, K_POD, "300", items, &rv), 0, "relist");
	free(items);
	tap_is_int(sb.store.k[K_POD].n, 2, "two pods after the relist");
	tap_ok(!mget(&sb, K_POD, "web-a"), "the pod not listed went");
	tap_is_str(mget(&sb, K_POD, "web-b")->uid, "uid-b2", "a new uid is a new object");
	tap_ok(objstore_by_uid(&sb.store, "uid-b") == NULL, "the old uid is forgotten");
	f = mirror_pod_faults(mget(&sb, K_POD, "web-b"));
	tap_ok(f && f->error_rate == 0, "faults read again for the new image");
	tap_ok(mirror_pod_ready(mget(&sb, K_POD, "web-c")), "web-c ready");

	tap_is_int(mline(&sb, K_POD, "ERROR", "{\"kind\":\"Status\",\"code\":410,\"reason\":"
			 "\"Expired\",\"message\":\"too old resource version\"}", &rv),
		   MIRROR_LINE_EXPIRED, "ERROR 410: relist");
	tap_is_int(mline(&sb, K_POD, "ERROR", "{\"kind\":\"Status\",\"code\":500}", &rv),
		   MIRROR_LINE_ERROR, "another ERROR");
	tap_is_int(mirror_apply_line(&sb, &kinds[K_POD], "{\"type\":\"ADDED\"", 14, &rv, &err),
		   MIRROR_LINE_ERROR, "a broken line");
	tap_is_int(mirror_apply_list(&sb, &kinds[K_POD], cJSON_Parse("{\"kind\":\"Status\"}"),
				     &rv, &err), -1, "not a List");
	tap_ok(strstr(err.msg, "not a PodList") != NULL, "says so");
	tap_is_int(sb.store.k[K_POD].n, 2, "errors change nothing");

	free(a);
	free(b);
	free(b2);
	free(c);
	free(rv);
	sb_free(&out);
	sandbox_free(&sb);
}

/* ---- protobuf bodies: a tiny encoder to build them ---- */

static void pb_varint(struct strbuf *b, unsigned long long v)
{
	do {
		sb_putc(b, (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

static void pb_int(struct strbuf *b, int num, unsigned long long v)
{
	pb_varint(b, (unsigned long long)num << 3);
	pb_varint(b, v);
}

static void pb_bytes(struct strbuf *b, int num, const char *p, size_t n)
{
	pb_varint(b, (unsigned long long)num << 3 | 2);
	pb_varint(b, n);
	for (size_t i = 0; i < n; i++)
		sb_putc(b, p[i]);
}

static void pb_str(struct strbuf *b, int num, const char *s)
{
	pb_bytes(b, num, s, strlen(s));
}

/* Appends sub as field num and frees it. */
static void pb_msg(struct strbuf *b, int num, struct strbuf *sub)
{
	pb_bytes(b, num, sub->len ? sub->s : "", sub->len);
	sb_free(sub);
}

static void pb_entry(struct strbuf *b, int num, const char *k, const char *v)
{
	struct strbuf e = { 0 };

	pb_str(&e, 1, k);
	pb_str(&e, 2, v);
	pb_msg(b, num, &e);
}

/* The "k8s\0" envelope around an object message. */
static char *pb_envelope(const char *av, const char *kind, struct strbuf *obj, size_t *len)
{
	struct strbuf u = { 0 }, tm = { 0 }, out = { 0 };

	pb_str(&tm, 1, av);
	pb_str(&tm, 2, kind);
	pb_msg(&u, 1, &tm);
	pb_msg(&u, 2, obj);
	sb_puts(&out, "k8s");
	sb_putc(&out, 0);
	for (size_t i = 0; i < u.len; i++)
		sb_putc(&out, u.s[i]);
	sb_free(&u);
	*len = out.len;
	return out.s;
}

static void test_protobuf(void)
{
	struct strbuf meta = { 0 }, spec = { 0 }, tmpl = { 0 }, pod = { 0 }, c = { 0 }, port = { 0 };
	struct strbuf strat = { 0 }, ru = { 0 }, is = { 0 }, dep = { 0 }, sec = { 0 }, sm = { 0 };
	char err[512], *body, *got;
	size_t len;
	int code;
	cJSON *o;

	pb_str(&meta, 1, "d");
	pb_str(&meta, 2, "");                  /* empty non-pointer fields, as gogo writes them */
	pb_int(&meta, 7, 0);
	pb_bytes(&meta, 8, "", 0);             /* zero creationTimestamp */
	pb_entry(&meta, 11, "app", "d");
	pb_int(&port, 3, 80);
	pb_str(&c, 1, "c");
	pb_str(&c, 2, "example/web:1.0");
	pb_msg(&c, 6, &port);
	pb_msg(&pod, 2, &c);
	pb_str(&pod, 3, "Always");
	pb_msg(&tmpl, 2, &pod);
	pb_int(&is, 1, 1);
	pb_str(&is, 3, "25%");
	pb_msg(&ru, 2, &is);
	pb_msg(&strat, 2, &ru);
	pb_int(&spec, 1, 0);                   /* replicas: 0, a pointer: kept */
	pb_msg(&spec, 3, &tmpl);
	pb_msg(&spec, 4, &strat);
	pb_msg(&dep, 1, &meta);
	pb_msg(&dep, 2, &spec);
	pb_bytes(&dep, 3, "\x08\x05", 2);      /* status: dropped */
	body = pb_envelope("apps/v1", "Deployment", &dep, &len);
	o = pb_decode_body(body, len, NULL, NULL, &code, err, sizeof err);
	got = o ? jprint(o) : xasprintf("ERROR %s", err);
	tap_is_str(got, "{\"metadata\":{\"name\":\"d\",\"labels\":{\"app\":\"d\"}},\"spec\":{\"replicas\":0,"
		   "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"example/web:1.0\","
		   "\"ports\":[{\"containerPort\":80}]}],\"restartPolicy\":\"Always\"}},\"strategy\":"
		   "{\"rollingUpdate\":{\"maxSurge\":\"25%\"}}},\"apiVersion\":\"apps/v1\","
		   "\"kind\":\"Deployment\"}", "protobuf Deployment decoded");
	free(got);
	cJSON_Delete(o);
	free(body);

	pb_str(&meta, 1, "s");
	pb_msg(&sec, 1, &meta);
	pb_bytes(&sm, 1, "p", 1);
	pb_bytes(&sm, 2, "hi\xff", 3);
	pb_msg(&sec, 2, &sm);
	pb_str(&sec, 3, "Opaque");
	body = pb_envelope("v1", "Secret", &sec, &len);
	o = pb_decode_body(body, len, NULL, NULL, &code, err, sizeof err);
	tap_is_str(jstr(J(o, "data", "p")), "aGn/", "map<string,bytes> as base64");
	cJSON_Delete(o);
	free(body);

	pb_str(&meta, 1, "x");
	pb_msg(&sec, 1, &meta);
	pb_str(&sec, 99, "surprise");
	body = pb_envelope("v1", "ConfigMap", &sec, &len);
	tap_ok(!pb_decode_body(body, len, NULL, NULL, &code, err, sizeof err)
	       && strstr(err, "field 99 of io.k8s.api.core.v1.ConfigMap"), "an unknown field is named");
	tap_ok(!pb_decode_body(body, len - 3, NULL, NULL, &code, err, sizeof err) && strstr(err, "truncated"),
	       "a truncated body is refused");
	free(body);
	pb_str(&sec, 1, "");
	body = pb_envelope("scheduling.k8s.io/v1", "PriorityClass", &sec, &len);
	tap_ok(!pb_decode_body(body, len, NULL, NULL, &code, err, sizeof err) && code == 415
	       && strstr(err, "PriorityClass"), "a kind without a table: 415, named");
	tap_ok(!pb_decode_body(body, len, "v1", "ConfigMap", &code, err, sizeof err) && code == 400
	       && strstr(err, "PriorityClass in version \"v1\" cannot be handled as a ConfigMap"),
	       "another kind than the endpoint's: 400 as upstream words it");
	free(body);
	tap_ok(!pb_decode_body("{\"a\":1}", 7, NULL, NULL, &code, err, sizeof err) && strstr(err, "magic"),
	       "JSON is not protobuf");
}

int main(void)
{
	test_merge_patch();
	test_json_patch();
	test_strategic();
	test_selectors();
	test_template_hash();
	test_store();
	test_podlog();
	test_controllers();
	test_mirror();
	test_protobuf();
	return tap_done();
}
