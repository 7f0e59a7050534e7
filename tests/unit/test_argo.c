/* Argo Rollouts and Flagger objects into the store, and what the plugin's
 * `get rollout` derives from them: phase, step k of N, set and actual
 * weight, the stable and canary replica sets; AnalysisRun measurements;
 * Flagger's Canary; discovery's resource lists; set image as the plugin
 * builds it (the object written back, the action's from and to). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../tap.h"
#include "app/app.h"
#include "kube/argo_ops.h"
#include "kube/discover.h"
#include "kube/objects.h"
#include "store/argo.h"

static void *parse(enum kube_resource res, const char *json)
{
	cJSON *o = cJSON_Parse(json);
	void *obj = kube_object_parse(res, o);

	cJSON_Delete(o);
	return obj;
}

static void upsert(struct store_kube *k, enum kube_resource res, const char *json)
{
	struct kube_event ev = { .type = KUBE_EV_UPSERT, .res = res, .obj = parse(res, json) };

	if (!ev.obj) {
		tap_ok(0, "test object parses");
		return;
	}
	store_kube_apply(k, &ev);
}

/* A replica set of rollout web: hash, revision, spec and available replicas. */
static char *rs(const char *hash, int rev, int replicas, int available, const char *image)
{
	char *s = NULL;

	if (asprintf(&s, "{\"metadata\":{\"name\":\"web-%s\",\"namespace\":\"default\","
		     "\"resourceVersion\":\"%d\",\"generation\":1,"
		     "\"labels\":{\"app\":\"web\",\"rollouts-pod-template-hash\":\"%s\"},"
		     "\"annotations\":{\"rollout.argoproj.io/revision\":\"%d\"},"
		     "\"ownerReferences\":[{\"kind\":\"Rollout\",\"name\":\"web\",\"uid\":\"u-ro\","
		     "\"controller\":true}]},"
		     "\"spec\":{\"replicas\":%d,\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\","
		     "\"rollouts-pod-template-hash\":\"%s\"}},\"spec\":{\"containers\":[{\"name\":\"web\","
		     "\"image\":\"%s\"}]}}},"
		     "\"status\":{\"observedGeneration\":1,\"replicas\":%d,\"availableReplicas\":%d}}",
		     hash, rev, hash, rev, replicas, hash, image, replicas, available) < 0)
		return NULL;
	return s;
}

static const char rollout_paused[] =
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u-ro\","
	"\"resourceVersion\":\"40\",\"generation\":2},"
	"\"spec\":{\"replicas\":4,\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
	"\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"example/web:2.0\"}]}},"
	"\"strategy\":{\"canary\":{\"steps\":[{\"setWeight\":25},{\"pause\":{}},{\"setWeight\":50},"
	"{\"pause\":{\"duration\":\"30s\"}},{\"analysis\":{\"templates\":[]}}]}}},"
	"\"status\":{\"observedGeneration\":\"2\",\"currentStepIndex\":1,\"phase\":\"Paused\","
	"\"message\":\"CanaryPauseStep\",\"controllerPause\":true,"
	"\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\",\"startTime\":\"2026-01-01T00:00:00Z\"}],"
	"\"stableRS\":\"h1\",\"currentPodHash\":\"h2\",\"replicas\":5,\"updatedReplicas\":1,"
	"\"readyReplicas\":5,\"availableReplicas\":5}}";

static void test_rollout(void)
{
	struct store_kube k;
	struct kube_rollout_info in;
	const struct kube_rollout *ro;
	char *a = rs("h1", 1, 4, 4, "example/web:1.0"), *b = rs("h2", 2, 1, 1, "example/web:2.0");
	char *old = rs("h0", 3, 0, 0, "example/web:0.9");

	store_kube_init(&k);
	upsert(&k, KUBE_ROLLOUTS, rollout_paused);
	upsert(&k, KUBE_REPLICASETS, a);
	upsert(&k, KUBE_REPLICASETS, b);
	ro = store_kube_find(&k, KUBE_ROLLOUTS, "default", "web");
	tap_ok(ro != NULL, "a Rollout in the store");
	if (!ro)
		return;
	tap_is_int((int)ro->nsteps, 5, "five steps");
	tap_is_str(ro->steps[0].text, "setWeight: 25", "setWeight named as the plugin does");
	tap_is_str(ro->steps[1].text, "pause", "pause {}");
	tap_is_str(ro->steps[3].text, "pause: 30s", "a timed pause");
	tap_is_str(ro->steps[4].text, "analysis", "an analysis step");
	tap_is_str(ro->pause_reasons, "CanaryPauseStep", "why it pauses");
	tap_is_str(ro->images, "example/web:2.0", "the template's image");

	store_argo_rollout_info(&k, ro, &in);
	tap_is_str(in.phase, "Paused", "phase from the controller");
	tap_is_str(in.message, "CanaryPauseStep", "message");
	tap_ok(in.has_step && in.step == 1 && in.nsteps == 5, "step 1/5");
	tap_is_int(in.set_weight, 25, "set weight: the last setWeight at or before the step");
	tap_is_int(in.actual_weight, 20, "actual weight: canary available 1 of 5 available");
	tap_ok(in.stable && !strcmp(in.stable->meta.name, "web-h1"), "stable replica set by hash");
	tap_ok(in.canary && !strcmp(in.canary->meta.name, "web-h2"), "canary replica set by hash");
	tap_is_int((int)in.nrs, 2, "both replica sets belong to it");
	tap_is_int((int)in.rss[0].rs->revision, 2, "newest revision first");
	tap_is_str(in.rss[1].health, "Healthy", "a full replica set is Healthy");
	tap_ok(store_argo_revision(&k, ro, 1) == in.stable, "revision 1 found");

	/* a revision with nothing left, and a spec change not yet observed */
	upsert(&k, KUBE_REPLICASETS, old);
	upsert(&k, KUBE_ROLLOUTS,
	       "{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u-ro\","
	       "\"resourceVersion\":\"41\",\"generation\":3},\"spec\":{\"strategy\":{\"canary\":"
	       "{\"steps\":[{\"setWeight\":25},{\"pause\":{}}]}}},\"status\":{\"observedGeneration\":"
	       "\"2\",\"phase\":\"Healthy\",\"currentStepIndex\":2,\"abort\":true,"
	       "\"stableRS\":\"h1\",\"currentPodHash\":\"h2\",\"availableReplicas\":4}}");
	ro = store_kube_find(&k, KUBE_ROLLOUTS, "default", "web");
	store_argo_rollout_info(&k, ro, &in);
	tap_is_str(in.phase, "Progressing", "an unobserved generation is Progressing");
	tap_is_str(in.message, "waiting for rollout spec update to be observed", "and says so");
	tap_is_int(in.set_weight, 0, "aborted: set weight 0");
	tap_is_int(in.actual_weight, 100, "past the last step: actual 100");
	tap_is_str(in.rss[0].health, "ScaledDown", "a replica set at zero is ScaledDown");
	tap_is_str(kube_rs_role_name(in.rss[0].role), "", "an old revision has no role");
	store_kube_free(&k);
	free(a);
	free(b);
	free(old);
}

static void test_blue_green(void)
{
	struct kube_rollout *ro = parse(KUBE_ROLLOUTS,
		"{\"metadata\":{\"name\":\"pay\",\"namespace\":\"x\"},\"spec\":{\"paused\":true,"
		"\"strategy\":{\"blueGreen\":{\"activeService\":\"pay\"}}},\"status\":{\"blueGreen\":"
		"{\"activeSelector\":\"a1\",\"previewSelector\":\"p2\"},\"currentStepIndex\":1e300}}");

	tap_ok(ro && ro->blue_green, "blue/green strategy");
	tap_ok(ro && ro->paused, "spec.paused");
	tap_is_str(ro ? ro->active_hash : NULL, "a1", "active selector");
	tap_is_int(ro ? ro->step_index : 0, -1, "an out-of-range step index reads as absent");
	tap_is_int(ro ? ro->replicas : 0, 1, "replicas default to 1");
	kube_rollout_free(ro);
	tap_ok(!parse(KUBE_ROLLOUTS, "{\"metadata\":{}}"), "no name: not a Rollout");
	ro = parse(KUBE_ROLLOUTS, "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"strategy\":"
		   "{\"canary\":{\"steps\":\"many\"}}},\"status\":{\"pauseConditions\":[1,{}]}}");
	tap_ok(ro && !ro->nsteps && !ro->pause_reasons, "steps and pauses of the wrong type: none");
	kube_rollout_free(ro);
}

static void test_analysisrun(void)
{
	struct kube_analysisrun *a = parse(KUBE_ANALYSISRUNS,
		"{\"metadata\":{\"name\":\"web-2-1\",\"namespace\":\"default\","
		"\"annotations\":{\"rollout.argoproj.io/revision\":\"2\"},"
		"\"ownerReferences\":[{\"kind\":\"Rollout\",\"name\":\"web\",\"uid\":\"u\","
		"\"controller\":true}]},\"status\":{\"phase\":\"Failed\",\"message\":\"Metric "
		"\\\"success-rate\\\" assessed Failed\",\"metricResults\":[{\"name\":\"success-rate\","
		"\"phase\":\"Failed\",\"count\":7,\"successful\":1,\"failed\":6,\"measurements\":["
		"{\"value\":\"[1]\"},{\"value\":\"[0.9]\"},{\"value\":\"[0.8]\"},{\"value\":\"[0.7]\"},"
		"{\"value\":\"[0.6]\"},{\"value\":\"[0.5]\",\"message\":\"below 0.95\"},"
		"{\"phase\":\"Error\"}]}]}}");

	tap_ok(a != NULL, "an AnalysisRun");
	if (!a)
		return;
	tap_is_str(a->owner, "web", "its Rollout");
	tap_is_int((int)a->revision, 2, "its revision");
	tap_is_str(a->phase, "Failed", "its phase");
	tap_is_int((int)a->nmetrics, 1, "one metric");
	tap_is_int(a->metrics[0].failed, 6, "failed count");
	tap_is_str(a->metrics[0].values, "[0.8], [0.7], [0.6], [0.5], Error",
		   "the last five measurements, a valueless one by its phase");
	tap_is_str(a->metrics[0].message, "below 0.95", "the last measurement's message");
	kube_analysisrun_free(a);
}

static void test_flagger(void)
{
	struct kube_flagger_canary *c = parse(KUBE_CANARIES,
		"{\"metadata\":{\"name\":\"shop\",\"namespace\":\"default\"},\"spec\":{\"provider\":"
		"\"kubernetes\",\"targetRef\":{\"name\":\"shop\"},\"analysis\":{\"interval\":\"5s\","
		"\"threshold\":2,\"iterations\":3}},\"status\":{\"phase\":\"Progressing\","
		"\"canaryWeight\":0,\"failedChecks\":1,\"iterations\":2,"
		"\"lastTransitionTime\":\"2026-01-02T03:04:05Z\",\"conditions\":[{\"type\":\"Promoted\","
		"\"status\":\"Unknown\",\"message\":\"New revision detected, progressing canary "
		"analysis.\"}]}}");

	tap_ok(c != NULL, "a Flagger Canary");
	if (!c)
		return;
	tap_ok(c->blue_green, "iterations without weights: blue/green");
	tap_is_str(c->phase, "Progressing", "phase");
	tap_is_int(c->failed_checks, 1, "failed checks");
	tap_is_int(c->threshold, 2, "threshold");
	tap_is_int(c->done_iterations, 2, "iterations done");
	tap_ok(c->last_transition == 1767323045, "last transition time");
	tap_is_str(c->message, "New revision detected, progressing canary analysis.",
		   "the Promoted condition's message");
	kube_flagger_canary_free(c);
}

static void test_discovery_list(void)
{
	static const char list[] = "{\"kind\":\"APIResourceList\",\"groupVersion\":"
		"\"argoproj.io/v1alpha1\",\"resources\":[{\"name\":\"rollouts\"},"
		"{\"name\":\"rollouts/status\"},{\"name\":\"analysisruns\"}]}";

	tap_ok(kube_discover_lists(list, strlen(list), "rollouts"), "rollouts served");
	tap_ok(kube_discover_lists(list, strlen(list), "analysisruns"), "analysisruns served");
	tap_ok(!kube_discover_lists(list, strlen(list), "experiments"), "experiments not");
	tap_ok(!kube_discover_lists("<html>", 6, "rollouts"), "not JSON: nothing served");
	tap_ok(!strcmp(kube_resource_group(KUBE_ROLLOUTS), "/apis/argoproj.io/v1alpha1"),
	       "the Rollout's group");
	tap_ok(!kube_resource_group(KUBE_DEPLOYMENTS), "deployments are built in");
}

/* rollout_paused with its status' end replaced by tail. */
static struct kube_rollout *paused_with(const char *from, const char *to)
{
	char *json = NULL, *at = strstr(rollout_paused, from);
	struct kube_rollout *ro;

	if (!at || asprintf(&json, "%.*s%s%s", (int)(at - rollout_paused), rollout_paused, to,
			    at + strlen(from)) < 0)
		return NULL;
	ro = parse(KUBE_ROLLOUTS, json);
	free(json);
	return ro;
}

static void promote_is(const struct kube_rollout *ro, bool full, const char *status,
		       const char *spec, const char *what)
{
	char *st = NULL, *sp = NULL, name[200];

	if (ro)
		kube_argo_promote_patches(ro, full, &st, &sp);
	snprintf(name, sizeof name, "%s: /status", what);
	tap_is_str(st, status, name);
	snprintf(name, sizeof name, "%s: the Rollout", what);
	tap_is_str(sp, spec, name);
	free(st);
	free(sp);
}

/* The plugin's getPatches, case by case. */
static void test_promote_patches(void)
{
	struct kube_rollout *ro = parse(KUBE_ROLLOUTS, rollout_paused);

	promote_is(ro, false, "{\"status\":{\"pauseConditions\":null}}", NULL,
		   "paused at a pause step: its pause lifted");
	promote_is(ro, true, "{\"status\":{\"promoteFull\":true}}", NULL,
		   "--full while the canary is not the stable");
	kube_rollout_free(ro);
	ro = paused_with("\"controllerPause\":true,",
			 "\"controllerPause\":true,\"canary\":{\"currentStepAnalysisRunStatus\":"
			 "{\"name\":\"web-2-1\",\"status\":\"Inconclusive\"}},");
	tap_ok(ro && ro->step_inconclusive, "an inconclusive step analysis read");
	promote_is(ro, false, "{\"status\":{\"pauseConditions\":null,\"controllerPause\":false,"
		   "\"currentStepIndex\":2}}", NULL,
		   "inconclusive analysis: the controller's pause lifted, on to the next step");
	kube_rollout_free(ro);
	ro = paused_with("\"pauseConditions\":[{\"reason\":\"CanaryPauseStep\",\"startTime\":"
			 "\"2026-01-01T00:00:00Z\"}],", "");
	promote_is(ro, false, "{\"status\":{\"pauseConditions\":null,\"currentStepIndex\":2}}",
		   NULL, "not paused, in the middle of the steps: the next step");
	kube_rollout_free(ro);
	ro = paused_with("\"replicas\":4,", "\"replicas\":4,\"paused\":true,");
	promote_is(ro, false, "{\"status\":{\"pauseConditions\":null}}",
		   "{\"spec\":{\"paused\":false}}", "spec.paused too: unpaused");
	kube_rollout_free(ro);
	ro = paused_with("\"currentPodHash\":\"h2\"", "\"currentPodHash\":\"h1\"");
	promote_is(ro, true, NULL, NULL, "--full when the stable is the current: nothing");
	kube_rollout_free(ro);
}

/* A Rollout as the apiserver answers a GET, with a container of each kind. */
static const char rollout_read[] =
	"{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Rollout\","
	"\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"resourceVersion\":\"77\","
	"\"annotations\":{\"rollout.argoproj.io/revision\":\"3\"}},"
	"\"spec\":{\"replicas\":4,\"restartAt\":\"2026-01-01T00:00:00Z\","
	"\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
	"\"spec\":{\"initContainers\":[{\"name\":\"migrate\",\"image\":\"reg:5000/web:1.0\"}],"
	"\"containers\":[{\"name\":\"web\",\"image\":\"reg:5000/web:1.0\",\"ports\":[{\"containerPort\":8080}]},"
	"{\"name\":\"proxy\",\"image\":\"envoy:1.30\"}],"
	"\"ephemeralContainers\":[{\"name\":\"debug\",\"image\":\"busybox\"}]}},"
	"\"strategy\":{\"canary\":{\"steps\":[{\"setWeight\":25},{\"pause\":{}}]}}},"
	"\"status\":{\"phase\":\"Healthy\",\"currentStepIndex\":2}}";

/* The image at the dotted path of json's object ("spec.template.spec.containers.1"). */
static char *image_at(const char *json, const char *list, int i)
{
	cJSON *o = cJSON_Parse(json);
	const cJSON *l = kube_json_path(o, "spec.template.spec");
	const char *img = kube_json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(l, list), i),
					"image");
	char *s = img ? strdup(img) : NULL;

	cJSON_Delete(o);
	return s;
}

/* The PUT's body: the object read, every field as it was (resourceVersion
 * too: a stale one gets the 409 the plugin retries on), and the image on
 * each container of that name in all three lists, or on all for "*". */
static void test_set_image_object(void)
{
	struct err err;
	char *out = kube_argo_set_image_object(rollout_read, "web", "reg:5000/web:2.0", &err), *img;
	cJSON *got, *want;

	tap_ok(out != NULL, "set image web: an object to PUT");
	got = cJSON_Parse(out ? out : "");
	want = cJSON_Parse(rollout_read);
	{
		cJSON *spec = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(want, "spec"),
							 "template"), "spec");

		cJSON_ReplaceItemInObjectCaseSensitive(
			cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(spec, "containers"), 0),
			"image", cJSON_CreateString("reg:5000/web:2.0"));
	}
	tap_ok(got && cJSON_Compare(got, want, true),
	       "only the image of the container named web changed");
	cJSON_Delete(got);
	cJSON_Delete(want);
	img = out ? image_at(out, "initContainers", 0) : NULL;
	tap_ok(img && !strcmp(img, "reg:5000/web:1.0"), "the init container migrate keeps its image");
	free(img);
	free(out);

	out = kube_argo_set_image_object(rollout_read, "*", "reg:5000/web:3.0", &err);
	{
		int changed = 0;
		const char *lists[] = { "initContainers", "containers", "containers", "ephemeralContainers" };
		const int idx[] = { 0, 0, 1, 0 };

		for (int i = 0; i < 4; i++) {
			img = out ? image_at(out, lists[i], idx[i]) : NULL;
			changed += img && !strcmp(img, "reg:5000/web:3.0");
			free(img);
		}
		tap_is_int(changed, 4, "* sets every container of every list");
	}
	free(out);

	out = kube_argo_set_image_object(rollout_read, "migrate", "reg:5000/web:2.0", &err);
	img = out ? image_at(out, "initContainers", 0) : NULL;
	tap_ok(img && !strcmp(img, "reg:5000/web:2.0"), "an init container by its name");
	free(img);
	free(out);

	out = kube_argo_set_image_object(rollout_read, "nope", "x:1", &err);
	tap_ok(!out, "no such container: nothing to PUT");
	tap_is_str(err.msg, "unable to find container named \"nope\"", "the plugin's error");
	free(out);
	out = kube_argo_set_image_object("<html>", "web", "x:1", &err);
	tap_ok(!out, "not JSON: nothing to PUT");
}

/* The action from the store's row: a tag keeps the repository, from and to
 * name the container, the target is the Rollout. */
static void test_set_image_action(void)
{
	static struct app app;
	char dir[] = "/tmp/shipdeck-test-argo-XXXXXX", path[300];
	struct action_req *req;
	struct err err;
	FILE *f;

	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/kubeconfig", dir);
	f = fopen(path, "w");
	fputs("apiVersion: v1\nkind: Config\ncurrent-context: t\n"
	      "clusters: [{name: t, cluster: {server: \"http://127.0.0.1:1\"}}]\n"
	      "users: [{name: t, user: {}}]\n"
	      "contexts: [{name: t, context: {cluster: t, user: t, namespace: default}}]\n", f);
	fclose(f);
	store_init(&app.store);
	app.rt.store = &app.store;
	app.rt.opts = &app.opts;
	app.opts.kubeconfig = path;
	tap_ok(kube_client_open(&app.rt, &app.rt.kube, &err) == 0, "a client for the test");
	req = kube_req_argo_set_image(&app.rt, "default", "web", NULL, "2.0", &err);
	tap_ok(!req, "no such Rollout in the store: no action");
	tap_is_str(err.msg, "rollout \"web\" not found in namespace default", "and why");

	upsert(&app.store.kube, KUBE_ROLLOUTS, rollout_read);
	req = kube_req_argo_set_image(&app.rt, "default", "web", NULL, "2.0", &err);
	tap_ok(!req, "two containers and none named: no action");
	tap_is_str(err.msg, "rollout \"web\" has 2 containers: say which with --container (* for all)",
		   "say which");
	req = kube_req_argo_set_image(&app.rt, "default", "web", "web", "2.0", &err);
	tap_ok(req && req->action == ACTION_DEPLOY && !strcmp(req->target, "rollout/web"),
	       "deploy to rollout/web");
	tap_is_str(req ? req->from : NULL, "web=reg:5000/web:1.0", "from: the container's image");
	tap_is_str(req ? req->to : NULL, "web=reg:5000/web:2.0", "to: a tag keeps the repository");
	tap_is_str(req ? req->question : NULL, "Deploy reg:5000/web:2.0 to rollout/web?",
		   "the question names image and Rollout");
	tap_is_str(req && req->ndetails ? req->details[0] : NULL,
		   "the controller takes it through its 2 steps, from step 1 (setWeight: 25)",
		   "and what the controller does with it");
	action_req_free(req);
	req = kube_req_argo_set_image(&app.rt, "default", "web", "proxy", "envoy:1.31", &err);
	tap_is_str(req ? req->to : NULL, "proxy=envoy:1.31", "another container, a whole image");
	action_req_free(req);
	req = kube_req_argo_set_image(&app.rt, "default", "web", "nope", "1", &err);
	tap_ok(!req, "no such container: no action");
	tap_is_str(err.msg, "unable to find container named \"nope\" in rollout \"web\"", "and why");
	kube_client_free(&app.rt.kube);
	store_free(&app.store);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_rollout();
	test_blue_green();
	test_analysisrun();
	test_flagger();
	test_discovery_list();
	test_promote_patches();
	test_set_image_object();
	test_set_image_action();
	return tap_done();
}
