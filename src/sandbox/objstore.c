#include "sandbox/objstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox/jsonx.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static void snap_free(struct snap *s)
{
	cJSON_Delete(s->json);
	free(s->text);
	free(s);
}

struct snap *snap_ref(struct snap *s)
{
	if (s)
		s->refs++;
	return s;
}

void snap_unref(struct snap *s)
{
	if (!s || --s->refs > 0)
		return;
	snap_free(s);
}

const char *snap_text(struct snap *s)
{
	if (!s->text)
		s->text = jprint(s->json);
	return s->text;
}

static struct snap *snap_new(cJSON *json)
{
	struct snap *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	s->json = json;
	return s;
}

void objstore_init(struct objstore *s, size_t history)
{
	memset(s, 0, sizeof *s);
	s->history = history ? history : 1;
}

static void link_child(struct objstore *s, struct obj *o)
{
	struct children *c;

	if (!o->owner_uid)
		return;
	c = hmap_get(&s->children, o->owner_uid);
	if (!c) {
		c = xcalloc(1, sizeof *c);
		hmap_put(&s->children, o->owner_uid, c);
	}
	xgrow(&c->v, &c->cap, c->n + 1, sizeof *c->v);
	o->child_pos = c->n;
	c->v[c->n++] = o;
}

static void unlink_child(struct objstore *s, struct obj *o)
{
	struct children *c;

	if (!o->owner_uid || !(c = hmap_get(&s->children, o->owner_uid)))
		return;
	c->v[o->child_pos] = c->v[--c->n];
	c->v[o->child_pos]->child_pos = o->child_pos;
	if (!c->n) {
		hmap_del(&s->children, o->owner_uid);
		free(c->v);
		free(c);
	}
}

const struct children *objstore_children(const struct objstore *s, const char *owner_uid)
{
	return owner_uid ? hmap_get(&s->children, owner_uid) : NULL;
}

static void obj_free(struct obj *o)
{
	if (o->sim_free)
		o->sim_free(o->sim);
	snap_unref(o->cur);
	free(o->key);
	free(o->ns);
	free(o->name);
	free(o->uid);
	free(o->owner_uid);
	free(o->tmpl_canon);
	free(o);
}

void objstore_free(struct objstore *s)
{
	for (int k = 0; k < KIND_COUNT; k++) {
		for (size_t i = 0; i < s->k[k].n; i++)
			obj_free(s->k[k].v[i]);
		free(s->k[k].v);
		free(s->k[k].sorted);
		hmap_free(&s->k[k].by_key);
	}
	hmap_free(&s->by_uid);
	for (size_t i = 0; i < s->children.nbuckets; i++)
		for (struct hmap_entry *e = s->children.buckets[i]; e; e = e->next) {
			struct children *c = e->val;

			free(c->v);
			free(c);
		}
	hmap_free(&s->children);
	for (size_t i = 0; i < s->hlen; i++) {
		struct wevent *e = &s->hist[(s->hhead + i) % s->hcap];

		snap_unref(e->obj);
		snap_unref(e->old);
	}
	free(s->hist);
	memset(s, 0, sizeof *s);
}

static char *make_key(const struct kind *k, const char *ns, const char *name)
{
	return k->namespaced ? xasprintf("%s/%s", ns ? ns : "", name) : xstrdup(name);
}

struct obj *objstore_get(struct objstore *s, const struct kind *k, const char *ns,
		      const char *name)
{
	char *key = make_key(k, ns, name);
	struct obj *o = hmap_get(&s->k[k->id].by_key, key);

	free(key);
	return o;
}

struct obj *objstore_by_uid(struct objstore *s, const char *uid)
{
	return uid ? hmap_get(&s->by_uid, uid) : NULL;
}

static char *controller_uid(const cJSON *json)
{
	const cJSON *ref;

	cJSON_ArrayForEach(ref, J(json, "metadata", "ownerReferences"))
		if (jtrue(J(ref, "controller")) && jstr(J(ref, "uid")))
			return xstrdup(jstr(J(ref, "uid")));
	return NULL;
}

/* Flags the controllers test on every pass, kept beside the JSON. */
static void set_flags(struct obj *o, const cJSON *json)
{
	const char *phase;

	o->deleting = J(json, "metadata", "deletionTimestamp") != NULL;
	phase = o->kind->id == K_POD ? jstr(J(json, "status", "phase")) : NULL;
	o->terminal = phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
}

static void hist_push(struct objstore *s, enum ev_type type, const struct kind *k,
		      struct snap *obj, struct snap *old)
{
	struct wevent *e;

	if (s->hlen == s->hcap) {
		size_t ncap = s->hcap ? s->hcap * 2 : 1024;
		struct wevent *nh = xcalloc(ncap, sizeof *nh);

		for (size_t i = 0; i < s->hlen; i++)
			nh[i] = s->hist[(s->hhead + i) % s->hcap];
		free(s->hist);
		s->hist = nh;
		s->hcap = ncap;
		s->hhead = 0;
	}
	e = &s->hist[(s->hhead + s->hlen) % s->hcap];
	*e = (struct wevent){ .rv = s->rv, .type = type, .kind = k, .obj = snap_ref(obj),
			      .old = snap_ref(old) };
	s->hlen++;
	objstore_trim(s);
	if (s->on_event)
		s->on_event(s->ctx, e);
}

static void set_rv(cJSON *json, uint64_t rv)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%llu", (unsigned long long)rv);
	jset_str(jchild(json, "metadata"), "resourceVersion", buf);
}

/* kind, apiVersion, metadata, spec, status first, as the API server's
 * encoder writes Go structs; other keys keep their order after them. */
static void order_top_level(cJSON *json)
{
	static const char *const first[] = { "status", "spec", "metadata", "apiVersion", "kind" };

	for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
		cJSON *item = cJSON_GetObjectItemCaseSensitive(json, first[i]);

		if (!item || json->child == item)
			continue;
		cJSON_DetachItemViaPointer(json, item);
		item->next = json->child;
		item->prev = json->child->prev;
		json->child->prev = item;
		json->child = item;
	}
}

struct obj *objstore_commit(struct objstore *s, const struct kind *k, cJSON *json)
{
	const char *ns = k->namespaced ? jstr(J(json, "metadata", "namespace")) : "";
	const char *name = jstr(J(json, "metadata", "name"));
	struct kstore *ks = &s->k[k->id];
	char *key = make_key(k, ns, name);
	struct obj *o = hmap_get(&ks->by_key, key);
	struct snap *old = NULL;

	s->rv++;
	set_rv(json, s->rv);
	if (json->child)
		order_top_level(json);
	if (o) {
		char *owner = controller_uid(json);

		free(key);
		old = o->cur;
		o->cur = snap_new(json);
		o->rv = s->rv;
		set_flags(o, json);
		xfree(&o->tmpl_canon);
		if ((owner == NULL) != (o->owner_uid == NULL)
		    || (owner && strcmp(owner, o->owner_uid))) {
			unlink_child(s, o);
			free(o->owner_uid);
			o->owner_uid = owner;
			link_child(s, o);
		} else {
			free(owner);
		}
		hist_push(s, EV_MODIFIED, k, o->cur, old);
		snap_unref(old);
		return o;
	}
	o = xcalloc(1, sizeof *o);
	o->kind = k;
	o->key = key;
	o->ns = xstrdup(ns ? ns : "");
	o->name = xstrdup(name ? name : "");
	o->uid = xstrdup(jstr(J(json, "metadata", "uid")) ? jstr(J(json, "metadata", "uid")) : "");
	o->owner_uid = controller_uid(json);
	o->cur = snap_new(json);
	o->rv = s->rv;
	set_flags(o, json);
	o->born_ms = time_mono_ms();
	xgrow(&ks->v, &ks->cap, ks->n + 1, sizeof *ks->v);
	o->idx = ks->n;
	ks->v[ks->n++] = o;
	ks->sorted_stale = true;
	hmap_put(&ks->by_key, key, o);
	if (o->uid[0])
		hmap_put(&s->by_uid, o->uid, o);
	link_child(s, o);
	hist_push(s, EV_ADDED, k, o->cur, NULL);
	return o;
}

void objstore_remove(struct objstore *s, struct obj *o)
{
	struct kstore *ks = &s->k[o->kind->id];
	cJSON *last = cJSON_Duplicate(o->cur->json, 1);
	struct snap *final;

	hmap_del(&ks->by_key, o->key);
	if (o->uid[0] && hmap_get(&s->by_uid, o->uid) == o)
		hmap_del(&s->by_uid, o->uid);
	unlink_child(s, o);
	s->removals++;
	ks->v[o->idx] = ks->v[--ks->n];
	ks->v[o->idx]->idx = o->idx;
	ks->sorted_stale = true;
	s->rv++;
	set_rv(last, s->rv);
	final = snap_new(last);
	hist_push(s, EV_DELETED, o->kind, final, NULL);
	snap_unref(final);
	obj_free(o);
}

static int cmp_obj(const void *a, const void *b)
{
	return strcmp((*(struct obj *const *)a)->key, (*(struct obj *const *)b)->key);
}

size_t objstore_list(struct objstore *s, const struct kind *k, const char *ns,
		  struct obj ***out)
{
	struct kstore *ks = &s->k[k->id];
	struct obj **v = xcalloc(ks->n + 1, sizeof *v);
	size_t n = 0;

	/* sorted once per change of membership, not once per page: a client
	 * paging through 10,000 pods asks 20 times */
	if (ks->sorted_stale || !ks->sorted) {
		free(ks->sorted);
		ks->sorted = xmalloc((ks->n + 1) * sizeof *ks->sorted);
		if (ks->n)      /* v is NULL before the first object */
			memcpy(ks->sorted, ks->v, ks->n * sizeof *ks->v);
		qsort(ks->sorted, ks->n, sizeof *ks->sorted, cmp_obj);
		ks->sorted_stale = false;
	}
	for (size_t i = 0; i < ks->n; i++)
		if (!ns || !k->namespaced || !strcmp(ks->sorted[i]->ns, ns))
			v[n++] = ks->sorted[i];
	*out = v;
	return n;
}

const struct wevent *objstore_event(const struct objstore *s, uint64_t rv)
{
	uint64_t first;

	if (!s->hlen)
		return NULL;
	first = s->hist[s->hhead].rv;
	if (rv < first || rv >= first + s->hlen)
		return NULL;
	return &s->hist[(s->hhead + (size_t)(rv - first)) % s->hcap];
}

uint64_t objstore_oldest_rv(const struct objstore *s)
{
	return s->rv > s->history ? s->rv - s->history : 0;
}

bool objstore_watcher_lost(const struct objstore *s, const struct watcher *w)
{
	return w->cursor < s->rv && !objstore_event(s, w->cursor + 1);
}

bool objstore_rv_too_old(const struct objstore *s, uint64_t rv)
{
	/* Events rv+1 .. s->rv are needed; the window holds the last `history`. */
	return rv < objstore_oldest_rv(s);
}

void objstore_watch_add(struct objstore *s, struct watcher *w, uint64_t from)
{
	w->cursor = from;
	w->prev = NULL;
	w->next = s->watchers;
	if (s->watchers)
		s->watchers->prev = w;
	s->watchers = w;
}

void objstore_watch_del(struct objstore *s, struct watcher *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else if (s->watchers == w)
		s->watchers = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	objstore_trim(s);
}

/* A watcher that has not read for this many events (a client that stopped
 * reading) no longer holds the history back; it gets 410 Expired when it
 * reads again, as kube-apiserver ends a watcher that falls behind. */
#define LAG_LIMIT 200000

void objstore_trim(struct objstore *s)
{
	uint64_t keep_from = s->rv >= s->history ? s->rv - s->history + 1 : 0;
	uint64_t hard = s->rv > LAG_LIMIT + s->history ? s->rv - LAG_LIMIT - s->history : 0;

	for (struct watcher *w = s->watchers; w; w = w->next)
		if (w->cursor + 1 < keep_from)
			keep_from = w->cursor + 1 > hard ? w->cursor + 1 : hard;
	while (s->hlen && s->hist[s->hhead].rv < keep_from) {
		struct wevent *e = &s->hist[s->hhead];

		snap_unref(e->obj);
		snap_unref(e->old);
		s->hhead = (s->hhead + 1) % s->hcap;
		s->hlen--;
	}
}

void objstore_new_uid(char out[37])
{
	unsigned char b[16];

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		for (size_t i = 0; i < sizeof b; i++)
			b[i] = (unsigned char)rand();
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}
