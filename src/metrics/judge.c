#include "metrics/judge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { EXACT_MAX_N = 30 };

struct ranked {
	double v;
	int from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;

	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Rank sum of x with average ranks for ties; *tie_term gets Σ(t³ − t). */
static double rank_sum_x(const double *x, size_t n1, const double *y, size_t n2,
			 double *tie_term)
{
	size_t n = n1 + n2;
	struct ranked *all = xmalloc(n * sizeof *all);
	double r1 = 0, ties = 0;

	for (size_t i = 0; i < n1; i++)
		all[i] = (struct ranked){ x[i], 1 };
	for (size_t j = 0; j < n2; j++)
		all[n1 + j] = (struct ranked){ y[j], 0 };
	qsort(all, n, sizeof *all, cmp_ranked);
	for (size_t i = 0; i < n;) {
		size_t k = i;
		double avg, t;

		while (k + 1 < n && all[k + 1].v == all[i].v)
			k++;
		avg = (double)(i + k) / 2.0 + 1.0;   /* ranks i+1 … k+1 */
		t = (double)(k - i + 1);
		ties += t * t * t - t;
		for (size_t m = i; m <= k; m++)
			if (all[m].from_x)
				r1 += avg;
		i = k + 1;
	}
	free(all);
	*tie_term = ties;
	return r1;
}

/* count[u] for U of samples of sizes (m, n) under H0, without ties:
 * c(m, n, u) = c(m − 1, n, u − n) + c(m, n − 1, u). Returns a table of
 * m·n + 1 counts; the caller frees. */
static double *exact_counts(size_t m, size_t n)
{
	size_t umax = m * n;
	/* prev[j][u] holds c(i − 1, j, u); cur[j][u] c(i, j, u) */
	double *prev = xcalloc((n + 1) * (umax + 1), sizeof *prev);
	double *cur = xcalloc((n + 1) * (umax + 1), sizeof *cur);
	double *out;

	for (size_t j = 0; j <= n; j++)
		prev[j * (umax + 1)] = 1;   /* c(0, j, 0) = 1 */
	for (size_t i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * (umax + 1) * sizeof *cur);
		cur[0] = 1;                  /* c(i, 0, 0) = 1 */
		for (size_t j = 1; j <= n; j++)
			for (size_t u = 0; u <= i * j; u++)
				cur[j * (umax + 1) + u] = (u >= j ? prev[j * (umax + 1) + u - j]
							   : 0)
					+ cur[(j - 1) * (umax + 1) + u];
		memcpy(prev, cur, (n + 1) * (umax + 1) * sizeof *cur);
	}
	out = xmalloc((umax + 1) * sizeof *out);
	memcpy(out, prev + n * (umax + 1), (umax + 1) * sizeof *out);
	free(prev);
	free(cur);
	return out;
}

double mann_whitney_exact_cdf(size_t n1, size_t n2, double u)
{
	double *c = exact_counts(n1, n2), total = 0, below = 0;

	for (size_t k = 0; k <= n1 * n2; k++) {
		total += c[k];
		if ((double)k <= u + 1e-9)
			below += c[k];
	}
	free(c);
	return below / total;
}

struct mann_whitney mann_whitney(const double *x, size_t n1, const double *y, size_t n2)
{
	struct mann_whitney r = { 0 };
	double ties, n = (double)(n1 + n2), mu = (double)n1 * (double)n2 / 2.0, var, d;

	r.u = rank_sum_x(x, n1, y, n2, &ties) - (double)n1 * ((double)n1 + 1) / 2.0;
	if (ties == 0 && n1 + n2 <= EXACT_MAX_N) {
		double lo = mann_whitney_exact_cdf(n1, n2, r.u);
		double hi = 1.0 - mann_whitney_exact_cdf(n1, n2, r.u - 1);

		r.exact = true;
		r.p = fmin(1.0, 2.0 * fmin(lo, hi));
		return r;
	}
	var = (double)n1 * (double)n2 / 12.0 * ((n + 1) - ties / (n * (n - 1)));
	if (var <= 0) {
		r.p = 1.0;   /* every value equal: nothing tells the samples apart */
		return r;
	}
	d = fabs(r.u - mu) - 0.5;
	r.z = d > 0 ? d / sqrt(var) : 0;
	if (r.u < mu)
		r.z = -r.z;
	r.p = fmin(1.0, erfc(fabs(r.z) / sqrt(2.0)));
	return r;
}

/* The standard normal quantile, by bisection on erfc (plenty accurate for
 * confidence levels). */
static double normal_quantile(double p)
{
	double lo = -40, hi = 40;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(-mid / sqrt(2.0)) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static double median_sorted(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static double mean(const double *v, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}

static double median(const double *v, size_t n)
{
	double *s = xmalloc(n * sizeof *s), m;

	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	m = median_sorted(s, n);
	free(s);
	return m;
}

struct shift hodges_lehmann(const double *x, size_t n1, const double *y, size_t n2,
			    double level)
{
	size_t nd = n1 * n2, k = 0;
	double *d = xmalloc(nd * sizeof *d), alpha = 1.0 - level, ties;
	struct shift s;

	for (size_t i = 0; i < n1; i++)
		for (size_t j = 0; j < n2; j++)
			d[i * n2 + j] = x[i] - y[j];
	qsort(d, nd, sizeof *d, cmp_double);
	s.estimate = median_sorted(d, nd);
	/* The interval is [D(c), D(nd + 1 − c)] (1-based) with c the largest
	 * count such that P(U ≤ c − 1) ≤ α/2 under the null: θ < D(c) exactly
	 * when fewer than c differences are ≤ θ. Samples too small for any c ≥ 1
	 * (P(U = 0) > α/2, e.g. 3 against 2) bound nothing: the interval is
	 * unbounded, and no shift is called significant. */
	rank_sum_x(x, n1, y, n2, &ties);
	if (ties == 0 && n1 + n2 <= EXACT_MAX_N) {
		double *c = exact_counts(n1, n2), total = 0, cum = 0;

		for (size_t u = 0; u <= nd; u++)
			total += c[u];
		for (; k < nd; k++) {
			cum += c[k];
			if (cum / total > alpha / 2)
				break;
		}
		free(c);
	} else {
		double n = (double)(n1 + n2);
		double sd = sqrt((double)n1 * (double)n2 / 12.0 * ((n + 1) - ties / (n * (n - 1))));
		double kk = floor((double)nd / 2.0 - normal_quantile(1 - alpha / 2) * sd);

		k = kk > 0 ? (size_t)kk : 0;
	}
	if (k > (nd + 1) / 2)
		k = (nd + 1) / 2;
	if (k == 0) {
		s.low = -INFINITY;
		s.high = INFINITY;
	} else {
		s.low = d[k - 1];
		s.high = d[nd - k];
	}
	free(d);
	return s;
}

void judge_metric(const struct metric_rule *rule, const double *canary, size_t nc,
		  const double *stable, size_t ns, struct metric_result *out)
{
	double scale;
	bool below;

	memset(out, 0, sizeof *out);
	out->n_canary = nc;
	out->n_stable = ns;
	if (!nc || !ns) {
		out->cls = CANARY_CLASS_NODATA;
		snprintf(out->reason, sizeof out->reason, "%s: no data (canary %zu, stable %zu "
			 "samples)", rule->name, nc, ns);
		return;
	}
	out->canary = median(canary, nc);
	out->stable = median(stable, ns);
	out->canary_mean = mean(canary, nc);
	out->stable_mean = mean(stable, ns);
	out->test = mann_whitney(canary, nc, stable, ns);
	out->shift = hodges_lehmann(canary, nc, stable, ns, 0.95);
	out->cls = out->shift.low > 0 ? CANARY_CLASS_HIGH : out->shift.high < 0 ? CANARY_CLASS_LOW
		: CANARY_CLASS_PASS;
	/* a significant but small change is not a regression */
	scale = fabs(out->stable) > 1e-12 ? fabs(out->stable) : 1e-12;
	if (out->cls != CANARY_CLASS_PASS && fabs(out->shift.estimate) <= rule->tolerance * scale)
		out->cls = CANARY_CLASS_PASS;
	out->passed = out->cls == CANARY_CLASS_PASS
		|| (out->cls == CANARY_CLASS_HIGH && rule->higher_is_better)
		|| (out->cls == CANARY_CLASS_LOW && !rule->higher_is_better);
	below = rule->has_min && out->canary_mean < rule->min;
	if (below || (rule->has_max && out->canary_mean > rule->max))
		out->limit_failed = true;
	if (out->limit_failed)
		out->passed = false;
	if (out->limit_failed)
		snprintf(out->reason, sizeof out->reason, "%s: canary mean %.4g is %s the limit "
			 "%.4g (stable %.4g)", rule->name, out->canary_mean,
			 below ? "below" : "above", below ? rule->min : rule->max,
			 out->stable_mean);
	else if (nc < rule->min_samples || ns < rule->min_samples) {
		/* two samples can look alike by chance: no PASS on them */
		out->cls = CANARY_CLASS_NODATA;
		out->passed = false;
		snprintf(out->reason, sizeof out->reason, "%s: too few samples to judge (canary "
			 "%zu, stable %zu; at least %zu each)", rule->name, nc, ns,
			 rule->min_samples);
	} else
		snprintf(out->reason, sizeof out->reason, "%s %s: canary %.4g vs stable %.4g "
			 "(shift %+.4g, 95%% CI [%.4g, %.4g], p=%.3g)", rule->name,
			 canary_class_name(out->cls), out->canary, out->stable, out->shift.estimate,
			 out->shift.low, out->shift.high, out->test.p);
}

void judge_analysis(const struct metric_rule *rules, const struct metric_result *results,
		    size_t n, double pass_score, double marginal_score, struct analysis *out)
{
	size_t passed = 0, nodata = 0;
	const struct metric_result *worst = NULL;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		const struct metric_result *r = &results[i];

		if (r->cls == CANARY_CLASS_NODATA)
			nodata++;
		else if (r->passed)
			passed++;
		if (!r->passed && r->cls != CANARY_CLASS_NODATA
		    && (!worst || (r->limit_failed && !worst->limit_failed))) {
			worst = r;
			out->failed_metric = rules[i].name;
		}
	}
	if (!n || nodata == n) {
		out->verdict = CANARY_NODATA;
		/* the first metric's reason says whether nothing came or too little */
		if (n)
			snprintf(out->summary, sizeof out->summary, "no data for any metric: %s%s",
				 results[0].reason, n > 1 ? ", …" : "");
		else
			snprintf(out->summary, sizeof out->summary, "no data for any metric");
		return;
	}
	out->score = 100.0 * (double)passed / (double)n;
	if (worst && worst->limit_failed)
		out->verdict = CANARY_FAIL;
	else if (out->score >= pass_score)
		out->verdict = CANARY_PASS;
	else if (out->score >= marginal_score)
		out->verdict = CANARY_MARGINAL;
	else
		out->verdict = CANARY_FAIL;
	if (worst)
		snprintf(out->summary, sizeof out->summary, "%s (score %.0f)", worst->reason,
			 out->score);
	else if (nodata)
		snprintf(out->summary, sizeof out->summary, "%zu of %zu metrics pass, %zu without "
			 "data (score %.0f)", passed, n, nodata, out->score);
	else
		snprintf(out->summary, sizeof out->summary, "all %zu metrics pass (score %.0f)", n,
			 out->score);
}
