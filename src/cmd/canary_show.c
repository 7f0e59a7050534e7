#include "cmd/canary_show.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/kubecmd.h"
#include "metrics/analysis.h"
#include "util/jsonout.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

void canary_json_put(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	puts(s);
	fflush(stdout);
	cJSON_free(s);
	cJSON_Delete(o);
}

/* Empty fields of a release (fixed-size names) are null too. */
static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
	json_add_str(o, key, v && *v ? v : NULL);
}

static void add_number_or_null(cJSON *o, const char *key, double v, bool have)
{
	if (have && isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *deploy_json(const char *name, const struct kube_deployment *d, const char *image)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "deployment", name);
	cJSON_AddBoolToObject(o, "exists", d != NULL);
	cJSON_AddNumberToObject(o, "replicas", d ? d->replicas : 0);
	cJSON_AddNumberToObject(o, "ready", d ? d->ready : 0);
	add_str_or_null(o, "image", image);
	return o;
}

cJSON *canary_json_release(const struct release *r)
{
	cJSON *o = cJSON_CreateObject(), *steps, *d;

	cJSON_AddStringToObject(o, "app", r->conf->name);
	cJSON_AddStringToObject(o, "namespace", r->ns);
	cJSON_AddStringToObject(o, "strategy", r->blue_green ? "blue-green" : "canary");
	cJSON_AddStringToObject(o, "phase", release_phase_name(r->phase));
	if (r->blue_green) {
		d = deploy_json(r->live_name, r->live_d, r->stable_image);
		cJSON_AddStringToObject(d, "color", r->live);
		cJSON_AddItemToObject(o, "live", d);
		d = deploy_json(r->idle_name, r->idle_d, r->canary_image);
		cJSON_AddStringToObject(d, "color", r->idle);
		cJSON_AddBoolToObject(d, "readyToSwitch", r->idle_ready);
		cJSON_AddItemToObject(o, "idle", d);
		add_str_or_null(o, "previous", r->previous);
		json_add_time(o, "switchedAt", r->switched_at);
		add_str_or_null(o, "switchedBy", !r->switched_at ? NULL
				: r->switched_by_promote ? "promote" : "abort");
	} else {
		cJSON_AddNumberToObject(o, "step", r->step + 1);
		steps = cJSON_AddArrayToObject(o, "steps");
		for (size_t i = 0; i < r->conf->nsteps; i++)
			cJSON_AddItemToArray(steps, cJSON_CreateNumber(r->conf->steps[i]));
		cJSON_AddNumberToObject(o, "weight", r->weight);
		add_number_or_null(o, "actualWeight", r->actual, r->actual >= 0);
		cJSON_AddNumberToObject(o, "replicas", r->total);
		cJSON_AddItemToObject(o, "stable", deploy_json(r->stable_name, r->stable,
							       r->stable_image));
		cJSON_AddItemToObject(o, "canary", deploy_json(r->canary_name, r->canary,
							       r->canary_image));
		json_add_time(o, "stepStarted", r->step_at);
	}
	add_str_or_null(o, "problem", r->problem);
	return o;
}

cJSON *canary_json_result(const char *app, const struct canary_result *res)
{
	cJSON *o = cJSON_CreateObject(), *ms, *w;

	cJSON_AddStringToObject(o, "app", app);
	cJSON_AddStringToObject(o, "verdict", canary_verdict_name(res->verdict));
	cJSON_AddNumberToObject(o, "score", res->score);
	add_str_or_null(o, "summary", res->summary);
	add_str_or_null(o, "failedMetric", res->failed_metric);
	add_str_or_null(o, "error", res->error);
	w = cJSON_AddObjectToObject(o, "window");
	add_str_or_null(w, "canary", res->canary_deploy);
	add_str_or_null(w, "stable", res->stable_deploy);
	cJSON_AddNumberToObject(w, "seconds", (double)res->window_ms / 1000.0);
	json_add_time(w, "end", res->end_ms / 1000);
	ms = cJSON_AddArrayToObject(o, "metrics");
	for (size_t i = 0; i < res->nmetrics; i++) {
		const struct canary_metric_result *m = &res->metrics[i];
		bool have = m->cls != CANARY_CLASS_NODATA;
		cJSON *j = cJSON_CreateObject(), *n;

		cJSON_AddStringToObject(j, "name", m->name);
		cJSON_AddStringToObject(j, "better", m->higher_is_better ? "higher" : "lower");
		cJSON_AddStringToObject(j, "class", canary_class_name(m->cls));
		cJSON_AddBoolToObject(j, "passed", m->passed);
		cJSON_AddBoolToObject(j, "limitFailed", m->limit_failed);
		add_number_or_null(j, "stable", m->stable_value, have);
		add_number_or_null(j, "canary", m->canary_value, have);
		add_number_or_null(j, "difference", m->canary_value - m->stable_value, have);
		add_number_or_null(j, "stableMedian", m->stable_median, have);
		add_number_or_null(j, "canaryMedian", m->canary_median, have);
		add_number_or_null(j, "p", m->p, have);
		cJSON_AddBoolToObject(j, "exact", m->exact);
		add_number_or_null(j, "shift", m->shift, have);
		add_number_or_null(j, "shiftLow", m->shift_low, have);
		add_number_or_null(j, "shiftHigh", m->shift_high, have);
		n = cJSON_AddObjectToObject(j, "samples");
		cJSON_AddNumberToObject(n, "stable", (double)m->stable.n);
		cJSON_AddNumberToObject(n, "canary", (double)m->canary.n);
		add_str_or_null(j, "reason", m->reason);
		cJSON_AddItemToArray(ms, j);
	}
	return o;
}

static void print_deploy(FILE *out, const char *label, const char *name,
			 const struct kube_deployment *d, const char *image)
{
	if (!d)
		fprintf(out, "  %-7s deploy/%s does not exist\n", label, name);
	else
		fprintf(out, "  %-7s deploy/%s: %d replica%s, %d ready, %s\n", label, name,
			d->replicas, d->replicas == 1 ? "" : "s", d->ready,
			release_short_image(image));
}

void canary_print_release(FILE *out, const struct release *r)
{
	char when[40];

	fprintf(out, "app %s (%s) in namespace %s\n", r->conf->name,
		r->blue_green ? "blue/green" : "canary", r->ns);
	if (r->problem[0])
		fprintf(out, "  problem: %s\n", r->problem);
	if (r->blue_green) {
		if (!r->live[0])
			return;
		print_deploy(out, "live:", r->live_name, r->live_d, r->stable_image);
		print_deploy(out, "idle:", r->idle_name, r->idle_d, r->canary_image);
		fprintf(out, "  %s is %sready to take every request\n", r->idle,
			r->idle_ready ? "" : "not ");
		if (r->switched_at)
			fprintf(out, "  switched from %s at %s (%s)\n", r->previous,
				time_format_rfc3339((time_t)r->switched_at, when, sizeof when),
				r->switched_by_promote ? "promote" : "switch back");
		return;
	}
	if (r->phase == RELEASE_RUNNING || r->phase == RELEASE_PROMOTING)
		fprintf(out, "  phase:  %s, step %d of %zu (%d%%) since %s\n",
			release_phase_name(r->phase), r->step + 1, r->conf->nsteps, r->weight,
			time_format_rfc3339((time_t)r->step_at, when, sizeof when));
	else
		fprintf(out, "  phase:  %s\n", r->phase == RELEASE_NONE ? "no canary"
			: release_phase_name(r->phase));
	print_deploy(out, "stable:", r->stable_name, r->stable, r->stable_image);
	print_deploy(out, "canary:", r->canary_name, r->canary, r->canary_image);
	if (r->phase == RELEASE_RUNNING) {
		if (r->actual >= 0)
			fprintf(out, "  traffic: target %d%%, actual %d%% of ready pods\n",
				r->weight, r->actual);
		else
			fprintf(out, "  traffic: target %d%%, no pod ready\n", r->weight);
	}
}

static void fmt_num(double v, bool have, char *buf, size_t size)
{
	if (have)
		snprintf(buf, size, "%.4g", v);
	else
		snprintf(buf, size, "-");
}

void canary_print_result(FILE *out, const char *app, const struct canary_result *res)
{
	struct kubecmd_table t = { .ncols = 7 };
	char when[40];

	if (res->error) {
		fprintf(out, "%s: no analysis: %s\n", app, res->error);
		return;
	}
	fprintf(out, "analysis of %s: deploy/%s against deploy/%s, %.0fs to %s\n", app,
		res->canary_deploy ? res->canary_deploy : "?",
		res->stable_deploy ? res->stable_deploy : "?", (double)res->window_ms / 1000.0,
		time_format_rfc3339((time_t)(res->end_ms / 1000), when, sizeof when));
	kubecmd_table_row(&t, (const char *const[]){ "METRIC", "STABLE", "CANARY", "DIFF", "P",
						     "SHIFT [95% CI]", "CLASS" });
	for (size_t i = 0; i < res->nmetrics; i++) {
		const struct canary_metric_result *m = &res->metrics[i];
		bool have = m->cls != CANARY_CLASS_NODATA;
		char st[32], ca[32], diff[32], p[32], shift[96], cls[64];

		fmt_num(m->stable_value, have, st, sizeof st);
		fmt_num(m->canary_value, have, ca, sizeof ca);
		if (have) {
			canary_p_text(m->p, p, sizeof p);
			canary_diff_text(m->stable_value, m->canary_value, diff, sizeof diff);
			snprintf(shift, sizeof shift, "%+.3g [%.3g, %.3g]", m->shift, m->shift_low,
				 m->shift_high);
		} else {
			snprintf(p, sizeof p, "-");
			snprintf(diff, sizeof diff, "-");
			snprintf(shift, sizeof shift, "(%zu/%zu samples)", m->stable.n,
				 m->canary.n);
		}
		snprintf(cls, sizeof cls, "%s %s%s", canary_class_text(m->cls),
			 !have ? "?" : m->passed ? "ok" : "FAILED",
			 m->limit_failed ? " (limit)" : "");
		kubecmd_table_row(&t,
				  (const char *const[]){ m->name, st, ca, diff, p, shift, cls });
	}
	kubecmd_table_print(&t, out);
	kubecmd_table_free(&t);
	fprintf(out, "%s: %s\n", canary_verdict_name(res->verdict),
		res->summary ? res->summary : "");
}
