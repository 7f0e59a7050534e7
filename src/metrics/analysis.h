/* One analysis of a release: for each metric of the app, the canary's and
 * the stable's samples from Prometheus (a range query per side over its
 * window), judged by the judge (metrics/judge.h) into the store's result.
 *
 * Sampling: the window is the app's interval; samples are taken every tenth
 * of it (at least 1 s) and {interval} in a query is each sample's rate
 * window, twice the sample step — two scrapes at least, when Prometheus
 * scrapes at the step or faster. Samples of neighbouring steps overlap by
 * half, so p-values lean optimistic; the tolerance and the hard limits keep
 * small or merely significant changes from failing a canary. */
#ifndef SHIPDECK_METRICS_ANALYSIS_H
#define SHIPDECK_METRICS_ANALYSIS_H

#include <stdint.h>

#include "metrics/release.h"
#include "project/project.h"
#include "runtime/http.h"
#include "store/canary.h"

/* A change of the median smaller than this share of the stable's is never
 * a regression, however significant: at 10%, p99 latency moving from 12 to
 * 13 ms passes, from 12 to 250 ms does not. */
#define ANALYSIS_TOLERANCE 0.1

int64_t analysis_step_ms(int64_t interval_ms);
/* The samples each side needs before a metric is judged: min_samples, or
 * half of what one interval's window holds (at least 2). */
size_t analysis_min_samples(const struct app_conf *conf);
/* {interval}: "2s" (or "1500ms"). */
void analysis_rate_window(int64_t interval_ms, char *buf, size_t size);

/* Called once with the result (the callee owns it). */
typedef void (*analysis_done_fn)(void *ctx, struct canary_result *res);

struct analysis_run;

/* Starts the queries. Returns the run, or NULL with err when they could not
 * be sent (a bad URL, read-only refusal). */
struct analysis_run *analysis_start(struct http *http, const char *prometheus_url,
				    const struct app_conf *conf, const char *ns,
				    const struct release_window *w, analysis_done_fn done,
				    void *ctx, struct err *err);
/* Cancels a run under way (done is not called). */
void analysis_cancel(struct analysis_run **run);

/* Judges the samples in res (one metric per conf metric, in order): each
 * metric's class and numbers, the score, the verdict and its one line. */
void analysis_judge(const struct app_conf *conf, struct canary_result *res);

/* A result that says why there is none ("prometheus …: connection refused"). */
struct canary_result *analysis_error_result(const struct app_conf *conf, const char *error);

#endif
