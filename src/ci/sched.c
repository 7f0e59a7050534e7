#include "ci/sched.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void ci_sched_init(struct ci_sched *s, const struct ci_plan *plan)
{
	size_t n = plan->n ? plan->n : 1;

	memset(s, 0, sizeof *s);
	s->plan = plan;
	s->status = xcalloc(n, sizeof *s->status);
	s->upstream_failed = xcalloc(n, sizeof *s->upstream_failed);
	s->reason = xcalloc(n, sizeof *s->reason);
}

void ci_sched_free(struct ci_sched *s)
{
	free(s->status);
	free(s->upstream_failed);
	free(s->reason);
	memset(s, 0, sizeof *s);
}

static bool failed(const struct ci_sched *s, size_t i)
{
	const struct ci_plan_step *p = &s->plan->steps[i];

	return s->status[i] == CI_FAILED && !(p->def && p->def->ignore_failure);
}

/* Every step of the pipelines that pipeline pi runs after is done; *bad says
 * whether one of them failed. */
static bool waits_done(const struct ci_sched *s, size_t pi, bool *bad)
{
	const struct ci_plan_pipeline *pp = &s->plan->pipelines[pi];

	*bad = false;
	for (size_t w = 0; w < pp->nwaits; w++) {
		for (size_t k = 0; k < s->plan->n; k++) {
			if (s->plan->steps[k].pipeline != pp->waits[w])
				continue;
			if (!ci_status_done(s->status[k]))
				return false;
			*bad |= failed(s, k) || s->upstream_failed[k];
		}
	}
	return true;
}

static void skip(struct ci_sched *s, size_t i, bool up, const char *why)
{
	s->status[i] = CI_SKIPPED;
	s->upstream_failed[i] = up;
	s->reason[i] = why;
}

/* Decides step i if it is ready: returns true when it may start. */
static bool decide(struct ci_sched *s, size_t i, bool *changed)
{
	const struct ci_plan_step *p = &s->plan->steps[i];
	unsigned on = p->def ? p->def->when.status : CI_ON_SUCCESS;
	bool up = false, pipe_bad = false;

	for (size_t d = 0; d < p->ndeps; d++) {
		if (!ci_status_done(s->status[p->deps[d]]))
			return false;
		up |= failed(s, p->deps[d]) || s->upstream_failed[p->deps[d]];
	}
	if (p->pipeline != SIZE_MAX) {
		const struct ci_pipeline_def *pd = s->plan->pipelines[p->pipeline].def;

		if (!waits_done(s, p->pipeline, &pipe_bad))
			return false;
		if (!(pd->trigger.status & (pipe_bad ? CI_ON_FAILURE : CI_ON_SUCCESS))) {
			skip(s, i, pipe_bad, pipe_bad ? "a pipeline it depends on failed"
						      : "its pipeline runs only after a failure");
			*changed = true;
			return false;
		}
	}
	if (!p->when_ok) {
		skip(s, i, up,
		     "when: a condition (branch, event, ref, target, cron, action or paths) does "
		     "not match");
		*changed = true;
		return false;
	}
	if (!(on & (up ? CI_ON_FAILURE : CI_ON_SUCCESS))) {
		skip(s, i, up, up ? "a step it depends on failed"
				  : "when: status: failure, and nothing failed");
		*changed = true;
		return false;
	}
	s->upstream_failed[i] = up;
	return true;
}

size_t ci_sched_next(struct ci_sched *s, int limit, size_t *start)
{
	size_t n = 0;
	bool changed = true;

	if (s->cancelled)
		return 0;
	/* skipping a step can make the next one decidable: repeat until stable */
	while (changed) {
		changed = false;
		for (size_t i = 0; i < s->plan->n; i++) {
			if (s->status[i] != CI_PENDING || !decide(s, i, &changed))
				continue;
			if (s->plan->steps[i].detach) {
				/* the others do not wait for it: done once started */
				s->status[i] = CI_PASSED;
				start[n++] = i;
				changed = true;
				continue;
			}
			if (s->running >= limit)
				continue;
			s->status[i] = CI_RUNNING;
			s->running++;
			start[n++] = i;
			changed = true;
		}
	}
	return n;
}

void ci_sched_finish(struct ci_sched *s, size_t i, enum ci_status st)
{
	if (s->status[i] != CI_RUNNING)
		return;
	s->status[i] = st;
	s->running--;
}

void ci_sched_detached_failed(struct ci_sched *s, size_t i)
{
	if (s->plan->steps[i].detach && s->status[i] == CI_PASSED)
		s->status[i] = CI_FAILED;
}

void ci_sched_cancel(struct ci_sched *s)
{
	s->cancelled = true;
	for (size_t i = 0; i < s->plan->n; i++) {
		if (s->status[i] == CI_PENDING) {
			s->status[i] = CI_CANCELLED;
			s->reason[i] = "the build was cancelled";
		}
	}
}

bool ci_sched_done(const struct ci_sched *s)
{
	for (size_t i = 0; i < s->plan->n; i++)
		if (!ci_status_done(s->status[i]))
			return false;
	return true;
}

enum ci_status ci_sched_result(const struct ci_sched *s)
{
	if (s->cancelled)
		return CI_CANCELLED;
	for (size_t i = 0; i < s->plan->n; i++)
		if (failed(s, i))
			return CI_FAILED;
	return CI_PASSED;
}

bool ci_sched_failed_before(const struct ci_sched *s, size_t i)
{
	return s->upstream_failed[i];
}
