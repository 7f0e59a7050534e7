/* Watch streams: chunked, one JSON event per line, read from the store's
 * history with a cursor.
 *
 * A watch ends at the client's timeoutSeconds or at the server's own limit,
 * 1800–3600 s divided by --time-scale (kube-apiserver's --min-request-timeout,
 * a server timer and so scaled; clients such as kubectl's reflector simply
 * watch again from the last resourceVersion they saw). With
 * allowWatchBookmarks a BOOKMARK goes out every 60 s (real time) and 2 s
 * before the client's timeoutSeconds, as kube-apiserver does; none comes
 * before the server's own, scaled, end of a watch, so that a client resuming
 * after it can find its resourceVersion expired, as after a long quiet
 * stretch on a real cluster. */
#include "sandbox/api.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define BATCH 256
#define BOOKMARK_EVERY_MS 60000

struct watch {
	struct sandbox *sb;
	struct watch_opts o;
	struct watcher reg;
	bool registered;
	struct snap **initial;      /* synthetic ADDED events still to send */
	size_t ninitial, next_initial;
	bool expired;               /* send the 410 ERROR, then end */
	unsigned long long expired_rv;
	bool headers_sent;          /* Table column definitions went out */
	bool done;
	int64_t end_ms, next_bookmark_ms;
	int64_t client_end_ms;      /* the client's timeoutSeconds, or 0 */
	struct strbuf out;
	size_t out_off;
};

bool client_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	if (fd < 0)
		return false;
	if (poll(&p, 1, 0) <= 0)
		return false;
	return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static bool matches(const struct watch *w, const cJSON *obj)
{
	if (w->o.ns && w->o.kind->namespaced
	    && strcmp(jstr(J(obj, "metadata", "namespace")) ? jstr(J(obj, "metadata", "namespace"))
			 : "", w->o.ns))
		return false;
	return sel_match_labels(&w->o.labels, J(obj, "metadata", "labels"))
	       && sel_match_fields(&w->o.fields, obj);
}

static void emit(struct watch *w, const char *type, struct snap *s)
{
	if (!w->o.table) {
		sb_printf(&w->out, "{\"type\":\"%s\",\"object\":%s}\n", type, snap_text(s));
		return;
	}
	{
		cJSON *t = table_new(w->o.kind, !w->headers_sent);
		char *text;

		w->headers_sent = true;
		jset_str(jchild(t, "metadata"), "resourceVersion",
			 jstr(J(s->json, "metadata", "resourceVersion"))
			 ? jstr(J(s->json, "metadata", "resourceVersion")) : "");
		table_add_row(t, w->o.kind, s->json, w->o.incl);
		text = jprint(t);
		sb_printf(&w->out, "{\"type\":\"%s\",\"object\":%s}\n", type, text);
		free(text);
		cJSON_Delete(t);
	}
}

static void emit_bookmark(struct watch *w)
{
	sb_printf(&w->out, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":"
		  "\"%s\",\"metadata\":{\"resourceVersion\":\"%llu\"}}}\n", w->o.kind->kind,
		  w->o.kind->api_version, (unsigned long long)w->reg.cursor);
}

static void emit_expired(struct watch *w)
{
	char msg[128];
	cJSON *st;
	char *text;

	snprintf(msg, sizeof msg, "too old resource version: %llu (%llu)", w->expired_rv,
		 (unsigned long long)objstore_oldest_rv(&w->sb->store) + 1);
	st = status_new(410, "Expired", msg);
	text = jprint(st);
	sb_printf(&w->out, "{\"type\":\"ERROR\",\"object\":%s}\n", text);
	free(text);
	cJSON_Delete(st);
}

/* Moves what is ready into w->out; lock held. True if anything was added. */
static bool fill(struct watch *w, int64_t now)
{
	struct objstore *s = &w->sb->store;
	size_t before = w->out.len;
	int n = 0;

	if (!w->expired && w->registered && objstore_watcher_lost(s, &w->reg)) {
		w->expired = true;
		w->expired_rv = w->reg.cursor;
	}
	if (w->expired) {
		emit_expired(w);
		w->done = true;
		return true;
	}
	while (w->next_initial < w->ninitial && n < BATCH) {
		emit(w, "ADDED", w->initial[w->next_initial]);
		snap_unref(w->initial[w->next_initial]);
		w->initial[w->next_initial++] = NULL;
		n++;
	}
	while (n < BATCH && w->reg.cursor < s->rv) {
		const struct wevent *e = objstore_event(s, w->reg.cursor + 1);

		w->reg.cursor++;
		if (!e || e->kind != w->o.kind)
			continue;
		if (e->type == EV_MODIFIED) {
			bool now_in = matches(w, e->obj->json), was_in = matches(w, e->old->json);

			if (now_in && was_in)
				emit(w, "MODIFIED", e->obj);
			else if (now_in)
				emit(w, "ADDED", e->obj);
			else if (was_in)
				emit(w, "DELETED", e->obj);
			else
				continue;
		} else if (matches(w, e->obj->json)) {
			emit(w, e->type == EV_ADDED ? "ADDED" : "DELETED", e->obj);
		} else {
			continue;
		}
		n++;
	}
	objstore_trim(s);
	if (w->out.len == before && w->o.bookmarks && now >= w->next_bookmark_ms) {
		emit_bookmark(w);
		w->next_bookmark_ms = now + BOOKMARK_EVERY_MS;
		if (w->client_end_ms && w->client_end_ms - 2000 > now
		    && w->client_end_ms - 2000 < w->next_bookmark_ms)
			w->next_bookmark_ms = w->client_end_ms - 2000;
	}
	return w->out.len > before;
}

static ssize_t watch_read(void *ctx, char *buf, size_t max)
{
	struct watch *w = ctx;
	struct sandbox *sb = w->sb;

	for (;;) {
		int64_t now, wake;
		struct timespec ts;

		if (w->out_off < w->out.len) {
			size_t n = w->out.len - w->out_off;

			if (n > max)
				n = max;
			memcpy(buf, w->out.s + w->out_off, n);
			w->out_off += n;
			if (w->out_off == w->out.len) {
				sb_reset(&w->out);
				w->out_off = 0;
			}
			return (ssize_t)n;
		}
		if (w->done)
			return 0;
		pthread_mutex_lock(&sb->mu);
		now = time_mono_ms();
		if (fill(w, now)) {
			pthread_mutex_unlock(&sb->mu);
			continue;
		}
		if (sb->stopping || now >= w->end_ms) {
			w->done = true;
			pthread_mutex_unlock(&sb->mu);
			continue;
		}
		wake = now + 1000;
		if (wake > w->end_ms)
			wake = w->end_ms;
		if (w->o.bookmarks && w->next_bookmark_ms < wake)
			wake = w->next_bookmark_ms;
		ts.tv_sec = (time_t)(wake / 1000);
		ts.tv_nsec = (long)(wake % 1000) * 1000000L;
		if (w->reg.cursor >= sb->store.rv)
			pthread_cond_timedwait(&sb->changed, &sb->mu, &ts);
		pthread_mutex_unlock(&sb->mu);
		if (client_gone(w->o.client_fd))
			return -1;
	}
}

static void watch_free(void *ctx)
{
	struct watch *w = ctx;

	pthread_mutex_lock(&w->sb->mu);
	if (w->registered)
		objstore_watch_del(&w->sb->store, &w->reg);
	for (size_t i = w->next_initial; i < w->ninitial; i++)
		snap_unref(w->initial[i]);
	pthread_mutex_unlock(&w->sb->mu);
	free(w->initial);
	sel_free(&w->o.labels);
	sel_free(&w->o.fields);
	free(w->o.ns);
	sb_free(&w->out);
	free(w);
}

void watchstream_start(struct sandbox *sb, struct watch_opts *opts, struct response *resp)
{
	struct watch *w = xcalloc(1, sizeof *w);
	int64_t now = time_mono_ms();
	double life_s = (1800.0 + 1800.0 * sandbox_rand(sb)) / sb->opt.time_scale;

	w->sb = sb;
	w->o = *opts;
	memset(opts, 0, sizeof *opts);
	if (life_s < 1)
		life_s = 1;
	if (w->o.timeout_s > 0 && (double)w->o.timeout_s < life_s)
		life_s = (double)w->o.timeout_s;
	w->end_ms = now + (int64_t)(life_s * 1000);
	if (w->o.timeout_s > 0)
		w->client_end_ms = now + w->o.timeout_s * 1000;
	w->next_bookmark_ms = now + BOOKMARK_EVERY_MS;
	if (w->o.timeout_s > 2 && w->client_end_ms - 2000 < w->next_bookmark_ms)
		w->next_bookmark_ms = w->client_end_ms - 2000;

	if (w->o.have_rv && objstore_rv_too_old(&sb->store, w->o.rv)) {
		w->expired = true;
		w->expired_rv = w->o.rv;
	} else if (w->o.have_rv) {
		objstore_watch_add(&sb->store, &w->reg,
				   w->o.rv < sb->store.rv ? w->o.rv : sb->store.rv);
		w->registered = true;
	} else {
		struct obj **v;
		size_t n = objstore_list(&sb->store, w->o.kind,
					 w->o.kind->namespaced ? w->o.ns : NULL, &v);

		w->initial = xcalloc(n + 1, sizeof *w->initial);
		for (size_t i = 0; i < n; i++)
			if (matches(w, v[i]->cur->json))
				w->initial[w->ninitial++] = snap_ref(v[i]->cur);
		free(v);
		objstore_watch_add(&sb->store, &w->reg, sb->store.rv);
		w->registered = true;
	}
	resp->status = 200;
	resp->content_type = "application/json";
	resp->stream = (struct stream){ .read = watch_read, .free = watch_free, .ctx = w };
}
