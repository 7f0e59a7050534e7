/* The deployment controller, after upstream pkg/controller/deployment:
 * sync.go (new ReplicaSet, revisions, proportional scaling, cleanup,
 * status), rolling.go, recreate.go and progress.go. Names of reasons,
 * messages and annotations are the upstream ones, since kubectl and people
 * read them. */
#include "sandbox/controllers.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/defaults.h"
#include "sandbox/jsonx.h"
#include "sandbox/kubelet.h"
#include "sandbox/select.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define ANN_REVISION "deployment.kubernetes.io/revision"
#define ANN_REVISION_HISTORY "deployment.kubernetes.io/revision-history"
#define ANN_DESIRED "deployment.kubernetes.io/desired-replicas"
#define ANN_MAX "deployment.kubernetes.io/max-replicas"
#define ANN_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"
#define ANN_ROLLBACK_TO "deprecated.deployment.rollback.to"
#define MAX_REV_HISTORY_CHARS 2000

/* Controller state kept beside a Deployment: the monotonic time of the
 * Progressing condition's lastUpdateTime, which the JSON holds only to the
 * second (too coarse at a high --time-scale). */
struct dsim {
	int64_t progress_ms;
};

struct dctx {
	struct sandbox *sb;
	struct obj *d;
	cJSON *dj;                 /* the Deployment as it will be written */
	struct obj **rs;           /* its ReplicaSets, oldest first */
	size_t nrs;
	struct obj *new_rs;

	int64_t now;
	int64_t *next;
};

static struct dsim *dsim(struct obj *d)
{
	if (!d->sim) {
		d->sim = xcalloc(1, sizeof(struct dsim));
		d->sim_free = free;
		((struct dsim *)d->sim)->progress_ms = time_mono_ms();
	}
	return d->sim;
}

/* ---- numbers ---- */

static long long replicas_of(const cJSON *j)
{
	return jint(J(j, "spec", "replicas"), 1);
}

static long long rs_spec(const struct obj *rs)
{
	return jint(J(rs->cur->json, "spec", "replicas"), 1);
}

static long long rs_status(const struct obj *rs, const char *field)
{
	return jint(J(rs->cur->json, "status", field), 0);
}

static bool is_rolling(const cJSON *dj)
{
	const char *t = jstr(J(dj, "spec", "strategy", "type"));

	return !t || !strcmp(t, "RollingUpdate");
}

/* ResolveFenceposts: surge rounds up, unavailable down, never both zero. */
static void fenceposts(const cJSON *dj, long long *surge, long long *unavail)
{
	const cJSON *ru = J(dj, "spec", "strategy", "rollingUpdate");
	int desired = (int)replicas_of(dj);

	*surge = intstr_scaled(J(ru, "maxSurge"), desired, true, 0);
	*unavail = intstr_scaled(J(ru, "maxUnavailable"), desired, false, 0);
	if (*surge == 0 && *unavail == 0)
		*unavail = 1;
}

static long long max_surge(const cJSON *dj)
{
	long long s, u;

	if (!is_rolling(dj))
		return 0;
	fenceposts(dj, &s, &u);
	return s;
}

static long long max_unavailable(const cJSON *dj)
{
	long long s, u;

	if (!is_rolling(dj) || replicas_of(dj) == 0)
		return 0;
	fenceposts(dj, &s, &u);
	return u > replicas_of(dj) ? replicas_of(dj) : u;
}

static long long revision_of(const struct obj *rs)
{
	const char *v = jmeta_get(rs->cur->json, "annotations", ANN_REVISION);

	return v ? atoll(v) : 0;
}

static bool has_progress_deadline(const cJSON *dj)
{
	const cJSON *p = J(dj, "spec", "progressDeadlineSeconds");

	return p && jint(p, INT_MAX) != INT_MAX;
}

static long long sum_spec(struct obj **v, size_t n)
{
	long long s = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i])
			s += rs_spec(v[i]);
	return s;
}

/* ---- conditions ---- */

static cJSON *get_condition(const cJSON *status, const char *type)
{
	cJSON *c;

	cJSON_ArrayForEach(c, J(status, "conditions"))
		if (!strcmp(jstr(J(c, "type")) ? jstr(J(c, "type")) : "", type))
			return c;
	return NULL;
}

static void remove_condition(cJSON *status, const char *type)
{
	cJSON *c = get_condition(status, type);

	if (c)
		cJSON_Delete(cJSON_DetachItemViaPointer(J(status, "conditions"), c));
}

static cJSON *new_condition(const char *type, const char *status, const char *reason,
			    const char *message)
{
	cJSON *c = cJSON_CreateObject();
	char ts[32];

	sb_now_rfc3339(ts);
	jset_str(c, "type", type);
	jset_str(c, "status", status);
	jset_str(c, "lastUpdateTime", ts);
	jset_str(c, "lastTransitionTime", ts);
	jset_str(c, "reason", reason);
	jset_str(c, "message", message);
	return c;
}

/* SetDeploymentCondition: same status and reason → nothing; same status →
 * keep lastTransitionTime. Takes cond. True when the condition was written. */
static bool set_condition(struct dctx *x, cJSON *status, cJSON *cond)
{
	const char *type = jstr(J(cond, "type"));
	cJSON *cur = get_condition(status, type), *conds;

	if (cur && !strcmp(jstr(J(cur, "status")) ? jstr(J(cur, "status")) : "",
			   jstr(J(cond, "status")))
	    && !strcmp(jstr(J(cur, "reason")) ? jstr(J(cur, "reason")) : "",
		       jstr(J(cond, "reason")))) {
		cJSON_Delete(cond);
		return false;
	}
	if (cur && !strcmp(jstr(J(cur, "status")) ? jstr(J(cur, "status")) : "",
			   jstr(J(cond, "status"))) && J(cur, "lastTransitionTime"))
		jset(cond, "lastTransitionTime", cJSON_Duplicate(J(cur, "lastTransitionTime"), 1));
	remove_condition(status, type);
	conds = J(status, "conditions");
	if (!cJSON_IsArray(conds)) {
		conds = cJSON_CreateArray();
		jset(status, "conditions", conds);
	}
	cJSON_AddItemToArray(conds, cond);
	if (!strcmp(type, "Progressing"))
		dsim(x->d)->progress_ms = x->now;
	return true;
}

/* ---- ReplicaSets ---- */

/* The canonical text of an object's spec.template without the
 * pod-template-hash label, kept with the object until its next change:
 * finding the new ReplicaSet compares these on every pass. */
static const char *template_canon(struct obj *o)
{
	if (!o->tmpl_canon)
		o->tmpl_canon = template_canonical(J(o->cur->json, "spec", "template"));
	return o->tmpl_canon;
}

static int cmp_rs_created(const void *a, const void *b)
{
	const struct obj *x = *(struct obj *const *)a, *y = *(struct obj *const *)b;
	const char *tx = jstr(J(x->cur->json, "metadata", "creationTimestamp"));
	const char *ty = jstr(J(y->cur->json, "metadata", "creationTimestamp"));
	int c = strcmp(tx ? tx : "", ty ? ty : "");

	if (c)
		return c;
	if (x->born_ms != y->born_ms)
		return x->born_ms < y->born_ms ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_rs_revision(const void *a, const void *b)
{
	const struct obj *x = *(struct obj *const *)a, *y = *(struct obj *const *)b;
	long long rx = revision_of(x), ry = revision_of(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return cmp_rs_created(a, b);
}

static void remove_rs(struct dctx *x, struct obj *rs)
{
	for (size_t i = 0; i < x->nrs; i++)
		if (x->rs[i] == rs) {
			memmove(&x->rs[i], &x->rs[i + 1], (x->nrs - i - 1) * sizeof *x->rs);
			x->nrs--;
			break;
		}
}

/* The olds: every ReplicaSet but the new one. */
static size_t old_rss(struct dctx *x, struct obj ***out, bool active_only)
{
	struct obj **v = xcalloc(x->nrs + 1, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < x->nrs; i++)
		if (x->rs[i] != x->new_rs && (!active_only || rs_spec(x->rs[i]) > 0))
			v[n++] = x->rs[i];
	*out = v;
	return n;
}

static bool skip_copy_annotation(const char *k)
{
	return !strcmp(k, ANN_LAST_APPLIED) || !strcmp(k, ANN_REVISION)
	       || !strcmp(k, ANN_REVISION_HISTORY) || !strcmp(k, ANN_DESIRED)
	       || !strcmp(k, ANN_MAX) || !strcmp(k, ANN_ROLLBACK_TO);
}

static bool set_replicas_annotations(cJSON *rsj, long long desired, long long max)
{
	char d[24], m[24];
	bool changed = false;

	snprintf(d, sizeof d, "%lld", desired);
	snprintf(m, sizeof m, "%lld", max);
	if (!jmeta_get(rsj, "annotations", ANN_DESIRED)
	    || strcmp(jmeta_get(rsj, "annotations", ANN_DESIRED), d)) {
		jmeta_set(rsj, "annotations", ANN_DESIRED, d);
		changed = true;
	}
	if (!jmeta_get(rsj, "annotations", ANN_MAX)
	    || strcmp(jmeta_get(rsj, "annotations", ANN_MAX), m)) {
		jmeta_set(rsj, "annotations", ANN_MAX, m);
		changed = true;
	}
	return changed;
}

/* SetNewReplicaSetAnnotations. */
static bool set_new_rs_annotations(const cJSON *dj, cJSON *rsj, long long new_rev, bool exists)
{
	const cJSON *a;
	bool changed = false;
	char *old = jmeta_get(rsj, "annotations", ANN_REVISION)
		? xstrdup(jmeta_get(rsj, "annotations", ANN_REVISION)) : NULL;
	long long old_rev = old ? atoll(old) : 0;
	char rev[24];

	cJSON_ArrayForEach(a, J(dj, "metadata", "annotations")) {
		const char *cur = jmeta_get(rsj, "annotations", a->string);

		if (skip_copy_annotation(a->string) || !jstr(a)
		    || (cur && !strcmp(cur, a->valuestring)))
			continue;
		jmeta_set(rsj, "annotations", a->string, a->valuestring);
		changed = true;
	}
	snprintf(rev, sizeof rev, "%lld", new_rev);
	if (old_rev < new_rev) {
		jmeta_set(rsj, "annotations", ANN_REVISION, rev);
		changed = true;
	}
	if (old && old_rev < new_rev) {
		/* Rolling back to this ReplicaSet: remember its earlier numbers. */
		const char *hist = jmeta_get(rsj, "annotations", ANN_REVISION_HISTORY);
		struct strbuf h = { 0 };

		if (hist && *hist) {
			const char *p = hist;

			while (strlen(p) + strlen(old) + 1 > MAX_REV_HISTORY_CHARS
			       && strchr(p, ','))
				p = strchr(p, ',') + 1;
			sb_printf(&h, "%s,%s", p, old);
		} else {
			sb_puts(&h, old);
		}
		jmeta_set(rsj, "annotations", ANN_REVISION_HISTORY, sb_str(&h));
		sb_free(&h);
	}
	free(old);
	if (!exists && set_replicas_annotations(rsj, replicas_of(dj),
						replicas_of(dj) + max_surge(dj)))
		changed = true;
	return changed;
}

static bool set_deployment_revision(cJSON *dj, const char *rev)
{
	const char *cur = jmeta_get(dj, "annotations", ANN_REVISION);

	if (!rev || (cur && !strcmp(cur, rev)))
		return false;
	jmeta_set(dj, "annotations", ANN_REVISION, rev);
	return true;
}

/* NewRSNewReplicas. */
static long long new_rs_new_replicas(struct dctx *x, long long new_spec)
{
	long long surge, current, max_total, up;

	if (!is_rolling(x->dj))
		return replicas_of(x->dj);
	surge = max_surge(x->dj);
	current = sum_spec(x->rs, x->nrs);
	if (x->new_rs == NULL)
		current += new_spec;
	max_total = replicas_of(x->dj) + surge;
	if (current >= max_total)
		return new_spec;
	up = max_total - current;
	if (up > replicas_of(x->dj) - new_spec)
		up = replicas_of(x->dj) - new_spec;
	return new_spec + up;
}

/* Writes a ReplicaSet's size and replica annotations; records the event. */
static bool scale_rs(struct dctx *x, struct obj *rs, long long n, const char *op)
{
	cJSON *rsj;
	long long old = rs_spec(rs);
	bool size_changed = old != n, ann;

	rsj = cJSON_Duplicate(rs->cur->json, 1);
	ann = set_replicas_annotations(rsj, replicas_of(x->dj),
				       replicas_of(x->dj) + max_surge(x->dj));
	if (!size_changed && !ann) {
		cJSON_Delete(rsj);
		return false;
	}
	jset_int(jchild(rsj, "spec"), "replicas", n);
	objstore_commit(&x->sb->store, &kinds[K_REPLICASET], rsj);
	if (size_changed)
		sandbox_event(x->sb, x->d, "Normal", "ScalingReplicaSet", "deployment-controller",
			      NULL, NULL, "Scaled %s replica set %s from %lld to %lld", op,
			      rs->name, old, n);
	return size_changed;
}

/* ownerReferences naming Deployment d as the controller. */
static cJSON *controller_refs(const struct obj *d)
{
	cJSON *refs = cJSON_CreateArray(), *ref = cJSON_CreateObject();

	jset_str(ref, "apiVersion", "apps/v1");
	jset_str(ref, "kind", "Deployment");
	jset_str(ref, "name", d->name);
	jset_str(ref, "uid", d->uid);
	jset_bool(ref, "controller", true);
	jset_bool(ref, "blockOwnerDeletion", true);
	cJSON_AddItemToArray(refs, ref);
	return refs;
}

static bool scale_rs_and_record(struct dctx *x, struct obj *rs, long long n)
{
	if (rs_spec(rs) == n)
		return false;
	return scale_rs(x, rs, n, rs_spec(rs) < n ? "up" : "down");
}

static struct obj *create_new_rs(struct dctx *x, long long new_rev)
{
	const cJSON *tmpl = J(x->dj, "spec", "template");
	long long collisions = jint(J(x->dj, "status", "collisionCount"), 0);
	cJSON *rsj, *meta, *spec, *t, *sel;
	char hash[16], name[320], uid[37], ts[32];
	struct obj *existing, *rs;
	long long n;

	template_hash(tmpl, collisions, hash);
	snprintf(name, sizeof name, "%s-%s", x->d->name, hash);
	existing = objstore_get(&x->sb->store, &kinds[K_REPLICASET], x->d->ns, name);
	if (existing) {
		/* A ReplicaSet of that name with another template: a hash
		 * collision. Count it; the next pass tries another name. */
		if (!template_equal_ignore_hash(J(existing->cur->json, "spec", "template"), tmpl))
			jset_int(jchild(x->dj, "status"), "collisionCount", collisions + 1);
		return NULL;
	}
	objstore_new_uid(uid);
	sb_now_rfc3339(ts);
	rsj = cJSON_CreateObject();
	jset_str(rsj, "kind", "ReplicaSet");
	jset_str(rsj, "apiVersion", "apps/v1");
	meta = jchild(rsj, "metadata");
	jset_str(meta, "name", name);
	jset_str(meta, "namespace", x->d->ns);
	jset_str(meta, "uid", uid);
	jset_str(meta, "creationTimestamp", ts);
	jset_int(meta, "generation", 1);
	t = cJSON_Duplicate(tmpl, 1);
	jmeta_set(t, "labels", "pod-template-hash", hash);
	jset(meta, "labels", cJSON_Duplicate(J(t, "metadata", "labels"), 1));
	jset(meta, "ownerReferences", controller_refs(x->d));
	spec = jchild(rsj, "spec");
	n = new_rs_new_replicas(x, 0);
	jset_int(spec, "replicas", n);
	jset_int(spec, "minReadySeconds", jint(J(x->dj, "spec", "minReadySeconds"), 0));
	sel = cJSON_Duplicate(J(x->dj, "spec", "selector"), 1);
	jset_str(jchild(sel, "matchLabels"), "pod-template-hash", hash);
	jset(spec, "selector", sel);
	jset(spec, "template", t);
	jset_int(jchild(rsj, "status"), "replicas", 0);
	set_new_rs_annotations(x->dj, rsj, new_rev, false);
	rs = objstore_commit(&x->sb->store, &kinds[K_REPLICASET], rsj);
	if (n > 0)
		sandbox_event(x->sb, x->d, "Normal", "ScalingReplicaSet", "deployment-controller",
			      NULL, NULL, "Scaled up replica set %s from 0 to %lld", name, n);
	return rs;
}

/* getAllReplicaSetsAndSyncRevision: finds (or makes) the new ReplicaSet and
 * brings revisions up to date. */
static void sync_revision(struct dctx *x, bool create)
{
	long long max_old = 0;
	char rev[24];

	x->new_rs = NULL;
	for (size_t i = 0; i < x->nrs; i++)
		if (!strcmp(template_canon(x->rs[i]), template_canon(x->d))) {
			x->new_rs = x->rs[i];
			break;
		}
	for (size_t i = 0; i < x->nrs; i++)
		if (x->rs[i] != x->new_rs && revision_of(x->rs[i]) > max_old)
			max_old = revision_of(x->rs[i]);
	if (x->new_rs) {
		cJSON *rsj = cJSON_Duplicate(x->new_rs->cur->json, 1);
		bool changed = set_new_rs_annotations(x->dj, rsj, max_old + 1, true);
		long long mrs = jint(J(x->dj, "spec", "minReadySeconds"), 0);

		if (jint(J(rsj, "spec", "minReadySeconds"), 0) != mrs) {
			jset_int(jchild(rsj, "spec"), "minReadySeconds", mrs);
			changed = true;
		}
		if (changed)
			objstore_commit(&x->sb->store, &kinds[K_REPLICASET], rsj);
		else
			cJSON_Delete(rsj);
		set_deployment_revision(x->dj, jmeta_get(x->new_rs->cur->json, "annotations",
							 ANN_REVISION));
		if (has_progress_deadline(x->dj)
		    && !get_condition(J(x->dj, "status"), "Progressing")) {
			char msg[400];

			snprintf(msg, sizeof msg, "Found new replica set \"%s\"", x->new_rs->name);
			set_condition(x, jchild(x->dj, "status"),
				      new_condition("Progressing", "True", "FoundNewReplicaSet",
						    msg));
		}
		return;
	}
	if (!create)
		return;
	x->new_rs = create_new_rs(x, max_old + 1);
	if (!x->new_rs)
		return;
	x->rs = xrealloc(x->rs, (x->nrs + 1) * sizeof *x->rs);
	x->rs[x->nrs++] = x->new_rs;
	snprintf(rev, sizeof rev, "%lld", max_old + 1);
	set_deployment_revision(x->dj, rev);
	if (has_progress_deadline(x->dj)) {
		char msg[400];

		snprintf(msg, sizeof msg, "Created new replica set \"%s\"", x->new_rs->name);
		set_condition(x, jchild(x->dj, "status"),
			      new_condition("Progressing", "True", "NewReplicaSetCreated", msg));
	}
}

/* ---- status ---- */

static void set_or_omit(cJSON *st, const char *key, long long v)
{
	if (v)
		jset_int(st, key, v);
	else
		jdel(st, key);
}

static cJSON *calculate_status(struct dctx *x)
{
	cJSON *st = cJSON_CreateObject(), *cur = J(x->dj, "status");
	long long avail = 0, total = 0, actual = 0, ready = 0, updated = 0;

	for (size_t i = 0; i < x->nrs; i++) {
		avail += rs_status(x->rs[i], "availableReplicas");
		total += rs_spec(x->rs[i]);
		actual += rs_status(x->rs[i], "replicas");
		ready += rs_status(x->rs[i], "readyReplicas");
	}
	if (x->new_rs)
		updated = rs_status(x->new_rs, "replicas");
	set_or_omit(st, "observedGeneration", jint(J(x->dj, "metadata", "generation"), 1));
	set_or_omit(st, "replicas", actual);
	set_or_omit(st, "updatedReplicas", updated);
	set_or_omit(st, "readyReplicas", ready);
	set_or_omit(st, "availableReplicas", avail);
	set_or_omit(st, "unavailableReplicas", total - avail > 0 ? total - avail : 0);
	if (J(cur, "collisionCount"))
		jset(st, "collisionCount", cJSON_Duplicate(J(cur, "collisionCount"), 1));
	jset(st, "conditions", J(cur, "conditions") ? cJSON_Duplicate(J(cur, "conditions"), 1)
						    : cJSON_CreateArray());
	if (avail >= replicas_of(x->dj) - max_unavailable(x->dj))
		set_condition(x, st, new_condition("Available", "True", "MinimumReplicasAvailable",
						   "Deployment has minimum availability."));
	else
		set_condition(x, st,
			      new_condition("Available", "False", "MinimumReplicasUnavailable",
					    "Deployment does not have minimum availability."));
	return st;
}

static bool deployment_complete(const cJSON *dj, const cJSON *st)
{
	long long r = replicas_of(dj);

	return jint(J(st, "updatedReplicas"), 0) == r && jint(J(st, "replicas"), 0) == r
	       && jint(J(st, "availableReplicas"), 0) == r
	       && jint(J(st, "observedGeneration"), 0) >= jint(J(dj, "metadata", "generation"), 1);
}

static bool deployment_progressing(const cJSON *dj, const cJSON *st)
{
	const cJSON *old = J(dj, "status");
	long long old_old = jint(J(old, "replicas"), 0) - jint(J(old, "updatedReplicas"), 0);
	long long new_old = jint(J(st, "replicas"), 0) - jint(J(st, "updatedReplicas"), 0);

	return jint(J(st, "updatedReplicas"), 0) > jint(J(old, "updatedReplicas"), 0)
	       || new_old < old_old
	       || jint(J(st, "readyReplicas"), 0) > jint(J(old, "readyReplicas"), 0)
	       || jint(J(st, "availableReplicas"), 0) > jint(J(old, "availableReplicas"), 0);
}

static bool deployment_timed_out(struct dctx *x, const cJSON *st)
{
	const cJSON *c = get_condition(st, "Progressing");
	const char *reason = jstr(J(c, "reason"));
	int64_t deadline;

	if (!has_progress_deadline(x->dj) || !c || !reason)
		return false;
	if (!strcmp(reason, "NewReplicaSetAvailable"))
		return false;
	if (!strcmp(reason, "ProgressDeadlineExceeded"))
		return true;
	deadline = dsim(x->d)->progress_ms
		   + sandbox_scaled_ms(x->sb, jint(J(x->dj, "spec", "progressDeadlineSeconds"),
						   600) * 1000.0);
	if (x->now > deadline)
		return true;
	if (deadline + 1 < *x->next)
		*x->next = deadline + 1;
	return false;
}

static void sync_rollout_status(struct dctx *x)
{
	cJSON *st = calculate_status(x), *cur_cond;
	const char *cur_reason;
	bool complete_before;
	char msg[400];
	const char *rs_name = x->new_rs ? x->new_rs->name : NULL;

	if (!has_progress_deadline(x->dj))
		remove_condition(st, "Progressing");
	cur_cond = get_condition(J(x->dj, "status"), "Progressing");
	cur_reason = jstr(J(cur_cond, "reason"));
	complete_before = jint(J(st, "replicas"), 0) == jint(J(st, "updatedReplicas"), 0)
			  && cur_reason && !strcmp(cur_reason, "NewReplicaSetAvailable");
	if (has_progress_deadline(x->dj) && !complete_before) {
		if (deployment_complete(x->dj, st)) {
			if (rs_name)
				snprintf(msg, sizeof msg,
					 "ReplicaSet \"%s\" has successfully progressed.", rs_name);
			else
				snprintf(msg, sizeof msg,
					 "Deployment \"%s\" has successfully progressed.",
					 x->d->name);
			set_condition(x, st, new_condition("Progressing", "True",
							   "NewReplicaSetAvailable", msg));
		} else if (deployment_progressing(x->dj, st)) {
			cJSON *c;

			if (rs_name)
				snprintf(msg, sizeof msg, "ReplicaSet \"%s\" is progressing.",
					 rs_name);
			else
				snprintf(msg, sizeof msg, "Deployment \"%s\" is progressing.",
					 x->d->name);
			c = new_condition("Progressing", "True", "ReplicaSetUpdated", msg);
			if (cur_cond
			    && !strcmp(jstr(J(cur_cond, "status")) ? jstr(J(cur_cond, "status"))
						: "", "True") && J(cur_cond, "lastTransitionTime"))
				jset(c, "lastTransitionTime",
				     cJSON_Duplicate(J(cur_cond, "lastTransitionTime"), 1));
			remove_condition(st, "Progressing");
			set_condition(x, st, c);
		} else if (deployment_timed_out(x, st)) {
			if (rs_name)
				snprintf(msg, sizeof msg,
					 "ReplicaSet \"%s\" has timed out progressing.", rs_name);
			else
				snprintf(msg, sizeof msg,
					 "Deployment \"%s\" has timed out progressing.",
					 x->d->name);
			set_condition(x, st, new_condition("Progressing", "False",
							   "ProgressDeadlineExceeded", msg));
		}
	}
	jset(x->dj, "status", st);
}

/* syncDeploymentStatus: numbers and Available, no progress judgement. */
static void sync_deployment_status(struct dctx *x)
{
	jset(x->dj, "status", calculate_status(x));
}

/* ---- cleanup ---- */

static void cleanup(struct dctx *x)
{
	struct obj **olds;
	size_t n = old_rss(x, &olds, false);
	long long limit = jint(J(x->dj, "spec", "revisionHistoryLimit"), -1);
	long long diff;

	if (limit < 0) {
		free(olds);
		return;
	}
	diff = (long long)n - limit;
	qsort(olds, n, sizeof *olds, cmp_rs_revision);
	for (long long i = 0; i < diff; i++) {
		struct obj *rs = olds[i];
		const cJSON *j = rs->cur->json;

		if (rs_status(rs, "replicas") != 0 || rs_spec(rs) != 0
		    || jint(J(j, "metadata", "generation"), 1)
		       > jint(J(j, "status", "observedGeneration"), 0))
			continue;
		remove_rs(x, rs);
		objstore_remove(&x->sb->store, rs);
	}
	free(olds);
}

/* ---- scaling (sync.go scale) ---- */

static struct obj *find_active_or_latest(struct dctx *x)
{
	struct obj **olds, *active = NULL, *latest = NULL;
	size_t n = old_rss(x, &olds, false);
	int nactive = 0;

	for (size_t i = 0; i < x->nrs; i++)
		if (rs_spec(x->rs[i]) > 0) {
			active = x->rs[i];
			nactive++;
		}
	if (n) {
		qsort(olds, n, sizeof *olds, cmp_rs_created);
		latest = olds[n - 1];
	}
	free(olds);
	if (nactive == 1)
		return active;
	if (nactive == 0)
		return x->new_rs ? x->new_rs : latest;
	return NULL;
}

static bool is_saturated(struct dctx *x)
{
	const char *d;

	if (!x->new_rs)
		return false;
	d = jmeta_get(x->new_rs->cur->json, "annotations", ANN_DESIRED);
	return d && atoll(d) == replicas_of(x->dj) && rs_spec(x->new_rs) == replicas_of(x->dj)
	       && rs_status(x->new_rs, "availableReplicas") == replicas_of(x->dj);
}

static long long rs_fraction(struct dctx *x, const struct obj *rs)
{
	long long dr = replicas_of(x->dj), total, annotated;
	const char *m;

	if (dr == 0)
		return -rs_spec(rs);
	total = dr + max_surge(x->dj);
	m = jmeta_get(rs->cur->json, "annotations", ANN_MAX);
	annotated = m ? atoll(m) : jint(J(x->dj, "status", "replicas"), 0);
	if (annotated <= 0)
		return 0;
	return (long long)llround((double)(rs_spec(rs) * total) / (double)annotated) - rs_spec(rs);
}

static int cmp_size_newer(const void *a, const void *b)
{
	const struct obj *x = *(struct obj *const *)a, *y = *(struct obj *const *)b;

	if (rs_spec(x) != rs_spec(y))
		return rs_spec(x) > rs_spec(y) ? -1 : 1;
	return -cmp_rs_created(a, b);
}

static int cmp_size_older(const void *a, const void *b)
{
	const struct obj *x = *(struct obj *const *)a, *y = *(struct obj *const *)b;

	if (rs_spec(x) != rs_spec(y))
		return rs_spec(x) > rs_spec(y) ? -1 : 1;
	return cmp_rs_created(a, b);
}

static void scale(struct dctx *x)
{
	struct obj *one = find_active_or_latest(x), **all;
	long long allowed, to_add, added = 0, *sizes;
	size_t n = 0;

	if (one) {
		if (rs_spec(one) != replicas_of(x->dj))
			scale_rs_and_record(x, one, replicas_of(x->dj));
		return;
	}
	if (is_saturated(x)) {
		for (size_t i = 0; i < x->nrs; i++)
			if (x->rs[i] != x->new_rs && rs_spec(x->rs[i]) > 0)
				scale_rs_and_record(x, x->rs[i], 0);
		return;
	}
	if (!is_rolling(x->dj))
		return;
	all = xcalloc(x->nrs + 1, sizeof *all);
	for (size_t i = 0; i < x->nrs; i++)
		if (rs_spec(x->rs[i]) > 0)
			all[n++] = x->rs[i];
	allowed = replicas_of(x->dj) > 0 ? replicas_of(x->dj) + max_surge(x->dj) : 0;
	to_add = allowed - sum_spec(all, n);
	qsort(all, n, sizeof *all, to_add > 0 ? cmp_size_newer : cmp_size_older);
	sizes = xcalloc(n + 1, sizeof *sizes);
	for (size_t i = 0; i < n; i++) {
		long long p = 0;

		if (to_add != 0 && to_add != added && rs_spec(all[i]) > 0) {
			long long frac = rs_fraction(x, all[i]), left = to_add - added;

			p = to_add > 0 ? (frac < left ? frac : left) : (frac > left ? frac : left);
		}
		sizes[i] = rs_spec(all[i]) + p;
		added += p;
	}
	if (n && to_add != 0) {
		sizes[0] += to_add - added;
		if (sizes[0] < 0)
			sizes[0] = 0;
	}
	for (size_t i = 0; i < n; i++)
		scale_rs(x, all[i], sizes[i], to_add > 0 ? "up" : "down");
	free(sizes);
	free(all);
}

static bool scaling_event(struct dctx *x)
{
	for (size_t i = 0; i < x->nrs; i++) {
		const char *d = jmeta_get(x->rs[i]->cur->json, "annotations", ANN_DESIRED);

		if (rs_spec(x->rs[i]) > 0 && d && atoll(d) != replicas_of(x->dj))
			return true;
	}
	return false;
}

/* ---- rolling update (rolling.go) ---- */

static bool reconcile_new(struct dctx *x)
{
	long long want = replicas_of(x->dj), cur;

	if (!x->new_rs)
		return false;
	cur = rs_spec(x->new_rs);
	if (cur == want)
		return false;
	if (cur > want)
		return scale_rs_and_record(x, x->new_rs, want);
	return scale_rs_and_record(x, x->new_rs, new_rs_new_replicas(x, cur));
}

static long long cleanup_unhealthy(struct dctx *x, struct obj **olds, size_t n, long long max)
{
	long long total = 0;

	qsort(olds, n, sizeof *olds, cmp_rs_created);
	for (size_t i = 0; i < n && total < max; i++) {
		long long spec = rs_spec(olds[i]), avail = rs_status(olds[i], "availableReplicas");
		long long down;

		if (spec == 0 || spec == avail)
			continue;
		down = max - total < spec - avail ? max - total : spec - avail;
		scale_rs_and_record(x, olds[i], spec - down);
		total += down;
	}
	return total;
}

static long long scale_down_old_for_rolling(struct dctx *x, struct obj **olds, size_t n)
{
	long long min_avail = replicas_of(x->dj) - max_unavailable(x->dj), avail = 0, total,
		done = 0;

	for (size_t i = 0; i < x->nrs; i++)
		avail += rs_status(x->rs[i], "availableReplicas");
	if (avail <= min_avail)
		return 0;
	total = avail - min_avail;
	qsort(olds, n, sizeof *olds, cmp_rs_created);
	for (size_t i = 0; i < n && done < total; i++) {
		long long spec = rs_spec(olds[i]), down;

		if (spec == 0)
			continue;
		down = spec < total - done ? spec : total - done;
		scale_rs_and_record(x, olds[i], spec - down);
		done += down;
	}
	return done;
}

static bool reconcile_old(struct dctx *x)
{
	struct obj **olds;
	size_t n = old_rss(x, &olds, true);
	long long old_count = sum_spec(olds, n), all_count, min_avail, new_unavail, max_down;
	long long done;

	if (old_count == 0) {
		free(olds);
		return false;
	}
	all_count = sum_spec(x->rs, x->nrs);
	min_avail = replicas_of(x->dj) - max_unavailable(x->dj);
	new_unavail = x->new_rs ? rs_spec(x->new_rs) - rs_status(x->new_rs, "availableReplicas")
		: 0;
	max_down = all_count - min_avail - new_unavail;
	if (max_down <= 0) {
		free(olds);
		return false;
	}
	done = cleanup_unhealthy(x, olds, n, max_down);
	done += scale_down_old_for_rolling(x, olds, n);
	free(olds);
	return done > 0;
}

static void rollout_rolling(struct dctx *x)
{
	sync_revision(x, true);
	if (reconcile_new(x) || reconcile_old(x)) {
		sync_rollout_status(x);
		return;
	}
	if (deployment_complete(x->dj, J(x->dj, "status")))
		cleanup(x);
	sync_rollout_status(x);
}

/* ---- recreate (recreate.go) ---- */

static bool old_pods_running(struct dctx *x)
{
	for (size_t i = 0; i < x->nrs; i++) {
		const struct children *w;

		if (x->rs[i] == x->new_rs)
			continue;
		if (rs_status(x->rs[i], "replicas") > 0)
			return true;
		w = objstore_children(&x->sb->store, x->rs[i]->uid);
		for (size_t p = 0; w && p < w->n; p++) {
			if (w->v[p]->kind->id == K_POD && !w->v[p]->terminal)
				return true;
		}
	}
	return false;
}

static void rollout_recreate(struct dctx *x)
{
	bool scaled = false;

	sync_revision(x, false);
	for (size_t i = 0; i < x->nrs; i++)
		if (x->rs[i] != x->new_rs && rs_spec(x->rs[i]) > 0)
			scaled |= scale_rs_and_record(x, x->rs[i], 0);
	if (scaled || old_pods_running(x)) {
		sync_rollout_status(x);
		return;
	}
	if (!x->new_rs)
		sync_revision(x, true);
	if (x->new_rs)
		scale_rs_and_record(x, x->new_rs, replicas_of(x->dj));
	if (deployment_complete(x->dj, J(x->dj, "status")))
		cleanup(x);
	sync_rollout_status(x);
}

/* ---- one Deployment ---- */

static void check_paused_conditions(struct dctx *x)
{
	cJSON *st = jchild(x->dj, "status"), *c;
	const char *reason;
	bool paused = jtrue(J(x->dj, "spec", "paused"));
	bool paused_cond;

	if (!has_progress_deadline(x->dj))
		return;
	c = get_condition(st, "Progressing");
	reason = jstr(J(c, "reason"));
	if (reason && !strcmp(reason, "ProgressDeadlineExceeded"))
		return;
	paused_cond = reason && !strcmp(reason, "DeploymentPaused");
	if (paused && !paused_cond)
		set_condition(x, st, new_condition("Progressing", "Unknown", "DeploymentPaused",
						   "Deployment is paused"));
	else if (!paused && paused_cond)
		set_condition(x, st, new_condition("Progressing", "Unknown", "DeploymentResumed",
						   "Deployment is resumed"));
}

/* ReplicaSets no controller owns whose labels d's selector matches become
 * d's, as the real controller adopts them: after `kubectl delete
 * --cascade=orphan` and a new Deployment, or a cluster restored from
 * manifests with its old revisions. */
static void adopt_orphans(struct sandbox *sb, struct obj *d)
{
	struct kstore *ks = &sb->store.k[K_REPLICASET];
	const cJSON *ls = J(d->cur->json, "spec", "selector");
	struct selector sel;
	bool parsed = false;
	struct err err;

	if (d->deleting || (!cJSON_GetArraySize(J(ls, "matchLabels"))
			    && !cJSON_GetArraySize(J(ls, "matchExpressions"))))
		return;
	for (size_t i = 0; i < ks->n; i++) {
		struct obj *rs = ks->v[i];
		cJSON *j;

		if (rs->owner_uid || rs->deleting || strcmp(rs->ns, d->ns))
			continue;
		/* orphans are rare: the selector is read only when there is one */
		if (!parsed && sel_from_label_selector(&sel, ls, &err))
			return;
		parsed = true;
		if (!sel_match_labels(&sel, J(rs->cur->json, "metadata", "labels")))
			continue;
		j = cJSON_Duplicate(rs->cur->json, 1);
		jset(jchild(j, "metadata"), "ownerReferences", controller_refs(d));
		objstore_commit(&sb->store, rs->kind, j);
	}
	if (parsed)
		sel_free(&sel);
}

static void sync_one(struct sandbox *sb, struct obj *d, int64_t now, int64_t *next)
{
	const struct children *w;
	struct dctx x = { .sb = sb, .d = d, .now = now, .next = next };
	const cJSON *sel;

	adopt_orphans(sb, d);
	w = objstore_children(&sb->store, d->uid);
	x.dj = cJSON_Duplicate(d->cur->json, 1);
	x.rs = xcalloc(w ? w->n + 1 : 1, sizeof *x.rs);
	for (size_t i = 0; w && i < w->n; i++)
		if (w->v[i]->kind->id == K_REPLICASET && !w->v[i]->deleting)
			x.rs[x.nrs++] = w->v[i];
	qsort(x.rs, x.nrs, sizeof *x.rs, cmp_rs_created);
	dsim(d);

	sel = J(x.dj, "spec", "selector");
	if (!cJSON_GetArraySize(J(sel, "matchLabels"))
	    && !cJSON_GetArraySize(J(sel, "matchExpressions"))) {
		set_or_omit(jchild(x.dj, "status"), "observedGeneration",
			    jint(J(x.dj, "metadata", "generation"), 1));
	} else if (J(x.dj, "metadata", "deletionTimestamp")) {
		sync_revision(&x, false);
		sync_deployment_status(&x);
	} else {
		check_paused_conditions(&x);
		if (jtrue(J(x.dj, "spec", "paused"))) {
			sync_revision(&x, false);
			scale(&x);
			cleanup(&x);
			sync_deployment_status(&x);
		} else if (scaling_event(&x)) {
			sync_revision(&x, false);
			scale(&x);
			sync_deployment_status(&x);
		} else if (is_rolling(x.dj)) {
			rollout_rolling(&x);
		} else {
			rollout_recreate(&x);
		}
	}
	/* The Deployment may have changed under the pass (our own RS writes do
	 * not touch it); write metadata and status on top of its current spec. */
	sandbox_commit_if_changed(sb, d, x.dj);
	free(x.rs);
}

void deploy_sync(struct sandbox *sb, int64_t now, int64_t *next_due)
{
	struct kstore *ks = &sb->store.k[K_DEPLOYMENT];
	for (size_t i = 0; i < ks->n; i++)
		sync_one(sb, ks->v[i], now, next_due);
}
