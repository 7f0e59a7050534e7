/* The rollout pane's drift lines for the selected deployment: when it is
 * one of an app's Deployments in an environment of .shipdeck.yml, how the
 * app's pod templates differ across its environments (env/drift.h) — a
 * summary line and the first fields with each environment's value. The
 * comparison is made again only when the environments were read again or
 * another deployment is selected. */
#ifndef SHIPDECK_VIEWS_DRIFTROWS_H
#define SHIPDECK_VIEWS_DRIFTROWS_H

#include "env/drift.h"
#include "views/view.h"

struct drift_rows {
	char *key;                  /* "context/namespace/deployment" compared */
	uint64_t passes;            /* of store.envs when compared */
	bool have;
	struct drift drift;
	char error[256];
};

/* Lines to show for d (0 when it belongs to no environment's app). */
int drift_rows_count(struct drift_rows *dr, const struct view_ctx *c,
		     const struct kube_deployment *d);
/* Line i of them at row y. */
void drift_rows_draw(struct drift_rows *dr, struct view_ctx *c, int y, int i);
void drift_rows_free(struct drift_rows *dr);

#endif
