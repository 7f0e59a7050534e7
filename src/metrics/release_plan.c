/* The changes that move a release on: start, promote, abort, and the end of a
 * promotion. Each is a list of requests, written as kubectl would send them
 * (KUBE-API.md §D): the scale subresource for sizes, merge patches for
 * annotations, a JSON patch where a whole pod template is replaced. */
#include "metrics/release.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/client.h"
#include "kube/objects.h"
#include "kube/rollout_ops.h"
#include "util/timefmt.h"
#include "util/imgref.h"
#include "util/xalloc.h"

void release_plan_free(struct release_plan *p)
{
	free(p->target);
	free(p->from);
	free(p->to);
	free(p->question);
	for (size_t i = 0; i < p->ndetails; i++)
		free(p->details[i]);
	for (size_t i = 0; i < p->ncalls; i++)
		kube_change_free(&p->calls[i]);
	free(p->done_message);
	memset(p, 0, sizeof *p);
}

static void plan_init(struct release_plan *p, enum action_id action, const char *kind,
		      const char *name)
{
	memset(p, 0, sizeof *p);
	p->action = action;
	p->target = xasprintf("%s/%s", kind, name);
}

/* Takes path and body. */
static void plan_call(struct release_plan *p, const char *method, char *path,
		      const char *content_type, char *body)
{
	p->calls[p->ncalls++] = (struct kube_change){
		.method = xstrdup(method), .path = path, .content_type = xstrdup(content_type),
		.body = body,
	};
}

static void plan_detail(struct release_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void plan_detail(struct release_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (p->ndetails == RELEASE_MAX_DETAILS)
		return;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	p->details[p->ndetails++] = line;
}

static char *json_take(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o), *out = xstrdup(s);

	cJSON_free(s);
	cJSON_Delete(o);
	return out;
}

static void scale_call(struct release_plan *p, const char *ns, const char *name, int replicas)
{
	char *base = kube_path(KUBE_DEPLOYMENTS, ns, name);

	plan_call(p, "PATCH", xasprintf("%s/scale", base), "application/merge-patch+json",
		  xasprintf("{\"spec\":{\"replicas\":%d}}", replicas));
	free(base);
}

static void rfc3339(int64_t t, char *buf, size_t size)
{
	time_format_rfc3339((time_t)t, buf, size);
}

/* A merge patch of annotations (and replicas, when >= 0). */
static char *annotations_patch(int replicas, const char *const *kv)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *anns = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "metadata"),
					      "annotations");

	for (; kv[0]; kv += 2)
		cJSON_AddStringToObject(anns, kv[0], kv[1]);
	if (replicas >= 0)
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "spec"), "replicas", replicas);
	return json_take(o);
}

#define CHANGE_CAUSE "kubernetes.io/change-cause"

/* What a change says it is in `kubectl rollout history` (the controller
 * copies a Deployment's cause to the replica set it rolls out):
 * "shipdeck promote shop greet:1.1 (canary 100%) by ada". Caller frees. */
static char *change_cause(const struct release *r, const char *what, const char *image,
			  const char *how)
{
	return xasprintf("shipdeck %s %s %s%s%s by %s", what, r->conf->name,
			 release_short_image(image), how ? " " : "", how ? how : "",
			 r->by ? r->by : "unknown");
}

/* The repository of an image: without the tag and digest. */
static void image_repo(const char *image, char *buf, size_t size)
{
	struct imgref r;

	imgref_split(image, &r);
	snprintf(buf, size, "%.*s", (int)r.name_len, image);
}

/* The container of the template whose image the new one replaces: the
 * one of the same repository (the argument's, or image.name's), else the
 * only one. Returns it, or NULL with err. */
static cJSON *pick_container(cJSON *tmpl, const char *deploy, const char *arg,
			     const char *image_name, struct err *err)
{
	cJSON *cs = (cJSON *)kube_json_array(kube_json_path(tmpl, "spec.containers")), *c;
	cJSON *hit = NULL;
	char want[256], have[256];
	int n = cJSON_GetArraySize(cs), hits = 0;

	if (strchr(arg, '/'))
		image_repo(arg, want, sizeof want);
	else
		snprintf(want, sizeof want, "%s", image_name ? image_name : "");
	cJSON_ArrayForEach(c, cs) {
		const char *img = kube_json_str(c, "image");

		image_repo(img ? img : "", have, sizeof have);
		if (*want && !strcmp(want, have)) {
			hit = c;
			hits++;
		}
	}
	if (hits == 1)
		return hit;
	if (!hits && n == 1)
		return cJSON_GetArrayItem(cs, 0);
	if (!n)
		err_set(err, "deploy/%s has no containers", deploy);
	else
		err_set(err, "deploy/%s has %d containers%s%s: give a whole image of one of their "
			"repositories", deploy, n, hits ? " of " : "", hits ? want : "");
	return NULL;
}

/* "a=b,c=d" → {"a":"b","c":"d"}. */
static cJSON *labels_object(const char *text)
{
	cJSON *o = cJSON_CreateObject();

	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, ","), k = strcspn(p, "=");
		char *key, *val;

		if (k < n) {
			key = xstrndup(p, k);
			val = xstrndup(p + k + 1, n - k - 1);
			cJSON_AddStringToObject(o, key, val);
			free(key);
			free(val);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return o;
}

static void set_label(cJSON *labels, const char *key, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(labels, key);
	cJSON_AddStringToObject(labels, key, value);
}

/* Sets obj's key to item whether obj has that key or not: cJSON's replace
 * does nothing (and leaks item) when the key is missing. */
static void set_item(cJSON *obj, const char *key, cJSON *item)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	cJSON_AddItemToObject(obj, key, item);
}

/* The canary's object, or a JSON patch of the existing one. */
static char *canary_body(const struct release *r, cJSON *tmpl, cJSON *selector, int replicas,
			 const char *const *anns, bool create)
{
	cJSON *o, *spec, *a;

	if (create) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "apiVersion", "apps/v1");
		cJSON_AddStringToObject(o, "kind", "Deployment");
		a = cJSON_AddObjectToObject(o, "metadata");
		cJSON_AddStringToObject(a, "name", r->canary_name);
		cJSON_AddStringToObject(a, "namespace", r->ns);
		cJSON_AddItemToObject(a, "labels",
				      cJSON_Duplicate(kube_json_path(tmpl, "metadata.labels"), 1));
		a = cJSON_AddObjectToObject(a, "annotations");
		for (const char *const *kv = anns; kv[0]; kv += 2)
			cJSON_AddStringToObject(a, kv[0], kv[1]);
		spec = cJSON_AddObjectToObject(o, "spec");
		cJSON_AddNumberToObject(spec, "replicas", replicas);
		cJSON_AddNumberToObject(spec, "progressDeadlineSeconds",
					r->stable->progress_deadline);
		cJSON_AddItemToObject(cJSON_AddObjectToObject(spec, "selector"), "matchLabels",
				      cJSON_Duplicate(selector, 1));
		cJSON_AddItemToObject(spec, "template", cJSON_Duplicate(tmpl, 1));
		return json_take(o);
	}
	o = cJSON_CreateArray();
	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "op", "replace");
	cJSON_AddStringToObject(a, "path", "/spec/template");
	cJSON_AddItemToObject(a, "value", cJSON_Duplicate(tmpl, 1));
	cJSON_AddItemToArray(o, a);
	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "op", "replace");
	cJSON_AddStringToObject(a, "path", "/spec/replicas");
	cJSON_AddNumberToObject(a, "value", replicas);
	cJSON_AddItemToArray(o, a);
	for (const char *const *kv = anns; kv[0]; kv += 2) {
		/* JSON pointer: '/' in the key is written ~1 */
		char path[160], *d = path + snprintf(path, sizeof path, "/metadata/annotations/");

		for (const char *s = kv[0]; *s && d < path + sizeof path - 3; s++) {
			if (*s == '/') {
				*d++ = '~';
				*d++ = '1';
			} else {
				*d++ = *s;
			}
		}
		*d = '\0';
		a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "op", "add");
		cJSON_AddStringToObject(a, "path", path);
		cJSON_AddStringToObject(a, "value", kv[1]);
		cJSON_AddItemToArray(o, a);
	}
	return json_take(o);
}

/* "25 → 50 → 100%" */
static void steps_text(const struct app_conf *conf, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < conf->nsteps && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%d", i ? " → " : "", conf->steps[i]);
	if (n < size)
		snprintf(buf + n, size - n, "%%");
}

static int start_canary(const struct release *r, const char *arg, const char *image_name,
			int64_t now, struct release_plan *p, struct err *err)
{
	const struct app_conf *conf = r->conf;
	cJSON *tmpl = NULL, *selector = NULL, *labels, *container;
	char weight[16], total[16], when[40], steps[128], *image = NULL, *old = NULL, *body;
	const char *track;
	int c, rc = -1;

	if (r->problem[0])
		return err_set(err, "%s", r->problem);
	if (r->phase == RELEASE_RUNNING)
		return err_set(err, "a canary of %s runs at %d%% (%s): promote (p) or abort (a) it "
			       "first", conf->name, r->weight,
			       release_short_image(r->canary_image));
	if (r->phase == RELEASE_PROMOTING)
		return err_set(err, "the promotion of %s is under way: wait until deploy/%s has "
			       "rolled out", conf->name, r->stable_name);
	if (r->total < 2)
		return err_set(err, "deploy/%s has %d replica%s: a canary without a mesh needs at "
			       "least 2 (traffic follows the ready replicas)", r->stable_name,
			       r->total, r->total == 1 ? "" : "s");
	if (conf->steps[0] >= 100)
		return err_set(err, "app %s: the first step is 100%%: that is a plain deploy "
			       "(shipdeck deploy %s TAG)", conf->name, r->stable_name);
	selector = labels_object(r->stable->selector);
	track = kube_json_str(selector, RELEASE_TRACK_LABEL);
	if (!track || !strcmp(track, "canary")) {
		err_set(err, "deploy/%s selects %s: it would also select the canary's pods; give "
			"it a %s label (%s: stable) in its selector and pod template",
			r->stable_name, *r->stable->selector ? r->stable->selector : "every pod",
			RELEASE_TRACK_LABEL, RELEASE_TRACK_LABEL);
		goto out;
	}
	set_label(selector, RELEASE_TRACK_LABEL, "canary");
	if (r->canary) {
		cJSON *have = labels_object(r->canary->selector);
		bool same = cJSON_Compare(have, selector, 1);

		cJSON_Delete(have);
		if (!same) {
			err_set(err,
				"deploy/%s selects %s, not the canary track: delete it to start a "
				"canary", r->canary_name, r->canary->selector);
			goto out;
		}
	}
	tmpl = cJSON_Parse(r->stable->template_json ? r->stable->template_json : "{}");
	labels = (cJSON *)kube_json_object(kube_json_path(tmpl, "metadata.labels"));
	if (!labels) {
		err_set(err, "deploy/%s's pod template has no labels", r->stable_name);
		goto out;
	}
	container = pick_container(tmpl, r->stable_name, arg, image_name, err);
	if (!container)
		goto out;
	if (!cJSON_IsObject(container)) {
		err_set(err, "deploy/%s's pod template has a container that is not an object",
			r->stable_name);
		goto out;
	}
	set_label(labels, RELEASE_TRACK_LABEL, "canary");
	old = xstrdup(kube_json_str(container, "image") ? kube_json_str(container, "image") : "");
	image = kube_image_for(old, arg);
	set_item(container, "image", cJSON_CreateString(image));
	c = release_canary_replicas(r->total, conf->steps[0]);
	snprintf(weight, sizeof weight, "%d", conf->steps[0]);
	snprintf(total, sizeof total, "%d", r->total);
	rfc3339(now, when, sizeof when);
	{
		char *cause = change_cause(r, "canary start", image, NULL);
		const char *anns[] = { RELEASE_ANN_PHASE, "running", RELEASE_ANN_WEIGHT, weight,
				       RELEASE_ANN_TOTAL, total, RELEASE_ANN_STEP_AT, when,
				       CHANGE_CAUSE, cause, NULL };

		body = canary_body(r, tmpl, selector, c, anns, !r->canary);
		free(cause);
	}
	plan_init(p, ACTION_CANARY_START, "deploy", r->canary_name);
	if (r->canary)
		plan_call(p, "PATCH", kube_path(KUBE_DEPLOYMENTS, r->ns, r->canary_name),
			  "application/json-patch+json", body);
	else
		plan_call(p, "POST", kube_path(KUBE_DEPLOYMENTS, r->ns, NULL), "application/json",
			  body);
	/* the canary first, so that the total does not dip before it exists */
	scale_call(p, r->ns, r->stable_name, r->total - c);
	p->from = xasprintf("deploy/%s: %d × %s", r->stable_name, r->total,
			    release_short_image(old));
	p->to = xasprintf("deploy/%s: %d × %s + deploy/%s: %d × %s (%d%%)", r->stable_name,
			  r->total - c, release_short_image(old), r->canary_name, c,
			  release_short_image(image), conf->steps[0]);
	p->question = xasprintf("Start a canary of %s for %s at %d%% (%d of %d pods)?",
				release_short_image(image), conf->name, conf->steps[0], c,
				r->total);
	steps_text(conf, steps, sizeof steps);
	plan_detail(p, "service %s sends requests to the ready pods of both: ~%d%% to the "
		    "canary", conf->name, conf->steps[0]);
	plan_detail(p, "steps %s; an analysis every %llds; %d failed analyses abort in "
		    "automatic mode", steps, (long long)(conf->interval_ms / 1000),
		    conf->threshold);
	p->done_message = xasprintf("canary deploy/%s started at %d%% (%d of %d pods run %s)",
				    r->canary_name, conf->steps[0], c, r->total,
				    release_short_image(image));
	rc = 0;
out:
	free(old);
	free(image);
	cJSON_Delete(tmpl);
	cJSON_Delete(selector);
	return rc;
}

/* Blue/green start: the new image on the idle colour, as big as the live
 * one, so that promote can switch once it is ready. */
static int start_blue_green(const struct release *r, const char *arg, const char *image_name,
			    struct release_plan *p, struct err *err)
{
	cJSON *tmpl, *container, *c, *body, *spec, *order, *cs, *one;
	char *image, *old;
	int replicas;

	if (r->problem[0])
		return err_set(err, "%s", r->problem);
	tmpl = cJSON_Parse(r->idle_d->template_json ? r->idle_d->template_json : "{}");
	container = pick_container(tmpl, r->idle_name, arg, image_name, err);
	if (!container) {
		cJSON_Delete(tmpl);
		return -1;
	}
	old = xstrdup(kube_json_str(container, "image") ? kube_json_str(container, "image") : "");
	image = kube_image_for(old, arg);
	replicas = r->idle_d->replicas > r->live_d->replicas ? r->idle_d->replicas
		: r->live_d->replicas;
	/* strategic merge, as kubectl set image sends it */
	body = cJSON_CreateObject();
	{
		char *how = xasprintf("(idle %s)", r->idle);
		char *cause = change_cause(r, "canary start", image, how);

		cJSON_AddStringToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(body,
			"metadata"), "annotations"), CHANGE_CAUSE, cause);
		free(cause);
		free(how);
	}
	spec = cJSON_AddObjectToObject(body, "spec");
	cJSON_AddNumberToObject(spec, "replicas", replicas);
	spec = cJSON_AddObjectToObject(cJSON_AddObjectToObject(spec, "template"), "spec");
	order = cJSON_AddArrayToObject(spec, "$setElementOrder/containers");
	cs = cJSON_AddArrayToObject(spec, "containers");
	cJSON_ArrayForEach(c, kube_json_path(tmpl, "spec.containers")) {
		one = cJSON_CreateObject();
		cJSON_AddStringToObject(one, "name",
					kube_json_str(c, "name") ? kube_json_str(c, "name")
					: "");
		cJSON_AddItemToArray(order, one);
	}
	one = cJSON_CreateObject();
	cJSON_AddStringToObject(one, "image", image);
	cJSON_AddStringToObject(one, "name", kube_json_str(container, "name")
				? kube_json_str(container, "name") : "");
	cJSON_AddItemToArray(cs, one);
	cJSON_Delete(tmpl);
	plan_init(p, ACTION_CANARY_START, "deploy", r->idle_name);
	plan_call(p, "PATCH", kube_path(KUBE_DEPLOYMENTS, r->ns, r->idle_name),
		  "application/strategic-merge-patch+json", json_take(body));
	p->from = xasprintf("%s (idle): %d × %s", r->idle, r->idle_d->replicas,
			    release_short_image(old));
	p->to = xasprintf("%s (idle): %d × %s", r->idle, replicas, release_short_image(image));
	p->question = xasprintf("Deploy %s to the idle colour %s of %s?",
				release_short_image(image), r->idle, r->conf->name);
	plan_detail(p, "service %s keeps sending every request to %s (%s)", r->conf->name,
		    r->live, release_short_image(r->stable_image));
	plan_detail(p, "p switches it to %s once all %d pods are ready; a switches back",
		    r->idle, replicas);
	p->done_message = xasprintf("deploy/%s (idle) updated to %s", r->idle_name,
				    release_short_image(image));
	free(old);
	free(image);
	return 0;
}

int release_plan_start(const struct release *r, const char *tag_or_image,
		       const char *image_name, int64_t now, struct release_plan *p,
		       struct err *err)
{
	memset(p, 0, sizeof *p);
	if (!*tag_or_image)
		return err_set(err, "the tag or image is empty");
	if (r->blue_green)
		return start_blue_green(r, tag_or_image, image_name, p, err);
	return start_canary(r, tag_or_image, image_name, now, p, err);
}

/* "step 2 of 3: 50% (2 stable + 2 canary)" */
static char *step_text(const struct release *r, int step, int weight)
{
	int c = release_canary_replicas(r->total, weight);

	return xasprintf("step %d of %zu: %d%% (%d stable + %d canary)", step + 1,
			 r->conf->nsteps, weight, r->total - c, c);
}

static int not_running(const struct release *r, const char *verb, struct err *err)
{
	if (r->problem[0])
		return err_set(err, "%s", r->problem);
	switch (r->phase) {
	case RELEASE_PROMOTING:
		return err_set(err, "the promotion of %s is under way: deploy/%s runs the canary's "
			       "template%s", r->conf->name, r->stable_name,
			       strcmp(verb, "abort") ? "" : "; roll it back with r in the rollout "
			       "pane, or shipdeck rollout undo");
	case RELEASE_PROMOTED:
	case RELEASE_ABORTED:
		return err_set(err, "nothing to %s: the last canary of %s was %s; start another "
			       "with C on a tag, or shipdeck canary start %s TAG", verb,
			       r->conf->name, release_phase_name(r->phase), r->conf->name);
	default:
		return err_set(err, "nothing to %s: no canary of %s runs; start one with C on a "
			       "tag, or shipdeck canary start %s TAG", verb, r->conf->name,
			       r->conf->name);
	}
}

/* The stable takes the canary's pod template under its own labels, at its
 * full size: a normal rolling update. */
static char *stable_template_patch(const struct release *r, struct err *err)
{
	cJSON *tmpl = cJSON_Parse(r->canary->template_json ? r->canary->template_json : "{}");
	cJSON *stable = cJSON_Parse(r->stable->template_json ? r->stable->template_json : "{}");
	cJSON *md = (cJSON *)kube_json_object(kube_json_path(tmpl, "metadata"));
	cJSON *labels = (cJSON *)kube_json_object(kube_json_path(stable, "metadata.labels"));
	cJSON *patch, *op;

	if (!md || !labels) {
		cJSON_Delete(tmpl);
		cJSON_Delete(stable);
		err_set(err, "deploy/%s or deploy/%s has a pod template without labels",
			r->stable_name, r->canary_name);
		return NULL;
	}
	set_item(md, "labels", cJSON_Duplicate(labels, 1));
	cJSON_Delete(stable);
	patch = cJSON_CreateArray();
	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/spec/template");
	cJSON_AddItemToObject(op, "value", tmpl);
	cJSON_AddItemToArray(patch, op);
	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/spec/replicas");
	cJSON_AddNumberToObject(op, "value", r->total);
	cJSON_AddItemToArray(patch, op);
	{
		char *cause = change_cause(r, "promote", r->canary_image, "(canary 100%)");
		cJSON *anns = cJSON_Parse(r->stable->annotations_json ? r->stable->annotations_json
					  : "{}");

		/* a JSON patch cannot add a member to a map that is not there
		 * ("{}" stands for no annotations at all) */
		op = cJSON_CreateObject();
		cJSON_AddStringToObject(op, "op", "add");
		if (cJSON_GetArraySize(anns) > 0) {
			cJSON_AddStringToObject(op, "path", "/metadata/annotations/"
						"kubernetes.io~1change-cause");
			cJSON_AddStringToObject(op, "value", cause);
		} else {
			cJSON_AddStringToObject(op, "path", "/metadata/annotations");
			cJSON_AddStringToObject(cJSON_AddObjectToObject(op, "value"), CHANGE_CAUSE,
						cause);
		}
		cJSON_AddItemToArray(patch, op);
		cJSON_Delete(anns);
		free(cause);
	}
	return json_take(patch);
}

static int promote_canary(const struct release *r, int64_t now, struct release_plan *p,
			  struct err *err)
{
	const struct app_conf *conf = r->conf;
	int next = r->step + 1, w, c;
	char weight[16], when[40], *body;

	if (r->phase != RELEASE_RUNNING || !r->canary)
		return not_running(r, "promote", err);
	if (next >= (int)conf->nsteps)
		next = (int)conf->nsteps - 1;
	w = conf->steps[next];
	snprintf(weight, sizeof weight, "%d", w);
	rfc3339(now, when, sizeof when);
	if (w < 100) {
		const char *anns[] = { RELEASE_ANN_WEIGHT, weight, RELEASE_ANN_STEP_AT, when,
				       NULL };

		c = release_canary_replicas(r->total, w);
		plan_init(p, ACTION_PROMOTE, "deploy", r->canary_name);
		/* up first, then down: the total never dips below what serves now */
		plan_call(p, "PATCH", kube_path(KUBE_DEPLOYMENTS, r->ns, r->canary_name),
			  "application/merge-patch+json", annotations_patch(c, anns));
		scale_call(p, r->ns, r->stable_name, r->total - c);
		p->from = step_text(r, r->step, r->weight);
		p->to = step_text(r, next, w);
		p->question = xasprintf("Promote the canary of %s to %d%%?", conf->name, w);
		p->done_message = xasprintf("canary of %s promoted to %d%% (%d stable + %d canary)",
					    conf->name, w, r->total - c, c);
		return 0;
	}
	body = stable_template_patch(r, err);
	if (!body)
		return -1;
	{
		const char *anns[] = { RELEASE_ANN_PHASE, "promoting", RELEASE_ANN_WEIGHT, weight,
				       RELEASE_ANN_STEP_AT, when, NULL };

		plan_init(p, ACTION_PROMOTE, "deploy", r->stable_name);
		plan_call(p, "PATCH", kube_path(KUBE_DEPLOYMENTS, r->ns, r->stable_name),
			  "application/json-patch+json", body);
		plan_call(p, "PATCH", kube_path(KUBE_DEPLOYMENTS, r->ns, r->canary_name),
			  "application/merge-patch+json", annotations_patch(-1, anns));
	}
	p->from = step_text(r, r->step, r->weight);
	p->to = xasprintf("100%%: deploy/%s runs %s on %d pods (a rolling update), then "
			  "deploy/%s goes to 0", r->stable_name,
			  release_short_image(r->canary_image), r->total, r->canary_name);
	p->question = xasprintf("Promote the canary of %s to 100%% (deploy/%s takes its pod "
				"template)?", conf->name, r->stable_name);
	plan_detail(p, "- deploy/%s: %s", r->stable_name, release_short_image(r->stable_image));
	plan_detail(p, "+ deploy/%s: %s", r->stable_name, release_short_image(r->canary_image));
	p->done_message = xasprintf("canary of %s promoted to 100%%: deploy/%s rolls out %s",
				    conf->name, r->stable_name,
				    release_short_image(r->canary_image));
	return 0;
}

/* Blue/green: the Service's selector to the other colour, remembering the
 * one it leaves and when. */
static int switch_colour(const struct release *r, bool promote, int64_t now,
			 struct release_plan *p, struct err *err)
{
	char when[40];
	cJSON *body, *md, *anns;
	const struct kube_deployment *to = r->idle_d;

	if (r->problem[0])
		return err_set(err, "%s", r->problem);
	if (!r->idle_ready)
		return err_set(err,
			       "%s is not ready (%d of %d pods ready%s): %s switches service/%s "
			       "only to a colour whose pods are all ready", r->idle,
			       to->ready, to->replicas,
			       to->updated < to->replicas ? ", not all updated" : "",
			       promote ? "promote" : "abort", r->conf->name);
	rfc3339(now, when, sizeof when);
	body = cJSON_CreateObject();
	md = cJSON_AddObjectToObject(body, "metadata");
	anns = cJSON_AddObjectToObject(md, "annotations");
	cJSON_AddStringToObject(anns, RELEASE_ANN_PREVIOUS, r->live);
	cJSON_AddStringToObject(anns, RELEASE_ANN_SWITCHED_AT, when);
	cJSON_AddStringToObject(anns, RELEASE_ANN_SWITCHED_BY, promote ? "promote" : "abort");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(body, "spec"),
							"selector"),
				RELEASE_COLOR_LABEL, r->idle);
	plan_init(p, promote ? ACTION_PROMOTE : ACTION_ABORT, "svc", r->conf->name);
	plan_call(p, "PATCH", kube_path(KUBE_SERVICES, r->ns, r->conf->name),
		  "application/strategic-merge-patch+json", json_take(body));
	p->from = xasprintf("%s: %d × %s", r->live, r->live_d->ready,
			    release_short_image(r->stable_image));
	p->to = xasprintf("%s: %d × %s", r->idle, to->ready, release_short_image(r->canary_image));
	p->question = promote
		? xasprintf("Switch service/%s to %s (every request)?", r->conf->name, r->idle)
		: xasprintf("Switch service/%s back to %s?", r->conf->name, r->idle);
	plan_detail(p, "%s stays up, idle: a switches back to it", r->live);
	p->done_message = xasprintf("service/%s switched from %s to %s", r->conf->name, r->live,
				    r->idle);
	return 0;
}

int release_plan_promote(const struct release *r, int64_t now, struct release_plan *p,
			 struct err *err)
{
	memset(p, 0, sizeof *p);
	if (r->blue_green)
		return switch_colour(r, true, now, p, err);
	return promote_canary(r, now, p, err);
}

int release_plan_abort(const struct release *r, int64_t now, struct release_plan *p,
		       struct err *err)
{
	char when[40];
	int c;

	memset(p, 0, sizeof *p);
	if (r->blue_green)
		return switch_colour(r, false, now, p, err);
	if (r->phase != RELEASE_RUNNING || !r->canary)
		return not_running(r, "abort", err);
	rfc3339(now, when, sizeof when);
	c = r->canary->replicas;
	{
		const char *anns[] = { RELEASE_ANN_PHASE, "aborted", RELEASE_ANN_STEP_AT, when,
				       NULL };

		plan_init(p, ACTION_ABORT, "deploy", r->canary_name);
		/* the canary leaves at once; the stable only grows back */
		plan_call(p, "PATCH", kube_path(KUBE_DEPLOYMENTS, r->ns, r->canary_name),
			  "application/merge-patch+json", annotations_patch(0, anns));
	}
	scale_call(p, r->ns, r->stable_name, r->total);
	p->from = xasprintf("%d%%: deploy/%s %d × %s + deploy/%s %d × %s", r->weight,
			    r->stable_name, r->stable->replicas,
			    release_short_image(r->stable_image),
			    r->canary_name, c, release_short_image(r->canary_image));
	p->to = xasprintf("0%%: deploy/%s %d × %s, deploy/%s 0", r->stable_name, r->total,
			  release_short_image(r->stable_image), r->canary_name);
	p->question = xasprintf("Abort the canary of %s (%s)?", r->conf->name,
				release_short_image(r->canary_image));
	plan_detail(p, "nothing else changes: deploy/%s keeps its template", r->stable_name);
	p->done_message = xasprintf("canary of %s aborted: deploy/%s at 0, deploy/%s back to %d",
				    r->conf->name, r->canary_name, r->stable_name, r->total);
	return 0;
}

int release_plan_finish(const struct release *r, int64_t now, struct release_plan *p,
			struct err *err)
{
	char when[40];

	memset(p, 0, sizeof *p);
	(void)err;
	if (r->blue_green || r->phase != RELEASE_PROMOTING || !r->canary
	    || !release_rolled_out(r->stable) || r->stable->replicas != r->total)
		return 1;
	rfc3339(now, when, sizeof when);
	{
		const char *anns[] = { RELEASE_ANN_PHASE, "promoted", RELEASE_ANN_STEP_AT, when,
				       NULL };

		plan_init(p, ACTION_PROMOTE, "deploy", r->canary_name);
		plan_call(p, "PATCH", kube_path(KUBE_DEPLOYMENTS, r->ns, r->canary_name),
			  "application/merge-patch+json", annotations_patch(0, anns));
	}
	p->from = xasprintf("deploy/%s rolled out %s on %d pods; deploy/%s %d", r->stable_name,
			    release_short_image(r->stable_image), r->total, r->canary_name,
			    r->canary->replicas);
	p->to = xasprintf("deploy/%s 0: the promotion is complete", r->canary_name);
	p->done_message = xasprintf("canary of %s promoted: deploy/%s runs %s, deploy/%s at 0",
				    r->conf->name, r->stable_name,
				    release_short_image(r->stable_image), r->canary_name);
	return 0;
}
