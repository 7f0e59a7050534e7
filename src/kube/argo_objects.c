/* Argo Rollouts' Rollout and AnalysisRun and Flagger's Canary → the
 * store's structs (store/argo.h). Only what the panes, the headless
 * commands and the actions use is kept; every type is checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/objects.h"
#include "kube/objects_read.h"
#include "store/argo.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

enum { MEASUREMENTS_SHOWN = 5 };

static int32_t int_at(const cJSON *o, const char *dotted, int32_t fallback)
{
	long long v = kube_json_int(o, dotted, fallback);

	return v < INT32_MIN || v > INT32_MAX ? fallback : (int32_t)v;
}

/* A pause's duration: "30s", or a number of seconds. */
static char *pause_text(const cJSON *pause)
{
	const cJSON *d = kube_json_path(pause, "duration");

	if (cJSON_IsString(d))
		return xasprintf("pause: %s", d->valuestring);
	if (cJSON_IsNumber(d) && d->valuedouble >= 0 && d->valuedouble < 1e12)
		return xasprintf("pause: %llds", (long long)d->valuedouble);
	return xstrdup("pause");
}

/* One canary step as the plugin names it; weight -1 unless setWeight. */
static void read_step(const cJSON *s, struct kube_rollout_step *out)
{
	static const char *const others[] = { "experiment", "analysis", "setCanaryScale",
					      "setHeaderRoute", "setMirrorRoute", "plugin" };
	const cJSON *w = kube_json_path(s, "setWeight");

	out->weight = -1;
	if (cJSON_IsNumber(w)) {
		out->weight = int_at(s, "setWeight", 0);
		out->text = xasprintf("setWeight: %d", out->weight);
		return;
	}
	if (cJSON_IsObject(kube_json_path(s, "pause"))) {
		out->pause = true;
		out->text = pause_text(kube_json_path(s, "pause"));
		return;
	}
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		if (kube_json_path(s, others[i])) {
			out->text = xstrdup(others[i]);
			return;
		}
	out->text = xstrdup("invalid");
}

static char *join_strings(const cJSON *arr, const char *field)
{
	struct strbuf sb = { 0 };
	const cJSON *it;

	cJSON_ArrayForEach(it, kube_json_array(arr)) {
		const char *s = field ? kube_json_str(it, field) : cJSON_IsString(it)
			? it->valuestring : NULL;

		if (s)
			sb_printf(&sb, "%s%s", sb.len ? ", " : "", s);
	}
	return sb.len ? sb_steal(&sb) : (sb_free(&sb), NULL);
}

/* An int field that may be absent: -1 then. */
static int32_t opt_int(const cJSON *o, const char *dotted)
{
	return cJSON_IsNumber(kube_json_path(o, dotted)) ? int_at(o, dotted, -1) : -1;
}

void *kube_rollout_parse(const cJSON *o)
{
	struct kube_rollout *r = xcalloc(1, sizeof *r);
	const cJSON *canary = kube_json_path(o, "spec.strategy.canary");
	const cJSON *steps = kube_json_path(canary, "steps"), *s;
	const cJSON *og = kube_json_path(o, "status.observedGeneration");
	struct kube_template_facts facts;
	size_t cap = 0;

	kube_read_meta(&r->meta, o);
	r->generation = kube_json_int(o, "metadata.generation", 0);
	if (cJSON_IsString(og))
		r->observed_generation = xstrdup(og->valuestring);
	else if (cJSON_IsNumber(og))
		r->observed_generation = xasprintf("%lld", kube_json_int(o,
			"status.observedGeneration", 0));
	r->replicas = int_at(o, "spec.replicas", 1);
	r->status_replicas = int_at(o, "status.replicas", 0);
	r->updated = int_at(o, "status.updatedReplicas", 0);
	r->ready = int_at(o, "status.readyReplicas", 0);
	r->available = int_at(o, "status.availableReplicas", 0);
	r->blue_green = cJSON_IsObject(kube_json_path(o, "spec.strategy.blueGreen"));
	r->traffic_routing = cJSON_IsObject(kube_json_path(canary, "trafficRouting"));
	cJSON_ArrayForEach(s, kube_json_array(steps)) {
		xgrow(&r->steps, &cap, r->nsteps + 1, sizeof *r->steps);
		read_step(s, &r->steps[r->nsteps]);
		r->nsteps++;
	}
	r->step_index = opt_int(o, "status.currentStepIndex");
	r->router_weight = opt_int(o, "status.canary.weights.canary.weight");
	r->paused = cJSON_IsTrue(kube_json_path(o, "spec.paused"));
	r->controller_pause = cJSON_IsTrue(kube_json_path(o, "status.controllerPause"));
	r->pause_reasons = join_strings(kube_json_path(o, "status.pauseConditions"), "reason");
	r->abort = cJSON_IsTrue(kube_json_path(o, "status.abort"));
	{
		const char *sp = kube_json_str(o,
					       "status.canary.currentStepAnalysisRunStatus.status");

		r->step_inconclusive = sp && !strcmp(sp, "Inconclusive");
	}
	r->phase = kube_dup_str(o, "status.phase");
	r->message = kube_dup_str(o, "status.message");
	r->stable_hash = kube_dup_str(o, "status.stableRS");
	r->current_hash = kube_dup_str(o, "status.currentPodHash");
	r->active_hash = kube_dup_str(o, "status.blueGreen.activeSelector");
	r->preview_hash = kube_dup_str(o, "status.blueGreen.previewSelector");
	r->template_json = kube_compact(kube_json_path(o, "spec.template"));
	r->workload_ref = kube_dup_str(o, "spec.workloadRef.name");
	r->restart_at = kube_json_time(o, "spec.restartAt");
	kube_template_facts(kube_json_path(o, "spec.template"), &facts, &r->images);
	kube_read_conditions(o, &r->conditions, &r->nconditions);
	return r;
}

/* A measurement's value as Argo stores it: a string, often "[0.97]". */
static void read_metric(const cJSON *m, struct kube_analysis_metric *k)
{
	const cJSON *ms = kube_json_array(kube_json_path(m, "measurements"));
	int n = ms ? cJSON_GetArraySize(ms) : 0;
	struct strbuf sb = { 0 };
	const char *last_msg = NULL;

	k->name = kube_dup_str(m, "name");
	k->phase = kube_dup_str(m, "phase");
	k->count = int_at(m, "count", 0);
	k->successful = int_at(m, "successful", 0);
	k->failed = int_at(m, "failed", 0);
	k->inconclusive = int_at(m, "inconclusive", 0);
	k->errors = int_at(m, "error", 0);
	for (int i = n > MEASUREMENTS_SHOWN ? n - MEASUREMENTS_SHOWN : 0; i < n; i++) {
		const cJSON *x = cJSON_GetArrayItem(ms, i);
		const char *v = kube_json_str(x, "value"), *ph = kube_json_str(x, "phase");

		sb_printf(&sb, "%s%s", sb.len ? ", " : "", v ? v : ph ? ph : "?");
		if (kube_json_str(x, "message"))
			last_msg = kube_json_str(x, "message");
	}
	k->values = sb_steal(&sb);
	k->message = last_msg ? xstrdup(last_msg) : kube_dup_str(m, "message");
}

void *kube_analysisrun_parse(const cJSON *o)
{
	struct kube_analysisrun *a = xcalloc(1, sizeof *a);
	const cJSON *m;
	size_t cap = 0;

	kube_read_meta(&a->meta, o);
	kube_read_owner(o, "Rollout", &a->owner, &a->owner_uid);
	a->revision = kube_revision_annotation(o, "rollout.argoproj.io/revision");
	a->phase = kube_dup_str(o, "status.phase");
	a->message = kube_dup_str(o, "status.message");
	cJSON_ArrayForEach(m, kube_json_array(kube_json_path(o, "status.metricResults"))) {
		if (!kube_json_str(m, "name"))
			continue;
		xgrow(&a->metrics, &cap, a->nmetrics + 1, sizeof *a->metrics);
		read_metric(m, &a->metrics[a->nmetrics++]);
	}
	return a;
}

void *kube_flagger_canary_parse(const cJSON *o)
{
	struct kube_flagger_canary *c = xcalloc(1, sizeof *c);
	const cJSON *an = kube_json_path(o, "spec.analysis"), *cond;

	kube_read_meta(&c->meta, o);
	c->target = kube_dup_str(o, "spec.targetRef.name");
	c->provider = kube_dup_str(o, "spec.provider");
	c->skip_analysis = cJSON_IsTrue(kube_json_path(o, "spec.skipAnalysis"));
	c->iterations = int_at(an, "iterations", 0);
	c->threshold = int_at(an, "threshold", 0);
	c->max_weight = int_at(an, "maxWeight", 0);
	c->step_weight = int_at(an, "stepWeight", 0);
	/* Flagger's blue/green: a number of iterations, no weights to step through */
	c->blue_green = c->iterations > 0 && !c->step_weight
		&& !kube_json_array(kube_json_path(an, "stepWeights"));
	c->phase = kube_dup_str(o, "status.phase");
	c->weight = int_at(o, "status.canaryWeight", 0);
	c->failed_checks = int_at(o, "status.failedChecks", 0);
	c->done_iterations = int_at(o, "status.iterations", 0);
	c->last_transition = kube_json_time(o, "status.lastTransitionTime");
	cJSON_ArrayForEach(cond, kube_json_array(kube_json_path(o, "status.conditions"))) {
		const char *type = kube_json_str(cond, "type");

		if (type && !strcmp(type, "Promoted") && !c->message)
			c->message = kube_dup_str(cond, "message");
	}
	return c;
}
