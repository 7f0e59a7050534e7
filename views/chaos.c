/* Chaos experiments in the console: `:chaos` lists the repository's
 * experiments, checked, in the log pane (and how to install Chaos Toolkit
 * when it is missing); `:chaos FILE` (or its number in the list) resolves
 * the blast radius over what the rollout pane shows, refuses it beyond
 * chaos.max_pods / chaos.namespaces, else asks through the gate's confirm
 * dialog. While it runs the log pane follows buffer "chaos/N" and the
 * rollout pane shows the target deployment's pods; `x` interrupts it.
 * `:chaos show N` reads a past run (its output and journal's lines) back
 * from the state folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "action/builder.h"
#include "chaos/experiment.h"
#include "chaos/runner.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/chaos.h"
#include "views/ui_internal.h"

static void show_buffer(struct ui *ui, const char *id, const char *title, char *text)
{
	struct app *app = ui->app;
	struct store_event ev = { .domain = STORE_LOG };

	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup(id),
				     .title = xstrdup(title) };
	app_apply(app, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup(id), .text = text,
				     .text_len = strlen(text), .time_ms = time_wall_ms() };
	app_apply(app, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_CLOSE, .id = xstrdup(id) };
	app_apply(app, &ev);
	ui_select(ui, &ui->sel.log_id, id);
	ui_focus(ui, "log");
}

static void list_experiments(struct ui *ui)
{
	char *dir = chaos_experiments_dir(&ui->app->rt), **paths = NULL, *tool = chaos_find_tool();
	struct strbuf sb = { 0 };
	size_t n = 0;
	struct err err;

	if (chaos_experiment_list(dir, &paths, &n, &err))
		sb_printf(&sb, "%s\n", err.msg);
	else if (!n)
		sb_printf(&sb, "no experiments in %s (chaos.dir of .shipdeck.yml)\n", dir);
	else
		sb_printf(&sb, "experiments in %s — :chaos N or :chaos FILE runs one\n", dir);
	for (size_t i = 0; i < n; i++) {
		struct chaos_experiment x;
		const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];

		if (chaos_experiment_load(&x, paths[i], &err)) {
			sb_printf(&sb, "%2zu  %-28s INVALID  %s\n", i + 1, base, err.msg);
		} else {
			sb_printf(&sb, "%2zu  %-28s ok       %s\n", i + 1, base, x.title);
			chaos_experiment_free(&x);
		}
		free(paths[i]);
	}
	free(paths);
	{
		/* past runs, newest first: :chaos show N reads one back */
		char *root = chaos_runs_dir();
		int shown = 0;

		for (int r = 999; r >= 1 && shown < 10; r--) {
			char *path = xasprintf("%s/%d/run.json", root, r);
			size_t len;
			char *data = file_exists(path) ? file_read_all(path, &len, NULL) : NULL;
			cJSON *o = data ? cJSON_ParseWithLength(data, len) : NULL;
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
			const cJSON *ti = cJSON_GetObjectItemCaseSensitive(o, "title");

			if (cJSON_IsString(st) && cJSON_IsString(ti)) {
				if (!shown++)
					sb_printf(&sb, "runs in %s — :chaos show N reads one\n",
						  root);
				sb_printf(&sb, "  run %d: %s  %s\n", r, st->valuestring,
					  ti->valuestring);
			}
			cJSON_Delete(o);
			free(data);
			free(path);
		}
		free(root);
	}
	if (tool)
		sb_printf(&sb, "engine: %s\n", tool);
	else
		sb_printf(&sb, "%s\n", chaos_install_hint);
	show_buffer(ui, "chaos", "chaos experiments", sb_steal(&sb));
	free(tool);
	free(dir);
}

/* "3" → the third file of the list; a path as given, else in chaos.dir. */
static char *experiment_path(struct ui *ui, const char *arg)
{
	char *dir = chaos_experiments_dir(&ui->app->rt), *end, *path = NULL, **paths = NULL;
	long k = strtol(arg, &end, 10);
	size_t n = 0;

	if (end != arg && !*end) {
		if (!chaos_experiment_list(dir, &paths, &n, NULL) && k >= 1 && (size_t)k <= n)
			path = xstrdup(paths[k - 1]);
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	} else if (arg[0] == '/' || file_exists(arg)) {
		path = xstrdup(arg);
	} else {
		path = xasprintf("%s/%s", dir, arg);
	}
	free(dir);
	return path;
}

/* The run starts: the log pane follows it, the rollout pane shows its target. */
static int start_and_show(struct rt *rt, struct action_req *req, struct err *err)
{
	struct app *app = app_of(rt);
	struct ui *ui = app->ui;
	char id[32];

	if (chaos_run_start(rt, req, err))
		return -1;
	if (!ui)
		return 0;
	snprintf(id, sizeof id, "chaos/%d", app->store.chaos.number);
	ui_select(ui, &ui->sel.log_id, id);
	ui_focus(ui, "log");
	if (app->store.chaos.deployment)
		ui_select(ui, &ui->sel.deployment, app->store.chaos.deployment);
	app_message(app, STATUS_INFO, "chaos %d running: %s (x interrupts)",
		    app->store.chaos.number, app->store.chaos.title);
	return 0;
}

static void run_experiment(struct ui *ui, const char *arg)
{
	struct app *app = ui->app;
	struct action_req *req;
	struct err err;
	char *path;
	const char *ns;

	if (gate_check(&app->rt, ACTION_CHAOS_RUN))
		return;
	if (chaos_run_active(&app->rt)) {
		app_message(app, STATUS_WARN, "chaos %d is still running (x interrupts it)",
			    app->store.chaos.number);
		return;
	}
	if (!(path = experiment_path(ui, arg))) {
		app_message(app, STATUS_ERROR, "chaos: no experiment %s (:chaos lists them)", arg);
		return;
	}
	ns = app->store.kube.namespace && *app->store.kube.namespace ? app->store.kube.namespace
		: "default";
	req = action_build(&app->rt, ACTION_CHAOS_RUN, &(struct action_sel){
			.target = TARGET_EXPERIMENT, .ns = ns, .name = path,
		}, NULL, &err);
	free(path);
	if (!req) {
		app_message(app, STATUS_ERROR, "%s", err.msg);
		return;
	}
	req->run = start_and_show;  /* it starts as chaos_run_start, then shows the run */
	gate_submit(&app->rt, req);
}

/* A past run's output (its journal's lines end it) into the log pane. */
static void show_run(struct ui *ui, const char *arg)
{
	char *end, *root = chaos_runs_dir(), *path, *data, id[32];
	long n = strtol(arg, &end, 10);
	size_t len;
	struct err err;

	if (end == arg || *end || n < 1) {
		app_message(ui->app, STATUS_WARN, "usage: :chaos show N (a run number: :chaos)");
		free(root);
		return;
	}
	snprintf(id, sizeof id, "chaos/%ld", n);
	if (store_log_find(&ui->app->store.logs, id)) {
		ui_select(ui, &ui->sel.log_id, id);
		ui_focus(ui, "log");
		free(root);
		return;
	}
	path = xasprintf("%s/%ld/output.log", root, n);
	if ((data = file_read_all(path, &len, &err))) {
		char title[64];

		snprintf(title, sizeof title, "chaos %ld (%s)", n, "from the state folder");
		show_buffer(ui, id, title, data);
	} else {
		app_message(ui->app, STATUS_ERROR, "chaos show %ld: %s", n, err.msg);
	}
	free(path);
	free(root);
}

void chaos_view_command(struct ui *ui, const char *arg)
{
	if (!arg || !*arg || !strcmp(arg, "ls"))
		list_experiments(ui);
	else if (!strncmp(arg, "show", 4) && (!arg[4] || arg[4] == ' '))
		show_run(ui, arg[4] ? arg + 5 + strspn(arg + 5, " ") : "");
	else
		run_experiment(ui, arg);
}

bool chaos_view_cancel(struct ui *ui)
{
	struct app *app = ui->app;
	bool on_chaos = ui->focus == PANE_ROLLOUT
		|| (ui->focus == PANE_LOG && ui->sel.log_id
		    && !strncmp(ui->sel.log_id, "chaos/", 6));

	if (!chaos_run_active(&app->rt) || !on_chaos)
		return false;
	if (chaos_run_interrupt(&app->rt))
		app_message(app, STATUS_WARN, "chaos %d: interrupting (SIGINT); rollbacks run",
			    app->store.chaos.number);
	return true;
}
