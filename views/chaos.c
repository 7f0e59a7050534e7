/* Chaos experiments in the console: `:chaos` shows buffer "chaos" (the
 * repository's experiments, checked, and how to install Chaos Toolkit when
 * it is missing) in the log pane; `:chaos FILE` (or its number in the list)
 * asks the chaos-run builder, which resolves the blast radius over what the
 * rollout pane shows and refuses it beyond chaos.max_pods / chaos.namespaces,
 * and the gate's confirm dialog. Once it runs the log pane follows buffer
 * "chaos/N" and the rollout pane shows the target deployment's pods; `x`
 * interrupts it. `:chaos show N` shows a past run's buffer. The buffers
 * come from the chaos source's log provider; nothing here reads a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/builder.h"
#include "views/chaos.h"
#include "views/ui_internal.h"

/* Asks the provider for buffer id and shows it, when there is one (the
 * provider says why not). */
static void show_buffer(struct ui *ui, const char *id)
{
	app_open_log(ui->app, id);
	if (!store_log_find(&ui->app->store.logs, id))
		return;
	ui_select(ui, &ui->sel.log_id, id);
	ui_focus(ui, "log");
}

static void run_experiment(struct ui *ui, const char *arg)
{
	struct app *app = ui->app;
	struct action_req *req;
	struct err err;
	const char *ns;

	if (gate_check(&app->rt, ACTION_CHAOS_RUN))
		return;
	if (app->store.chaos.running) {
		app_message(app, STATUS_WARN, "chaos %d is still running (x interrupts it)",
			    app->store.chaos.number);
		return;
	}
	ns = app->store.kube.namespace && *app->store.kube.namespace ? app->store.kube.namespace
		: "default";
	req = action_build(&app->rt, ACTION_CHAOS_RUN, &(struct action_sel){
			.target = TARGET_EXPERIMENT, .ns = ns, .name = arg,
		}, NULL, &err);
	if (!req) {
		app_message(app, STATUS_ERROR, "%s", err.msg);
		return;
	}
	gate_submit(&app->rt, req);
}

static void show_run(struct ui *ui, const char *arg)
{
	char *end, id[32];
	long n = strtol(arg, &end, 10);

	if (end == arg || *end || n < 1) {
		app_message(ui->app, STATUS_WARN, "usage: :chaos show N (a run number: :chaos)");
		return;
	}
	snprintf(id, sizeof id, "chaos/%ld", n);
	show_buffer(ui, id);
}

void chaos_view_command(struct ui *ui, const char *arg)
{
	if (!arg || !*arg || !strcmp(arg, "ls"))
		show_buffer(ui, "chaos");
	else if (!strncmp(arg, "show", 4) && (!arg[4] || arg[4] == ' '))
		show_run(ui, arg[4] ? arg + 5 + strspn(arg + 5, " ") : "");
	else
		run_experiment(ui, arg);
}

void chaos_view_watch(struct ui *ui)
{
	const struct store_chaos *ch = &ui->app->store.chaos;
	char id[32];

	if (!ch->running || ch->number == ui->chaos_followed)
		return;
	ui->chaos_followed = ch->number;
	snprintf(id, sizeof id, "chaos/%d", ch->number);
	ui_select(ui, &ui->sel.log_id, id);
	ui_focus(ui, "log");
	if (ch->deployment)
		ui_select(ui, &ui->sel.deployment, ch->deployment);
	app_message(ui->app, STATUS_INFO, "chaos %d running: %s (x interrupts)", ch->number,
		    ch->title ? ch->title : "");
}

bool chaos_view_cancel(struct ui *ui)
{
	struct app *app = ui->app;
	bool on_chaos = ui->focus == PANE_ROLLOUT
		|| (ui->focus == PANE_LOG && ui->sel.log_id
		    && !strncmp(ui->sel.log_id, "chaos/", 6));
	struct action_req *req;
	struct err err;

	if (!app->store.chaos.running || !on_chaos)
		return false;
	req = action_build(&app->rt, ACTION_CANCEL, &(struct action_sel){
			.target = TARGET_EXPERIMENT }, NULL, &err);
	if (!req)
		return false;
	/* the key is the confirmation: an interrupt cannot wait for a dialog */
	gate_submit_unattended(&app->rt, req, NULL, NULL);
	return true;
}
