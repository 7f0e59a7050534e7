#include "sandbox/mirror.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox/jsonx.h"
#include "util/xalloc.h"

const enum kind_id mirror_kinds[MIRROR_KINDS] = {
	K_DEPLOYMENT, K_REPLICASET, K_SERVICE, K_POD,
};

/* What a mirrored pod carries beside its JSON (obj->sim). */
struct mirror_pod {
	struct faultset faults;
	bool ready;
};

static void mirror_pod_free(void *p)
{
	free(p);
}

static struct mirror_pod *mpod(const struct obj *pod)
{
	return pod->sim_free == mirror_pod_free ? pod->sim : NULL;
}

bool mirror_pod_ready(const struct obj *pod)
{
	const struct mirror_pod *mp = mpod(pod);

	return mp && mp->ready;
}

const struct faultset *mirror_pod_faults(const struct obj *pod)
{
	const struct mirror_pod *mp = mpod(pod);

	return mp ? &mp->faults : NULL;
}

/* Running with the Ready condition True, as endpoints controllers read it. */
static bool cluster_says_ready(const cJSON *pod)
{
	const cJSON *cond;
	const char *phase = jstr(J(pod, "status", "phase"));

	if (!phase || strcmp(phase, "Running"))
		return false;
	cJSON_ArrayForEach(cond, J(pod, "status", "conditions")) {
		const char *type = jstr(J(cond, "type")), *status = jstr(J(cond, "status"));

		if (type && !strcmp(type, "Ready"))
			return status && !strcmp(status, "True");
	}
	return false;
}

static void pod_update(struct sandbox *sb, struct obj *pod)
{
	struct mirror_pod *mp = mpod(pod);

	if (!mp) {
		mp = xcalloc(1, sizeof *mp);
		pod->sim = mp;
		pod->sim_free = mirror_pod_free;
	}
	faults_for_pod(&sb->faults, pod->cur->json, &mp->faults);
	mp->ready = cluster_says_ready(pod->cur->json);
}

static const char *meta_str(const cJSON *obj, const char *field)
{
	const char *s = jstr(J(obj, "metadata", field));

	return s ? s : "";
}

/* Adds or updates one object (json taken); lock held. An object of the same
 * name but another uid is a new object: the old one goes first. */
static void put(struct sandbox *sb, const struct kind *k, cJSON *json)
{
	const char *ns = k->namespaced ? meta_str(json, "namespace") : "";
	const char *name = meta_str(json, "name");
	struct obj *o;

	if (!cJSON_IsObject(json) || !*name || (k->namespaced && !*ns)) {
		cJSON_Delete(json);
		return;
	}
	/* List items carry neither; managedFields only cost memory here. */
	jset_str(json, "apiVersion", k->api_version);
	jset_str(json, "kind", k->kind);
	jdel(jchild(json, "metadata"), "managedFields");
	o = objstore_get(&sb->store, k, ns, name);
	if (o && strcmp(o->uid, meta_str(json, "uid"))) {
		objstore_remove(&sb->store, o);
		o = NULL;
	}
	if (o) {
		/* the store keeps its own resourceVersions: compare without them */
		jset_str(jchild(json, "metadata"), "resourceVersion",
			 meta_str(o->cur->json, "resourceVersion"));
		if (jequal(o->cur->json, json)) {
			cJSON_Delete(json);
			return;
		}
	}
	o = objstore_commit(&sb->store, k, json);
	if (k->id == K_POD)
		pod_update(sb, o);
}

static void drop(struct sandbox *sb, const struct kind *k, const cJSON *json)
{
	const char *uid = meta_str(json, "uid");
	struct obj *o = objstore_get(&sb->store, k,
				     k->namespaced ? meta_str(json, "namespace") : "",
				     meta_str(json, "name"));

	if (o && (!*uid || !strcmp(o->uid, uid)))
		objstore_remove(&sb->store, o);
}

static void set_rv(char **rv, const cJSON *obj)
{
	const char *v = jstr(J(obj, "metadata", "resourceVersion"));

	if (v) {
		free(*rv);
		*rv = xstrdup(v);
	}
}

int mirror_apply_list(struct sandbox *sb, const struct kind *k, cJSON *list, char **rv,
		      struct err *err)
{
	cJSON *items = J(list, "items"), *item;
	struct kstore *ks = &sb->store.k[k->id];
	struct hmap seen = { 0 };
	struct obj **gone = NULL;
	size_t ngone = 0, cap = 0;

	if (!cJSON_IsObject(list) || !(cJSON_IsArray(items) || cJSON_IsNull(items))) {
		cJSON_Delete(list);
		return err_set(err, "the answer is not a %sList (no items)", k->kind);
	}
	set_rv(rv, list);
	cJSON_ArrayForEach(item, items) {
		char *key = xasprintf("%s/%s", k->namespaced ? meta_str(item, "namespace") : "",
				      meta_str(item, "name"));

		hmap_put(&seen, key, item);
		free(key);
	}
	pthread_mutex_lock(&sb->mu);
	for (size_t i = 0; i < ks->n; i++) {
		struct obj *o = ks->v[i];
		char *key = xasprintf("%s/%s", o->ns, o->name);

		if (!hmap_get(&seen, key)) {
			xgrow(&gone, &cap, ngone + 1, sizeof *gone);
			gone[ngone++] = o;
		}
		free(key);
	}
	for (size_t i = 0; i < ngone; i++)
		objstore_remove(&sb->store, gone[i]);
	while (cJSON_IsArray(items) && items->child)
		put(sb, k, cJSON_DetachItemViaPointer(items, items->child));
	pthread_mutex_unlock(&sb->mu);
	free(gone);
	hmap_free(&seen);
	cJSON_Delete(list);
	return 0;
}

enum mirror_line mirror_apply_line(struct sandbox *sb, const struct kind *k, const char *line,
				   size_t len, char **rv, struct err *err)
{
	cJSON *ev = cJSON_ParseWithLength(line, len), *obj;
	const char *type = jstr(J(ev, "type"));
	enum mirror_line rc = MIRROR_LINE_OK;

	obj = J(ev, "object");
	if (!type || !cJSON_IsObject(obj)) {
		err_set(err, "not a watch event: %.80s", line);
		rc = MIRROR_LINE_ERROR;
		goto out;
	}
	if (!strcmp(type, "ERROR")) {
		const char *msg = jstr(J(obj, "message"));

		rc = jint(J(obj, "code"), 0) == 410 ? MIRROR_LINE_EXPIRED : MIRROR_LINE_ERROR;
		err_set(err, "watch ERROR %lld: %s", jint(J(obj, "code"), 0), msg ? msg : "");
		goto out;
	}
	set_rv(rv, obj);
	if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED")) {
		pthread_mutex_lock(&sb->mu);
		put(sb, k, cJSON_DetachItemViaPointer(ev, obj));
		pthread_mutex_unlock(&sb->mu);
	} else if (!strcmp(type, "DELETED")) {
		pthread_mutex_lock(&sb->mu);
		drop(sb, k, obj);
		pthread_mutex_unlock(&sb->mu);
	}
	/* BOOKMARK, and types to come: only the resourceVersion */
out:
	cJSON_Delete(ev);
	return rc;
}
