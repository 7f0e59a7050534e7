#include "app/gate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"
#include "app/audit.h"
#include "util/xalloc.h"

struct action_req *action_req_new(enum action_id action, const char *target)
{
	struct action_req *req = xcalloc(1, sizeof *req);

	req->action = action;
	req->target = xstrdup(target ? target : "");
	return req;
}

void action_req_add_detail(struct action_req *req, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		return;
	req->details = xrealloc(req->details, (req->ndetails + 1) * sizeof *req->details);
	req->details[req->ndetails++] = line;
}

void action_req_free(struct action_req *req)
{
	if (!req)
		return;
	free(req->target);
	free(req->from);
	free(req->to);
	free(req->question);
	free(req->second_question);
	for (size_t i = 0; i < req->ndetails; i++)
		free(req->details[i]);
	free(req->details);
	if (req->data_free)
		req->data_free(req->data);
	free(req);
}

int gate_check(struct app *app, enum action_id action)
{
	if (app->opts.read_only && action_is_mutating(action)) {
		app_message(app, STATUS_WARN, "read-only: %s disabled", action_info(action)->name);
		return -1;
	}
	return 0;
}

/* Writes the record. On failure, says so and returns -1: the caller's own
 * message must not hide it (the operator has to know the trail has a hole). */
static int audit(struct app *app, const struct action_req *req, const char *result,
		 const char *message, struct err *err)
{
	struct audit_record r = {
		.user = app->user,
		.context = app->store.kube.context,
		.namespace = app->store.kube.namespace,
		.action = action_info(req->action)->name,
		.target = req->target,
		.from = req->from,
		.to = req->to,
		.result = result,
		.message = message,
	};

	return audit_append(app->audit_path, &r, err);
}

static void run(struct app *app, struct action_req *req)
{
	struct err err = { 0 };

	app->actions_running++;
	if (req->run(app, req, &err)) {
		struct err aerr;

		app->actions_running--;
		if (audit(app, req, "failed", err.msg, &aerr))
			app_message(app, STATUS_ERROR, "%s %s: %s; and not recorded: %s",
				    action_info(req->action)->name, req->target, err.msg, aerr.msg);
		else
			app_message(app, STATUS_ERROR, "%s %s: %s", action_info(req->action)->name,
				    req->target, err.msg);
		action_req_free(req);
	}
}

void gate_submit(struct app *app, struct action_req *req)
{
	if (gate_check(app, req->action)) {
		action_req_free(req);
		return;
	}
	if (app->confirm && (action_info(req->action)->flags & ACT_CONFIRM)) {
		app->confirm(app, req);
		return;
	}
	run(app, req);
}

void gate_answer(struct app *app, struct action_req *req, bool yes)
{
	if (!yes) {
		struct err aerr;

		if (audit(app, req, "cancelled", "not confirmed", &aerr))
			app_message(app, STATUS_ERROR, "%s %s: cancelled; and not recorded: %s",
				    action_info(req->action)->name, req->target, aerr.msg);
		else
			app_message(app, STATUS_INFO, "%s %s: cancelled",
				    action_info(req->action)->name, req->target);
		action_req_free(req);
		return;
	}
	run(app, req);
}

void gate_finish(struct app *app, struct action_req *req, bool ok, const char *message)
{
	const char *what = message ? message : ok ? "done" : "failed";
	struct err aerr;

	app->actions_running--;
	if (audit(app, req, ok ? "ok" : "failed", message, &aerr))
		app_message(app, STATUS_ERROR, "%s %s: %s; and not recorded: %s",
			    action_info(req->action)->name, req->target, what, aerr.msg);
	else
		app_message(app, ok ? STATUS_INFO : STATUS_ERROR, "%s %s: %s",
			    action_info(req->action)->name, req->target, what);
	action_req_free(req);
}
