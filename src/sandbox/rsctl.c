/* The ReplicaSet controller and the garbage collector. */
#include "sandbox/controllers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "sandbox/kubelet.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* Pods one ReplicaSet creates or deletes in one pass, as upstream's
 * burstReplicas: a huge spec.replicas fills the store gradually. */
#define BURST_REPLICAS 500
/* Pods the whole sandbox holds at most, as a namespace quota would refuse
 * more: spec.replicas: 2147483647 must not eat the machine. */
#define MAX_PODS 50000

static bool pod_active(const struct obj *pod)
{
	return !pod->deleting && !pod->terminal;
}

static long long restarts(const struct obj *pod)
{
	const cJSON *c;
	long long n = 0;

	cJSON_ArrayForEach(c, J(pod->cur->json, "status", "containerStatuses"))
		n += jint(J(c, "restartCount"), 0);
	return n;
}

/* Which pod to delete first, as upstream ranks them: unscheduled, pending,
 * not ready, ready for the shortest time, restarted most, newest. */
static int cmp_delete_first(const void *pa, const void *pb)
{
	const struct obj *a = *(struct obj *const *)pa, *b = *(struct obj *const *)pb;
	bool sa = jstr(J(a->cur->json, "spec", "nodeName")) != NULL;
	bool sb2 = jstr(J(b->cur->json, "spec", "nodeName")) != NULL;
	const char *pha = jstr(J(a->cur->json, "status", "phase"));
	const char *phb = jstr(J(b->cur->json, "status", "phase"));
	bool ra = pha && !strcmp(pha, "Running"), rb = phb && !strcmp(phb, "Running");
	bool ya = kubelet_pod_ready(a), yb = kubelet_pod_ready(b);

	if (sa != sb2)
		return sa ? 1 : -1;
	if (ra != rb)
		return ra ? 1 : -1;
	if (ya != yb)
		return ya ? 1 : -1;
	if (restarts(a) != restarts(b))
		return restarts(a) > restarts(b) ? -1 : 1;
	if (a->born_ms != b->born_ms)
		return a->born_ms > b->born_ms ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void create_pod(struct sandbox *sb, struct obj *rs)
{
	const cJSON *tmpl = J(rs->cur->json, "spec", "template");
	cJSON *pod = cJSON_CreateObject(), *meta, *refs, *ref;
	char name[300], suffix[6], uid[37], ts[32];

	do {
		sandbox_rand_suffix(sb, suffix, 5);
		snprintf(name, sizeof name, "%s-%s", rs->name, suffix);
	} while (objstore_get(&sb->store, &kinds[K_POD], rs->ns, name));
	objstore_new_uid(uid);
	sb_now_rfc3339(ts);
	jset_str(pod, "kind", "Pod");
	jset_str(pod, "apiVersion", "v1");
	meta = jchild(pod, "metadata");
	jset_str(meta, "name", name);
	snprintf(name, sizeof name, "%s-", rs->name);
	jset_str(meta, "generateName", name);
	jset_str(meta, "namespace", rs->ns);
	jset_str(meta, "uid", uid);
	jset_str(meta, "creationTimestamp", ts);
	if (J(tmpl, "metadata", "labels"))
		jset(meta, "labels", cJSON_Duplicate(J(tmpl, "metadata", "labels"), 1));
	if (J(tmpl, "metadata", "annotations"))
		jset(meta, "annotations", cJSON_Duplicate(J(tmpl, "metadata", "annotations"), 1));
	refs = cJSON_CreateArray();
	ref = cJSON_CreateObject();
	jset_str(ref, "apiVersion", "apps/v1");
	jset_str(ref, "kind", "ReplicaSet");
	jset_str(ref, "name", rs->name);
	jset_str(ref, "uid", rs->uid);
	jset_bool(ref, "controller", true);
	jset_bool(ref, "blockOwnerDeletion", true);
	cJSON_AddItemToArray(refs, ref);
	jset(meta, "ownerReferences", refs);
	jset(pod, "spec", cJSON_Duplicate(J(tmpl, "spec"), 1));
	jset_str(jchild(pod, "status"), "phase", "Pending");
	jset_str(jchild(pod, "status"), "qosClass", "BestEffort");
	objstore_commit(&sb->store, &kinds[K_POD], pod);
	sandbox_event(sb, rs, "Normal", "SuccessfulCreate", "replicaset-controller", NULL, NULL,
		 "Created pod: %s", jstr(J(pod, "metadata", "name")));
}

static long long rs_replicas(const struct obj *rs)
{
	return jint(J(rs->cur->json, "spec", "replicas"), 1);
}

static size_t active_pods(struct sandbox *sb, const struct obj *rs, struct obj ***out)
{
	const struct children *w = objstore_children(&sb->store, rs->uid);
	struct obj **v = xcalloc(w ? w->n + 1 : 1, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; w && i < w->n; i++)
		if (w->v[i]->kind->id == K_POD && pod_active(w->v[i]))
			v[n++] = w->v[i];
	*out = v;
	return n;
}

static void set_or_omit(cJSON *st, const char *key, long long v)
{
	if (v)
		jset_int(st, key, v);
	else
		jdel(st, key);
}

void rs_sync(struct sandbox *sb, int64_t now, int64_t *next_due)
{
	struct kstore *ks = &sb->store.k[K_REPLICASET];
	long long *want = xcalloc(ks->n + 1, sizeof *want);
	size_t nrs = ks->n;

	/* Deletions first, creations after: the pods that exist never exceed the
	 * sum of the ReplicaSets' specs, so maxSurge holds at every moment. */
	for (size_t i = 0; i < nrs; i++) {
		struct obj *rs = ks->v[i], **pods;
		size_t n = active_pods(sb, rs, &pods);
		long long spec = rs_replicas(rs);

		want[i] = 0;
		if (J(rs->cur->json, "metadata", "deletionTimestamp")) {
			free(pods);
			continue;
		}
		if ((long long)n > spec) {
			qsort(pods, n, sizeof *pods, cmp_delete_first);
			for (long long d = 0; d < (long long)n - spec && d < BURST_REPLICAS; d++) {
				char *name = xstrdup(pods[d]->name);

				kubelet_delete_pod(sb, pods[d], -1);
				sandbox_event(sb, rs, "Normal", "SuccessfulDelete",
					      "replicaset-controller", NULL, NULL,
					      "Deleted pod: %s", name);
				free(name);
			}
		} else if ((long long)n < spec) {
			want[i] = spec - (long long)n < BURST_REPLICAS ? spec - (long long)n
								      : BURST_REPLICAS;
		}
		free(pods);
	}
	for (size_t i = 0; i < nrs && i < ks->n; i++)
		for (long long c = 0; c < want[i]; c++) {
			if (sb->store.k[K_POD].n >= MAX_PODS) {
				sandbox_event(sb, ks->v[i], "Warning", "FailedCreate",
					      "replicaset-controller", NULL, NULL,
					      "Error creating: pods \"%s-\" is forbidden: exceeded "
					      "quota: shipdeck-sandbox, requested: pods=1, used: "
					      "pods=%d, limited: pods=%d", ks->v[i]->name,
					      MAX_PODS, MAX_PODS);
				break;
			}
			create_pod(sb, ks->v[i]);
		}
	free(want);

	for (size_t i = 0; i < ks->n; i++) {
		struct obj *rs = ks->v[i], **pods;
		size_t n = active_pods(sb, rs, &pods);
		long long ready = 0, avail = 0;
		long long min_ready = jint(J(rs->cur->json, "spec", "minReadySeconds"), 0);
		cJSON *json, *st;

		for (size_t p = 0; p < n; p++) {
			if (kubelet_pod_ready(pods[p]))
				ready++;
			if (kubelet_pod_available(sb, pods[p], min_ready, now, next_due))
				avail++;
		}
		free(pods);
		json = cJSON_Duplicate(rs->cur->json, 1);
		st = jchild(json, "status");
		jset_int(st, "replicas", (long long)n);
		set_or_omit(st, "fullyLabeledReplicas", (long long)n);
		set_or_omit(st, "readyReplicas", ready);
		set_or_omit(st, "availableReplicas", avail);
		set_or_omit(st, "observedGeneration", jint(J(json, "metadata", "generation"), 1));
		sandbox_commit_if_changed(sb, rs, json);
	}
}

void gc_sync(struct sandbox *sb)
{
	struct kstore *ks = &sb->store.k[K_REPLICASET];

	/* Only removals make orphans (and the periodic pass catches objects
	 * created with a dangling owner). */
	if (sb->store.removals == sb->gc_removals && time_mono_ms() < sb->gc_next_ms)
		return;
	sb->gc_removals = sb->store.removals;
	sb->gc_next_ms = time_mono_ms() + 1000;

	for (size_t i = ks->n; i-- > 0;) {
		struct obj *rs = ks->v[i];

		if (rs->owner_uid && !objstore_by_uid(&sb->store, rs->owner_uid))
			objstore_remove(&sb->store, rs);
	}
	ks = &sb->store.k[K_POD];
	for (size_t i = ks->n; i-- > 0;) {
		struct obj *pod;

		if (i >= ks->n)
			continue;
		pod = ks->v[i];
		if (pod->owner_uid && !pod->deleting
		    && !objstore_by_uid(&sb->store, pod->owner_uid))
			kubelet_delete_pod(sb, pod, -1);
	}
}
