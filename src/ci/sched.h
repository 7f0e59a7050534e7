/* What a build does next, as pure decisions over a plan: which steps start
 * (within the concurrency limit), which are skipped and why. The runner does
 * the processes; this is what the unit tests drive with made-up results.
 *
 * A step runs when everything it depends on is done. It inherits failure
 * from its dependencies: after a failure (not `failure: ignore`) a step with
 * the default `when: status: [success]` is skipped, one with `failure` runs.
 * Without depends_on a pipeline's steps depend each on the one before, so
 * this is Drone's "skip the rest after a failure". A detached step (a
 * service, or `detach: true`) is done for the others once it started; the
 * runner stops it when everything else is done. */
#ifndef SHIPDECK_CI_SCHED_H
#define SHIPDECK_CI_SCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "ci/plan.h"
#include "store/ci.h"

struct ci_sched {
	const struct ci_plan *plan;
	enum ci_status *status;     /* per step */
	bool *upstream_failed;      /* per step, once decided: a dependency failed */
	const char **reason;        /* per step: why it was skipped (static text) */
	int running;
	bool cancelled;
};

void ci_sched_init(struct ci_sched *s, const struct ci_plan *plan);
void ci_sched_free(struct ci_sched *s);

/* Skips what can no longer run, then marks running and writes into start the
 * steps to start now, at most limit running at once. Returns how many. */
size_t ci_sched_next(struct ci_sched *s, int limit, size_t *start);
/* A running step ended: CI_PASSED, CI_FAILED or CI_CANCELLED. */
void ci_sched_finish(struct ci_sched *s, size_t i, enum ci_status st);
/* A detached step (passed for the others once started) could not start: it
 * counts as a failure of the build (unless failure: ignore). */
void ci_sched_detached_failed(struct ci_sched *s, size_t i);
/* Pending steps become cancelled; running ones are the runner's to stop. */
void ci_sched_cancel(struct ci_sched *s);
/* Nothing pending or running. */
bool ci_sched_done(const struct ci_sched *s);
/* passed, failed (a step failed that is not failure: ignore) or cancelled. */
enum ci_status ci_sched_result(const struct ci_sched *s);
/* "failure" once something upstream of step i failed, else "success"
 * (DRONE_BUILD_STATUS for the step). */
bool ci_sched_failed_before(const struct ci_sched *s, size_t i);

#endif
