#include "app/app.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/audit.h"
#include "app/sources.h"
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
	app->rt = (struct rt){ .loop = app->loop, .http = app->http, .store = &app->store,
			       .opts = &app->opts, .project = &app->project,
			       .user = app->user, .audit_path = app->audit_path };
	sources_wire(app);
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
	return rt_apply(&app->rt, ev);
}

void app_message(struct app *app, enum status_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_vmessage(&app->rt, level, fmt, ap);
	va_end(ap);
}

void app_source_state(struct app *app, enum source_id source, enum source_state state,
		      int attempt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_vsource_state(&app->rt, source, state, attempt, fmt, ap);
	va_end(ap);
}

bool app_idle(const struct app *app)
{
	return app->rt.actions_running == 0 && app->rt.work_pending == 0
	       && http_active_oneshot(app->http) == 0;
}

void app_open_log(struct app *app, const char *id)
{
	rt_open_log(&app->rt, id);
}

void app_want_detail(struct app *app, const char *id)
{
	rt_want_detail(&app->rt, id);
}
