/* The gate every action passes, and the one writer of the audit log:
 * refused in read-only mode before any request is built, confirmed by the
 * operator when destructive (in the console, unless submitted unattended),
 * then written ahead — an intent record, fsync'd, before the request is
 * sent — and, once it has ended, a result record with the same id.
 *
 *   view or command ─ builder ─▶ action_req ─▶ gate_submit / _unattended
 *     ─▶ (confirm) ─▶ intent record ─▶ req->run (sends) ─▶ … ─▶ gate_finish
 *     ─▶ result record, status bar, on_done */
#ifndef SHIPDECK_ACTION_GATE_H
#define SHIPDECK_ACTION_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "action/action.h"

struct rt;
struct action_req;

/* How an action ended, for whoever submitted it unattended. */
struct action_outcome {
	bool ok;
	bool sent;                  /* a request left (an intent was recorded) */
	long status;                /* HTTP status of the last answer; 0 when none */
	bool unreachable;           /* no answer at all (headless: exit 2) */
	const char *message;
};
typedef void (*action_done_fn)(void *ctx, const struct action_outcome *o);

/* One request to change something. Allocated with action_req_new; the gate
 * owns it from gate_submit() on and frees it when it finishes. */
struct action_req {
	enum action_id action;
	char *target;               /* "deploy/web", "pod/web-6d4-x2k", "build 12" */
	char *from;                 /* what it is now: "revision 3 (web:bad1)" */
	char *to;                   /* what it will be: "revision 2 (web:1.4)" */
	char *question;             /* the dialog's first line */
	char **details;             /* more lines for the dialog (a template diff…) */
	size_t ndetails;
	char *second_question;      /* asked after the first yes (a mutable tag…) */
	char *context;              /* where it changes, for the audit record, when that is */
	char *namespace;            /*  not the context in use (an environment); else NULL */
	/* Starts the change. Returns -1 with err when it could not start; else it
	 * (now or later) calls gate_finish exactly once. */
	int (*run)(struct rt *rt, struct action_req *req, struct err *err);
	void *data;                 /* for run; freed with data_free */
	void (*data_free)(void *data);

	/* Set by the gate. */
	char id[24];                /* the audit records' id */
	bool unattended;            /* no dialog: automatic mode, headless commands */
	action_done_fn on_done;
	void *done_ctx;
	/* Set by run before gate_finish: the last answer. */
	long status;
	bool unreachable;
};

struct action_req *action_req_new(enum action_id action, const char *target);
void action_req_add_detail(struct action_req *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void action_req_free(struct action_req *req);

/* Returns -1 (and says "read-only: <action> disabled") when the action is
 * mutating and the app is read-only. Call before building anything. */
int gate_check(struct rt *rt, enum action_id action);

/* Checks, confirms (console only) and runs req. Takes ownership. */
void gate_submit(struct rt *rt, struct action_req *req);
/* Checks and runs req without a dialog: automatic decisions (the operator
 * confirmed when turning automatic mode on) and headless commands (running
 * the command is the confirmation). on_done (may be NULL) hears once how it
 * ended, refusals included. Takes ownership. */
void gate_submit_unattended(struct rt *rt, struct action_req *req, action_done_fn on_done,
			    void *ctx);
/* Called by the console's dialog: yes runs, no cancels (audited as cancelled). */
void gate_answer(struct rt *rt, struct action_req *req, bool yes);
/* Called by run's completion: the result record, the status bar, on_done;
 * frees req. */
void gate_finish(struct rt *rt, struct action_req *req, bool ok, const char *message);
/* A decision that changes nothing (automatic mode holds): a result record
 * of its own, no intent. Frees req. */
void gate_note(struct rt *rt, struct action_req *req, const char *result,
	       const char *message);

#endif
