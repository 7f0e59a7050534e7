/* A tiny TAP producer for unit tests (meson's `protocol: 'tap'`).
 *
 *   int main(void) { tap_ok(1 + 1 == 2, "adds"); return tap_done(); }
 *
 * Each check prints "ok N - name" or "not ok N - name" with the location and,
 * for the typed checks, both values. */
#ifndef SHIPDECK_TESTS_TAP_H
#define SHIPDECK_TESTS_TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline int tap_check(int cond, const char *file, int line, const char *name)
{
	tap_count++;
	if (cond) {
		printf("ok %d - %s\n", tap_count, name);
		return 1;
	}
	tap_failed++;
	printf("not ok %d - %s\n#   at %s:%d\n", tap_count, name, file, line);
	return 0;
}

#define tap_ok(cond, name) tap_check(!!(cond), __FILE__, __LINE__, (name))

#define tap_is_int(got, want, name) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!tap_check(g_ == w_, __FILE__, __LINE__, (name))) \
		printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define tap_is_str(got, want, name) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ && w_) ? !strcmp(g_, w_) : g_ == w_; \
	if (!tap_check(same_, __FILE__, __LINE__, (name))) \
		printf("#   got  '%s'\n#   want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define tap_is_near(got, want, tol, name) do { \
	double g_ = (got), w_ = (want); \
	if (!tap_check(fabs(g_ - w_) <= (tol), __FILE__, __LINE__, (name))) \
		printf("#   got %.12g, want %.12g (±%g)\n", g_, w_, (double)(tol)); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
