#include "runtime/rt.h"

#include <stdarg.h>
#include <string.h>

#include "util/timefmt.h"
#include "util/xalloc.h"

bool rt_apply(struct rt *rt, struct store_event *ev)
{
	return store_apply(rt->store, ev);
}

void rt_vmessage(struct rt *rt, enum status_level level, const char *fmt, va_list ap)
{
	struct store_event ev = { .domain = STORE_STATUS };

	ev.status = (struct status_event){ .type = STATUS_EV_MESSAGE, .level = level,
					   .text = xvasprintf(fmt, ap),
					   .time_ms = time_mono_ms() };
	rt_apply(rt, &ev);
}

void rt_message(struct rt *rt, enum status_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_vmessage(rt, level, fmt, ap);
	va_end(ap);
}

void rt_vsource_state(struct rt *rt, enum source_id source, enum source_state state,
		      int attempt, const char *fmt, va_list ap)
{
	struct store_event ev = { .domain = STORE_STATUS };

	ev.status = (struct status_event){ .type = STATUS_EV_SOURCE, .source = source,
					   .state = state, .attempt = attempt,
					   .text = fmt ? xvasprintf(fmt, ap) : NULL };
	rt_apply(rt, &ev);
}

void rt_source_state(struct rt *rt, enum source_id source, enum source_state state,
		     int attempt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_vsource_state(rt, source, state, attempt, fmt, ap);
	va_end(ap);
}

void rt_log_provider(struct rt *rt, const char *prefix, log_open_fn open, void *ctx)
{
	if (rt->nlog_providers < (int)(sizeof rt->log_providers / sizeof *rt->log_providers))
		rt->log_providers[rt->nlog_providers++] =
			(struct log_provider){ .prefix = prefix, .open = open, .ctx = ctx };
}

static void ask_provider(struct rt *rt, const struct log_provider *list, int n,
			 const char *id)
{
	for (int i = 0; i < n; i++) {
		if (!strncmp(id, list[i].prefix, strlen(list[i].prefix))) {
			list[i].open(list[i].ctx, rt, id);
			return;
		}
	}
}

void rt_open_log(struct rt *rt, const char *id)
{
	ask_provider(rt, rt->log_providers, rt->nlog_providers, id);
}

void rt_log_put(struct rt *rt, const char *id, char *title, char *text)
{
	struct store_event ev = { .domain = STORE_LOG };

	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup(id), .title = title };
	rt_apply(rt, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup(id), .text = text,
				     .text_len = strlen(text), .time_ms = time_wall_ms() };
	rt_apply(rt, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_CLOSE, .id = xstrdup(id) };
	rt_apply(rt, &ev);
}

void rt_log_window(struct rt *rt, const char *id, uint64_t first, size_t n)
{
	if (rt->log_pager.window)
		rt->log_pager.window(rt->log_pager.ctx, rt, id, first, n);
}

uint64_t rt_log_search(struct rt *rt, const char *id, const char *needle, uint64_t from,
		       int dir)
{
	if (!rt->log_pager.search)
		return 0;
	rt->log_pager.search(rt->log_pager.ctx, rt, id, ++rt->log_searches, needle, from, dir);
	return rt->log_searches;
}

void rt_log_search_cancel(struct rt *rt, const char *id)
{
	if (rt->log_pager.cancel)
		rt->log_pager.cancel(rt->log_pager.ctx, rt, id);
}

void rt_detail_provider(struct rt *rt, const char *prefix, log_open_fn fetch, void *ctx)
{
	if (rt->ndetail_providers
	    < (int)(sizeof rt->detail_providers / sizeof *rt->detail_providers))
		rt->detail_providers[rt->ndetail_providers++] =
			(struct log_provider){ .prefix = prefix, .open = fetch, .ctx = ctx };
}

void rt_want_detail(struct rt *rt, const char *id)
{
	ask_provider(rt, rt->detail_providers, rt->ndetail_providers, id);
}

void rt_build_finished(struct rt *rt)
{
	if (rt->hooks.build_finished)
		rt->hooks.build_finished(rt);
}

int rt_resolve_tag(struct rt *rt, const char *tag, rt_resolve_fn done, void *ctx,
		   struct err *err)
{
	if (!rt->hooks.resolve_tag)
		return err_set(err, "no registry: set image.name in .shipdeck.yml");
	return rt->hooks.resolve_tag(rt, tag, done, ctx, err);
}

bool rt_has_cluster(struct rt *rt)
{
	return rt->hooks.has_cluster && rt->hooks.has_cluster(rt);
}
