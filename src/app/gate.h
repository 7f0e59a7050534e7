/* The gate every action passes: refused in read-only mode before any request
 * is built, confirmed by the operator when destructive (in the console), and
 * written to the audit log with its result. */
#ifndef SHIPDECK_APP_GATE_H
#define SHIPDECK_APP_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "app/action.h"

struct app;

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
	/* Starts the change. Returns -1 with err when it could not start; else it
	 * (now or later) calls gate_finish exactly once. */
	int (*run)(struct app *app, struct action_req *req, struct err *err);
	void *data;                 /* for run; freed with data_free */
	void (*data_free)(void *data);
};

struct action_req *action_req_new(enum action_id action, const char *target);
void action_req_add_detail(struct action_req *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void action_req_free(struct action_req *req);

/* Returns -1 (and says "read-only: <action> disabled") when the action is
 * mutating and the app is read-only. Call before building anything. */
int gate_check(struct app *app, enum action_id action);

/* Checks, confirms (console only) and runs req. Takes ownership. */
void gate_submit(struct app *app, struct action_req *req);
/* Called by the console's dialog: yes runs, no cancels (audited as cancelled). */
void gate_answer(struct app *app, struct action_req *req, bool yes);
/* Called by run's completion: audits, reports, frees req. */
void gate_finish(struct app *app, struct action_req *req, bool ok, const char *message);

#endif
