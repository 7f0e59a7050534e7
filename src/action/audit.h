/* The audit log: every action that changes something, one JSON object per
 * line at $XDG_STATE_HOME/shipdeck/audit.jsonl. It is written ahead: an
 * `intent` record before the request is sent, a `result` record once it has
 * ended, both with the action's `id`; a change whose result never came (the
 * program was killed while the request was under way) still has its intent.
 * Records are appended with one write and fsync'd, so a crash leaves a
 * record whole or absent. Nothing secret is ever written: records hold
 * names, never tokens. Only the gate (action/gate.h) writes records. */
#ifndef SHIPDECK_ACTION_AUDIT_H
#define SHIPDECK_ACTION_AUDIT_H

#include <stddef.h>

#include "util/err.h"

struct audit_record {
	const char *user;
	const char *context;
	const char *namespace;
	const char *action;
	const char *target;
	const char *from;
	const char *to;
	const char *result;         /* "ok", "failed", "cancelled", "hold"; NULL in an intent */
	const char *message;
	const char *id;             /* pairs an intent with its result */
	const char *phase;          /* "intent" or "result" */
};

/* $XDG_STATE_HOME/shipdeck/audit.jsonl; caller frees. */
char *audit_default_path(void);

/* A fresh record id (16 hex digits) into buf, size ≥ 17. */
void audit_new_id(char *buf, size_t size);

/* Appends r with the current time; creates the folder when missing. The
 * record is on disk (fsync'd) when this returns 0. */
int audit_append(const char *path, const struct audit_record *r, struct err *err);

/* The log as a person reads it: one line per action, its intent and result
 * paired by id — time, action, target, from → to, the result and message,
 * "outcome unknown" for an intent without a result — oldest first. Records
 * written before ids existed are a line each; a line that is no record says
 * so. Caller frees. */
char *audit_readable(const char *data, size_t len);

struct rt;

/* Loads the audit log into two log buffers: "audit" (audit_readable) and
 * "audit/json" (the records as written). */
int audit_show(struct rt *rt, struct err *err);

#endif
