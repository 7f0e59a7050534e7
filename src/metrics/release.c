/* A release's analysis window and what automatic mode does with a verdict;
 * reading it is model/release.c, the plans release_plan.c. */
#include "metrics/release.h"

#include <stdio.h>
#include <string.h>

#include "metrics/analysis.h"

int release_canary_replicas(int total, int weight)
{
	int c = (total * weight + 50) / 100;

	if (weight > 0 && c < 1)
		c = 1;
	if (weight < 100 && c > total - 1)
		c = total - 1;
	return c < 0 ? 0 : c;
}

enum release_decision release_decide(const struct release *r, enum canary_verdict v,
				     int failures)
{
	bool fail = v == CANARY_FAIL && failures >= r->conf->threshold;

	if (r->blue_green)
		/* only a switch made by promote is undone, never a switch back */
		return fail && r->switched_by_promote ? DECIDE_ABORT : DECIDE_HOLD;
	if (r->phase != RELEASE_RUNNING)
		return DECIDE_HOLD;
	if (fail)
		return DECIDE_ABORT;
	return v == CANARY_PASS ? DECIDE_PROMOTE : DECIDE_HOLD;
}

/* The start of the window: the last interval, or (early) what the step has
 * had so far. 0 with why when it is too young. */
static double window_start(const struct release *r, double from, double now, bool early,
			   double *due, char *why, size_t why_size, const char *what)
{
	double interval = (double)r->conf->interval_ms / 1000.0;
	double least = 2 * (double)analysis_step_ms(r->conf->interval_ms) / 1000.0;

	if (now >= from + interval)
		return now - interval;
	if (early && now - from >= least)
		return from;
	*due = from + interval;
	snprintf(why, why_size, "the first analysis %s", what);
	return 0;
}

enum canary_verdict release_stalled_verdict(const struct release *r, enum canary_verdict v,
					    char *why, size_t size)
{
	if (r->blue_green || r->phase != RELEASE_RUNNING || !r->canary_stalled || v == CANARY_FAIL)
		return v;
	snprintf(why, size, "deploy/%s exceeded its progress deadline (%ds): %d of %d pods ready",
		 r->canary_name, r->canary->progress_deadline, r->canary_ready,
		 r->canary->replicas);
	return CANARY_FAIL;
}

int release_window(const struct release *r, double now, bool early,
		   struct release_window *w, double *due, char *why, size_t why_size)
{
	double from, start;

	memset(w, 0, sizeof *w);
	*due = 0;
	if (r->problem[0]) {
		snprintf(why, why_size, "%s", r->problem);
		return 1;
	}
	if (r->blue_green) {
		if (!r->switched_at || !r->previous[0]) {
			snprintf(why, why_size, "nothing to compare before a switch: p switches "
				 "service/%s to %s once its pods are ready", r->conf->name,
				 r->idle);
			return 1;
		}
		from = (double)r->switched_at;
		start = window_start(r, from, now, early, due, why, why_size, "after the switch");
		if (!start)
			return 1;
		*w = (struct release_window){
			.canary_deploy = r->live_name, .stable_deploy = r->previous_name,
			.canary_start = start, .canary_end = now,
			.stable_start = from - (now - start), .stable_end = from,
		};
		return 0;
	}
	if (r->phase != RELEASE_RUNNING) {
		snprintf(why, why_size, "%s", r->phase == RELEASE_PROMOTING
			 ? "promotion under way: no analysis" : "no canary running");
		return 1;
	}
	from = (double)r->step_at;
	start = window_start(r, from, now, early, due, why, why_size, "of this step");
	if (!start)
		return 1;
	*w = (struct release_window){
		.canary_deploy = r->canary_name, .stable_deploy = r->stable_name,
		.canary_start = start, .canary_end = now,
		.stable_start = start, .stable_end = now,
	};
	return 0;
}
