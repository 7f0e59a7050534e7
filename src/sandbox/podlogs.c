/* GET /api/v1/namespaces/NS/pods/NAME/log: a container's output, the
 * previous (crashed) instance's with previous=true, followed with
 * follow=true until the container stops. */
#include "sandbox/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/kubelet.h"
#include "sandbox/podlog.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

struct logstream {
	struct sandbox *sb;
	struct ctrlog *log;
	uint64_t pos;
	bool follow, timestamps;
	long long limit_bytes;      /* 0: no limit */
	long long written;
	int64_t since_wall_ms;
	int client_fd;
	struct strbuf out;
	size_t out_off;
	bool done;
};

static void format_line(struct logstream *ls, const struct logline *l)
{
	if (l->wall_ms < ls->since_wall_ms)
		return;
	if (ls->timestamps) {
		time_t t = (time_t)(l->wall_ms / 1000);
		struct tm tm;

		gmtime_r(&t, &tm);
		sb_printf(&ls->out, "%04d-%02d-%02dT%02d:%02d:%02d.%03d000000Z ", tm.tm_year + 1900,
			  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			  (int)(l->wall_ms % 1000));
	}
	sb_puts(&ls->out, l->text);
	sb_putc(&ls->out, '\n');
}

/* Lines from pos into out; lock held. */
static void collect(struct logstream *ls)
{
	const struct logline *l;

	if (ls->pos < ctrlog_first(ls->log))
		ls->pos = ctrlog_first(ls->log);
	while ((l = ctrlog_line(ls->log, ls->pos))) {
		format_line(ls, l);
		ls->pos++;
		if (ls->out.len > 65536)
			break;
	}
	if (ls->limit_bytes > 0 && ls->written + (long long)ls->out.len >= ls->limit_bytes) {
		size_t keep = (size_t)(ls->limit_bytes - ls->written);

		if (keep < ls->out.len) {
			ls->out.len = keep;
			ls->out.s[keep] = 0;
		}
		ls->done = true;
	}
}

static ssize_t log_read(void *ctx, char *buf, size_t max)
{
	struct logstream *ls = ctx;

	for (;;) {
		if (ls->out_off < ls->out.len) {
			size_t n = ls->out.len - ls->out_off;

			if (n > max)
				n = max;
			memcpy(buf, ls->out.s + ls->out_off, n);
			ls->out_off += n;
			ls->written += (long long)n;
			if (ls->out_off == ls->out.len) {
				sb_reset(&ls->out);
				ls->out_off = 0;
			}
			return (ssize_t)n;
		}
		if (ls->done)
			return 0;
		pthread_mutex_lock(&ls->sb->mu);
		collect(ls);
		if (!ls->out.len) {
			if (ls->log->ended || ls->sb->stopping || !ls->follow) {
				ls->done = true;
			} else {
				int64_t wake = time_mono_ms() + 1000;
				struct timespec ts = { .tv_sec = (time_t)(wake / 1000),
						       .tv_nsec = (long)(wake % 1000) * 1000000L };

				pthread_cond_timedwait(&ls->sb->changed, &ls->sb->mu, &ts);
			}
		}
		pthread_mutex_unlock(&ls->sb->mu);
		if (!ls->out.len && !ls->done && client_gone(ls->client_fd))
			return -1;
	}
}

static void log_free(void *ctx)
{
	struct logstream *ls = ctx;

	pthread_mutex_lock(&ls->sb->mu);
	ctrlog_unref(ls->log);
	pthread_mutex_unlock(&ls->sb->mu);
	sb_free(&ls->out);
	free(ls);
}

static bool flag(const struct request *req, const char *key)
{
	const char *v = req_param(req, key);

	return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

void podlogs_handle(struct sandbox *sb, struct obj *pod, const struct request *req,
		    struct response *resp)
{
	char why[512];
	struct ctrlog *log = kubelet_log(pod, req_param(req, "container"), flag(req, "previous"),
					 why, sizeof why);
	struct logstream *ls;
	const char *tail = req_param(req, "tailLines"), *since = req_param(req, "sinceSeconds");
	const char *limit = req_param(req, "limitBytes");

	if (!log) {
		resp_error(resp, 400, "BadRequest", "%s", why);
		return;
	}
	ls = xcalloc(1, sizeof *ls);
	ls->sb = sb;
	ls->log = log;
	ls->follow = flag(req, "follow");
	ls->timestamps = flag(req, "timestamps");
	ls->client_fd = req->client_fd;
	ls->pos = ctrlog_first(log);
	if (tail && atoll(tail) >= 0 && log->total - ctrlog_first(log) > (uint64_t)atoll(tail))
		ls->pos = log->total - (uint64_t)atoll(tail);
	if (since && atoll(since) > 0)
		ls->since_wall_ms = time_wall_ms() - atoll(since) * 1000;
	if (limit && atoll(limit) > 0)
		ls->limit_bytes = atoll(limit);
	if (!ls->follow) {
		/* Everything there is, now, as one body. */
		collect(ls);
		while (!ls->done && ctrlog_line(log, ls->pos))
			collect(ls);
		resp->status = 200;
		resp->content_type = "text/plain";
		resp->body = sb_steal(&ls->out);
		resp->len = strlen(resp->body);
		ctrlog_unref(ls->log);
		sb_free(&ls->out);
		free(ls);
		return;
	}
	resp->status = 200;
	resp->content_type = "text/plain";
	resp->stream = (struct stream){ .read = log_read, .free = log_free, .ctx = ls };
}
