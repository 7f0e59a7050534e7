#include "kube/podlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { TAIL_LINES = 1000 };

struct kube_pod_log {
	struct kube_client *kc;
	char *id;
	bool previous;
	uint64_t req;
	struct strbuf partial;      /* a line not yet ended */
	struct kube_pod_log *next;
};

static void log_event(struct rt *rt, enum log_event_type type, const char *id, char *title,
		      char *text, size_t len)
{
	struct store_event ev = { .domain = STORE_LOG };

	ev.log = (struct log_event){ .type = type, .id = xstrdup(id), .title = title,
				     .text = text, .text_len = len, .time_ms = time_wall_ms() };
	rt_apply(rt, &ev);
}

static void unlink_log(struct kube_client *kc, struct kube_pod_log *l)
{
	for (struct kube_pod_log **pp = &kc->logs; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			return;
		}
	}
}

static void log_free(struct kube_pod_log *l)
{
	free(l->id);
	sb_free(&l->partial);
	free(l);
}

/* Whole lines go to the buffer; the rest waits for its newline. */
static bool on_data(void *ctx, const char *data, size_t len)
{
	struct kube_pod_log *l = ctx;
	const char *last_nl;

	sb_append(&l->partial, data, len);
	last_nl = memrchr(l->partial.s, '\n', l->partial.len);
	if (last_nl) {
		size_t n = (size_t)(last_nl - l->partial.s);

		log_event(l->kc->rt, LOG_EV_APPEND, l->id, NULL, xstrndup(l->partial.s, n), n);
		sb_consume(&l->partial, n + 1);
	}
	return true;
}

static void on_done(void *ctx, const struct http_response *resp)
{
	struct kube_pod_log *l = ctx;
	struct kube_client *kc = l->kc;
	char *msg = NULL;

	if (l->partial.len)
		log_event(kc->rt, LOG_EV_APPEND, l->id, NULL,
			  xstrndup(l->partial.s, l->partial.len), l->partial.len);
	if (resp->status != 200) {
		struct err err;

		kube_response_error(kc, "GET", "/api/v1/namespaces/-/pods/-/log", resp, &err);
		/* a non-streamed error body was collected: the server's message is in it */
		msg = xstrdup(err.msg);
		log_event(kc->rt, LOG_EV_APPEND, l->id, NULL, xstrdup(msg), strlen(msg));
	}
	log_event(kc->rt, LOG_EV_CLOSE, l->id, NULL, msg ? msg : xstrdup("log ended"), 0);
	unlink_log(kc, l);
	log_free(l);
}

void kube_pod_logs_stop(struct kube_client *kc)
{
	while (kc->logs) {
		struct kube_pod_log *l = kc->logs;

		kc->logs = l->next;
		if (l->req)
			http_cancel(kc->rt->http, l->req);
		log_free(l);
	}
}

/* "pod/NS/NAME/CONTAINER[/previous]" → its parts (in buf). */
static bool parse_id(char *buf, char **ns, char **name, char **container, bool *previous)
{
	char *save = NULL, *prefix = strtok_r(buf, "/", &save);
	char *extra;

	*ns = strtok_r(NULL, "/", &save);
	*name = strtok_r(NULL, "/", &save);
	*container = strtok_r(NULL, "/", &save);
	extra = strtok_r(NULL, "/", &save);
	*previous = extra && !strcmp(extra, "previous");
	return prefix && *ns && *name && *container && (!extra || *previous);
}

void kube_pod_log_open(void *ctx, struct rt *rt, const char *id)
{
	struct kube_client *kc = ctx;
	char *buf = xstrdup(id), *ns, *name, *container, *c, *path;
	struct kube_pod_log *l;
	struct err err;
	bool previous;

	for (l = kc->logs; l; l = l->next)
		if (!strcmp(l->id, id))
			goto out;
	if (!parse_id(buf, &ns, &name, &container, &previous))
		goto out;
	/* one followed log and one previous log at a time */
	for (struct kube_pod_log **pp = &kc->logs; *pp;) {
		l = *pp;
		if (l->previous == previous) {
			*pp = l->next;
			http_cancel(kc->rt->http, l->req);
			log_free(l);
		} else {
			pp = &l->next;
		}
	}
	c = kube_query_escape(container);
	path = previous
		? xasprintf("/api/v1/namespaces/%s/pods/%s/log"
			    "?container=%s&previous=true&tailLines=%d", ns, name, c, TAIL_LINES)
		: xasprintf("/api/v1/namespaces/%s/pods/%s/log"
			    "?container=%s&follow=true&tailLines=%d", ns, name, c, TAIL_LINES);
	free(c);
	log_event(rt, LOG_EV_OPEN, id, xasprintf("%s pod %s/%s (%s)",
						 previous ? "previous log of" : "log of",
						 ns, name, container), NULL, 0);
	l = xcalloc(1, sizeof *l);
	l->kc = kc;
	l->id = xstrdup(id);
	l->previous = previous;
	l->req = kube_start(kc, &(struct kube_call){
		.path = path, .on_data = on_data, .on_done = on_done, .ctx = l,
	}, &err);
	free(path);
	if (!l->req) {
		log_event(rt, LOG_EV_CLOSE, id, NULL, xstrdup(err.msg), 0);
		log_free(l);
		goto out;
	}
	l->next = kc->logs;
	kc->logs = l;
out:
	free(buf);
}
