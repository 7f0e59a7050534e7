/* The release model of an app in .shipdeck.yml, read from the cluster as
 * the kube store holds it, and the changes that move it on. No I/O: the
 * plans are lists of requests that metrics/canary_ops.h sends through the
 * gate.
 *
 * Canary without a mesh: the stable Deployment APP and APP-canary, made
 * from the stable pod template with the new image and `track: canary` (the
 * stable selector must carry `track` so the two never select each other's
 * pods), both behind the Service APP; traffic follows the ready replicas.
 * A step's weight is reached within the stable's original size. What must
 * survive a restart lives in annotations on APP-canary: the phase, the
 * target weight, the stable's original size, when the step began.
 *
 * Blue/green: APP-blue and APP-green; the Service APP selects `color:`
 * one of them. Promote switches the selector to the idle colour once all
 * its pods are ready; abort switches back. The Service's annotations keep
 * the previous colour and when (and by which action) it was switched. */
#ifndef SHIPDECK_METRICS_RELEASE_H
#define SHIPDECK_METRICS_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action/action.h"
#include "kube/change.h"
#include "project/project.h"
#include "store/canary.h"
#include "store/kube.h"
#include "util/err.h"

#define RELEASE_ANN_PHASE "shipdeck.dev/canary-phase"
#define RELEASE_ANN_WEIGHT "shipdeck.dev/canary-weight"
#define RELEASE_ANN_TOTAL "shipdeck.dev/stable-replicas"
#define RELEASE_ANN_STEP_AT "shipdeck.dev/step-at"
#define RELEASE_ANN_PREVIOUS "shipdeck.dev/previous-color"
#define RELEASE_ANN_SWITCHED_AT "shipdeck.dev/switched-at"
#define RELEASE_ANN_SWITCHED_BY "shipdeck.dev/switched-by"

#define RELEASE_TRACK_LABEL "track"
#define RELEASE_COLOR_LABEL "color"

enum release_phase {
	RELEASE_NONE,               /* no canary yet (blue/green: never switched) */
	RELEASE_RUNNING,            /* the canary takes its step's share */
	RELEASE_PROMOTING,          /* the stable takes the canary's template; the canary
				     * goes to 0 once the stable has rolled out */
	RELEASE_PROMOTED,
	RELEASE_ABORTED,
};

struct release {
	const struct app_conf *conf;
	char ns[128];
	/* who the planned changes are made by, for the kubernetes.io/change-cause
	 * they set (`kubectl rollout history` says what shipdeck did); set by the
	 * caller after release_read, NULL: "unknown" */
	const char *by;
	bool blue_green;
	char problem[512];          /* why nothing can be done ("" when fine) */

	/* canary */
	char stable_name[160], canary_name[160];
	const struct kube_deployment *stable, *canary;
	enum release_phase phase;
	int weight;                 /* the step's target share of the canary, percent */
	int step;                   /* index of weight in conf->steps; -1 when none */
	int total;                  /* the stable's size before the canary */
	int stable_ready, canary_ready;
	int actual;                 /* the canary's share of ready pods, percent; -1: none ready */
	int64_t step_at;            /* when the step began, seconds since the epoch */
	bool canary_stalled;        /* its rollout exceeded the progress deadline */
	char stable_image[256], canary_image[256];

	/* blue/green */
	const struct kube_service *service;
	char live[32], idle[32];    /* colours */
	char live_name[160], idle_name[160];
	const struct kube_deployment *live_d, *idle_d;
	bool idle_ready;
	char previous[32];          /* the colour live before the last switch */
	char previous_name[160];    /* its deployment */
	int64_t switched_at;
	bool switched_by_promote;   /* the last switch was a promote, not a switch back */
};

/* Reads app conf's release in namespace ns from the kube store. r->problem
 * says what is missing; the pointers point into the store. */
void release_read(const struct store_kube *k, const struct app_conf *conf, const char *ns,
		  struct release *r);

/* How many of total replicas a canary at weight percent gets: at least one
 * while the weight is above 0, and at least one stable pod below 100. */
int release_canary_replicas(int total, int weight);

/* True when d has rolled out completely: every replica updated, ready and
 * available, no old pods, the spec observed. */
bool release_rolled_out(const struct kube_deployment *d);

/* A change to make: what the confirm dialog and the audit log say, and the
 * requests, in order. */

enum { RELEASE_MAX_CALLS = 4, RELEASE_MAX_DETAILS = 6 };

struct release_plan {
	enum action_id action;
	char *target;               /* "deploy/shop-canary", "svc/pay" */
	char *from, *to;
	char *question;
	char *details[RELEASE_MAX_DETAILS];
	size_t ndetails;
	struct kube_change calls[RELEASE_MAX_CALLS];
	size_t ncalls;
	char *done_message;
};

void release_plan_free(struct release_plan *p);

/* Each fills p and returns 0, or returns -1 with err saying why the change
 * cannot be made now. now: seconds since the epoch, for the annotations.
 * image_name: .shipdeck.yml's image.name, to pick the container when the
 * template has several (NULL: the only container). */
int release_plan_start(const struct release *r, const char *tag_or_image,
		       const char *image_name, int64_t now, struct release_plan *p,
		       struct err *err);
int release_plan_promote(const struct release *r, int64_t now, struct release_plan *p,
			 struct err *err);
int release_plan_abort(const struct release *r, int64_t now, struct release_plan *p,
		       struct err *err);
/* The end of a promotion: once the stable has rolled out the canary's
 * template, the canary goes to 0. Returns 1 (nothing planned) while the
 * stable is still rolling out or there is no promotion under way. */
int release_plan_finish(const struct release *r, int64_t now, struct release_plan *p,
			struct err *err);

/* What automatic mode does with a verdict. failures counts FAIL verdicts so
 * far, this one included. A canary whose pods never became ready (its
 * rollout exceeded the progress deadline) has no data to judge: automatic
 * mode counts that as a FAIL (release_stalled_verdict). */
enum release_decision { DECIDE_HOLD, DECIDE_PROMOTE, DECIDE_ABORT };
enum release_decision release_decide(const struct release *r, enum canary_verdict v,
				     int failures);

/* v, or FAIL when the canary stalled; *why then says so. */
enum canary_verdict release_stalled_verdict(const struct release *r, enum canary_verdict v,
					    char *why, size_t size);

/* The windows to compare, in seconds since the epoch: the canary's (the last
 * interval, not before the step began) and the stable's (the same window;
 * blue/green: the interval before the switch, on the previous colour).
 * Returns 0, or 1 with why (in why) when there is nothing to analyse now;
 * *due then says when there will be (0: not by waiting). early: a step (or
 * switch) younger than the interval is judged on what it has so far, when
 * that is at least two samples long (an analysis on demand). */
struct release_window {
	const char *stable_deploy, *canary_deploy;
	double stable_start, stable_end, canary_start, canary_end;
};
int release_window(const struct release *r, double now, bool early,
		   struct release_window *w, double *due, char *why, size_t why_size);

/* "running", "aborted"… */
const char *release_phase_name(enum release_phase phase);
/* "web:1.4" from "reg:5000/team/web:1.4": the last path part, for short lines. */
const char *release_short_image(const char *image);

#endif
