#include "kube/objects.h"

#include "kube/objects_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/imgref.h"
#include "util/intern.h"
#include "util/xalloc.h"

/* obj's first member named key[0..n): cJSON_GetObjectItemCaseSensitive
 * without a copy of the key and with the first byte compared before the
 * rest (a pod's parse asks some 40 of these). */
static const cJSON *member(const cJSON *obj, const char *key, size_t n)
{
	for (const cJSON *c = obj->child; c; c = c->next)
		if (c->string && c->string[0] == key[0] && !strncmp(c->string, key, n)
		    && !c->string[n])
			return c;
	return NULL;
}

const cJSON *kube_json_path(const cJSON *obj, const char *dotted)
{
	while (obj && *dotted) {
		size_t n = 0;

		while (dotted[n] && dotted[n] != '.')
			n++;
		if (n >= 128 || !cJSON_IsObject(obj))
			return NULL;
		obj = member(obj, dotted, n);
		dotted += n;
		if (*dotted == '.')
			dotted++;
	}
	return obj;
}

const char *kube_json_str(const cJSON *obj, const char *dotted)
{
	const cJSON *v = kube_json_path(obj, dotted);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *kube_json_array(const cJSON *v)
{
	return cJSON_IsArray(v) ? v : NULL;
}

const cJSON *kube_json_object(const cJSON *v)
{
	return cJSON_IsObject(v) ? v : NULL;
}

char *kube_dup_str(const cJSON *obj, const char *dotted)
{
	const char *s = kube_json_str(obj, dotted);

	return s ? xstrdup(s) : NULL;
}

/* A JSON number that converts to long long: converting one beyond its range
 * (a hostile "replicas": 1e300) is undefined behaviour. */
static bool json_fits_ll(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble > -9.2e18 && v->valuedouble < 9.2e18;
}

long long kube_json_int(const cJSON *obj, const char *dotted, long long fallback)
{
	const cJSON *v = kube_json_path(obj, dotted);

	return json_fits_ll(v) ? (long long)v->valuedouble : fallback;
}

char *kube_json_int_or_string(const cJSON *obj, const char *dotted)
{
	const cJSON *v = kube_json_path(obj, dotted);

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (json_fits_ll(v))
		return xasprintf("%lld", (long long)v->valuedouble);
	return NULL;
}

int64_t kube_json_time(const cJSON *obj, const char *dotted)
{
	const char *s = kube_json_str(obj, dotted);
	time_t t;

	return s && !time_parse_rfc3339(s, &t) ? (int64_t)t : 0;
}

char *kube_annotation(const cJSON *obj, const char *key)
{
	const cJSON *a = kube_json_path(obj, "metadata.annotations");
	const cJSON *v = cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, key) : NULL;

	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

long kube_revision_annotation(const cJSON *obj, const char *key)
{
	char *s = kube_annotation(obj, key), *end = NULL;
	long rev = 0;

	if (s) {
		rev = strtol(s, &end, 10);
		if (end == s || *end || rev < 0)
			rev = 0;
	}
	free(s);
	return rev;
}

long kube_revision_of(const cJSON *obj)
{
	return kube_revision_annotation(obj, "deployment.kubernetes.io/revision");
}

char *kube_compact(const cJSON *v)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	char *out = xstrdup(s ? s : "{}");

	cJSON_free(s);
	return out;
}

void kube_read_meta(struct kube_meta *m, const cJSON *obj)
{
	const char *ns = kube_json_str(obj, "metadata.namespace");

	m->namespace = intern(ns ? ns : "");
	m->name = kube_dup_str(obj, "metadata.name");
	m->uid = kube_dup_str(obj, "metadata.uid");
	m->rv = kube_dup_str(obj, "metadata.resourceVersion");
	m->created = kube_json_time(obj, "metadata.creationTimestamp");
}

/* The ownerReference of the controller of that kind, NULL when none. */
static const cJSON *controller_ref(const cJSON *obj, const char *kind)
{
	const cJSON *refs = kube_json_path(obj, "metadata.ownerReferences"), *r;

	cJSON_ArrayForEach(r, kube_json_array(refs)) {
		const cJSON *ctl = cJSON_GetObjectItemCaseSensitive(r, "controller");
		const char *k = kube_json_str(r, "kind");

		if (cJSON_IsTrue(ctl) && k && !strcmp(k, kind))
			return r;
	}
	return NULL;
}

/* The controller's name and uid from metadata.ownerReferences. */
void kube_read_owner(const cJSON *obj, const char *kind, char **name, char **uid)
{
	const cJSON *r = controller_ref(obj, kind);

	if (!r)
		return;
	*name = kube_dup_str(r, "name");
	if (uid)
		*uid = kube_dup_str(r, "uid");
}

/* The label's value in the tree (not a copy), NULL when absent. */
static const char *label_str(const cJSON *obj, const char *path, const char *key)
{
	const cJSON *l = kube_json_path(obj, path);
	const cJSON *v = cJSON_IsObject(l) ? cJSON_GetObjectItemCaseSensitive(l, key) : NULL;

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *kube_label(const cJSON *obj, const char *path, const char *key)
{
	const char *v = label_str(obj, path, key);

	return v ? xstrdup(v) : NULL;
}

/* "repo:tag" is pinned when the tag is neither absent nor latest, or when
 * the image is referenced by digest. */
static bool image_pinned(const char *image)
{
	struct imgref r;

	imgref_split(image, &r);
	if (r.digest)
		return true;
	return r.tag_len && !(r.tag_len == 6 && !strncmp(r.tag, "latest", 6));
}

void kube_template_facts(const cJSON *tmpl, struct kube_template_facts *f, char **images)
{
	const cJSON *cs = kube_json_path(tmpl, "spec.containers"), *c;
	struct strbuf sb = { 0 };

	*f = (struct kube_template_facts){ .image_pinned = true, .readiness_probe = true,
					   .pre_stop = true, .requests = true };
	cJSON_ArrayForEach(c, kube_json_array(cs)) {
		const char *img = kube_json_str(c, "image");
		const cJSON *req = kube_json_path(c, "resources.requests");

		f->ncontainers++;
		if (sb.len)
			sb_puts(&sb, ", ");
		sb_puts(&sb, img ? img : "");
		f->image_pinned &= img && image_pinned(img);
		f->readiness_probe &= cJSON_IsObject(kube_json_path(c, "readinessProbe"));
		f->pre_stop &= cJSON_IsObject(kube_json_path(c, "lifecycle.preStop"));
		f->requests &= cJSON_IsObject(req) && cJSON_GetArraySize(req) > 0;
	}
	if (!f->ncontainers)
		*f = (struct kube_template_facts){ 0 };
	*images = sb_steal(&sb);
}

void kube_read_conditions(const cJSON *obj, struct kube_condition **out, size_t *n)
{
	const cJSON *cs = kube_json_path(obj, "status.conditions"), *c;
	size_t cap = 0;

	cJSON_ArrayForEach(c, kube_json_array(cs)) {
		struct kube_condition *k;

		if (!kube_json_str(c, "type"))
			continue;
		xgrow(out, &cap, *n + 1, sizeof **out);
		k = &(*out)[(*n)++];
		*k = (struct kube_condition){
			.type = kube_dup_str(c, "type"),
			.status = kube_dup_str(c, "status"),
			.reason = kube_dup_str(c, "reason"),
			.message = kube_dup_str(c, "message"),
			.last_update = kube_json_time(c, "lastUpdateTime"),
		};
		if (!k->last_update)
			k->last_update = kube_json_time(c, "lastTransitionTime");
	}
}

/* "a=b,c=d" from the string values of the map at path. */
static char *labels_text(const cJSON *obj, const char *path)
{
	const cJSON *ml = kube_json_path(obj, path), *kv;
	struct strbuf sb = { 0 };

	cJSON_ArrayForEach(kv, kube_json_object(ml)) {
		if (!cJSON_IsString(kv))
			continue;
		sb_printf(&sb, "%s%s=%s", sb.len ? "," : "", kv->string, kv->valuestring);
	}
	return sb_steal(&sb);
}

static struct kube_deployment *parse_deployment(const cJSON *o)
{
	struct kube_deployment *d = xcalloc(1, sizeof *d);
	const char *type = kube_json_str(o, "spec.strategy.type");
	char *last_applied;

	kube_read_meta(&d->meta, o);
	d->generation = kube_json_int(o, "metadata.generation", 0);
	d->observed_generation = kube_json_int(o, "status.observedGeneration", 0);
	d->replicas = (int32_t)kube_json_int(o, "spec.replicas", 1);
	d->status_replicas = (int32_t)kube_json_int(o, "status.replicas", 0);
	d->updated = (int32_t)kube_json_int(o, "status.updatedReplicas", 0);
	d->ready = (int32_t)kube_json_int(o, "status.readyReplicas", 0);
	d->available = (int32_t)kube_json_int(o, "status.availableReplicas", 0);
	d->unavailable = (int32_t)kube_json_int(o, "status.unavailableReplicas", 0);
	d->revision_history_limit = (int32_t)kube_json_int(o, "spec.revisionHistoryLimit", 10);
	d->progress_deadline = (int32_t)kube_json_int(o, "spec.progressDeadlineSeconds", 600);
	d->min_ready_seconds = (int32_t)kube_json_int(o, "spec.minReadySeconds", 0);
	d->revision = kube_revision_of(o);
	d->paused = cJSON_IsTrue(kube_json_path(o, "spec.paused"));
	d->recreate = type && !strcmp(type, "Recreate");
	if (!d->recreate) {
		d->max_surge = kube_json_int_or_string(o, "spec.strategy.rollingUpdate.maxSurge");
		d->max_unavailable = kube_json_int_or_string(o,
			"spec.strategy.rollingUpdate.maxUnavailable");
		if (!d->max_surge)
			d->max_surge = xstrdup("25%");
		if (!d->max_unavailable)
			d->max_unavailable = xstrdup("25%");
	}
	/* the server fills in 25%/25%: other values, or a rollingUpdate in what
	 * was applied, show someone chose them */
	last_applied = kube_annotation(o, "kubectl.kubernetes.io/last-applied-configuration");
	d->bounds_deliberate = d->recreate
		|| strcmp(d->max_surge, "25%") || strcmp(d->max_unavailable, "25%")
		|| (last_applied && strstr(last_applied, "\"rollingUpdate\""));
	free(last_applied);
	d->selector = labels_text(o, "spec.selector.matchLabels");
	d->change_cause = kube_annotation(o, "kubernetes.io/change-cause");
	d->template_json = kube_compact(kube_json_path(o, "spec.template"));
	d->annotations_json = kube_compact(kube_json_path(o, "metadata.annotations"));
	kube_template_facts(kube_json_path(o, "spec.template"), &d->facts, &d->images);
	kube_read_conditions(o, &d->conditions, &d->nconditions);
	return d;
}

static struct kube_replicaset *parse_replicaset(const cJSON *o)
{
	struct kube_replicaset *rs = xcalloc(1, sizeof *rs);
	struct kube_template_facts facts;
	const cJSON *c;

	kube_read_meta(&rs->meta, o);
	kube_read_owner(o, "Deployment", &rs->owner, &rs->owner_uid);
	kube_read_owner(o, "Rollout", &rs->rollout, &rs->rollout_uid);
	rs->revision = kube_revision_of(o);
	if (!rs->revision)
		rs->revision = kube_revision_annotation(o, "rollout.argoproj.io/revision");
	rs->generation = kube_json_int(o, "metadata.generation", 0);
	rs->observed_generation = kube_json_int(o, "status.observedGeneration", 0);
	cJSON_ArrayForEach(c, kube_json_array(kube_json_path(o, "status.conditions"))) {
		const char *type = kube_json_str(c, "type"), *st = kube_json_str(c, "status");

		if (type && st && !strcmp(type, "ReplicaFailure") && !strcmp(st, "True"))
			rs->replica_failure = true;
	}
	rs->replicas = (int32_t)kube_json_int(o, "spec.replicas", 1);
	rs->status_replicas = (int32_t)kube_json_int(o, "status.replicas", 0);
	rs->ready = (int32_t)kube_json_int(o, "status.readyReplicas", 0);
	rs->available = (int32_t)kube_json_int(o, "status.availableReplicas", 0);
	rs->template_hash = kube_label(o, "metadata.labels", "pod-template-hash");
	if (!rs->template_hash)     /* Argo's own label on its replica sets */
		rs->template_hash = kube_label(o, "metadata.labels", "rollouts-pod-template-hash");
	rs->change_cause = kube_annotation(o, "kubernetes.io/change-cause");
	rs->template_json = kube_compact(kube_json_path(o, "spec.template"));
	rs->annotations_json = kube_compact(kube_json_path(o, "metadata.annotations"));
	kube_template_facts(kube_json_path(o, "spec.template"), &facts, &rs->images);
	return rs;
}

static int32_t exit_code(const cJSON *term)
{
	return (int32_t)kube_json_int(term, "exitCode", 0);
}

char *kube_pod_status_text(const cJSON *pod)
{
	const char *phase = kube_json_str(pod, "status.phase");
	const char *reason = kube_json_str(pod, "status.reason");
	const cJSON *cs = kube_json_path(pod, "status.containerStatuses"), *c;
	char *out = xstrdup(reason ? reason : phase ? phase : "Unknown");
	bool running = false;

	/* as kubectl's printer: the last container with a waiting or terminated
	 * reason names the pod's state */
	cJSON_ArrayForEach(c, kube_json_array(cs)) {
		const char *w = kube_json_str(c, "state.waiting.reason");
		const cJSON *t = kube_json_path(c, "state.terminated");

		if (w && *w) {
			free(out);
			out = xstrdup(w);
		} else if (cJSON_IsObject(t)) {
			const char *tr = kube_json_str(t, "reason");

			free(out);
			if (tr && *tr)
				out = xstrdup(tr);
			else if (kube_json_int(t, "signal", 0))
				out = xasprintf("Signal:%lld", kube_json_int(t, "signal", 0));
			else
				out = xasprintf("ExitCode:%d", exit_code(t));
		} else if (cJSON_IsObject(kube_json_path(c, "state.running"))
			   && cJSON_IsTrue(kube_json_path(c, "ready"))) {
			running = true;
		}
	}
	if (!strcmp(out, "Completed") && running) {
		free(out);
		out = xstrdup("Running");
	}
	if (kube_json_str(pod, "metadata.deletionTimestamp")) {
		free(out);
		out = xstrdup(reason && !strcmp(reason, "NodeLost") ? "Unknown" : "Terminating");
	}
	return out;
}

static void parse_container(const cJSON *c, struct kube_container *k)
{
	const cJSON *st = kube_json_path(c, "state"),
		*last = kube_json_path(c, "lastState.terminated");

	k->name = intern(kube_json_str(c, "name"));
	k->image = intern(kube_json_str(c, "image"));
	k->image_id = intern(kube_json_str(c, "imageID"));
	k->ready = cJSON_IsTrue(kube_json_path(c, "ready"));
	k->restarts = (int32_t)kube_json_int(c, "restartCount", 0);
	if (cJSON_IsObject(kube_json_path(st, "running"))) {
		k->state = KUBE_CS_RUNNING;
		k->since = kube_json_time(st, "running.startedAt");
	} else if (cJSON_IsObject(kube_json_path(st, "terminated"))) {
		k->state = KUBE_CS_TERMINATED;
		k->reason = intern(kube_json_str(st, "terminated.reason"));
		k->message = kube_dup_str(st, "terminated.message");
		k->exit_code = exit_code(kube_json_path(st, "terminated"));
		k->since = kube_json_time(st, "terminated.finishedAt");
	} else if (cJSON_IsObject(kube_json_path(st, "waiting"))) {
		k->state = KUBE_CS_WAITING;
		k->reason = intern(kube_json_str(st, "waiting.reason"));
		k->message = kube_dup_str(st, "waiting.message");
	}
	if (cJSON_IsObject(last)) {
		k->has_last = true;
		k->last_reason = intern(kube_json_str(last, "reason"));
		k->last_exit_code = exit_code(last);
		k->last_finished = kube_json_time(last, "finishedAt");
	}
}

static struct kube_pod *parse_pod(const cJSON *o)
{
	struct kube_pod *p = xcalloc(1, sizeof *p);
	const cJSON *cs = kube_json_path(o, "status.containerStatuses");
	const cJSON *spec_cs = kube_json_path(o, "spec.containers");
	const cJSON *conds = kube_json_path(o, "status.conditions"), *c;
	const cJSON *owner = controller_ref(o, "ReplicaSet");
	const char *hash = label_str(o, "metadata.labels", "pod-template-hash");
	int n = cJSON_IsArray(cs) ? cJSON_GetArraySize(cs) : 0, i = 0;
	char *status_text = kube_pod_status_text(o);

	kube_read_meta(&p->meta, o);
	p->owner = intern(kube_json_str(owner, "name"));
	if (!hash)
		hash = label_str(o, "metadata.labels", "rollouts-pod-template-hash");
	p->template_hash = intern(hash);
	p->node = intern(kube_json_str(o, "spec.nodeName"));
	p->phase = intern(kube_json_str(o, "status.phase"));
	p->status = intern(status_text);
	free(status_text);
	p->deleting = kube_json_str(o, "metadata.deletionTimestamp") != NULL;
	p->total = (uint16_t)(cJSON_IsArray(spec_cs) ? cJSON_GetArraySize(spec_cs) : n);
	cJSON_ArrayForEach(c, kube_json_array(conds)) {
		const char *type = kube_json_str(c, "type"), *status = kube_json_str(c, "status");
		bool is_true = status && !strcmp(status, "True");

		if (!type)
			continue;
		if (!strcmp(type, "PodScheduled") && is_true)
			p->conditions |= KUBE_POD_SCHEDULED;
		else if (!strcmp(type, "Initialized") && is_true)
			p->conditions |= KUBE_POD_INITIALIZED;
		else if (!strcmp(type, "ContainersReady") && is_true)
			p->conditions |= KUBE_POD_CONTAINERS_READY;
		else if (!strcmp(type, "Ready")) {
			if (is_true)
				p->conditions |= KUBE_POD_READY;
			else if (kube_json_str(c, "message") && !p->ready_message)
				/* the first, if repeated */
				p->ready_message = kube_dup_str(c, "message");
		}
	}
	if (n > UINT16_MAX)
		n = UINT16_MAX;     /* what the struct counts; no real pod comes near */
	if (n > 0) {
		int64_t restarts = 0;

		p->containers = xcalloc((size_t)n, sizeof *p->containers);
		cJSON_ArrayForEach(c, cs) {
			if (i == n)
				break;
			parse_container(c, &p->containers[i]);
			p->ready += p->containers[i].ready;
			restarts += p->containers[i].restarts;
			i++;
		}
		p->ncontainers = (uint16_t)n;
		p->restarts = (int32_t)(restarts < INT32_MAX ? restarts : INT32_MAX);
	}
	return p;
}

static struct kube_event_obj *parse_event(const cJSON *o)
{
	struct kube_event_obj *e = xcalloc(1, sizeof *e);

	kube_read_meta(&e->meta, o);
	e->kind = kube_dup_str(o, "involvedObject.kind");
	e->object = kube_dup_str(o, "involvedObject.name");
	e->type = kube_dup_str(o, "type");
	e->reason = kube_dup_str(o, "reason");
	e->message = kube_dup_str(o, "message");
	e->count = (int32_t)kube_json_int(o, "count", 1);
	e->last = kube_json_time(o, "lastTimestamp");
	if (!e->last)
		e->last = kube_json_time(o, "eventTime");
	if (!e->last)
		e->last = e->meta.created;
	return e;
}

static struct kube_service *parse_service(const cJSON *o)
{
	struct kube_service *s = xcalloc(1, sizeof *s);

	kube_read_meta(&s->meta, o);
	s->selector = labels_text(o, "spec.selector");
	s->annotations_json = kube_compact(kube_json_path(o, "metadata.annotations"));
	return s;
}

void *kube_object_parse(enum kube_resource res, const cJSON *obj)
{
	if (!cJSON_IsObject(obj) || !kube_json_str(obj, "metadata.name"))
		return NULL;
	switch (res) {
	case KUBE_DEPLOYMENTS: return parse_deployment(obj);
	case KUBE_REPLICASETS: return parse_replicaset(obj);
	case KUBE_PODS: return parse_pod(obj);
	case KUBE_EVENTS: return parse_event(obj);
	case KUBE_SERVICES: return parse_service(obj);
	case KUBE_ROLLOUTS: return kube_rollout_parse(obj);
	case KUBE_ANALYSISRUNS: return kube_analysisrun_parse(obj);
	case KUBE_CANARIES: return kube_flagger_canary_parse(obj);
	case KUBE_RESOURCE_COUNT: break;
	}
	return NULL;
}
