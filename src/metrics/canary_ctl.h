/* The canary source: for each app of .shipdeck.yml, an analysis every
 * interval while a release runs (metrics/analysis.h), its result in the
 * store, the countdown to the next one, and — in automatic mode — the
 * decision: PASS promotes a step, `threshold` FAILs abort, MARGINAL or no
 * data hold. It also ends a promotion: once the stable has rolled out the
 * canary's template, the canary goes to 0. Every decision is audited with
 * the numbers it was made on. Lives in rt->canary. */
#ifndef SHIPDECK_METRICS_CANARY_CTL_H
#define SHIPDECK_METRICS_CANARY_CTL_H

#include "runtime/rt.h"

/* Starts the controller for every app (only: just that one, for a headless
 * command). The SOURCE_METRICS state says when Prometheus is not set. */
int canary_ctl_start(struct rt *rt, const char *only, struct err *err);
void canary_ctl_stop(struct rt *rt);

/* Look again soon: a release was just changed. No-op without a controller. */
void canary_ctl_poke(struct rt *rt);

#endif
