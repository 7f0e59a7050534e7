/* The sandbox's object store: every object of every kind as an immutable
 * JSON snapshot, one global resourceVersion counter, and the history of
 * change events that watches read from.
 *
 * Every commit bumps the resourceVersion by one and appends exactly one event,
 * so event N of the history has resourceVersion N: a watch resumes by index.
 * The history keeps the last `history` events, and longer while a watcher
 * still has to read older ones (a slow reader never loses events).
 *
 * Not thread-safe on its own: the sandbox lock guards every call. */
#ifndef SHIPDECK_SANDBOX_OBJSTORE_H
#define SHIPDECK_SANDBOX_OBJSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sandbox/hmap.h"
#include "sandbox/kinds.h"

/* One version of one object. Shared by the store and the event history,
 * freed with the last reference; never changed after the commit. */
struct snap {
	int refs;
	cJSON *json;
	char *text;        /* compact JSON, made on first use by snap_text() */
};

struct snap *snap_ref(struct snap *s);
void snap_unref(struct snap *s);
const char *snap_text(struct snap *s);

struct obj {
	const struct kind *kind;
	char *key;          /* "ns/name", or "name" for cluster-scoped kinds */
	char *ns;           /* "" for cluster-scoped kinds */
	char *name;
	char *uid;
	char *owner_uid;    /* the controller ownerReference's uid, or NULL */
	struct snap *cur;
	uint64_t rv;        /* resourceVersion of cur */
	bool deleting;      /* cur has metadata.deletionTimestamp */
	bool terminal;      /* a pod in phase Succeeded or Failed */
	size_t idx;         /* position in its kind's array */
	int64_t born_ms;    /* monotonic time of creation */
	size_t child_pos;   /* position among its controller's children */
	char *tmpl_canon;   /* canonical spec.template, made on demand by the
	                     * deployment controller; dropped at every commit */
	void *sim;          /* simulator state, freed with sim_free */
	void (*sim_free)(void *sim);
};

/* The objects whose controller ownerReference names one uid. */
struct children {
	struct obj **v;
	size_t n, cap;
};

enum ev_type { EV_ADDED, EV_MODIFIED, EV_DELETED };

struct wevent {
	uint64_t rv;
	enum ev_type type;
	const struct kind *kind;
	struct snap *obj;   /* the new state (the last one for DELETED) */
	struct snap *old;   /* the state before, for MODIFIED; else NULL */
};

/* A reader of the history: cursor = resourceVersion of the last event read. */
struct watcher {
	uint64_t cursor;
	struct watcher *prev, *next;
};

struct kstore {
	struct hmap by_key;
	struct obj **v;
	size_t n, cap;
	struct obj **sorted;        /* v by key, rebuilt by objstore_list after an */
	bool sorted_stale;          /* object came or went (lists page through it) */
};

struct objstore {
	struct kstore k[KIND_COUNT];
	struct hmap by_uid;
	struct hmap children;       /* owner uid → struct children */
	uint64_t removals;          /* objects removed so far (for the GC) */
	uint64_t rv;
	size_t history;             /* events kept for resuming watches */
	struct wevent *hist;        /* ring buffer */
	size_t hcap, hhead, hlen;
	struct watcher *watchers;
	/* Called after every commit, with the sandbox lock held. */
	void (*on_event)(void *ctx, const struct wevent *ev);
	void *ctx;
};

void objstore_init(struct objstore *s, size_t history);
void objstore_free(struct objstore *s);

struct obj *objstore_get(struct objstore *s, const struct kind *k, const char *ns,
		      const char *name);
struct obj *objstore_by_uid(struct objstore *s, const char *uid);
/* The objects controlled by the object with this uid (which need not
 * exist any more); NULL when none. */
const struct children *objstore_children(const struct objstore *s, const char *owner_uid);

/* Commits json (taken) as the new state of the object it names: sets
 * metadata.resourceVersion, replaces or adds the object, records ADDED or
 * MODIFIED. The caller has made json valid (name, namespace, uid). */
struct obj *objstore_commit(struct objstore *s, const struct kind *k, cJSON *json);

/* Removes the object, recording DELETED with its last state. o is freed. */
void objstore_remove(struct objstore *s, struct obj *o);

/* Objects of kind k (in namespace ns, or all when ns is NULL) sorted by key;
 * the caller frees the array (not the objects). */
size_t objstore_list(struct objstore *s, const struct kind *k, const char *ns,
		  struct obj ***out);

/* The event with resourceVersion rv, or NULL when it is not kept. */
const struct wevent *objstore_event(const struct objstore *s, uint64_t rv);
/* True when a watch from rv can no longer be served (410 Expired). */
bool objstore_rv_too_old(const struct objstore *s, uint64_t rv);
/* The oldest resourceVersion a watch can resume from. */
uint64_t objstore_oldest_rv(const struct objstore *s);

/* True when events the watcher has not read were dropped (it fell too far
 * behind): it must end with 410 Expired. */
bool objstore_watcher_lost(const struct objstore *s, const struct watcher *w);
void objstore_watch_add(struct objstore *s, struct watcher *w, uint64_t from);
void objstore_watch_del(struct objstore *s, struct watcher *w);
/* Drops history no watcher needs any more. */
void objstore_trim(struct objstore *s);

/* A random RFC 4122 version 4 UUID. */
void objstore_new_uid(char out[37]);

#endif
