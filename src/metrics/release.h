/* The changes that move a release (model/release.h) on, and what automatic
 * mode does with a verdict. No I/O: the plans are lists of requests that
 * metrics/canary_ops.h sends through the gate. */
#ifndef SHIPDECK_METRICS_RELEASE_H
#define SHIPDECK_METRICS_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action/action.h"
#include "kube/change.h"
#include "model/release.h"
#include "store/canary.h"
#include "util/err.h"

/* How many of total replicas a canary at weight percent gets: at least one
 * while the weight is above 0, and at least one stable pod below 100. */
int release_canary_replicas(int total, int weight);

/* A change to make: what the confirm dialog and the audit log say, and the
 * requests, in order. */

enum { RELEASE_MAX_CALLS = 4, RELEASE_MAX_DETAILS = 6 };

struct release_plan {
	enum action_id action;
	char *target;               /* "deploy/shop-canary", "svc/pay" */
	char *from, *to;
	char *question;
	char *details[RELEASE_MAX_DETAILS];
	size_t ndetails;
	struct kube_change calls[RELEASE_MAX_CALLS];
	size_t ncalls;
	char *done_message;
};

void release_plan_free(struct release_plan *p);

/* Each fills p and returns 0, or returns -1 with err saying why the change
 * cannot be made now. now: seconds since the epoch, for the annotations.
 * image_name: .shipdeck.yml's image.name, to pick the container when the
 * template has several (NULL: the only container). */
int release_plan_start(const struct release *r, const char *tag_or_image,
		       const char *image_name, int64_t now, struct release_plan *p,
		       struct err *err);
int release_plan_promote(const struct release *r, int64_t now, struct release_plan *p,
			 struct err *err);
int release_plan_abort(const struct release *r, int64_t now, struct release_plan *p,
		       struct err *err);
/* The end of a promotion: once the stable has rolled out the canary's
 * template, the canary goes to 0. Returns 1 (nothing planned) while the
 * stable is still rolling out or there is no promotion under way. */
int release_plan_finish(const struct release *r, int64_t now, struct release_plan *p,
			struct err *err);

/* What automatic mode does with a verdict. failures counts FAIL verdicts so
 * far, this one included. A canary whose pods never became ready (its
 * rollout exceeded the progress deadline) has no data to judge: automatic
 * mode counts that as a FAIL (release_stalled_verdict). */
enum release_decision { DECIDE_HOLD, DECIDE_PROMOTE, DECIDE_ABORT };
enum release_decision release_decide(const struct release *r, enum canary_verdict v,
				     int failures);

/* v, or FAIL when the canary stalled; *why then says so. */
enum canary_verdict release_stalled_verdict(const struct release *r, enum canary_verdict v,
					    char *why, size_t size);

/* The windows to compare, in seconds since the epoch: the canary's (the last
 * interval, not before the step began) and the stable's (the same window;
 * blue/green: the interval before the switch, on the previous colour).
 * Returns 0, or 1 with why (in why) when there is nothing to analyse now;
 * *due then says when there will be (0: not by waiting). early: a step (or
 * switch) younger than the interval is judged on what it has so far, when
 * that is at least two samples long (an analysis on demand). */
struct release_window {
	const char *stable_deploy, *canary_deploy;
	double stable_start, stable_end, canary_start, canary_end;
};
int release_window(const struct release *r, double now, bool early,
		   struct release_window *w, double *due, char *why, size_t why_size);

#endif
