/* The changes to a release as action requests for the gate (read-only
 * refusal, the confirm dialog, the audit log): start, promote, abort, the end
 * of a promotion, automatic mode on or off. Built from what the store holds,
 * as the pane and the headless commands see it; the requests are sent by
 * kube_req_calls (kube/rollout_ops.h). */
#ifndef SHIPDECK_METRICS_CANARY_OPS_H
#define SHIPDECK_METRICS_CANARY_OPS_H

#include <stdbool.h>

#include "action/builder.h"
#include "action/gate.h"
#include "kube/rollout_ops.h"
#include "metrics/release.h"

/* Reads app name's release. -1 with err when .shipdeck.yml has no such app. */
int canary_release(const struct rt *rt, const char *name, struct release *r,
		   struct err *err);

/* Each returns a request for the gate, or NULL with err. reason (may be NULL)
 * says what the decision was made on ("automatic: PASS, score 100 …"): it
 * goes into the dialog and, with the result, into the audit log. Call
 * gate_check() first. */
struct action_req *canary_req_start(struct rt *rt, const char *name, const char *tag,
				    struct err *err);
struct action_req *canary_req_promote(struct rt *rt, const char *name, const char *reason,
				      struct err *err);
struct action_req *canary_req_abort(struct rt *rt, const char *name, const char *reason,
				    struct err *err);
/* The canary to 0 once the stable has rolled out a promotion; NULL with
 * err->msg "" while there is nothing to do yet. */
struct action_req *canary_req_finish(struct rt *rt, const char *name, struct err *err);
/* Automatic analysis on or off for app name (A, --auto). */
struct action_req *canary_req_auto(struct rt *rt, const char *name, bool on,
				   struct err *err);

/* The actions on a release (canary-start, promote, abort, auto-analysis)
 * over the app selected, for action_builders_add (canary_builders.c). */
extern const struct action_builder canary_builders[];

/* The last analysis in words, for a dialog and the audit log: "last
 * analysis: PASS, score 100: all 2 metrics pass". Caller frees; NULL when
 * there was none. */
char *canary_last_analysis(const struct rt *rt, const char *name);

#endif
