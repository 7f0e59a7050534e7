/* v1 Events as the controllers, the scheduler and the kubelet record them.
 *
 * Like client-go's recorder, repeats (same object, reason and message) are
 * folded into one Event whose count and lastTimestamp grow; writes of one
 * Event are held to one a second so that a fast crash loop at a high
 * --time-scale does not flood watches. At most EVENT_CAP Events are kept;
 * the oldest go first (a real cluster expires them after an hour). */
#include "sandbox/sandbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define EVENT_CAP 4096
#define EVENT_MIN_WRITE_MS 1000

struct agg_event {
	char *key;
	char *ns, *name;
	int pending;
	int64_t last_write_ms;
};

static void agg_free(struct agg_event *a)
{
	free(a->key);
	free(a->ns);
	free(a->name);
	free(a);
}

/* Forgets the oldest Event and deletes it from the store. */
static void evict_oldest(struct sandbox *sb)
{
	char *key = sb->event_fifo[sb->event_fifo_head];
	struct agg_event *a = hmap_del(&sb->event_keys, key);

	sb->event_fifo_head = (sb->event_fifo_head + 1) % sb->event_fifo_cap;
	sb->event_fifo_n--;
	free(key);
	if (a) {
		struct obj *o = objstore_get(&sb->store, &kinds[K_EVENT], a->ns, a->name);

		if (o)
			objstore_remove(&sb->store, o);
		agg_free(a);
	}
}

static void write_count(struct sandbox *sb, struct agg_event *a, int64_t now)
{
	struct obj *o = objstore_get(&sb->store, &kinds[K_EVENT], a->ns, a->name);
	cJSON *json;
	char ts[32];

	if (!o || !a->pending)
		return;
	json = cJSON_Duplicate(o->cur->json, 1);
	jset_int(json, "count", jint(J(json, "count"), 1) + a->pending);
	sb_now_rfc3339(ts);
	jset_str(json, "lastTimestamp", ts);
	a->pending = 0;
	a->last_write_ms = now;
	objstore_commit(&sb->store, &kinds[K_EVENT], json);
}

void sandbox_event(struct sandbox *sb, const struct obj *involved, const char *type,
	      const char *reason, const char *component, const char *host,
	      const char *field_path, const char *fmt, ...)
{
	char msg[1024], ts[32], name[320], uid[37];
	struct strbuf key = { 0 };
	struct agg_event *a;
	int64_t now = time_mono_ms();
	cJSON *ev, *io, *src;
	const cJSON *meta = J(involved->cur->json, "metadata");
	struct timespec tsp;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sb_printf(&key, "%s\x1f%s\x1f%s\x1f%s", involved->uid, reason, msg,
		  field_path ? field_path : "");
	a = hmap_get(&sb->event_keys, sb_str(&key));
	if (a && objstore_get(&sb->store, &kinds[K_EVENT], a->ns, a->name)) {
		a->pending++;
		if (now - a->last_write_ms >= EVENT_MIN_WRITE_MS)
			write_count(sb, a, now);
		sb_free(&key);
		return;
	}
	if (a)  /* its Event was deleted by a client: start a new one */
		agg_free(hmap_del(&sb->event_keys, sb_str(&key)));
	if (sb->event_fifo_n == EVENT_CAP)
		evict_oldest(sb);
	if (!sb->event_fifo) {
		sb->event_fifo_cap = EVENT_CAP;
		sb->event_fifo = xcalloc(EVENT_CAP, sizeof *sb->event_fifo);
	}

	clock_gettime(CLOCK_REALTIME, &tsp);
	snprintf(name, sizeof name, "%s.%llx", involved->name,
		 (unsigned long long)tsp.tv_sec * 1000000000ull + (unsigned long long)tsp.tv_nsec);
	sb_now_rfc3339(ts);
	objstore_new_uid(uid);
	ev = cJSON_CreateObject();
	jset_str(ev, "kind", "Event");
	jset_str(ev, "apiVersion", "v1");
	meta = J(involved->cur->json, "metadata");
	{
		cJSON *m = jchild(ev, "metadata");

		jset_str(m, "name", name);
		jset_str(m, "namespace", involved->ns[0] ? involved->ns : "default");
		jset_str(m, "uid", uid);
		jset_str(m, "creationTimestamp", ts);
	}
	io = jchild(ev, "involvedObject");
	jset_str(io, "kind", involved->kind->kind);
	if (involved->ns[0])
		jset_str(io, "namespace", involved->ns);
	jset_str(io, "name", involved->name);
	jset_str(io, "uid", involved->uid);
	jset_str(io, "apiVersion", involved->kind->api_version);
	if (jstr(J(meta, "resourceVersion")))
		jset_str(io, "resourceVersion", jstr(J(meta, "resourceVersion")));
	if (field_path)
		jset_str(io, "fieldPath", field_path);
	jset_str(ev, "reason", reason);
	jset_str(ev, "message", msg);
	src = jchild(ev, "source");
	jset_str(src, "component", component);
	if (host)
		jset_str(src, "host", host);
	jset_str(ev, "firstTimestamp", ts);
	jset_str(ev, "lastTimestamp", ts);
	jset_int(ev, "count", 1);
	jset_str(ev, "type", type);
	jset(ev, "eventTime", cJSON_CreateNull());
	jset_str(ev, "reportingComponent", component);
	jset_str(ev, "reportingInstance", host ? host : "");
	objstore_commit(&sb->store, &kinds[K_EVENT], ev);

	a = xcalloc(1, sizeof *a);
	a->key = xstrdup(sb_str(&key));
	a->ns = xstrdup(involved->ns[0] ? involved->ns : "default");
	a->name = xstrdup(name);
	a->last_write_ms = now;
	hmap_put(&sb->event_keys, a->key, a);
	sb->event_fifo[(sb->event_fifo_head + sb->event_fifo_n) % sb->event_fifo_cap] =
		xstrdup(a->key);
	sb->event_fifo_n++;
	sb_free(&key);
}

void sandbox_events_flush(struct sandbox *sb, int64_t now)
{
	for (size_t i = 0; i < sb->event_fifo_n; i++) {
		const char *key = sb->event_fifo[(sb->event_fifo_head + i) % sb->event_fifo_cap];
		struct agg_event *a = hmap_get(&sb->event_keys, key);

		if (a && a->pending && now - a->last_write_ms >= EVENT_MIN_WRITE_MS)
			write_count(sb, a, now);
	}
}

void sandbox_events_free(struct sandbox *sb)
{
	for (size_t i = 0; i < sb->event_fifo_n; i++) {
		char *key = sb->event_fifo[(sb->event_fifo_head + i) % sb->event_fifo_cap];
		struct agg_event *a = hmap_del(&sb->event_keys, key);

		if (a)
			agg_free(a);
		free(key);
	}
	free(sb->event_fifo);
	sb->event_fifo = NULL;
	sb->event_fifo_n = 0;
	hmap_free(&sb->event_keys);
}
