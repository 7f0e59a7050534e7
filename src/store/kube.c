#include "store/kube.h"

#include "store/argo.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/intern.h"
#include "util/xalloc.h"

void kube_meta_free(struct kube_meta *m)
{
	intern_drop(m->namespace);
	free(m->name);
	free(m->uid);
	free(m->rv);
}

void kube_conditions_free(struct kube_condition *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].type);
		free(c[i].status);
		free(c[i].reason);
		free(c[i].message);
	}
	free(c);
}

void kube_deployment_free(struct kube_deployment *d)
{
	if (!d)
		return;
	kube_meta_free(&d->meta);
	free(d->max_surge);
	free(d->max_unavailable);
	free(d->selector);
	free(d->images);
	free(d->change_cause);
	free(d->template_json);
	free(d->annotations_json);
	kube_conditions_free(d->conditions, d->nconditions);
	free(d);
}

void kube_replicaset_free(struct kube_replicaset *rs)
{
	if (!rs)
		return;
	kube_meta_free(&rs->meta);
	free(rs->owner);
	free(rs->owner_uid);
	free(rs->rollout);
	free(rs->rollout_uid);
	free(rs->template_hash);
	free(rs->images);
	free(rs->change_cause);
	free(rs->template_json);
	free(rs->annotations_json);
	free(rs);
}

void kube_pod_free(struct kube_pod *p)
{
	if (!p)
		return;
	kube_meta_free(&p->meta);
	intern_drop(p->owner);
	intern_drop(p->template_hash);
	intern_drop(p->node);
	intern_drop(p->phase);
	intern_drop(p->status);
	free(p->ready_message);
	for (uint16_t i = 0; i < p->ncontainers; i++) {
		struct kube_container *c = &p->containers[i];

		intern_drop(c->name);
		intern_drop(c->image);
		intern_drop(c->image_id);
		intern_drop(c->reason);
		free(c->message);
		intern_drop(c->last_reason);
	}
	free(p->containers);
	free(p);
}

void kube_event_obj_free(struct kube_event_obj *e)
{
	if (!e)
		return;
	kube_meta_free(&e->meta);
	free(e->kind);
	free(e->object);
	free(e->type);
	free(e->reason);
	free(e->message);
	free(e);
}

void kube_service_free(struct kube_service *s)
{
	if (!s)
		return;
	kube_meta_free(&s->meta);
	free(s->selector);
	free(s->annotations_json);
	free(s);
}

void kube_object_free(enum kube_resource res, void *obj)
{
	switch (res) {
	case KUBE_DEPLOYMENTS: kube_deployment_free(obj); break;
	case KUBE_REPLICASETS: kube_replicaset_free(obj); break;
	case KUBE_PODS: kube_pod_free(obj); break;
	case KUBE_EVENTS: kube_event_obj_free(obj); break;
	case KUBE_SERVICES: kube_service_free(obj); break;
	case KUBE_ROLLOUTS: kube_rollout_free(obj); break;
	case KUBE_ANALYSISRUNS: kube_analysisrun_free(obj); break;
	case KUBE_CANARIES: kube_flagger_canary_free(obj); break;
	case KUBE_RESOURCE_COUNT: break;
	}
}

static void table_clear(struct kube_table *t, enum kube_resource res)
{
	for (size_t i = 0; i < t->n; i++)
		kube_object_free(res, t->items[i]);
	t->n = 0;
}

void store_kube_init(struct store_kube *k)
{
	memset(k, 0, sizeof *k);
}

void store_kube_free(struct store_kube *k)
{
	free(k->context);
	free(k->namespace);
	for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
		table_clear(&k->tables[r], (enum kube_resource)r);
		free(k->tables[r].items);
		free(k->tables[r].error);
	}
	memset(k, 0, sizeof *k);
}

static int meta_cmp(const struct kube_meta *a, const char *ns, const char *name)
{
	int c = strcmp(a->namespace ? a->namespace : "", ns ? ns : "");

	return c ? c : strcmp(a->name ? a->name : "", name ? name : "");
}

static int obj_cmp(const void *pa, const void *pb)
{
	const struct kube_meta *a = *(void *const *)pa, *b = *(void *const *)pb;

	return meta_cmp(a, b->namespace, b->name);
}

/* Binary search: the index of ns/name, or where it would go (*found false). */
static size_t table_search(const struct kube_table *t, const char *ns, const char *name,
			   bool *found)
{
	size_t lo = 0, hi = t->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = meta_cmp(t->items[mid], ns, name);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void table_reserve(struct kube_table *t, size_t need)
{
	if (need <= t->cap)
		return;
	t->cap = t->cap ? t->cap * 2 : 64;
	if (t->cap < need)
		t->cap = need;
	t->items = realloc(t->items, t->cap * sizeof *t->items);
	if (!t->items)
		abort();
}

/* Events are bounded: when full, the oldest (by last time) go; of equal
 * times, the one first in name order. A list of many more than the bound
 * (4,600 at 10,000 pods) is trimmed in one sort, not one scan per event. */
struct event_age {
	int64_t last;
	size_t index;
};

static int event_age_cmp(const void *a, const void *b)
{
	const struct event_age *x = a, *y = b;

	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void events_trim(struct kube_table *t)
{
	size_t excess, kept = 0;
	struct event_age *ages;
	bool *drop;

	if (t->n <= KUBE_EVENTS_MAX)
		return;
	excess = t->n - KUBE_EVENTS_MAX;
	ages = xcalloc(t->n, sizeof *ages);
	drop = xcalloc(t->n, sizeof *drop);
	for (size_t i = 0; i < t->n; i++)
		ages[i] = (struct event_age){ ((struct kube_event_obj *)t->items[i])->last, i };
	qsort(ages, t->n, sizeof *ages, event_age_cmp);
	for (size_t i = 0; i < excess; i++)
		drop[ages[i].index] = true;
	for (size_t i = 0; i < t->n; i++) {
		if (drop[i])
			kube_event_obj_free(t->items[i]);
		else
			t->items[kept++] = t->items[i];
	}
	t->n = kept;
	free(ages);
	free(drop);
}

static bool table_upsert(struct kube_table *t, enum kube_resource res, void *obj)
{
	struct kube_meta *m = obj;
	bool found;
	size_t i = table_search(t, m->namespace, m->name, &found);

	if (found) {
		struct kube_meta *old = t->items[i];

		if (old->rv && m->rv && !strcmp(old->rv, m->rv)) {
			kube_object_free(res, obj);
			return false;
		}
		kube_object_free(res, old);
		t->items[i] = obj;
		return true;
	}
	table_reserve(t, t->n + 1);
	memmove(&t->items[i + 1], &t->items[i], (t->n - i) * sizeof *t->items);
	t->items[i] = obj;
	t->n++;
	if (res == KUBE_EVENTS)
		events_trim(t);
	return true;
}

static bool table_delete(struct kube_table *t, enum kube_resource res, void *obj)
{
	struct kube_meta *m = obj;
	bool found;
	size_t i = table_search(t, m->namespace, m->name, &found);

	kube_object_free(res, obj);
	if (!found)
		return false;
	kube_object_free(res, t->items[i]);
	memmove(&t->items[i], &t->items[i + 1], (t->n - i - 1) * sizeof *t->items);
	t->n--;
	return true;
}

static void table_sync(struct kube_table *t, enum kube_resource res, void **objs, size_t n)
{
	table_clear(t, res);
	table_reserve(t, n);
	if (n)
		memcpy(t->items, objs, n * sizeof *objs);
	t->n = n;
	if (t->n > 1)
		qsort(t->items, t->n, sizeof *t->items, obj_cmp);
	/* a list never holds two objects of one name; drop any repeat defensively */
	for (size_t i = 1; i < t->n;) {
		if (!obj_cmp(&t->items[i - 1], &t->items[i])) {
			kube_object_free(res, t->items[i - 1]);
			memmove(&t->items[i - 1], &t->items[i], (t->n - i) * sizeof *t->items);
			t->n--;
		} else {
			i++;
		}
	}
	if (res == KUBE_EVENTS)
		events_trim(t);
}

bool store_kube_apply(struct store_kube *k, struct kube_event *ev)
{
	struct kube_table *t = ev->res < KUBE_RESOURCE_COUNT ? &k->tables[ev->res] : NULL;
	bool changed = false;

	switch (ev->type) {
	case KUBE_EV_TARGET:
		free(k->context);
		free(k->namespace);
		k->context = ev->context;
		k->namespace = ev->namespace;
		ev->context = ev->namespace = NULL;
		for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
			table_clear(&k->tables[r], (enum kube_resource)r);
			k->tables[r].phase = KUBE_LIST_NONE;
		}
		changed = true;
		break;
	case KUBE_EV_SYNC:
		table_sync(t, ev->res, ev->objs, ev->nobjs);
		free(ev->objs);
		ev->objs = NULL;
		ev->nobjs = 0;
		changed = true;
		break;
	case KUBE_EV_UPSERT:
		changed = table_upsert(t, ev->res, ev->obj);
		ev->obj = NULL;
		break;
	case KUBE_EV_DELETE:
		changed = table_delete(t, ev->res, ev->obj);
		ev->obj = NULL;
		break;
	case KUBE_EV_PHASE:
		changed = t->phase != ev->phase || (ev->text != NULL) != (t->error != NULL)
			|| (ev->text && strcmp(ev->text, t->error));
		t->phase = ev->phase;
		free(t->error);
		t->error = ev->text;
		ev->text = NULL;
		break;
	}
	free(ev->context);
	free(ev->namespace);
	free(ev->text);
	ev->context = ev->namespace = ev->text = NULL;
	return changed;
}

const void *store_kube_find(const struct store_kube *k, enum kube_resource res,
			    const char *ns, const char *name)
{
	bool found;
	size_t i = table_search(&k->tables[res], ns, name, &found);

	return found ? k->tables[res].items[i] : NULL;
}

const struct kube_deployment *store_kube_deployment(const struct store_kube *k, const char *ns,
						    const char *name)
{
	return store_kube_find(k, KUBE_DEPLOYMENTS, ns, name);
}

/* A replica set belongs to d when its controller is d (by uid when both are
 * known, as kubectl checks, else by name). */
static bool rs_of(const struct kube_replicaset *rs, const struct kube_deployment *d)
{
	if (!rs->owner || strcmp(rs->meta.namespace, d->meta.namespace))
		return false;
	if (rs->owner_uid && d->meta.uid)
		return !strcmp(rs->owner_uid, d->meta.uid);
	return !strcmp(rs->owner, d->meta.name);
}

size_t store_kube_replicasets_of(const struct store_kube *k, const struct kube_deployment *d,
				 const struct kube_replicaset **out, size_t max)
{
	const struct kube_table *t = &k->tables[KUBE_REPLICASETS];
	size_t n = 0;

	for (size_t i = 0; i < t->n && n < max; i++) {
		const struct kube_replicaset *rs = t->items[i];
		size_t j;

		if (!rs_of(rs, d))
			continue;
		for (j = n; j > 0 && out[j - 1]->revision < rs->revision; j--)
			out[j] = out[j - 1];
		out[j] = rs;
		n++;
	}
	return n;
}

const struct kube_replicaset *store_kube_revision(const struct store_kube *k,
						 const struct kube_deployment *d, long rev)
{
	const struct kube_table *t = &k->tables[KUBE_REPLICASETS];

	for (size_t i = 0; i < t->n; i++) {
		const struct kube_replicaset *rs = t->items[i];

		if (rs->revision == rev && rs_of(rs, d))
			return rs;
	}
	return NULL;
}

size_t store_kube_pods_of(const struct store_kube *k, const struct kube_replicaset *rs,
			  const struct kube_pod **out, size_t max)
{
	const struct kube_table *t = &k->tables[KUBE_PODS];
	/* owners and namespaces are shared strings: a pointer compare per pod
	 * (every clock frame asks this of 10,000 pods and more) */
	const char *owner = intern_peek(rs->meta.name);
	size_t n = 0;

	for (size_t i = 0; owner && i < t->n && n < max; i++) {
		const struct kube_pod *p = t->items[i];

		if (p->owner == owner && p->meta.namespace == rs->meta.namespace)
			out[n++] = p;
	}
	return n;
}

size_t store_kube_events_about(const struct store_kube *k, const char *ns, const char *kind,
			       const char *name, const struct kube_event_obj **out, size_t max)
{
	const struct kube_table *t = &k->tables[KUBE_EVENTS];
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct kube_event_obj *e = t->items[i];
		size_t j;

		if (!e->object || strcmp(e->object, name)
		    || (kind && e->kind && strcmp(e->kind, kind))
		    || strcmp(e->meta.namespace, ns))
			continue;
		/* the table is in name order, which for events is creation order:
		 * among equal times the later one is the newer */
		if (n == max && (!n || out[n - 1]->last > e->last))
			continue;
		j = n < max ? n++ : n - 1;
		for (; j > 0 && out[j - 1]->last <= e->last; j--)
			out[j] = out[j - 1];
		out[j] = e;
	}
	return n;
}

const struct kube_condition *kube_deployment_condition(const struct kube_deployment *d,
						       const char *type)
{
	for (size_t i = 0; i < d->nconditions; i++)
		if (d->conditions[i].type && !strcmp(d->conditions[i].type, type))
			return &d->conditions[i];
	return NULL;
}

char **kube_template_containers(const char *template_json, size_t *n)
{
	cJSON *t = cJSON_Parse(template_json ? template_json : "{}");
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(t, "spec"), "containers"), *c;
	char **out;

	if (!cJSON_IsArray(cs))
		cs = NULL;
	out = xcalloc((size_t)(cs ? cJSON_GetArraySize(cs) : 0) + 1, sizeof *out);
	*n = 0;
	cJSON_ArrayForEach(c, cs) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
		const cJSON *image = cJSON_GetObjectItemCaseSensitive(c, "image");

		if (cJSON_IsString(name))
			out[(*n)++] = xasprintf("%s=%s", name->valuestring,
						cJSON_IsString(image) ? image->valuestring : "");
	}
	cJSON_Delete(t);
	return out;
}
