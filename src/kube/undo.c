#include "kube/undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/objects.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The deployment keeps these of its own; every other annotation comes from
 * the replica set restored (kubectl's annotationsToSkip). */
static const char *const own_annotations[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	"deployment.kubernetes.io/revision",
	"deployment.kubernetes.io/revision-history",
	"deployment.kubernetes.io/desired-replicas",
	"deployment.kubernetes.io/max-replicas",
	"deprecated.deployment.rollback.to",
	NULL,
};

static bool is_own(const char *key)
{
	for (const char *const *k = own_annotations; *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

static void drop_label(cJSON *tmpl, const char *key)
{
	cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(tmpl, "metadata"), "labels");

	if (cJSON_IsObject(labels))
		cJSON_DeleteItemFromObjectCaseSensitive(labels, key);
}

static void drop_hash(cJSON *tmpl)
{
	drop_label(tmpl, "pod-template-hash");
}

char *kube_template_without_hash(const char *tmpl_json)
{
	return kube_template_without_label(tmpl_json, "pod-template-hash");
}

char *kube_template_without_label(const char *tmpl_json, const char *label)
{
	cJSON *t = cJSON_Parse(tmpl_json);
	char *s, *out;

	if (!t)
		return xstrdup("{}");
	drop_label(t, label);
	s = cJSON_PrintUnformatted(t);
	out = xstrdup(s);
	cJSON_free(s);
	cJSON_Delete(t);
	return out;
}

/* Go's zero values: an absent field, null, false, 0, "", {} and [] decode
 * to the same struct, and apimachinery's semantic equality sees no
 * difference between them. */
static bool is_empty(const cJSON *v)
{
	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return true;
	if (cJSON_IsNumber(v))
		return v->valuedouble == 0;
	if (cJSON_IsString(v))
		return !*v->valuestring;
	if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		const cJSON *c;

		cJSON_ArrayForEach(c, v)
			if (cJSON_IsArray(v) || !is_empty(c))
				return false;
		return true;
	}
	return false;
}

static bool semantic_equal(const cJSON *a, const cJSON *b)
{
	const cJSON *c;

	if (is_empty(a) || is_empty(b))
		return is_empty(a) && is_empty(b);
	if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
		cJSON_ArrayForEach(c, a)
			if (!semantic_equal(c, cJSON_GetObjectItemCaseSensitive(b, c->string)))
				return false;
		cJSON_ArrayForEach(c, b)
			if (!cJSON_GetObjectItemCaseSensitive(a, c->string) && !is_empty(c))
				return false;
		return true;
	}
	if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
		const cJSON *d = b->child;

		if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
			return false;
		for (c = a->child; c && d; c = c->next, d = d->next)
			if (!semantic_equal(c, d))
				return false;
		return true;
	}
	return cJSON_Compare(a, b, true);
}

/* An annotation by key (keys hold dots, so not through kube_json_str). */
static const char *annotation_str(const char *annotations_json, const char *key, cJSON **tree)
{
	const cJSON *v;

	if (!*tree)
		*tree = cJSON_Parse(annotations_json ? annotations_json : "{}");
	v = cJSON_GetObjectItemCaseSensitive(*tree, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The image text of a revision, "web:1.4" rather than a whole registry path
 * when short enough to read in a dialog. */
static char *rev_label(long rev, const char *images)
{
	return xasprintf("revision %ld (%s)", rev, images && *images ? images : "no image");
}

/* "shipdeck rollback web to revision 3 (greet:1.0) by ada": each image
 * without its registry and path, as the deploy's cause names it. */
static char *rollback_cause(const struct kube_deployment *d, const struct kube_replicaset *rs,
			    const char *by)
{
	struct strbuf sb = { 0 };
	const char *p = rs->images ? rs->images : "";
	bool first = true;

	sb_printf(&sb, "shipdeck rollback %s to revision %ld (", d->meta.name, rs->revision);
	while (*p) {
		const char *name;
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, ",");
		name = p;
		for (size_t i = 0; i < n; i++)
			if (p[i] == '/')
				name = p + i + 1;
		sb_printf(&sb, "%s%.*s", first ? "" : ", ", (int)(p + n - name), name);
		first = false;
		p += n + (p[n] == ',');
	}
	sb_printf(&sb, "%s) by %s", first ? "no image" : "", by);
	return sb_steal(&sb);
}

static char *build_patch(const struct kube_deployment *d, const struct kube_replicaset *rs,
			 const char *cause)
{
	cJSON *ops = cJSON_CreateArray(), *op, *tmpl = cJSON_Parse(rs->template_json);
	cJSON *rs_ann = cJSON_Parse(rs->annotations_json ? rs->annotations_json : "{}");
	cJSON *d_ann = cJSON_Parse(d->annotations_json ? d->annotations_json : "{}");
	cJSON *ann = cJSON_CreateObject(), *kv;
	char *s, *out;

	if (!tmpl)
		tmpl = cJSON_CreateObject();
	drop_hash(tmpl);
	cJSON_ArrayForEach(kv, kube_json_object(d_ann))
		if (is_own(kv->string) && cJSON_IsString(kv))
			cJSON_AddStringToObject(ann, kv->string, kv->valuestring);
	cJSON_ArrayForEach(kv, kube_json_object(rs_ann))
		if (!is_own(kv->string) && cJSON_IsString(kv)
		    && !(cause && !strcmp(kv->string, "kubernetes.io/change-cause")))
			cJSON_AddStringToObject(ann, kv->string, kv->valuestring);
	if (cause)
		cJSON_AddStringToObject(ann, "kubernetes.io/change-cause", cause);

	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/spec/template");
	cJSON_AddItemToObject(op, "value", tmpl);
	cJSON_AddItemToArray(ops, op);
	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/metadata/annotations");
	cJSON_AddItemToObject(op, "value", ann);
	cJSON_AddItemToArray(ops, op);
	if (d->meta.rv) {
		/* the version the operator saw: the server refuses (409) if it moved on */
		op = cJSON_CreateObject();
		cJSON_AddStringToObject(op, "op", "replace");
		cJSON_AddStringToObject(op, "path", "/metadata/resourceVersion");
		cJSON_AddStringToObject(op, "value", d->meta.rv);
		cJSON_AddItemToArray(ops, op);
	}
	s = cJSON_PrintUnformatted(ops);
	out = xstrdup(s);
	cJSON_free(s);
	cJSON_Delete(ops);
	cJSON_Delete(rs_ann);
	cJSON_Delete(d_ann);
	return out;
}

enum kube_undo_result kube_undo_plan(const struct kube_deployment *d,
				     const struct kube_replicaset *const *rss, size_t n,
				     long to_revision, const char *by,
				     struct kube_undo_plan *out, struct err *err)
{
	const struct kube_replicaset *target = NULL, *latest = NULL, *previous = NULL;
	long latest_rev = -1, previous_rev = -1;
	bool same;

	memset(out, 0, sizeof *out);
	if (d->paused) {
		err_set(err, "you cannot rollback a paused deployment; resume it first with "
			"'shipdeck rollout resume' and try again");
		return KUBE_UNDO_ERROR;
	}
	/* kubectl's choice: the second-highest revision, or exactly to_revision */
	for (size_t i = 0; i < n; i++) {
		long v = rss[i]->revision;

		if (to_revision == 0) {
			if (latest_rev < v) {
				previous_rev = latest_rev;
				previous = latest;
				latest_rev = v;
				latest = rss[i];
			} else if (previous_rev < v) {
				previous_rev = v;
				previous = rss[i];
			}
		} else if (v == to_revision) {
			target = rss[i];
			break;
		}
	}
	if (to_revision > 0 && !target) {
		err_set(err, "unable to find specified revision %ld in history", to_revision);
		return KUBE_UNDO_ERROR;
	}
	if (to_revision == 0) {
		if (!previous) {
			err_set(err, "no rollout history found for deployment \"%s\"",
				d->meta.name);
			return KUBE_UNDO_ERROR;
		}
		target = previous;
	}
	same = kube_templates_match(d->template_json, target->template_json,
				    "pod-template-hash");
	if (same) {
		err_set(err, "skipped rollback (current template already matches revision %ld)",
			target->revision);
		return KUBE_UNDO_SKIPPED;
	}
	out->from_revision = d->revision;
	out->to_revision = target->revision;
	out->from_images = rev_label(d->revision, d->images);
	out->to_images = rev_label(target->revision, target->images);
	out->to_rs = xstrdup(target->meta.name);
	out->change_cause = by ? rollback_cause(d, target, by) : NULL;
	out->patch = build_patch(d, target, out->change_cause);
	out->diff = kube_template_diff(d->template_json, target->template_json, 12, &out->ndiff);
	{
		cJSON *ta = NULL, *tb = NULL;
		const char *ca = annotation_str(d->annotations_json, "kubernetes.io/change-cause",
						&ta);
		const char *cb = out->change_cause ? out->change_cause
			: annotation_str(target->annotations_json, "kubernetes.io/change-cause",
					 &tb);

		if ((ca || cb) && (!ca || !cb || strcmp(ca, cb))) {
			out->diff = xrealloc(out->diff, (out->ndiff + 2) * sizeof *out->diff);
			if (ca)
				out->diff[out->ndiff++] = xasprintf("- change-cause: %s", ca);
			if (cb)
				out->diff[out->ndiff++] = xasprintf("+ change-cause: %s", cb);
		}
		cJSON_Delete(ta);
		cJSON_Delete(tb);
	}
	return KUBE_UNDO_PLANNED;
}

void kube_undo_plan_free(struct kube_undo_plan *p)
{
	free(p->from_images);
	free(p->to_images);
	free(p->to_rs);
	free(p->change_cause);
	free(p->patch);
	for (size_t i = 0; i < p->ndiff; i++)
		free(p->diff[i]);
	free(p->diff);
	memset(p, 0, sizeof *p);
}

/* ---- the template diff */

struct leaf {
	char *path;
	char *value;
	char side;                  /* '-' or '+' */
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
};

/* An array element's name in a path: containers and env by name, ports by
 * number, mounts by path; else its index. */
static void element_key(const cJSON *el, int index, char *buf, size_t size)
{
	const char *name = kube_json_str(el, "name"), *mount = kube_json_str(el, "mountPath");
	const cJSON *port = cJSON_GetObjectItemCaseSensitive(el, "containerPort");

	if (name)
		snprintf(buf, size, "%s", name);
	else if (mount)
		snprintf(buf, size, "%s", mount);
	else if (cJSON_IsNumber(port))
		snprintf(buf, size, "%d", port->valueint);
	else
		snprintf(buf, size, "%d", index);
}

static bool skipped_path(const char *path)
{
	const char *img = strstr(path, ".image");

	if (!strcmp(path, "metadata.labels.pod-template-hash")
	    || !strcmp(path, "metadata.creationTimestamp"))
		return true;
	/* the images are the dialog's from/to lines already */
	return img && !img[6] && (!strncmp(path, "spec.containers[", 16)
				  || !strncmp(path, "spec.initContainers[", 20));
}

static void flatten(const cJSON *v, const char *path, char side, struct leaves *out)
{
	const cJSON *c;
	char *s;

	if (cJSON_IsObject(v) && v->child) {
		cJSON_ArrayForEach(c, v) {
			char *p = *path ? xasprintf("%s.%s", path, c->string) : xstrdup(c->string);

			flatten(c, p, side, out);
			free(p);
		}
		return;
	}
	if (cJSON_IsArray(v) && v->child) {
		int i = 0;

		cJSON_ArrayForEach(c, v) {
			char key[128], *p;

			element_key(c, i++, key, sizeof key);
			p = xasprintf("%s[%s]", path, key);
			flatten(c, p, side, out);
			free(p);
		}
		return;
	}
	if (is_empty(v) || skipped_path(path))
		return;
	s = cJSON_PrintUnformatted(v);
	xgrow(&out->v, &out->cap, out->n + 1, sizeof *out->v);
	out->v[out->n++] = (struct leaf){ .path = xstrdup(path), .value = xstrdup(s),
					  .side = side };
	cJSON_free(s);
}

static int leaf_cmp(const void *pa, const void *pb)
{
	const struct leaf *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	/* the same path: what goes ("-") before what comes ("+") */
	return c ? c : (a->side == '+') - (b->side == '+');
}

static const struct leaf *find_leaf(const struct leaves *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].path && !strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

/* "spec.containers[web].env[LEVEL].value" → "web: env[LEVEL].value". */
static char *pretty(const char *path)
{
	static const char containers[] = "spec.containers[";
	size_t plen = sizeof containers - 1;

	if (!strncmp(path, containers, plen)) {
		size_t end = plen;

		/* by index: gcc's overread check misjudges strchr on path + plen */
		while (path[end] && path[end] != ']')
			end++;
		if (path[end] == ']')
			return xasprintf("%.*s: %s", (int)(end - plen), path + plen,
					 path + end + (path[end + 1] == '.' ? 2 : 1));
	}
	if (!strncmp(path, "metadata.", 9))
		return xstrdup(path + 9);
	if (!strncmp(path, "spec.", 5))
		return xstrdup(path + 5);
	return xstrdup(path);
}

char **kube_template_diff(const char *from_json, const char *to_json, size_t max, size_t *n)
{
	cJSON *a = cJSON_Parse(from_json ? from_json : "{}"),
		*b = cJSON_Parse(to_json ? to_json : "{}");
	struct leaves la = { 0 }, lb = { 0 }, all = { 0 };
	char **lines = NULL;
	size_t count = 0;

	flatten(a, "", '-', &la);
	flatten(b, "", '+', &lb);
	for (size_t i = 0; i < la.n; i++) {
		const struct leaf *o = find_leaf(&lb, la.v[i].path);

		if (!o || strcmp(o->value, la.v[i].value)) {
			xgrow(&all.v, &all.cap, all.n + 1, sizeof *all.v);
			all.v[all.n++] = la.v[i];
			la.v[i].path = la.v[i].value = NULL;
		}
	}
	for (size_t i = 0; i < lb.n; i++) {
		const struct leaf *o = find_leaf(&la, lb.v[i].path);

		if (!o || strcmp(o->value, lb.v[i].value)) {
			xgrow(&all.v, &all.cap, all.n + 1, sizeof *all.v);
			all.v[all.n++] = lb.v[i];
			lb.v[i].path = lb.v[i].value = NULL;
		}
	}
	if (all.n)
		qsort(all.v, all.n, sizeof *all.v, leaf_cmp);
	lines = xcalloc(all.n + 1, sizeof *lines);
	for (size_t i = 0; i < all.n; i++) {
		char *p;

		if (max && count + 1 == max && all.n > max) {
			lines[count++] = xasprintf("  … %zu more differences", all.n - i);
			break;
		}
		p = pretty(all.v[i].path);
		lines[count++] = xasprintf("%c %s=%s", all.v[i].side, p, all.v[i].value);
		free(p);
	}
	for (size_t i = 0; i < all.n; i++) {
		free(all.v[i].path);
		free(all.v[i].value);
	}
	for (size_t i = 0; i < la.n; i++) {
		free(la.v[i].path);
		free(la.v[i].value);
	}
	for (size_t i = 0; i < lb.n; i++) {
		free(lb.v[i].path);
		free(lb.v[i].value);
	}
	free(all.v);
	free(la.v);
	free(lb.v);
	cJSON_Delete(a);
	cJSON_Delete(b);
	*n = count;
	return lines;
}

bool kube_templates_match(const char *a_json, const char *b_json, const char *hash_label)
{
	cJSON *a = cJSON_Parse(a_json ? a_json : "{}"), *b = cJSON_Parse(b_json ? b_json : "{}");
	bool same;

	drop_label(a, hash_label);
	drop_label(b, hash_label);
	same = semantic_equal(a, b);
	cJSON_Delete(a);
	cJSON_Delete(b);
	return same;
}
