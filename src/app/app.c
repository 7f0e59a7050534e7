#include "app/app.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/audit.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static char *current_user(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u && *u)
		return xstrdup(u);
	pw = getpwuid(getuid());
	return xstrdup(pw ? pw->pw_name : "unknown");
}

int app_init(struct app *app, const struct options *opts, struct err *err)
{
	const char *t;

	memset(app, 0, sizeof *app);
	app->opts = *opts;
	store_init(&app->store);
	app->user = current_user();
	app->audit_path = audit_default_path();
	if (config_load(&app->config, opts->config, err))
		return -1;
	app->loop = loop_new();
	if (!app->loop)
		return err_set(err, "cannot create the event loop");
	app->http = http_new(app->loop);
	http_set_read_only(app->http, opts->read_only);
	if ((t = getenv("SHIPDECK_NET_TIMEOUT")) && atoi(t) > 0)
		http_set_timeout_cap(app->http, atoi(t) * 1000L);
	return 0;
}

void app_free(struct app *app)
{
	http_free(&app->http);
	loop_free(&app->loop);
	store_free(&app->store);
	config_free(&app->config);
	project_free(&app->project);
	free(app->repo_root);
	free(app->audit_path);
	free(app->user);
	memset(app, 0, sizeof *app);
}

bool app_apply(struct app *app, struct store_event *ev)
{
	return store_apply(&app->store, ev);
}

void app_message(struct app *app, enum status_level level, const char *fmt, ...)
{
	struct store_event ev = { .domain = STORE_STATUS };
	va_list ap;
	char *text = NULL;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	ev.status = (struct status_event){ .type = STATUS_EV_MESSAGE, .level = level,
					   .text = text, .time_ms = time_mono_ms() };
	app_apply(app, &ev);
}

void app_source_state(struct app *app, enum source_id source, enum source_state state,
		      int attempt, const char *fmt, ...)
{
	struct store_event ev = { .domain = STORE_STATUS };
	char *text = NULL;

	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		if (vasprintf(&text, fmt, ap) < 0)
			text = NULL;
		va_end(ap);
	}
	ev.status = (struct status_event){ .type = STATUS_EV_SOURCE, .source = source,
					   .state = state, .attempt = attempt, .text = text };
	app_apply(app, &ev);
}

bool app_idle(const struct app *app)
{
	return app->actions_running == 0 && http_active_oneshot(app->http) == 0;
}

void app_log_provider(struct app *app, const char *prefix, log_open_fn open, void *ctx)
{
	if (app->nlog_providers < (int)(sizeof app->log_providers / sizeof *app->log_providers))
		app->log_providers[app->nlog_providers++] =
			(struct log_provider){ .prefix = prefix, .open = open, .ctx = ctx };
}

static void ask_provider(struct app *app, const struct log_provider *list, int n,
			 const char *id)
{
	for (int i = 0; i < n; i++) {
		if (!strncmp(id, list[i].prefix, strlen(list[i].prefix))) {
			list[i].open(list[i].ctx, app, id);
			return;
		}
	}
}

void app_open_log(struct app *app, const char *id)
{
	ask_provider(app, app->log_providers, app->nlog_providers, id);
}

void app_detail_provider(struct app *app, const char *prefix, log_open_fn fetch, void *ctx)
{
	if (app->ndetail_providers
	    < (int)(sizeof app->detail_providers / sizeof *app->detail_providers))
		app->detail_providers[app->ndetail_providers++] =
			(struct log_provider){ .prefix = prefix, .open = fetch, .ctx = ctx };
}

void app_want_detail(struct app *app, const char *id)
{
	ask_provider(app, app->detail_providers, app->ndetail_providers, id);
}
