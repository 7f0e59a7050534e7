/* The canary judge against exact values computed independently here:
 * U by counting pairs, exact p-values by enumerating every split of the ranks,
 * the normal approximation from its formula. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/judge.h"
#include "tap.h"

static double pair_u(const double *x, size_t n1, const double *y, size_t n2)
{
	double u = 0;

	for (size_t i = 0; i < n1; i++)
		for (size_t j = 0; j < n2; j++)
			u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
	return u;
}

/* Every way to give n1 of the ranks 1..n1+n2 to x: counts of U ≤ u and U ≥ u. */
static void enumerate(size_t n1, size_t n2, double u, double *le, double *ge, double *total)
{
	size_t n = n1 + n2;

	*le = *ge = *total = 0;
	for (unsigned long mask = 0; mask < (1ul << n); mask++) {
		double r1 = 0, uu;

		if ((size_t)__builtin_popcountl(mask) != n1)
			continue;
		for (size_t b = 0; b < n; b++)
			if (mask & (1ul << b))
				r1 += (double)(b + 1);
		uu = r1 - (double)n1 * (n1 + 1) / 2.0;
		*total += 1;
		*le += uu <= u + 1e-9;
		*ge += uu >= u - 1e-9;
	}
}

static void test_exact(void)
{
	static const double x[] = { 1.1, 2.3, 5.4, 7.9, 8.8 };
	static const double y[] = { 0.5, 0.9, 1.7, 3.2, 4.1, 6.0 };
	double le, ge, total;
	struct mann_whitney r = mann_whitney(x, 5, y, 6);

	tap_is_near(r.u, pair_u(x, 5, y, 6), 1e-12, "U equals the pair count");
	tap_ok(r.exact, "small sample without ties is exact");
	enumerate(5, 6, r.u, &le, &ge, &total);
	tap_is_near(total, 462, 0, "C(11,5) splits enumerated");
	tap_is_near(r.p, fmin(1, 2 * fmin(le, ge) / total), 1e-12, "exact p by enumeration");
	tap_is_near(mann_whitney_exact_cdf(5, 6, r.u), le / total, 1e-12, "exact cdf");

	/* complete separation: the smallest possible p */
	{
		static const double a[] = { 10, 11, 12, 13 }, b[] = { 1, 2, 3, 4, 5 };
		struct mann_whitney s = mann_whitney(a, 4, b, 5);

		tap_is_near(s.u, 20, 0, "U = n1·n2 when x is all above");
		tap_is_near(s.p, 2.0 / 126.0, 1e-12, "p = 2/C(9,4)");
	}
	/* every size split up to 14 values against enumeration */
	for (size_t n1 = 1; n1 <= 7; n1++)
		for (size_t n2 = 1; n2 <= 7; n2++) {
			double xs[7], ys[7], want;
			struct mann_whitney m;

			for (size_t i = 0; i < n1; i++)
				xs[i] = (double)(3 * i + 1);
			for (size_t j = 0; j < n2; j++)
				ys[j] = (double)(2 * j) + 0.5;
			m = mann_whitney(xs, n1, ys, n2);
			enumerate(n1, n2, m.u, &le, &ge, &total);
			want = fmin(1, 2 * fmin(le, ge) / total);
			if (fabs(m.p - want) > 1e-12 || m.u != pair_u(xs, n1, ys, n2)) {
				tap_ok(0, "exact p for every split");
				printf("#   n1=%zu n2=%zu got p=%g want %g\n", n1, n2, m.p, want);
				return;
			}
		}
	tap_ok(1, "exact p for every split of sizes 1..7 × 1..7");
}

static int cmpd(const void *a, const void *b);

static void test_normal(void)
{
	double x[20], y[18], n1 = 20, n2 = 18, n = 38, u, mu, sd, z, p;
	struct mann_whitney r;

	for (int i = 0; i < 20; i++)
		x[i] = 1.0 + 0.37 * i + (i % 3) * 0.05;
	for (int j = 0; j < 18; j++)
		y[j] = 0.8 + 0.31 * j;
	r = mann_whitney(x, 20, y, 18);
	u = pair_u(x, 20, y, 18);
	mu = n1 * n2 / 2;
	sd = sqrt(n1 * n2 * (n + 1) / 12);
	z = (fabs(u - mu) - 0.5) / sd;
	p = erfc(z / sqrt(2));
	tap_ok(!r.exact, "38 values: normal approximation");
	tap_is_near(r.u, u, 1e-12, "U (normal case)");
	tap_is_near(fabs(r.z), z, 1e-12, "z with continuity correction");
	tap_is_near(r.p, p, 1e-12, "p from the formula");
	{
		/* the interval from the normal approximation: c = ⌊n1n2/2 − 1.96·sd⌋,
		 * [D(c), D(n1n2 + 1 − c)] 1-based */
		double d[360];
		size_t k = 0;
		struct shift s = hodges_lehmann(x, 20, y, 18, 0.95);
		int c = (int)floor(n1 * n2 / 2 - 1.959963984540054 * sd);

		for (int i = 0; i < 20; i++)
			for (int j = 0; j < 18; j++)
				d[k++] = x[i] - y[j];
		qsort(d, 360, sizeof *d, cmpd);
		tap_is_near(s.low, d[c - 1], 1e-12, "normal-approximation lower bound D(c)");
		tap_is_near(s.high, d[360 - c], 1e-12, "normal-approximation upper bound D(nd+1−c)");
	}
}

static void test_ties(void)
{
	static const double x[] = { 1, 2, 2, 3, 3, 3 }, y[] = { 2, 3, 4, 4, 5 };
	double n1 = 6, n2 = 5, n = 11, ties, mu, sd, z, u;
	struct mann_whitney r = mann_whitney(x, 6, y, 5);

	/* tie groups: 2 (×3), 3 (×4), 4 (×2) */
	ties = (27 - 3) + (64 - 4) + (8 - 2);
	u = pair_u(x, 6, y, 5);
	mu = n1 * n2 / 2;
	sd = sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))));
	z = (fabs(u - mu) - 0.5) / sd;
	tap_ok(!r.exact, "ties use the approximation");
	tap_is_near(r.u, u, 1e-12, "U with ties counts halves");
	tap_is_near(r.p, erfc(z / sqrt(2)), 1e-12, "tie-corrected p");
}

static void test_equal_and_empty(void)
{
	static const double x[] = { 0.99, 0.99, 0.99 }, y[] = { 0.99, 0.99 };
	struct mann_whitney r = mann_whitney(x, 3, y, 2);
	struct metric_rule rule = { .name = "success-rate", .higher_is_better = true };
	struct metric_result m;

	tap_is_near(r.p, 1, 0, "all equal: p = 1");
	judge_metric(&rule, x, 3, y, 2, &m);
	tap_ok(m.cls == CANARY_CLASS_PASS && m.passed, "all equal: pass");
	judge_metric(&rule, x, 0, y, 2, &m);
	tap_ok(m.cls == CANARY_CLASS_NODATA && !m.passed, "empty canary: no-data");
	judge_metric(&rule, x, 3, y, 0, &m);
	tap_ok(m.cls == CANARY_CLASS_NODATA, "empty stable: no-data");
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void test_shift(void)
{
	static const double x[] = { 5.1, 5.9, 6.3, 7.2, 6.8, 5.5, 6.1 };
	static const double y[] = { 1.0, 1.4, 2.2, 1.9, 1.1, 2.5 };
	double d[42];
	size_t k = 0;
	struct shift s = hodges_lehmann(x, 7, y, 6, 0.95);

	for (int i = 0; i < 7; i++)
		for (int j = 0; j < 6; j++)
			d[k++] = x[i] - y[j];
	qsort(d, 42, sizeof *d, cmpd);
	tap_is_near(s.estimate, (d[20] + d[21]) / 2, 1e-12, "HL estimate = median difference");
	tap_ok(s.low <= s.estimate && s.estimate <= s.high, "estimate inside its interval");
	tap_ok(s.low > 0, "a clear upward shift excludes 0");
	/* the exact interval: [D(c), D(43 − c)] (1-based) with c the largest
	 * count such that P(U ≤ c − 1) ≤ 0.025 */
	{
		double le, ge, total;
		size_t c = 0;

		for (;; c++) {
			enumerate(7, 6, (double)c, &le, &ge, &total);
			if (le / total > 0.025)
				break;
		}
		enumerate(7, 6, (double)c - 1, &le, &ge, &total);
		tap_ok(c >= 1 && le / total <= 0.025, "P(U ≤ c − 1) ≤ 0.025 by enumeration");
		tap_is_near(s.low, d[c - 1], 1e-12, "exact lower bound D(c)");
		tap_is_near(s.high, d[42 - c], 1e-12, "exact upper bound D(43 − c)");
	}
	/* 3 against 2: P(U = 0) = 1/10 > 0.025, no interval reaches 95% */
	{
		static const double a[] = { 0.097, 0.098, 0.099 }, b[] = { 0.048, 0.049 };
		static const struct metric_rule rule = { .name = "latency-p99", .tolerance = 0.1 };
		struct metric_result m;

		s = hodges_lehmann(a, 3, b, 2, 0.95);
		tap_ok(isinf(s.low) && s.low < 0 && isinf(s.high) && s.high > 0,
		       "too few samples: the interval is unbounded");
		judge_metric(&rule, a, 3, b, 2, &m);
		tap_ok(m.cls == CANARY_CLASS_PASS, "so no shift is called significant");
	}
}

static void test_verdicts(void)
{
	static const double stable_sr[] = { 1, 1, 1, 0.998, 1, 1, 0.999, 1, 1, 1 };
	static const double bad_sr[] = { 0.8, 0.79, 0.82, 0.81, 0.8, 0.78, 0.83, 0.8, 0.81, 0.8 };
	static const double stable_lat[] = { 0.01, 0.012, 0.011, 0.01, 0.01, 0.013, 0.01, 0.011 };
	static const double slow_lat[] = { 0.25, 0.26, 0.24, 0.25, 0.27, 0.25, 0.26, 0.25 };
	struct metric_rule rules[2] = {
		{ .name = "success-rate", .higher_is_better = true, .has_min = true, .min = 0.99,
		  .tolerance = 0.1 },
		{ .name = "latency-p99", .higher_is_better = false, .has_max = true, .max = 0.5,
		  .tolerance = 0.1 },
	};
	struct metric_result res[2];
	struct analysis a;

	judge_metric(&rules[0], stable_sr, 10, stable_sr, 10, &res[0]);
	judge_metric(&rules[1], stable_lat, 8, stable_lat, 8, &res[1]);
	judge_analysis(rules, res, 2, 95, 75, &a);
	tap_ok(a.verdict == CANARY_PASS && a.score == 100, "healthy canary passes");

	judge_metric(&rules[0], bad_sr, 10, stable_sr, 10, &res[0]);
	tap_ok(res[0].cls == CANARY_CLASS_LOW && res[0].limit_failed, "20% errors: low and below min");
	judge_analysis(rules, res, 2, 95, 75, &a);
	tap_ok(a.verdict == CANARY_FAIL, "20% errors fail");
	tap_is_str(a.failed_metric, "success-rate", "the failing metric is named");
	tap_ok(strstr(a.summary, "canary mean 0.804 is below the limit 0.99 (stable 0.9997)")
	       != NULL, "the summary gives the numbers");
	tap_is_near(res[0].canary_mean, 0.804, 1e-12, "the canary's mean");
	tap_is_near(res[0].canary, 0.8, 0, "the canary's median");

	/* one error in five requests: most short samples see none */
	{
		static const double rare[] = { 1, 1, 1, 0.8, 0.6, 1, 0.8, 1, 1, 0.6 };

		judge_metric(&rules[0], rare, 10, stable_sr, 10, &res[0]);
		tap_ok(res[0].canary == 1 && res[0].limit_failed && !res[0].passed,
		       "median 1, mean 0.88: the limit judges the mean");
	}

	judge_metric(&rules[0], stable_sr, 10, stable_sr, 10, &res[0]);
	judge_metric(&rules[1], slow_lat, 8, stable_lat, 8, &res[1]);
	tap_ok(res[1].cls == CANARY_CLASS_HIGH && !res[1].passed && !res[1].limit_failed,
	       "slower but under the limit: high, failing");
	{
		static const double spike[] = { 0.01, 0.011, 0.01, 0.012, 0.01, 0.011, 0.01, 3.9 };

		judge_metric(&rules[1], spike, 8, stable_lat, 8, &res[1]);
		tap_ok(!res[1].limit_failed, "one slow sample of eight: mean 0.497 stays under 0.5");
		judge_metric(&rules[1], slow_lat, 8, stable_lat, 8, &res[1]);
	}
	judge_analysis(rules, res, 2, 95, 40, &a);
	tap_ok(a.verdict == CANARY_MARGINAL && a.score == 50, "one of two: marginal at 40");
	judge_analysis(rules, res, 2, 95, 75, &a);
	tap_ok(a.verdict == CANARY_FAIL, "one of two: fail at 75");

	judge_metric(&rules[0], stable_sr, 0, stable_sr, 10, &res[0]);
	judge_metric(&rules[1], slow_lat, 0, stable_lat, 0, &res[1]);
	judge_analysis(rules, res, 2, 95, 75, &a);
	tap_ok(a.verdict == CANARY_NODATA, "no data at all: NODATA");
}

int main(void)
{
	test_exact();
	test_normal();
	test_ties();
	test_equal_and_empty();
	test_shift();
	test_verdicts();
	return tap_done();
}
