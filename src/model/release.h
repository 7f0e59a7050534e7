/* The release of an app in .shipdeck.yml as the kube store holds it: a read
 * model, a pure function of the store and the project (no I/O), read by the
 * canary pane and by metrics/, which plans the changes that move it on.
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
#ifndef SHIPDECK_MODEL_RELEASE_H
#define SHIPDECK_MODEL_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "project/project.h"
#include "store/kube.h"

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

/* The namespace of app conf: its own, else the one in use, else "default". */
const char *release_ns(const struct store_kube *k, const struct app_conf *conf);

/* True when d has rolled out completely: every replica updated, ready and
 * available, no old pods, the spec observed. */
bool release_rolled_out(const struct kube_deployment *d);

/* "running", "aborted"… */
const char *release_phase_name(enum release_phase phase);
/* "web:1.4" from "reg:5000/team/web:1.4": the last path part, for short lines. */
const char *release_short_image(const char *image);

#endif
