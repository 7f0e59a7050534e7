/* The audit log: every action that changes something, with its result, one
 * JSON object per line at $XDG_STATE_HOME/shipdeck/audit.jsonl. Records are
 * appended with one write and fsync'd, so a crash leaves a record whole or
 * absent. Nothing secret is ever written: records hold names, never tokens. */
#ifndef SHIPDECK_APP_AUDIT_H
#define SHIPDECK_APP_AUDIT_H

#include "util/err.h"

struct audit_record {
	const char *user;
	const char *context;
	const char *namespace;
	const char *action;
	const char *target;
	const char *from;
	const char *to;
	const char *result;         /* "ok", "failed", "refused", "cancelled" */
	const char *message;
};

/* $XDG_STATE_HOME/shipdeck/audit.jsonl; caller frees. */
char *audit_default_path(void);

/* Appends r with the current time; creates the folder when missing. */
int audit_append(const char *path, const struct audit_record *r, struct err *err);

struct app;

/* Loads the audit log into the log buffer "audit" (newest last). */
int audit_show(struct app *app, struct err *err);

#endif
