/* The canary controller's pure parts: replicas for a weight, the release read
 * from Deployments and a Service (annotations, tracks, colours), the plans
 * for start, promote, abort and the end of a promotion (the requests as sent),
 * what automatic mode decides, the analysis window, the judged result, and
 * the canary store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../tap.h"
#include "kube/objects.h"
#include "metrics/analysis.h"
#include "metrics/release.h"
#include "project/project.h"
#include "store/canary.h"
#include "store/kube.h"
#include "util/xalloc.h"

static const char shipdeck_yml[] =
	"prometheus: http://127.0.0.1:9090\n"
	"apps:\n"
	"  shop:\n"
	"    steps: [25, 50, 100]\n"
	"    interval: 10s\n"
	"    threshold: 2\n"
	"  pay:\n"
	"    strategy: blue-green\n";

static const int64_t NOW = 1795000000;

static void upsert(struct store_kube *k, enum kube_resource res, const char *json)
{
	cJSON *o = cJSON_Parse(json);
	struct kube_event ev = { .type = KUBE_EV_UPSERT, .res = res,
				 .obj = kube_object_parse(res, o) };

	cJSON_Delete(o);
	store_kube_apply(k, &ev);
}

/* A deployment: labels "a":"b" pairs as JSON, an image, spec and ready
 * replicas, annotations as JSON members ("" for none). */
static void deployment(struct store_kube *k, const char *name, const char *labels,
		       const char *image, int replicas, int ready, const char *annotations,
		       const char *rv)
{
	char *j = xasprintf(
		"{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"resourceVersion\":\"%s\","
		"\"generation\":2,\"annotations\":{%s}},"
		"\"spec\":{\"replicas\":%d,\"selector\":{\"matchLabels\":{%s}},"
		"\"template\":{\"metadata\":{\"labels\":{%s}},\"spec\":{\"containers\":"
		"[{\"name\":\"shop\",\"image\":\"%s\",\"ports\":[{\"containerPort\":8080}]}]}}},"
		"\"status\":{\"observedGeneration\":2,\"replicas\":%d,\"updatedReplicas\":%d,"
		"\"readyReplicas\":%d,\"availableReplicas\":%d}}",
		name, rv, annotations, replicas, labels, labels, image, replicas, ready, ready, ready);

	upsert(k, KUBE_DEPLOYMENTS, j);
	free(j);
}

static const char *call_body(const struct release_plan *p, size_t i)
{
	return i < p->ncalls ? p->calls[i].body : "";
}

static cJSON *body_json(const struct release_plan *p, size_t i)
{
	return cJSON_Parse(call_body(p, i));
}

static void test_replicas(void)
{
	tap_is_int(release_canary_replicas(4, 25), 1, "25% of 4: 1");
	tap_is_int(release_canary_replicas(4, 50), 2, "50% of 4: 2");
	tap_is_int(release_canary_replicas(4, 10), 1, "10% of 4: at least 1");
	tap_is_int(release_canary_replicas(4, 90), 3, "90% of 4: one stable pod stays");
	tap_is_int(release_canary_replicas(4, 100), 4, "100%: all");
	tap_is_int(release_canary_replicas(10, 25), 3, "25% of 10: 2.5 rounds to 3");
	tap_is_int(release_canary_replicas(4, 0), 0, "0%: none");
}

static void test_start(const struct app_conf *shop)
{
	struct store_kube k;
	struct release r;
	struct release_plan p;
	struct err err;
	cJSON *b;

	store_kube_init(&k);
	deployment(&k, "shop", "\"app\":\"shop\",\"track\":\"stable\"", "reg:5000/shop:1.0", 4, 4,
		   "", "1");
	release_read(&k, shop, "default", &r);
	tap_ok(!r.problem[0] && r.phase == RELEASE_NONE && r.total == 4, "no canary yet, 4 stable");
	tap_ok(release_plan_start(&r, "2.0", NULL, NOW, &p, &err) == 0, "start planned");
	tap_is_int(p.ncalls, 2, "create the canary, then scale the stable");
	tap_is_str(p.calls[0].method, "POST", "the canary is created");
	tap_is_str(p.calls[0].path, "/apis/apps/v1/namespaces/default/deployments", "where");
	b = body_json(&p, 0);
	tap_is_str(kube_json_str(b, "metadata.name"), "shop-canary", "named APP-canary");
	tap_is_str(kube_json_str(b, "spec.selector.matchLabels.track"), "canary",
		   "its selector picks the canary track");
	tap_is_str(kube_json_str(b, "spec.selector.matchLabels.app"), "shop", "and the app");
	tap_is_str(kube_json_str(b, "spec.template.metadata.labels.track"), "canary",
		   "its pods carry track: canary");
	tap_is_str(kube_json_str(cJSON_GetArrayItem(kube_json_path(b, "spec.template.spec.containers"),
						    0), "image"),
		   "reg:5000/shop:2.0", "the stable's template with the new tag");
	tap_is_int(kube_json_int(b, "spec.replicas", -1), 1, "25% of 4: one pod");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_TOTAL)->valuestring, "4",
		   "the stable's size is remembered");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_STEP_AT)->valuestring, "2026-11-18T11:06:40Z",
		   "when the step began");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       "kubernetes.io/change-cause")->valuestring,
		   "shipdeck canary start shop shop:2.0 by unknown",
		   "the canary's change-cause says what made it (no user known)");
	cJSON_Delete(b);
	tap_is_str(p.calls[1].path, "/apis/apps/v1/namespaces/default/deployments/shop/scale",
		   "the stable's scale subresource");
	tap_is_str(call_body(&p, 1), "{\"spec\":{\"replicas\":3}}", "stable to 3");
	tap_is_str(p.to, "deploy/shop: 3 × shop:1.0 + deploy/shop-canary: 1 × shop:2.0 (25%)",
		   "the dialog's to-line");
	release_plan_free(&p);

	/* a stable whose selector cannot tell the tracks apart */
	store_kube_free(&k);
	store_kube_init(&k);
	deployment(&k, "shop", "\"app\":\"shop\"", "reg:5000/shop:1.0", 4, 4, "", "1");
	release_read(&k, shop, "default", &r);
	tap_ok(release_plan_start(&r, "2.0", NULL, NOW, &p, &err) == -1
	       && strstr(err.msg, "would also select the canary's pods"),
	       "a selector without track is refused");
	store_kube_free(&k);
}

#define RUNNING_AT(W, AT) \
	"\"" RELEASE_ANN_PHASE "\":\"running\",\"" RELEASE_ANN_WEIGHT "\":\"" W "\"," \
	"\"" RELEASE_ANN_TOTAL "\":\"4\",\"" RELEASE_ANN_STEP_AT "\":\"" AT "\""

static void test_running(const struct app_conf *shop)
{
	struct store_kube k;
	struct release r;
	struct release_plan p;
	struct err err;
	cJSON *b;

	store_kube_init(&k);
	deployment(&k, "shop", "\"app\":\"shop\",\"track\":\"stable\"", "reg:5000/shop:1.0", 3, 3,
		   "", "1");
	deployment(&k, "shop-canary", "\"app\":\"shop\",\"track\":\"canary\"", "reg:5000/shop:2.0",
		   1, 1, RUNNING_AT("25", "2026-11-18T11:06:20Z"), "2");
	release_read(&k, shop, "default", &r);
	tap_ok(r.phase == RELEASE_RUNNING && r.weight == 25 && r.step == 0 && r.total == 4,
	       "running at step 1 (25%) of a stable of 4");
	tap_is_int(r.actual, 25, "1 of 4 ready pods is the canary's");
	tap_is_int(r.step_at, NOW - 20, "the step began 20 s ago");
	tap_ok(release_plan_start(&r, "3.0", NULL, NOW, &p, &err) == -1
	       && strstr(err.msg, "promote (p) or abort (a) it first"), "one canary at a time");

	tap_ok(release_plan_promote(&r, NOW, &p, &err) == 0, "promote planned");
	tap_is_int(p.ncalls, 2, "canary up, stable down");
	b = body_json(&p, 0);
	tap_is_int(kube_json_int(b, "spec.replicas", -1), 2, "canary to 2 first");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_WEIGHT)->valuestring, "50", "the new weight");
	cJSON_Delete(b);
	tap_is_str(call_body(&p, 1), "{\"spec\":{\"replicas\":2}}", "then the stable to 2");
	tap_is_str(p.from, "step 1 of 3: 25% (3 stable + 1 canary)", "from");
	tap_is_str(p.to, "step 2 of 3: 50% (2 stable + 2 canary)", "to");
	release_plan_free(&p);

	tap_ok(release_plan_abort(&r, NOW, &p, &err) == 0, "abort planned");
	tap_is_int(p.ncalls, 2, "two changes, nothing else");
	tap_is_str(p.calls[0].path, "/apis/apps/v1/namespaces/default/deployments/shop-canary",
		   "the canary first");
	b = body_json(&p, 0);
	tap_is_int(kube_json_int(b, "spec.replicas", -1), 0, "canary to 0 at once");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_PHASE)->valuestring, "aborted", "marked aborted");
	cJSON_Delete(b);
	tap_is_str(p.calls[1].path, "/apis/apps/v1/namespaces/default/deployments/shop/scale",
		   "the stable only through its scale");
	tap_is_str(call_body(&p, 1), "{\"spec\":{\"replicas\":4}}", "back to its size");
	release_plan_free(&p);

	/* the last step: the stable takes the canary's template */
	deployment(&k, "shop", "\"app\":\"shop\",\"track\":\"stable\"", "reg:5000/shop:1.0", 2, 2,
		   "", "3");
	deployment(&k, "shop-canary", "\"app\":\"shop\",\"track\":\"canary\"", "reg:5000/shop:2.0",
		   2, 2, RUNNING_AT("50", "2026-11-18T11:06:20Z"), "4");
	release_read(&k, shop, "default", &r);
	r.by = "ada";
	tap_ok(release_plan_promote(&r, NOW, &p, &err) == 0, "promote to 100 planned");
	tap_is_str(p.calls[0].path, "/apis/apps/v1/namespaces/default/deployments/shop",
		   "the stable is patched");
	tap_is_str(p.calls[0].content_type, "application/json-patch+json", "a JSON patch");
	b = body_json(&p, 0);
	{
		const cJSON *t = kube_json_path(cJSON_GetArrayItem(b, 0), "value");

		tap_is_str(kube_json_str(cJSON_GetArrayItem(b, 0), "path"), "/spec/template",
			   "replacing the template");
		tap_is_str(kube_json_str(t, "metadata.labels.track"), "stable",
			   "under the stable's own labels");
		tap_is_str(kube_json_str(cJSON_GetArrayItem(kube_json_path(t, "spec.containers"), 0),
					 "image"), "reg:5000/shop:2.0", "with the canary's image");
		tap_is_int(kube_json_int(cJSON_GetArrayItem(b, 1), "value", -1), 4,
			   "at its full size");
		/* the stable has no annotations: the whole map is added */
		tap_is_str(kube_json_str(cJSON_GetArrayItem(b, 2), "path"), "/metadata/annotations",
			   "the annotations are added");
		tap_is_str(cJSON_GetObjectItem(kube_json_path(cJSON_GetArrayItem(b, 2), "value"),
					       "kubernetes.io/change-cause")->valuestring,
			   "shipdeck promote shop shop:2.0 (canary 100%) by ada",
			   "with a change-cause that says who promoted what");
	}
	cJSON_Delete(b);
	release_plan_free(&p);
	/* a stable with annotations (the controller's revision): one is added to them */
	deployment(&k, "shop", "\"app\":\"shop\",\"track\":\"stable\"", "reg:5000/shop:1.0", 2, 2,
		   "\"deployment.kubernetes.io/revision\":\"1\"", "8");
	release_read(&k, shop, "default", &r);
	r.by = "ada";
	tap_ok(release_plan_promote(&r, NOW, &p, &err) == 0, "promote to 100 planned again");
	b = body_json(&p, 0);
	tap_is_str(kube_json_str(cJSON_GetArrayItem(b, 2), "path"),
		   "/metadata/annotations/kubernetes.io~1change-cause", "the cause is added alone");
	tap_is_str(kube_json_str(cJSON_GetArrayItem(b, 2), "value"),
		   "shipdeck promote shop shop:2.0 (canary 100%) by ada", "the same words");
	cJSON_Delete(b);
	b = body_json(&p, 1);
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_PHASE)->valuestring, "promoting",
		   "the canary waits for the rollout");
	tap_ok(!kube_json_path(b, "spec"), "keeping its pods meanwhile");
	cJSON_Delete(b);
	release_plan_free(&p);

	/* the end of the promotion, once the stable has rolled out */
	deployment(&k, "shop", "\"app\":\"shop\",\"track\":\"stable\"", "reg:5000/shop:2.0", 4, 2,
		   "", "5");
	deployment(&k, "shop-canary", "\"app\":\"shop\",\"track\":\"canary\"", "reg:5000/shop:2.0",
		   2, 2, "\"" RELEASE_ANN_PHASE "\":\"promoting\",\"" RELEASE_ANN_WEIGHT "\":\"100\","
		   "\"" RELEASE_ANN_TOTAL "\":\"4\"", "6");
	release_read(&k, shop, "default", &r);
	tap_ok(r.phase == RELEASE_PROMOTING, "promoting");
	tap_is_int(release_plan_finish(&r, NOW, &p, &err), 1, "not while the stable rolls out");
	tap_ok(release_plan_abort(&r, NOW, &p, &err) == -1 && strstr(err.msg, "rollout undo"),
	       "abort during a promotion points at rollback");
	deployment(&k, "shop", "\"app\":\"shop\",\"track\":\"stable\"", "reg:5000/shop:2.0", 4, 4,
		   "", "7");
	release_read(&k, shop, "default", &r);
	tap_is_int(release_plan_finish(&r, NOW, &p, &err), 0, "rolled out: finish");
	b = body_json(&p, 0);
	tap_is_int(kube_json_int(b, "spec.replicas", -1), 0, "the canary to 0");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_PHASE)->valuestring, "promoted", "promoted");
	cJSON_Delete(b);
	release_plan_free(&p);
	store_kube_free(&k);
}

static void test_decide_and_window(const struct app_conf *shop)
{
	struct store_kube k;
	struct release r;
	struct release_window w;
	double due;
	char why[256];

	store_kube_init(&k);
	deployment(&k, "shop", "\"app\":\"shop\",\"track\":\"stable\"", "r/shop:1.0", 3, 3, "", "1");
	deployment(&k, "shop-canary", "\"app\":\"shop\",\"track\":\"canary\"", "r/shop:2.0", 1, 1,
		   RUNNING_AT("25", "2026-11-18T11:06:20Z"), "2");
	release_read(&k, shop, "default", &r);
	tap_ok(release_decide(&r, CANARY_PASS, 0) == DECIDE_PROMOTE, "PASS promotes");
	tap_ok(release_decide(&r, CANARY_FAIL, 1) == DECIDE_HOLD, "one FAIL of two holds");
	tap_ok(release_decide(&r, CANARY_FAIL, 2) == DECIDE_ABORT, "the second FAIL aborts");
	tap_ok(release_decide(&r, CANARY_NODATA, 0) == DECIDE_HOLD, "no data never promotes");
	tap_ok(release_decide(&r, CANARY_MARGINAL, 0) == DECIDE_HOLD, "MARGINAL holds");

	tap_is_int(release_window(&r, (double)NOW, false, &w, &due, why, sizeof why), 0,
		   "20 s into the step: a window");
	tap_ok(w.canary_start == NOW - 10 && w.canary_end == NOW && w.stable_start == NOW - 10,
	       "the last interval, both sides");
	tap_is_str(w.canary_deploy, "shop-canary", "canary side");
	tap_is_str(w.stable_deploy, "shop", "stable side");
	tap_is_int(release_window(&r, (double)(NOW - 15), false, &w, &due, why, sizeof why), 1,
		   "5 s into the step: not yet");
	tap_ok(due == NOW - 10, "due one interval after the step began");
	tap_is_int(release_window(&r, (double)(NOW - 15), true, &w, &due, why, sizeof why), 0,
		   "on demand: what the step has so far");
	tap_ok(w.canary_start == NOW - 20, "from the step's start");
	tap_is_int(release_window(&r, (double)(NOW - 19), true, &w, &due, why, sizeof why), 1,
		   "1 s is too short even on demand");

	{
		tap_ok(release_stalled_verdict(&r, CANARY_NODATA, why, sizeof why) == CANARY_NODATA,
		       "a canary that rolled out: no data stays no data");
		upsert(&k, KUBE_DEPLOYMENTS, "{\"metadata\":{\"name\":\"shop-canary\","
		       "\"namespace\":\"default\",\"resourceVersion\":\"9\",\"annotations\":{"
		       RUNNING_AT("25", "2026-11-18T11:06:20Z") "}},\"spec\":{\"replicas\":1,"
		       "\"progressDeadlineSeconds\":60,\"selector\":{\"matchLabels\":{\"app\":"
		       "\"shop\",\"track\":\"canary\"}}},\"status\":{\"replicas\":1,"
		       "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
		       "\"reason\":\"ProgressDeadlineExceeded\"}]}}");
		release_read(&k, shop, "default", &r);
		tap_ok(r.canary_stalled, "a canary past its progress deadline stalled");
		tap_ok(release_stalled_verdict(&r, CANARY_NODATA, why, sizeof why) == CANARY_FAIL,
		       "no data from a stalled canary counts as FAIL");
		tap_is_str(why, "deploy/shop-canary exceeded its progress deadline (60s): 0 of 1 pods "
			   "ready", "and says why");
	}
	deployment(&k, "shop-canary", "\"app\":\"shop\",\"track\":\"canary\"", "r/shop:2.0", 0, 0,
		   "\"" RELEASE_ANN_PHASE "\":\"aborted\"", "3");
	release_read(&k, shop, "default", &r);
	tap_ok(r.phase == RELEASE_ABORTED && r.total == 3, "aborted: the stable's own size");
	tap_ok(release_decide(&r, CANARY_PASS, 0) == DECIDE_HOLD, "nothing to promote");
	tap_is_int(release_window(&r, (double)NOW, false, &w, &due, why, sizeof why), 1,
		   "no analysis without a canary");
	deployment(&k, "shop-canary", "\"app\":\"shop\",\"track\":\"canary\"", "r/shop:2.0", 1, 1,
		   "", "4");
	release_read(&k, shop, "default", &r);
	tap_ok(strstr(r.problem, "was not made by shipdeck") != NULL,
	       "a canary deployment without our annotations is not touched");
	store_kube_free(&k);
}

static void test_blue_green(const struct app_conf *pay)
{
	struct store_kube k;
	struct release r;
	struct release_plan p;
	struct err err;
	cJSON *b;

	store_kube_init(&k);
	deployment(&k, "pay-blue", "\"app\":\"pay\",\"color\":\"blue\"", "r/pay:1.0", 2, 2, "", "1");
	deployment(&k, "pay-green", "\"app\":\"pay\",\"color\":\"green\"", "r/pay:2.0", 2, 1, "",
		   "2");
	upsert(&k, KUBE_SERVICES, "{\"metadata\":{\"name\":\"pay\",\"namespace\":\"default\","
	       "\"resourceVersion\":\"3\"},\"spec\":{\"selector\":{\"app\":\"pay\","
	       "\"color\":\"blue\"}}}");
	release_read(&k, pay, "default", &r);
	tap_ok(!r.problem[0] && !strcmp(r.live, "blue") && !strcmp(r.idle, "green"),
	       "blue is live, green idle");
	tap_ok(!r.idle_ready, "green: 1 of 2 ready");
	r.by = "ada";
	tap_ok(release_plan_start(&r, "3.0", NULL, NOW, &p, &err) == 0, "a start on green planned");
	b = body_json(&p, 0);
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       "kubernetes.io/change-cause")->valuestring,
		   "shipdeck canary start pay pay:3.0 (idle green) by ada",
		   "the idle colour's change-cause says what was deployed to it");
	cJSON_Delete(b);
	release_plan_free(&p);
	tap_ok(release_plan_promote(&r, NOW, &p, &err) == -1
	       && strstr(err.msg, "green is not ready (1 of 2 pods ready"),
	       "no switch to a colour that is not ready");
	deployment(&k, "pay-green", "\"app\":\"pay\",\"color\":\"green\"", "r/pay:2.0", 2, 2, "",
		   "4");
	release_read(&k, pay, "default", &r);
	tap_ok(r.idle_ready, "green ready");
	tap_ok(release_plan_promote(&r, NOW, &p, &err) == 0, "switch planned");
	tap_is_str(p.calls[0].path, "/api/v1/namespaces/default/services/pay", "the Service");
	b = body_json(&p, 0);
	tap_is_str(kube_json_str(b, "spec.selector.color"), "green", "selects green");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_PREVIOUS)->valuestring, "blue",
		   "remembers blue");
	cJSON_Delete(b);
	release_plan_free(&p);
	tap_ok(release_decide(&r, CANARY_FAIL, 5) == DECIDE_HOLD, "never switched: nothing to undo");

	upsert(&k, KUBE_SERVICES, "{\"metadata\":{\"name\":\"pay\",\"namespace\":\"default\","
	       "\"resourceVersion\":\"5\",\"annotations\":{\"" RELEASE_ANN_PREVIOUS "\":\"blue\",\""
	       RELEASE_ANN_SWITCHED_AT "\":\"2026-11-18T11:06:20Z\",\"" RELEASE_ANN_SWITCHED_BY
	       "\":\"promote\"}},\"spec\":{\"selector\":{\"app\":\"pay\",\"color\":\"green\"}}}");
	release_read(&k, pay, "default", &r);
	tap_ok(!strcmp(r.live, "green") && r.switched_at == NOW - 20 && r.switched_by_promote,
	       "green live since a promote 20 s ago");
	tap_ok(release_decide(&r, CANARY_FAIL, 1) == DECIDE_HOLD, "one FAIL of two holds");
	tap_ok(release_decide(&r, CANARY_FAIL, 2) == DECIDE_ABORT, "two switch back");
	tap_ok(release_decide(&r, CANARY_PASS, 0) == DECIDE_HOLD, "PASS: nothing more to do");
	tap_ok(release_plan_abort(&r, NOW, &p, &err) == 0, "switch back planned");
	b = body_json(&p, 0);
	tap_is_str(kube_json_str(b, "spec.selector.color"), "blue", "back to blue");
	tap_is_str(cJSON_GetObjectItem(kube_json_path(b, "metadata.annotations"),
				       RELEASE_ANN_SWITCHED_BY)->valuestring, "abort", "by abort");
	cJSON_Delete(b);
	release_plan_free(&p);
	store_kube_free(&k);
}

static void test_judged(const struct app_conf *shop)
{
	static const double stable_sr[] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	static const double bad_sr[] = { 0.8, 1, 0.6, 0.8, 1, 0.8, 0.8, 1 };
	static const double lat[] = { 0.012, 0.011, 0.013, 0.012, 0.012, 0.011, 0.014, 0.012 };
	struct canary_result *res = analysis_error_result(shop, "x");
	struct canary_metric_result *m;
	char buf[32];

	free(res->error);
	res->error = NULL;
	for (size_t i = 0; i < 2; i++) {
		m = &res->metrics[i];
		m->stable.n = m->canary.n = 8;
		m->stable.v = xmalloc(sizeof stable_sr);
		m->canary.v = xmalloc(sizeof stable_sr);
		memcpy(m->stable.v, i ? lat : stable_sr, sizeof stable_sr);
		memcpy(m->canary.v, i ? lat : bad_sr, sizeof stable_sr);
	}
	analysis_judge(shop, res);
	tap_ok(res->verdict == CANARY_FAIL, "20% errors: FAIL");
	tap_is_str(res->failed_metric, "success-rate", "named");
	tap_ok(res->metrics[0].limit_failed && res->metrics[0].canary_value == 0.85,
	       "the canary's mean 0.85 crosses the limit");
	tap_ok(res->metrics[1].passed && res->metrics[1].cls == CANARY_CLASS_PASS,
	       "equal latency passes");
	tap_ok(strstr(res->summary, "success-rate: canary mean 0.85 is below the limit 0.99")
	       != NULL, "the one line");
	canary_result_free(res);

	/* n=11/2: alike by chance, not a PASS; a crossed limit still fails */
	tap_is_int((long)analysis_min_samples(shop), 5, "min samples: half of an interval's 11");
	for (int round = 0; round < 3; round++) {
		struct app_conf conf = *shop;

		res = analysis_error_result(shop, "x");
		free(res->error);
		res->error = NULL;
		conf.min_samples = round == 1 ? 2 : 0;
		for (size_t i = 0; i < 2; i++) {
			m = &res->metrics[i];
			m->canary.n = 8;
			m->stable.n = 2;
			m->stable.v = xmalloc(sizeof stable_sr);
			m->canary.v = xmalloc(sizeof stable_sr);
			memcpy(m->stable.v, i ? lat : stable_sr, sizeof stable_sr);
			memcpy(m->canary.v, i ? lat : round == 2 ? bad_sr : stable_sr, sizeof stable_sr);
		}
		analysis_judge(&conf, res);
		if (round == 0) {
			tap_ok(res->verdict == CANARY_NODATA, "8/2 samples: no data, not PASS");
			tap_ok(strstr(res->metrics[1].reason, "too few samples to judge (canary 8, "
				      "stable 2; at least 5 each)") != NULL, "and says why");
		} else if (round == 1) {
			tap_ok(res->verdict == CANARY_PASS, "min_samples: 2 lets 8/2 pass");
		} else {
			tap_ok(res->verdict == CANARY_FAIL, "8/2 samples crossing a limit: FAIL");
		}
		canary_result_free(res);
	}

	canary_diff_text(1, 0.8, buf, sizeof buf);
	tap_is_str(buf, "-20%", "relative difference");
	canary_diff_text(1, 0.975, buf, sizeof buf);
	tap_is_str(buf, "-2.5%", "small ones with a decimal");
	canary_diff_text(0.0121, 0.4873, buf, sizeof buf);
	tap_is_str(buf, "+3927%", "large ones without");
	canary_diff_text(0.001, 0.5, buf, sizeof buf);
	tap_is_str(buf, "×500", "huge ones as a ratio");
	canary_diff_text(0, 0.5, buf, sizeof buf);
	tap_is_str(buf, "+0.5", "absolute when the stable is 0");
	tap_is_int(analysis_step_ms(10000), 1000, "a sample a second at 10 s");
	tap_is_int(analysis_step_ms(300000), 30000, "a tenth of the interval");
	analysis_rate_window(10000, buf, sizeof buf);
	tap_is_str(buf, "2s", "{interval}: two steps");
}

static void test_store(void)
{
	struct store_canary s;
	const struct canary_app_state *a;

	store_canary_init(&s);
	for (int i = 0; i < 10; i++)
		store_canary_apply(&s, &(struct canary_event){ .type = CANARY_EV_DECISION,
			.app = "shop", .time_ms = i, .text = xasprintf("d%d", i) });
	a = store_canary_app(&s, "shop");
	tap_ok(a && a->nhistory == CANARY_HISTORY_MAX && a->decisions == 10,
	       "history bounded, decisions counted");
	tap_is_str(a->history[0].text, "d9", "newest first");
	store_canary_apply(&s, &(struct canary_event){ .type = CANARY_EV_FAILURES, .app = "shop",
						       .failures = 2 });
	store_canary_apply(&s, &(struct canary_event){ .type = CANARY_EV_AUTO, .app = "shop",
						       .on = true });
	tap_ok(a->auto_mode && a->failures == 0, "automatic mode on resets the count");
	store_canary_apply(&s, &(struct canary_event){ .type = CANARY_EV_RESULT, .app = "shop" });
	tap_ok(a->analysing, "an analysis under way");
	tap_ok(!store_canary_app(&s, "pay"), "apps appear when named");
	store_canary_free(&s);
}

int main(void)
{
	struct project p;
	struct err err;

	if (project_parse(&p, ".shipdeck.yml", shipdeck_yml, strlen(shipdeck_yml), &err)) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	test_replicas();
	test_start(project_app(&p, "shop"));
	test_running(project_app(&p, "shop"));
	test_decide_and_window(project_app(&p, "shop"));
	test_blue_green(project_app(&p, "pay"));
	test_judged(project_app(&p, "shop"));
	test_store();
	project_free(&p);
	return tap_done();
}
