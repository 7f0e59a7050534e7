/* Canary and blue/green releases and their analysis: per app (by name, as in
 * .shipdeck.yml's apps:), the last analysis — each metric's samples on both
 * sides, the judge's numbers and class, the score and verdict — its error
 * when Prometheus failed, when the next one is due, automatic mode and its
 * failure count, and the decisions taken. Where a release stands (tracks,
 * replicas, step) is read from the Deployments' annotations in the kube
 * store (metrics/release.h), so it survives a restart.
 *
 * Ownership: every string and array in an event belongs to the store once
 * applied. */
#ifndef SHIPDECK_STORE_CANARY_H
#define SHIPDECK_STORE_CANARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* In the judge's order (metrics/judge.h checks it). */
enum canary_class { CANARY_CLASS_PASS, CANARY_CLASS_HIGH, CANARY_CLASS_LOW, CANARY_CLASS_NODATA };
enum canary_verdict { CANARY_PASS, CANARY_MARGINAL, CANARY_FAIL, CANARY_NODATA };

struct canary_samples {
	size_t n;
	double *t;                  /* seconds since the epoch */
	double *v;
};

struct canary_metric_result {
	char *name;
	bool higher_is_better;
	struct canary_samples stable, canary;
	enum canary_class cls;
	bool passed;
	bool limit_failed;
	bool exact;                 /* p from the enumerated distribution */
	double stable_value, canary_value;  /* means over the window (the limits' values) */
	double stable_median, canary_median;
	double p;
	double shift, shift_low, shift_high;        /* Hodges–Lehmann, 95% CI */
	char *reason;               /* the judge's one line */
};

struct canary_result {
	int64_t end_ms;             /* wall clock: the end of the canary's window */
	int64_t window_ms;
	enum canary_verdict verdict;
	double score;
	char *summary;              /* the one line: which metric failed by how much */
	char *failed_metric;        /* NULL when none */
	char *error;                /* Prometheus could not answer (names the URL) */
	char *stable_deploy, *canary_deploy;        /* what was compared */
	struct canary_metric_result *metrics;
	size_t nmetrics;
};

/* A decision of the automatic analysis, or an operator's action on a
 * release, for the pane's history. */
struct canary_decision {
	int64_t time_ms;            /* wall clock */
	char *text;                 /* "FAIL 2 of 2 → abort: success-rate …" */
	bool bad;
};

enum { CANARY_HISTORY_MAX = 8 };

struct canary_app_state {
	char *name;
	struct canary_result *last; /* NULL until the first analysis */
	bool analysing;
	int64_t next_ms;            /* wall clock of the next analysis, 0 when none is due */
	char *waiting;              /* why none is due ("no canary running"), or NULL */
	bool auto_mode;
	int failures;               /* FAIL verdicts counted by automatic mode */
	struct canary_decision history[CANARY_HISTORY_MAX];     /* newest first */
	size_t nhistory;
	unsigned analyses, decisions;       /* how many so far: a reader sees what is new */
};

struct store_canary {
	char *prometheus_url;       /* NULL when not configured */
	struct canary_app_state *apps;
	size_t napps;
};

enum canary_event_type {
	CANARY_EV_PROMETHEUS,       /* prometheus_url */
	CANARY_EV_RESULT,           /* app's analysis: result (NULL: under way) */
	CANARY_EV_SCHEDULE,         /* app's next analysis (next_ms) or why none (text) */
	CANARY_EV_AUTO,             /* app's automatic mode on/off; resets failures */
	CANARY_EV_FAILURES,         /* app's failure count */
	CANARY_EV_DECISION,         /* a line for app's history (text, bad) */
};

struct canary_event {
	enum canary_event_type type;
	char *prometheus_url;
	char *app;                  /* not taken: the store copies it */
	struct canary_result *result;
	int64_t next_ms;
	int64_t time_ms;            /* DECISION: wall clock */
	char *text;
	bool on;
	bool bad;
	int failures;
};

void store_canary_init(struct store_canary *c);
void store_canary_free(struct store_canary *c);
bool store_canary_apply(struct store_canary *c, struct canary_event *ev);

/* The app's state, or NULL before any event named it. */
const struct canary_app_state *store_canary_app(const struct store_canary *c, const char *name);

void canary_result_free(struct canary_result *r);
const char *canary_verdict_name(enum canary_verdict v);
const char *canary_class_name(enum canary_class c);
/* For people: "no shift", "high", "low", "no data". */
const char *canary_class_text(enum canary_class c);
/* The canary's difference from the stable: "-2.5%", "-20%", "+3930%",
 * "×150" (relative to the stable), or "+0.012" when the stable is 0. */
void canary_diff_text(double stable, double canary, char *buf, size_t size);
/* "0.03", "<0.001". */
void canary_p_text(double p, char *buf, size_t size);

#endif
