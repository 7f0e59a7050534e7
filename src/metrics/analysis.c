#include "metrics/analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/judge.h"
#include "metrics/prometheus.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { QUERY_TIMEOUT_MS = 10000 };

int64_t analysis_step_ms(int64_t interval_ms)
{
	return interval_ms / 10 > 1000 ? interval_ms / 10 : 1000;
}

size_t analysis_min_samples(const struct app_conf *conf)
{
	int64_t per_window = conf->interval_ms / analysis_step_ms(conf->interval_ms) + 1;

	if (conf->min_samples > 0)
		return (size_t)conf->min_samples;
	return per_window / 2 > 2 ? (size_t)(per_window / 2) : 2;
}

void analysis_rate_window(int64_t interval_ms, char *buf, size_t size)
{
	int64_t w = 2 * analysis_step_ms(interval_ms);

	if (w % 1000)
		snprintf(buf, size, "%lldms", (long long)w);
	else
		snprintf(buf, size, "%llds", (long long)(w / 1000));
}

struct query {
	struct analysis_run *run;
	size_t metric;
	bool canary;
	uint64_t id;
};

struct analysis_run {
	struct http *http;
	const struct app_conf *conf;
	struct canary_result *res;
	struct query *queries;
	size_t nqueries, pending;
	analysis_done_fn done;
	void *ctx;
};

static struct canary_result *result_new(const struct app_conf *conf)
{
	struct canary_result *res = xcalloc(1, sizeof *res);

	res->end_ms = time_wall_ms();
	res->window_ms = conf->interval_ms;
	res->nmetrics = conf->nmetrics;
	res->metrics = xcalloc(conf->nmetrics ? conf->nmetrics : 1, sizeof *res->metrics);
	for (size_t i = 0; i < conf->nmetrics; i++) {
		res->metrics[i].name = xstrdup(conf->metrics[i].name);
		res->metrics[i].higher_is_better = conf->metrics[i].higher_is_better;
		res->metrics[i].cls = CANARY_CLASS_NODATA;
	}
	return res;
}

struct canary_result *analysis_error_result(const struct app_conf *conf, const char *error)
{
	struct canary_result *res = result_new(conf);

	res->verdict = CANARY_NODATA;
	res->error = xstrdup(error);
	res->summary = xasprintf("no analysis: %s", error);
	return res;
}

static int cmp_time(const void *a, const void *b)
{
	double x = ((const double *)a)[0], y = ((const double *)b)[0];

	return (x > y) - (x < y);
}

/* Every finite value of every series the query returned (a query that is
 * not aggregated gives one series per pod: each is a sample), by time. */
static void take_samples(const struct prom_result *pr, struct canary_samples *s)
{
	size_t n = 0, k = 0;
	double *pairs;

	for (size_t i = 0; i < pr->nseries; i++)
		n += pr->series[i].n;
	pairs = xcalloc(n ? 2 * n : 1, sizeof *pairs);
	for (size_t i = 0; i < pr->nseries; i++)
		for (size_t j = 0; j < pr->series[i].n; j++)
			if (isfinite(pr->series[i].v[j])) {
				pairs[2 * k] = pr->series[i].t[j];
				pairs[2 * k + 1] = pr->series[i].v[j];
				k++;
			}
	qsort(pairs, k, 2 * sizeof *pairs, cmp_time);
	s->n = k;
	s->t = xcalloc(k ? k : 1, sizeof *s->t);
	s->v = xcalloc(k ? k : 1, sizeof *s->v);
	for (size_t i = 0; i < k; i++) {
		s->t[i] = pairs[2 * i];
		s->v[i] = pairs[2 * i + 1];
	}
	free(pairs);
}

void analysis_judge(const struct app_conf *conf, struct canary_result *res)
{
	struct metric_rule *rules = xcalloc(res->nmetrics ? res->nmetrics : 1, sizeof *rules);
	struct metric_result *mr = xcalloc(res->nmetrics ? res->nmetrics : 1, sizeof *mr);
	struct analysis a;

	for (size_t i = 0; i < res->nmetrics; i++) {
		const struct metric_conf *mc = &conf->metrics[i];
		struct canary_metric_result *m = &res->metrics[i];

		rules[i] = (struct metric_rule){
			.name = mc->name, .higher_is_better = mc->higher_is_better,
			.has_min = mc->has_min, .has_max = mc->has_max, .min = mc->min,
			.max = mc->max, .tolerance = ANALYSIS_TOLERANCE,
			.min_samples = analysis_min_samples(conf),
		};
		judge_metric(&rules[i], m->canary.v, m->canary.n, m->stable.v, m->stable.n, &mr[i]);
		m->cls = mr[i].cls;
		m->passed = mr[i].passed;
		m->limit_failed = mr[i].limit_failed;
		m->exact = mr[i].test.exact;
		m->stable_value = mr[i].stable_mean;
		m->canary_value = mr[i].canary_mean;
		m->stable_median = mr[i].stable;
		m->canary_median = mr[i].canary;
		m->p = mr[i].test.p;
		m->shift = mr[i].shift.estimate;
		m->shift_low = mr[i].shift.low;
		m->shift_high = mr[i].shift.high;
		free(m->reason);
		m->reason = xstrdup(mr[i].reason);
	}
	judge_analysis(rules, mr, res->nmetrics, conf->pass_score, conf->marginal_score, &a);
	res->verdict = a.verdict;
	res->score = a.score;
	free(res->summary);
	res->summary = xstrdup(a.summary);
	free(res->failed_metric);
	res->failed_metric = a.failed_metric ? xstrdup(a.failed_metric) : NULL;
	free(rules);
	free(mr);
}

static void finish(struct analysis_run *run)
{
	struct canary_result *res = run->res;

	if (!res->error)
		analysis_judge(run->conf, res);
	run->res = NULL;
	run->done(run->ctx, res);
	free(run->queries);
	free(run);
}

static void on_query(void *ctx, const struct prom_result *pr, const char *error)
{
	struct query *q = ctx;
	struct analysis_run *run = q->run;
	struct canary_metric_result *m = &run->res->metrics[q->metric];

	q->id = 0;
	if (error) {
		if (!run->res->error) {
			run->res->error = xstrdup(error);
			run->res->verdict = CANARY_NODATA;
			run->res->summary = xasprintf("no analysis: %s", error);
		}
	} else {
		take_samples(pr, q->canary ? &m->canary : &m->stable);
	}
	if (--run->pending == 0)
		finish(run);
}

struct analysis_run *analysis_start(struct http *http, const char *prometheus_url,
				    const struct app_conf *conf, const char *ns,
				    const struct release_window *w, analysis_done_fn done,
				    void *ctx, struct err *err)
{
	struct analysis_run *run = xcalloc(1, sizeof *run);
	double step = (double)analysis_step_ms(conf->interval_ms) / 1000.0;
	char window[32];

	analysis_rate_window(conf->interval_ms, window, sizeof window);
	*run = (struct analysis_run){ .http = http, .conf = conf, .done = done, .ctx = ctx };
	run->res = result_new(conf);
	run->res->end_ms = (int64_t)(w->canary_end * 1000);
	run->res->window_ms = (int64_t)((w->canary_end - w->canary_start) * 1000);
	run->res->stable_deploy = xstrdup(w->stable_deploy);
	run->res->canary_deploy = xstrdup(w->canary_deploy);
	run->nqueries = 2 * conf->nmetrics;
	run->queries = xcalloc(run->nqueries ? run->nqueries : 1, sizeof *run->queries);
	for (size_t i = 0; i < run->nqueries; i++) {
		struct query *q = &run->queries[i];
		bool canary = i % 2;
		char *promql = promql_expand(conf->metrics[i / 2].query, ns,
					     canary ? w->canary_deploy : w->stable_deploy, window);

		*q = (struct query){ .run = run, .metric = i / 2, .canary = canary };
		q->id = prom_query_range(http, prometheus_url, promql,
					 canary ? w->canary_start : w->stable_start,
					 canary ? w->canary_end : w->stable_end, step,
					 QUERY_TIMEOUT_MS, on_query, q, err);
		free(promql);
		if (!q->id) {
			analysis_cancel(&run);
			return NULL;
		}
		run->pending++;
	}
	if (!run->nqueries) {
		analysis_cancel(&run);
		err_set(err, "app %s has no metrics to analyse", conf->name);
		return NULL;
	}
	return run;
}

void analysis_cancel(struct analysis_run **runp)
{
	struct analysis_run *run = *runp;

	if (!run)
		return;
	for (size_t i = 0; i < run->nqueries; i++)
		if (run->queries[i].id)
			prom_cancel(run->http, run->queries[i].id);
	canary_result_free(run->res);
	free(run->queries);
	free(run);
	*runp = NULL;
}
