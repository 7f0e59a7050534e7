/* List then watch, as client-go's reflector does: list (paged) and replace
 * the store's objects of that kind, then watch from the list's
 * resourceVersion with bookmarks; a watch the server ends is reopened from
 * the last version seen; an error or a lost connection backs off (with
 * jitter) and relists; "410 Gone" relists at once. A silent connection is
 * dropped after a stall timeout. */
#ifndef SHIPDECK_KUBE_WATCH_H
#define SHIPDECK_KUBE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kube/client.h"
#include "util/jsonarena.h"
#include "util/strbuf.h"

/* A watch stream is one JSON object per line; chunks split lines anywhere. */
struct kube_lines {
	struct strbuf buf;
	size_t max_line;            /* a longer line is an error (0: 64 MiB) */
};

typedef bool (*kube_line_fn)(void *ctx, const char *line, size_t len);

/* Feeds a chunk; calls fn for each complete non-empty line (without '\n').
 * Returns false when fn did or when a line is too long. */
bool kube_lines_feed(struct kube_lines *lf, const char *data, size_t len, kube_line_fn fn,
		     void *ctx);
void kube_lines_free(struct kube_lines *lf);

/* One line of a watch stream, read (KUBE-API.md §C). */
enum kube_watch_kind {
	KUBE_WATCH_BAD,             /* not an event (no type or object): the stream is corrupt */
	KUBE_WATCH_UPSERT,          /* ADDED, MODIFIED */
	KUBE_WATCH_DELETE,          /* DELETED */
	KUBE_WATCH_OTHER,           /* BOOKMARK or a type we do not know */
	KUBE_WATCH_EXPIRED,         /* ERROR 410: relist */
	KUBE_WATCH_ERROR,           /* any other ERROR: the stream failed */
};

/* Owned by the caller, freed by kube_watch_event_free. */
struct kube_watch_event {
	enum kube_watch_kind kind;
	void *obj;                  /* UPSERT, DELETE: NULL when the object is not one */
	char *rv;                   /* the object's resourceVersion (not for ERROR), or NULL */
	char *message;              /* ERROR */
};

/* One line of a watch stream; json is scratch space, reset on return. */
void kube_watch_event_parse(struct json_arena *json, enum kube_resource res, const char *line,
			    size_t len, struct kube_watch_event *ev);
void kube_watch_event_free(enum kube_resource res, struct kube_watch_event *ev);

/* Called after the store changed because of this watch (headless commands
 * react to it); may be NULL. */
typedef void (*kube_watch_changed_fn)(void *ctx);

struct kube_watch_opts {
	enum kube_resource res;
	const char *namespace;      /* "" for every namespace */
	const char *field_selector; /* "metadata.name=web", or NULL */
	kube_watch_changed_fn changed;
	void *ctx;
};

/* Starts listing at once. Freed by kube_watch_stop (cancels its requests
 * and timers). */
struct kube_watch *kube_watch_start(struct kube_client *kc, const struct kube_watch_opts *o);
void kube_watch_stop(struct kube_watch **w);

/* Its phase (also in the store) and how many tries failed in a row. */
enum kube_list_phase kube_watch_phase(const struct kube_watch *w);
int kube_watch_attempt(const struct kube_watch *w);
/* Why it is not watching, or NULL. */
const char *kube_watch_error(const struct kube_watch *w);
/* True when the failure needs a person (401, 403, a kubeconfig problem),
 * not just patience. */
bool kube_watch_refused(const struct kube_watch *w);

/* The reconnect delay after `attempt` failures in a row: 0.5 s doubling to
 * 8 s, ±25% jitter from r (0..999). */
int64_t kube_backoff_ms(int attempt, uint32_t r);

#endif
