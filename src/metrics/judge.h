/* The canary judge: canary samples against stable samples, per metric, with
 * a Mann–Whitney U test (rank sum, tie-corrected), the Hodges–Lehmann shift
 * and its confidence interval (as Kayenta's judge does), plus hard limits (as
 * Flagger does). No I/O: samples in, verdict out.
 *
 * The limits judge the canary's mean, not its median: a limit is about the
 * whole window (Flagger's value is the rate over the interval, which the mean
 * of the window's samples estimates), and a rare event in short samples —
 * one error in five requests — leaves most samples at 1 and the median
 * blind to a 20% error rate. */
#ifndef SHIPDECK_METRICS_JUDGE_H
#define SHIPDECK_METRICS_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/canary.h"

/* U statistic of x against y: the number of pairs (x_i, y_j) with x_i > y_j,
 * ties counting one half. */
struct mann_whitney {
	double u;                   /* U of x (the canary) */
	double p;                   /* two-sided p-value */
	bool exact;                 /* p from the enumerated distribution */
	double z;                   /* normal approximation's z (0 when exact) */
};

/* Requires n1, n2 ≥ 1. Exact p when there are no ties and n1 + n2 ≤ 30;
 * otherwise the normal approximation with tie and continuity correction. */
struct mann_whitney mann_whitney(const double *x, size_t n1, const double *y, size_t n2);

/* P(U ≤ u) under the null hypothesis, no ties, by enumeration. */
double mann_whitney_exact_cdf(size_t n1, size_t n2, double u);

/* The Hodges–Lehmann estimate of the shift x − y (median of all pairwise
 * differences) and its two-sided confidence interval at level (e.g. 0.95). */
struct shift {
	double estimate;
	double low, high;
};
struct shift hodges_lehmann(const double *x, size_t n1, const double *y, size_t n2,
			    double level);

struct metric_rule {
	const char *name;
	bool higher_is_better;
	bool has_min, has_max;      /* hard limits on the canary's mean */
	double min, max;
	double tolerance;           /* relative change of the median allowed even when
				     * significant; 0.1 = ±10% */
	size_t min_samples;         /* per side, or the metric has no data (a crossed
				     * hard limit still fails) */
};

struct metric_result {
	enum canary_class cls;      /* the store's names: what the pane and JSON show */
	bool passed;                /* the class is fine for the metric's direction */
	bool limit_failed;          /* a hard limit was crossed */
	double canary, stable;      /* medians (what the test compares) */
	double canary_mean, stable_mean;    /* what the hard limits judge */
	size_t n_canary, n_stable;
	struct mann_whitney test;
	struct shift shift;
	/* "latency-p99 high: canary 0.250 vs stable 0.010 (+2400%), p=0.0002" */
	char reason[200];
};

struct analysis {
	double score;               /* 0–100: share of metrics that passed */
	enum canary_verdict verdict;
	const char *failed_metric;  /* the worst failing metric, or NULL */
	char summary[256];          /* one line saying why */
};

/* Judges one metric. */
void judge_metric(const struct metric_rule *rule, const double *canary, size_t nc,
		  const double *stable, size_t ns, struct metric_result *out);
/* Scores the metrics and gives the verdict. All metrics without data give
 * CANARY_NODATA; a crossed hard limit fails the analysis outright. */
void judge_analysis(const struct metric_rule *rules, const struct metric_result *results,
		    size_t n, double pass_score, double marginal_score, struct analysis *out);


#endif
