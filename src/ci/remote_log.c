/* The remote CI source's logs: buffer "remote/RUN_ID/STEP_KEY" holds the
 * step's log as the server serves it (Actions: its job's whole log, after
 * GitHub's redirect to another host, followed without the token; Drone: the
 * step's lines), asked again with each poll while the step runs ("live"),
 * closed with "as of" once it is done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ci/remote.h"
#include "ci/remote_internal.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* ---- logs: "remote/RUN_ID/STEP_KEY" */

static const struct ci_step *log_step(struct ci_remote *r, const char *id,
				      const struct ci_build **run)
{
	long long rid = 0;
	int used = 0;
	const struct ci_build *b;

	if (sscanf(id, "remote/%lld/%n", &rid, &used) != 1 || !used)
		return NULL;
	b = store_ci_remote_run(&r->rt->store->ci, rid);
	*run = b;
	return b ? ci_build_step(b, id + used) : NULL;
}

static void log_apply(struct ci_remote *r, struct log_event *le)
{
	struct store_event ev = { .domain = STORE_LOG, .log = *le };

	rt_apply(r->rt, &ev);
}

static void log_done(void *ctx, const struct http_response *resp)
{
	struct ci_remote *r = ctx;
	const struct ci_build *b = NULL;
	const struct ci_step *s;
	struct strbuf text = { 0 };
	struct err err;
	char *title, when[16];
	time_t now = time(NULL);
	struct tm tm;

	r->log_req = 0;
	if (!r->log_id || !(s = log_step(r, r->log_id, &b)))
		return;
	/* GitHub answers a job's log with a redirect to storage elsewhere:
	 * followed once, without the token (another host) */
	if ((resp->status == 302 || resp->status == 301 || resp->status == 307) && resp->location
	    && !r->log_redirected) {
		struct http_request req = { .url = resp->location, .timeout_ms = REQ_TIMEOUT_MS,
					    .connect_timeout_ms = REQ_CONNECT_MS,
					    .on_done = log_done, .ctx = r };

		r->log_redirected = true;
		r->log_req = http_start(r->rt->http, &req, &err);
		if (r->log_req)
			return;
		sb_printf(&text, "%s\n", err.msg);
	} else if (resp->status == 404 && s->status == CI_PENDING) {
		sb_printf(&text, "no log yet: %s has not started (no runner has taken it)\n",
			  s->name);
	} else if (resp->status != 200) {
		char *line = remote_failure_line(r, "GET", r->log_url, resp);

		sb_printf(&text, "%s\n", line);
		free(line);
	} else if (resp->body_len > MAX_LOG_BYTES) {
		sb_append(&text, resp->body + resp->body_len - MAX_LOG_BYTES, MAX_LOG_BYTES);
	} else if (remote_api_parse_log(&r->api, resp->body, resp->body_len, &text, &err)) {
		sb_printf(&text, "%s: %s\n", r->log_url, err.msg);
	}
	if (text.len && sb_str(&text)[text.len - 1] != '\n')
		sb_putc(&text, '\n');
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	title = xasprintf("%s #%d %s · %s", ci_backend_name(r->api.kind), b->number, s->name,
			  ci_status_done(s->status) ? "final" : "live");
	{
		struct log_event open = { .type = LOG_EV_OPEN, .id = xstrdup(r->log_id),
					  .title = title };
		struct log_event add = { .type = LOG_EV_APPEND, .id = xstrdup(r->log_id),
					 .text_len = text.len, .time_ms = time_wall_ms() };

		add.text = sb_steal(&text);
		log_apply(r, &open);
		log_apply(r, &add);
		if (ci_status_done(s->status)) {
			struct log_event close = { .type = LOG_EV_CLOSE, .id = xstrdup(r->log_id),
						   .text = xasprintf("%s, as of %s",
								     ci_status_name(s->status),
								     when) };

			log_apply(r, &close);
		}
	}
}

static void start_log(struct ci_remote *r)
{
	const struct ci_build *b = NULL;
	const struct ci_step *s = log_step(r, r->log_id, &b);
	struct err err;

	if (!s || r->log_req)
		return;
	free(r->log_url);
	r->log_url = remote_api_log_url(&r->api, b, s);
	r->log_redirected = false;
	r->log_req = remote_send(r, "GET", r->log_url, NULL, log_done, r, &err);
	if (!r->log_req) {
		struct log_event open = { .type = LOG_EV_OPEN, .id = xstrdup(r->log_id),
					  .title = xstrdup(s->name) };
		struct log_event add = { .type = LOG_EV_APPEND, .id = xstrdup(r->log_id),
					 .text = xasprintf("%s\n", err.msg) };

		add.text_len = strlen(add.text);
		log_apply(r, &open);
		log_apply(r, &add);
	}
}

/* A running step's log is asked again with each poll: "live". */
void remote_refresh_log(struct ci_remote *r)
{
	const struct ci_build *b = NULL;
	const struct ci_step *s = r->log_id ? log_step(r, r->log_id, &b) : NULL;

	if (s && (s->status == CI_RUNNING || !store_log_find(&r->rt->store->logs, r->log_id)))
		start_log(r);
}

void remote_open_log(void *ctx, struct rt *rt, const char *id)
{
	struct ci_remote *r = rt->ci_remote;

	(void)ctx;
	if (!r)
		return;
	if (r->log_id && !strcmp(r->log_id, id)
	    && (r->log_req || store_log_find(&rt->store->logs, id)))
		return;
	if (r->log_req) {
		http_cancel(rt->http, r->log_req);
		r->log_req = 0;
	}
	free(r->log_id);
	r->log_id = xstrdup(id);
	start_log(r);
}
