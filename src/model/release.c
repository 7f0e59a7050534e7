#include "model/release.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/timefmt.h"

bool release_rolled_out(const struct kube_deployment *d)
{
	return d && d->observed_generation >= d->generation && d->updated == d->replicas
		&& d->ready >= d->replicas && d->available >= d->replicas
		&& d->status_replicas == d->replicas;
}

const char *release_phase_name(enum release_phase phase)
{
	static const char *const names[] = { "none", "running", "promoting", "promoted",
					     "aborted" };

	return (unsigned)phase < 5 ? names[phase] : "?";
}

const char *release_short_image(const char *image)
{
	const char *slash = strrchr(image, '/');

	return slash ? slash + 1 : image;
}

static const char *ann_str(const cJSON *anns, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(anns, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int ann_int(const cJSON *anns, const char *key, int fallback)
{
	const char *s = ann_str(anns, key);
	char *end;
	long v;

	if (!s)
		return fallback;
	v = strtol(s, &end, 10);
	return end == s || *end || v < 0 || v > 1000000 ? fallback : (int)v;
}

static int64_t ann_time(const cJSON *anns, const char *key)
{
	time_t t;

	return time_parse_rfc3339(ann_str(anns, key), &t) ? 0 : (int64_t)t;
}

/* The first image of d's template ("" when none). */
static void first_image(const struct kube_deployment *d, char *buf, size_t size)
{
	const char *images = d && d->images ? d->images : "";
	size_t n = strcspn(images, ",");

	snprintf(buf, size, "%.*s", (int)n, images);
}

/* "a=b,c=d": the value of key, into buf; false when absent. */
static bool label_value(const char *labels, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = labels; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(buf, size, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return true;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static int step_of(const struct app_conf *c, int weight)
{
	for (size_t i = 0; i < c->nsteps; i++)
		if (c->steps[i] >= weight)
			return (int)i;
	return c->nsteps ? (int)c->nsteps - 1 : -1;
}

static void read_canary(const struct store_kube *k, struct release *r)
{
	const char *ns = r->ns;
	cJSON *anns = NULL;
	const char *phase;

	snprintf(r->stable_name, sizeof r->stable_name, "%s", r->conf->name);
	snprintf(r->canary_name, sizeof r->canary_name, "%s-canary", r->conf->name);
	r->stable = store_kube_deployment(k, ns, r->stable_name);
	r->canary = store_kube_deployment(k, ns, r->canary_name);
	first_image(r->stable, r->stable_image, sizeof r->stable_image);
	first_image(r->canary, r->canary_image, sizeof r->canary_image);
	r->stable_ready = r->stable ? r->stable->ready : 0;
	r->canary_ready = r->canary ? r->canary->ready : 0;
	if (r->stable_ready + r->canary_ready > 0)
		r->actual = (int)lround(100.0 * r->canary_ready
					/ (r->stable_ready + r->canary_ready));
	r->total = r->stable ? r->stable->replicas : 0;
	if (!r->stable) {
		snprintf(r->problem, sizeof r->problem, "no deployment %s in namespace %s: the "
			 "canary of app %s starts from it", r->stable_name, ns, r->conf->name);
		return;
	}
	if (!r->canary)
		return;
	anns = cJSON_Parse(r->canary->annotations_json ? r->canary->annotations_json : "{}");
	phase = ann_str(anns, RELEASE_ANN_PHASE);
	if (!phase) {
		snprintf(r->problem, sizeof r->problem, "deploy/%s was not made by shipdeck (no %s "
			 "annotation): delete it or rename it to start a canary", r->canary_name,
			 RELEASE_ANN_PHASE);
		goto out;
	}
	if (!strcmp(phase, "running"))
		r->phase = RELEASE_RUNNING;
	else if (!strcmp(phase, "promoting"))
		r->phase = RELEASE_PROMOTING;
	else if (!strcmp(phase, "promoted"))
		r->phase = RELEASE_PROMOTED;
	else
		r->phase = RELEASE_ABORTED;
	r->weight = ann_int(anns, RELEASE_ANN_WEIGHT, 0);
	r->step = r->weight ? step_of(r->conf, r->weight) : -1;
	r->step_at = ann_time(anns, RELEASE_ANN_STEP_AT);
	{
		const struct kube_condition *prog = kube_deployment_condition(r->canary,
									     "Progressing");

		r->canary_stalled = prog && prog->reason
			&& !strcmp(prog->reason, "ProgressDeadlineExceeded");
	}
	/* while a canary runs, the stable is below its size: the annotation
	 * remembers it */
	if (r->phase == RELEASE_RUNNING || r->phase == RELEASE_PROMOTING)
		r->total = ann_int(anns, RELEASE_ANN_TOTAL, r->total);
out:
	cJSON_Delete(anns);
}

/* All of d's pods are the current template's and ready. */
static bool all_ready(const struct kube_deployment *d)
{
	return d && d->replicas > 0 && release_rolled_out(d);
}

static void read_blue_green(const struct store_kube *k, struct release *r)
{
	const char *ns = r->ns, *name = r->conf->name;
	cJSON *anns;
	const char *by;

	r->service = store_kube_find(k, KUBE_SERVICES, ns, name);
	if (!r->service) {
		snprintf(r->problem, sizeof r->problem, "no service %s in namespace %s: blue/green "
			 "switches its selector", name, ns);
		return;
	}
	if (!label_value(r->service->selector, RELEASE_COLOR_LABEL, r->live, sizeof r->live)
	    || (strcmp(r->live, "blue") && strcmp(r->live, "green"))) {
		snprintf(r->problem, sizeof r->problem, "service/%s selects %s: add %s: blue (or "
			 "green) to its selector", name,
			 *r->service->selector ? r->service->selector : "nothing",
			 RELEASE_COLOR_LABEL);
		r->live[0] = '\0';
		return;
	}
	snprintf(r->idle, sizeof r->idle, "%s", strcmp(r->live, "blue") ? "blue" : "green");
	snprintf(r->live_name, sizeof r->live_name, "%s-%s", name, r->live);
	snprintf(r->idle_name, sizeof r->idle_name, "%s-%s", name, r->idle);
	r->live_d = store_kube_deployment(k, ns, r->live_name);
	r->idle_d = store_kube_deployment(k, ns, r->idle_name);
	r->idle_ready = all_ready(r->idle_d);
	first_image(r->live_d, r->stable_image, sizeof r->stable_image);
	first_image(r->idle_d, r->canary_image, sizeof r->canary_image);
	anns = cJSON_Parse(r->service->annotations_json ? r->service->annotations_json : "{}");
	snprintf(r->previous, sizeof r->previous, "%s",
		 ann_str(anns, RELEASE_ANN_PREVIOUS) ? ann_str(anns, RELEASE_ANN_PREVIOUS) : "");
	if (r->previous[0])
		snprintf(r->previous_name, sizeof r->previous_name, "%s-%s", name, r->previous);
	r->switched_at = ann_time(anns, RELEASE_ANN_SWITCHED_AT);
	by = ann_str(anns, RELEASE_ANN_SWITCHED_BY);
	r->switched_by_promote = by && !strcmp(by, "promote");
	if (r->switched_at)
		r->phase = r->switched_by_promote ? RELEASE_PROMOTED : RELEASE_ABORTED;
	cJSON_Delete(anns);
	if (!r->live_d)
		snprintf(r->problem, sizeof r->problem, "no deployment %s in namespace %s: "
			 "service/%s sends every request to it", r->live_name, ns, name);
	else if (!r->idle_d)
		snprintf(r->problem, sizeof r->problem, "no deployment %s in namespace %s: "
			 "blue/green needs both colours", r->idle_name, ns);
}

void release_read(const struct store_kube *k, const struct app_conf *conf, const char *ns,
		  struct release *r)
{
	memset(r, 0, sizeof *r);
	r->conf = conf;
	snprintf(r->ns, sizeof r->ns, "%s", ns ? ns : "");
	r->step = -1;
	r->actual = -1;
	r->blue_green = conf->strategy == RELEASE_BLUE_GREEN;
	if (r->blue_green)
		read_blue_green(k, r);
	else
		read_canary(k, r);
}

const char *release_ns(const struct store_kube *k, const struct app_conf *conf)
{
	if (conf->namespace)
		return conf->namespace;
	if (k->namespace && *k->namespace)
		return k->namespace;
	return "default";
}
