#include "action/gate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/audit.h"
#include "runtime/rt.h"
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
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
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
	free(req->context);
	free(req->namespace);
	for (size_t i = 0; i < req->ndetails; i++)
		free(req->details[i]);
	free(req->details);
	if (req->data_free)
		req->data_free(req->data);
	free(req);
}

int gate_check(struct rt *rt, enum action_id action)
{
	if (rt->opts->read_only && action_is_mutating(action)) {
		rt_message(rt, STATUS_WARN, "read-only: %s disabled", action_info(action)->name);
		return -1;
	}
	return 0;
}

static const char *name_of(const struct action_req *req)
{
	return action_info(req->action)->name;
}

/* Writes one record of req. On failure, says so and returns -1: the caller's
 * own message must not hide it (the operator has to know the trail has a
 * hole). */
static int audit(struct rt *rt, const struct action_req *req, const char *phase,
		 const char *result, const char *message, struct err *err)
{
	struct audit_record r = {
		.user = rt->user,
		.context = req->context ? req->context : rt->store->kube.context,
		.namespace = req->namespace ? req->namespace : rt->store->kube.namespace,
		.action = name_of(req),
		.target = req->target,
		.from = req->from,
		.to = req->to,
		.result = result,
		.message = message,
		.id = req->id,
		.phase = phase,
	};

	return audit_append(rt->audit_path, &r, err);
}

/* Tells whoever submitted req how it ended, then frees it. */
static void done(struct action_req *req, bool ok, bool sent, const char *message)
{
	if (req->on_done)
		req->on_done(req->done_ctx, &(struct action_outcome){
			.ok = ok, .sent = sent, .status = req->status,
			.unreachable = req->unreachable, .message = message });
	action_req_free(req);
}

/* Write-ahead: the intent is on disk before run sends anything; an action
 * that cannot be recorded is not made. */
static void run(struct rt *rt, struct action_req *req)
{
	struct err err = { 0 }, aerr;

	audit_new_id(req->id, sizeof req->id);
	if (audit(rt, req, "intent", NULL, NULL, &aerr)) {
		char *msg = xasprintf("not done: it cannot be recorded: %s", aerr.msg);

		rt_message(rt, STATUS_ERROR, "%s %s: %s", name_of(req), req->target, msg);
		done(req, false, false, msg);
		free(msg);
		return;
	}
	rt->actions_running++;
	if (req->run(rt, req, &err)) {
		rt->actions_running--;
		if (audit(rt, req, "result", "failed", err.msg, &aerr))
			rt_message(rt, STATUS_ERROR, "%s %s: %s; and not recorded: %s",
				   name_of(req), req->target, err.msg, aerr.msg);
		else
			rt_message(rt, STATUS_ERROR, "%s %s: %s", name_of(req), req->target,
				   err.msg);
		done(req, false, false, err.msg);
	}
}

void gate_submit(struct rt *rt, struct action_req *req)
{
	if (gate_check(rt, req->action)) {
		action_req_free(req);
		return;
	}
	if (rt->confirm && (action_info(req->action)->flags & ACT_CONFIRM)) {
		rt->confirm(rt, req);
		return;
	}
	run(rt, req);
}

void gate_submit_unattended(struct rt *rt, struct action_req *req, action_done_fn on_done,
			    void *ctx)
{
	req->unattended = true;
	req->on_done = on_done;
	req->done_ctx = ctx;
	if (gate_check(rt, req->action)) {
		char *msg = xasprintf("read-only: %s disabled", name_of(req));

		done(req, false, false, msg);
		free(msg);
		return;
	}
	run(rt, req);
}

void gate_answer(struct rt *rt, struct action_req *req, bool yes)
{
	if (!yes) {
		gate_note(rt, req, "cancelled", "not confirmed");
		return;
	}
	run(rt, req);
}

void gate_finish(struct rt *rt, struct action_req *req, bool ok, const char *message)
{
	const char *what = message ? message : ok ? "done" : "failed";
	struct err aerr;

	rt->actions_running--;
	if (audit(rt, req, "result", ok ? "ok" : "failed", message, &aerr))
		rt_message(rt, STATUS_ERROR, "%s %s: %s; and not recorded: %s",
			   name_of(req), req->target, what, aerr.msg);
	else
		rt_message(rt, ok ? STATUS_INFO : STATUS_ERROR, "%s %s: %s",
			   name_of(req), req->target, what);
	done(req, ok, true, what);
}

void gate_note(struct rt *rt, struct action_req *req, const char *result,
	       const char *message)
{
	struct err aerr;
	bool cancelled = !strcmp(result, "cancelled");

	audit_new_id(req->id, sizeof req->id);
	if (audit(rt, req, "result", result, message, &aerr))
		rt_message(rt, STATUS_ERROR, "%s %s: %s; and not recorded: %s", name_of(req),
			   req->target, result, aerr.msg);
	else if (cancelled)
		rt_message(rt, STATUS_INFO, "%s %s: cancelled", name_of(req), req->target);
	done(req, false, false, message);
}
