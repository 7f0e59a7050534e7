#include "kube/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/listpage.h"
#include "kube/objects.h"
#include "util/jsonarena.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum {
	LIST_PAGE = 500,
	WATCH_MIN_S = 300,          /* the server closes a watch after 5–10 min, as kubectl
				     * asks */
	STALL_GRACE_S = 30,         /* silence beyond the promised close: the connection is dead */
	/* With allowWatchBookmarks the server sends a bookmark about every minute
	 * even when nothing changes: silence for longer means a dead connection. */
	BOOKMARK_SILENCE_S = 90,
	MAX_LINE = 64 << 20,
	BACKOFF_BASE_MS = 500,
	BACKOFF_MAX_MS = 8000,
	SHORT_WATCH_MS = 1000,      /* a watch that ends this fast, empty, is treated as a
				     * failure */
	MAX_RETRY_AFTER_S = 60,     /* a server asking for longer is not waited for longer */
};

struct kube_watch {
	struct kube_client *kc;
	enum kube_resource res;
	char *ns;
	char *field_selector;
	kube_watch_changed_fn changed;
	void *ctx;

	enum kube_list_phase phase;
	int attempt;
	char *error;
	bool refused;

	uint64_t req;               /* the list or watch under way */
	uint64_t timer;
	char *rv;                   /* last resourceVersion seen */
	char *cont;                 /* list continue token */
	void **objs;                /* the list being read, across pages */
	size_t nobjs, objs_cap;
	/* A page kept while the next is asked for, read into objs after (or
	 * before the next page's answer, whichever comes first). */
	struct strbuf page;
	bool page_pending;
	uint64_t page_timer;

	struct kube_lines lines;
	struct json_arena json;     /* the event or page being read */
	bool relist;                /* the stream said 410 */
	bool stream_failed;         /* the stream sent another ERROR */
	bool applied;               /* this chunk changed the store */
	int64_t watch_started;
	uint64_t watch_events;
};

bool kube_lines_feed(struct kube_lines *lf, const char *data, size_t len, kube_line_fn fn,
		     void *ctx)
{
	size_t max = lf->max_line ? lf->max_line : MAX_LINE;
	size_t start = 0;

	sb_append(&lf->buf, data, len);
	for (size_t i = lf->buf.len - len; i < lf->buf.len; i++) {
		size_t n;

		if (lf->buf.s[i] != '\n')
			continue;
		n = i - start;
		if (n && lf->buf.s[start + n - 1] == '\r')
			n--;
		if (n && !fn(ctx, lf->buf.s + start, n)) {
			sb_consume(&lf->buf, i + 1);
			return false;
		}
		start = i + 1;
	}
	sb_consume(&lf->buf, start);
	return lf->buf.len <= max;
}

void kube_lines_free(struct kube_lines *lf)
{
	sb_free(&lf->buf);
}

int64_t kube_backoff_ms(int attempt, uint32_t r)
{
	int64_t ms = BACKOFF_BASE_MS;

	for (int i = 1; i < attempt && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	/* ±25% so that many clients do not come back at the same instant */
	return ms * 3 / 4 + ms / 2 * (int64_t)(r % 1000) / 1000;
}

static void apply(struct kube_watch *w, struct store_event *ev)
{
	if (rt_apply(w->kc->rt, ev))
		w->applied = true;
}

static void set_phase(struct kube_watch *w, enum kube_list_phase phase, const char *error)
{
	struct store_event ev = { .domain = STORE_KUBE };
	char *copy = error ? xstrdup(error) : NULL;   /* error may be w->error */

	w->phase = phase;
	free(w->error);
	w->error = copy;
	ev.kube = (struct kube_event){ .type = KUBE_EV_PHASE, .res = w->res, .phase = phase,
				       .text = copy ? xstrdup(copy) : NULL };
	rt_apply(w->kc->rt, &ev);
}

static void notify(struct kube_watch *w)
{
	if (w->changed)
		w->changed(w->ctx);
}

static void drop_page(struct kube_watch *w)
{
	if (w->page_timer)
		loop_timer_cancel(w->kc->rt->loop, w->page_timer);
	w->page_timer = 0;
	w->page_pending = false;
	sb_reset(&w->page);
}

static void drop_list(struct kube_watch *w)
{
	drop_page(w);
	for (size_t i = 0; i < w->nobjs; i++)
		kube_object_free(w->res, w->objs[i]);
	w->nobjs = 0;
}

static void list_start(struct kube_watch *w);

static void on_timer(void *ctx)
{
	struct kube_watch *w = ctx;

	w->timer = 0;
	list_start(w);
}

/* A failure: back off, then relist (the world may have changed meanwhile,
 * or the server may be a new one). wait_ms: at least this long (a server's
 * Retry-After). */
static void fail_after(struct kube_watch *w, long status, const char *message, int64_t wait_ms)
{
	int64_t delay = kube_backoff_ms(w->attempt + 1, kube_client_random(w->kc, 1000));

	w->req = 0;
	w->attempt++;
	w->refused = status == 401 || status == 403;
	if (status == 401)
		kube_client_invalidate_credential(w->kc);
	drop_list(w);
	xfree(&w->cont);
	set_phase(w, w->refused ? KUBE_LIST_FAILED : KUBE_LIST_RECONNECTING, message);
	w->timer = loop_timer_add(w->kc->rt->loop, delay > wait_ms ? delay : wait_ms, on_timer, w);
	notify(w);
}

static void fail(struct kube_watch *w, long status, const char *message)
{
	fail_after(w, status, message, 0);
}

/* A refusal that says when to come back (429, 5xx with Retry-After in
 * seconds, as client-go reads it); 0 otherwise. */
static int64_t retry_after_ms(const struct http_response *resp)
{
	char *end;
	long s;

	if (!resp->retry_after
	    || (resp->status != 429 && (resp->status < 500 || resp->status > 599)))
		return 0;
	s = strtol(resp->retry_after, &end, 10);
	if (end == resp->retry_after || *end || s <= 0)
		return 0;
	return (s < MAX_RETRY_AFTER_S ? s : MAX_RETRY_AFTER_S) * 1000;
}

/* A refused list or watch: its message, and the server's wish when it said one. */
static void fail_answer(struct kube_watch *w, const struct http_response *resp)
{
	char *path = kube_path(w->res, w->ns, NULL);
	int64_t wait_ms = retry_after_ms(resp);
	struct err err;

	kube_response_error(w->kc, "GET", path, resp, &err);
	free(path);
	if (wait_ms) {
		struct err why = err;

		err_set(&err, "the server asks to wait %lld s: %s", (long long)(wait_ms / 1000),
			why.msg);
	}
	fail_after(w, resp->status, err.msg, wait_ms);
}

static char *with_selector(struct kube_watch *w, const char *query)
{
	char *base = kube_path(w->res, w->ns, NULL), *path;

	if (w->field_selector) {
		char *fs = kube_query_escape(w->field_selector);

		path = xasprintf("%s?fieldSelector=%s&%s", base, fs, query);
		free(fs);
	} else {
		path = xasprintf("%s?%s", base, query);
	}
	free(base);
	return path;
}

void kube_watch_event_parse(struct json_arena *json, enum kube_resource res, const char *line,
			    size_t len, struct kube_watch_event *ev)
{
	const cJSON *root = json_arena_parse(json, line, len);
	const char *type = kube_json_str(root, "type");
	const cJSON *obj = kube_json_path(root, "object");
	const char *rv = kube_json_str(obj, "metadata.resourceVersion");

	memset(ev, 0, sizeof *ev);
	if (!type || !cJSON_IsObject(obj)) {
		json_arena_reset(json);
		return;
	}
	if (!strcmp(type, "ERROR")) {
		const char *msg = kube_json_str(obj, "message");

		if (kube_json_int(obj, "code", 0) == 410) {
			ev->kind = KUBE_WATCH_EXPIRED;
		} else {
			ev->kind = KUBE_WATCH_ERROR;
			ev->message = xstrdup(msg ? msg : "the watch reported an error");
		}
		json_arena_reset(json);
		return;
	}
	if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED"))
		ev->kind = KUBE_WATCH_UPSERT;
	else if (!strcmp(type, "DELETED"))
		ev->kind = KUBE_WATCH_DELETE;
	else
		ev->kind = KUBE_WATCH_OTHER;
	if (ev->kind != KUBE_WATCH_OTHER)
		ev->obj = kube_object_parse(res, obj);
	ev->rv = rv ? xstrdup(rv) : NULL;
	json_arena_reset(json);
}

void kube_watch_event_free(enum kube_resource res, struct kube_watch_event *ev)
{
	kube_object_free(res, ev->obj);
	free(ev->rv);
	free(ev->message);
	memset(ev, 0, sizeof *ev);
}

static bool on_line(void *ctx, const char *line, size_t len)
{
	struct kube_watch *w = ctx;
	struct kube_watch_event e;
	bool keep = true;

	kube_watch_event_parse(&w->json, w->res, line, len, &e);
	switch (e.kind) {
	case KUBE_WATCH_OTHER:
		break;
	case KUBE_WATCH_BAD:
		/* what it stood for is lost, and maybe an event with it: watching
		 * on would leave the store wrong without a word, so start over */
		w->stream_failed = true;
		free(w->error);
		w->error = xstrdup("the watch stream sent a line that is not an event");
		keep = false;
		break;
	case KUBE_WATCH_EXPIRED:
		w->relist = true;
		keep = false;
		break;
	case KUBE_WATCH_ERROR:
		w->stream_failed = true;
		free(w->error);
		w->error = e.message;
		e.message = NULL;
		keep = false;
		break;
	case KUBE_WATCH_UPSERT:
	case KUBE_WATCH_DELETE:
		if (e.obj) {
			struct store_event ev = { .domain = STORE_KUBE };

			ev.kube = (struct kube_event){
				.type = e.kind == KUBE_WATCH_DELETE ? KUBE_EV_DELETE
					: KUBE_EV_UPSERT,
				.res = w->res, .obj = e.obj };
			e.obj = NULL;
			apply(w, &ev);
		}
		w->watch_events++;
		break;
	}
	if (e.rv) {
		free(w->rv);
		w->rv = e.rv;
		e.rv = NULL;
	}
	kube_watch_event_free(w->res, &e);
	return keep;
}

static bool on_watch_data(void *ctx, const char *data, size_t len)
{
	struct kube_watch *w = ctx;
	bool ok;

	w->applied = false;
	ok = kube_lines_feed(&w->lines, data, len, on_line, w);
	if (w->applied)
		notify(w);
	return ok;
}

static void watch_start(struct kube_watch *w);

static void on_watch_done(void *ctx, const struct http_response *resp)
{
	struct kube_watch *w = ctx;
	bool graceful = resp->status == 200 && !resp->error[0];

	w->req = 0;
	sb_reset(&w->lines.buf);
	if (w->relist || resp->status == 410) {
		w->relist = false;
		list_start(w);
		return;
	}
	if (w->stream_failed) {
		w->stream_failed = false;
		fail(w, 0, w->error);
		return;
	}
	if (graceful && (w->watch_events || time_mono_ms() - w->watch_started >= SHORT_WATCH_MS)) {
		watch_start(w);     /* the server's timeout: carry on from the last version */
		return;
	}
	if (graceful) {
		fail(w, 0, "the watch closed at once");
		return;
	}
	fail_answer(w, resp);
}

static void watch_start(struct kube_watch *w)
{
	long cap_s = http_timeout_cap(w->kc->rt->http) / 1000;
	int timeout_s = cap_s > 0 && cap_s < WATCH_MIN_S ? (int)cap_s
		: WATCH_MIN_S + (int)kube_client_random(w->kc, WATCH_MIN_S);
	int grace_s = timeout_s < STALL_GRACE_S ? timeout_s : STALL_GRACE_S;
	int stall_s = timeout_s + grace_s < BOOKMARK_SILENCE_S ? timeout_s + grace_s
		: BOOKMARK_SILENCE_S;
	char *rv = kube_query_escape(w->rv ? w->rv : "0");
	char *query = xasprintf("allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d"
				"&watch=true", rv, timeout_s);
	char *path = with_selector(w, query);
	struct err err;

	w->watch_started = time_mono_ms();
	w->watch_events = 0;
	w->relist = w->stream_failed = false;
	w->req = kube_start(w->kc, &(struct kube_call){
		.path = path,
		.stall_timeout_ms = (long)stall_s * 1000,
		.on_data = on_watch_data,
		.on_done = on_watch_done,
		.ctx = w,
	}, &err);
	free(path);
	free(query);
	free(rv);
	if (!w->req)
		fail(w, 401, err.msg);
}

static const char NOT_A_LIST[] = "the server's list is not JSON with items";

/* A page's objects into w->objs. Returns its tree (until json_arena_reset),
 * or NULL (the arena reset) when it is not a list. */
static const cJSON *read_page(struct kube_watch *w, const char *text, size_t len)
{
	const cJSON *root = json_arena_parse(&w->json, text, len), *it;
	const cJSON *items = kube_json_path(root, "items");

	if (!cJSON_IsArray(items) && !cJSON_IsNull(items)) {
		json_arena_reset(&w->json);
		return NULL;
	}
	cJSON_ArrayForEach(it, kube_json_array(items)) {
		void *o = kube_object_parse(w->res, it);

		if (!o)
			continue;
		xgrow(&w->objs, &w->objs_cap, w->nobjs + 1, sizeof *w->objs);
		w->objs[w->nobjs++] = o;
	}
	return root;
}

/* The kept page into w->objs now; false when it was not a list. */
static bool flush_page(struct kube_watch *w)
{
	bool ok;

	if (!w->page_pending)
		return true;
	ok = read_page(w, w->page.s, w->page.len) != NULL;
	json_arena_reset(&w->json);
	drop_page(w);
	return ok;
}

static void on_page_timer(void *ctx)
{
	struct kube_watch *w = ctx;
	struct http *http = w->kc->rt->http;
	uint64_t next = w->req;

	w->page_timer = 0;
	/* the next page's request on the wire before this one is parsed */
	http_flush(http);
	if (http_request_ctx(http, next) != w)
		/* it ended meanwhile (its answer read the kept page) or the watch was
		 * stopped */
		return;
	if (!flush_page(w)) {
		http_cancel(http, next);
		fail(w, 0, NOT_A_LIST);
	}
}

/* Keeps the page and asks for the next (its token cont, taken) at once. */
static void ask_next_first(struct kube_watch *w, const struct http_response *resp, char *cont)
{
	sb_reset(&w->page);
	sb_append(&w->page, resp->body, resp->body_len);
	w->page_pending = true;
	free(w->cont);
	w->cont = cont;
	list_start(w);
	if (w->req)
		w->page_timer = loop_timer_add(w->kc->rt->loop, 0, on_page_timer, w);
}

static void on_list_done(void *ctx, const struct http_response *resp)
{
	struct kube_watch *w = ctx;
	const char *body = resp->body ? resp->body : "";
	const cJSON *root;
	const char *cont, *rv;
	char *early;

	w->req = 0;
	if (resp->status == 410 && w->cont) {
		/* the continue token expired: start the list again */
		drop_list(w);
		xfree(&w->cont);
		list_start(w);
		return;
	}
	if (resp->status != 200) {
		fail_answer(w, resp);
		return;
	}
	if (!flush_page(w)) {
		fail(w, 0, NOT_A_LIST);
		return;
	}
	if (kube_list_head_continue(body, resp->body_len, &early) && early) {
		ask_next_first(w, resp, early);
		return;
	}
	root = read_page(w, body, resp->body_len);
	if (!root) {
		fail(w, 0, NOT_A_LIST);
		return;
	}
	cont = kube_json_str(root, "metadata.continue");
	rv = kube_json_str(root, "metadata.resourceVersion");
	free(w->cont);
	w->cont = cont && *cont ? xstrdup(cont) : NULL;
	if (!w->cont) {
		struct store_event ev = { .domain = STORE_KUBE };

		free(w->rv);
		w->rv = rv ? xstrdup(rv) : NULL;
		ev.kube = (struct kube_event){ .type = KUBE_EV_SYNC, .res = w->res,
					       .objs = w->objs, .nobjs = w->nobjs };
		w->objs = NULL;
		w->nobjs = w->objs_cap = 0;
		rt_apply(w->kc->rt, &ev);
		w->attempt = 0;
		w->refused = false;
		set_phase(w, KUBE_LIST_WATCHING, NULL);
		notify(w);
	}
	json_arena_reset(&w->json);
	if (w->cont)
		list_start(w);
	else
		watch_start(w);
}

static void list_start(struct kube_watch *w)
{
	char *query, *path;
	struct err err;

	if (w->cont) {
		char *c = kube_query_escape(w->cont);

		query = xasprintf("continue=%s&limit=%d", c, LIST_PAGE);
		free(c);
	} else {
		query = xasprintf("limit=%d", LIST_PAGE);
		drop_list(w);
		if (w->phase != KUBE_LIST_RECONNECTING && w->phase != KUBE_LIST_FAILED)
			set_phase(w, KUBE_LIST_LISTING, NULL);
	}
	path = with_selector(w, query);
	w->req = kube_start(w->kc, &(struct kube_call){
		.path = path, .timeout_ms = 120000, .on_done = on_list_done, .ctx = w,
	}, &err);
	free(path);
	free(query);
	if (!w->req)
		fail(w, 401, err.msg);
}

struct kube_watch *kube_watch_start(struct kube_client *kc, const struct kube_watch_opts *o)
{
	struct kube_watch *w = xcalloc(1, sizeof *w);

	w->kc = kc;
	w->res = o->res;
	w->ns = xstrdup(o->namespace ? o->namespace : "");
	w->field_selector = o->field_selector ? xstrdup(o->field_selector) : NULL;
	w->changed = o->changed;
	w->ctx = o->ctx;
	list_start(w);
	return w;
}

void kube_watch_stop(struct kube_watch **wp)
{
	struct kube_watch *w = *wp;

	if (!w)
		return;
	if (w->req)
		http_cancel(w->kc->rt->http, w->req);
	if (w->timer)
		loop_timer_cancel(w->kc->rt->loop, w->timer);
	drop_list(w);
	sb_free(&w->page);
	free(w->objs);
	kube_lines_free(&w->lines);
	json_arena_free(&w->json);
	free(w->ns);
	free(w->field_selector);
	free(w->error);
	free(w->rv);
	free(w->cont);
	free(w);
	*wp = NULL;
}

enum kube_list_phase kube_watch_phase(const struct kube_watch *w)
{
	return w->phase;
}

int kube_watch_attempt(const struct kube_watch *w)
{
	return w->attempt;
}

const char *kube_watch_error(const struct kube_watch *w)
{
	return w->error;
}

bool kube_watch_refused(const struct kube_watch *w)
{
	return w->refused;
}
