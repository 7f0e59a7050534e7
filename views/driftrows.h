/* The rollout pane's drift lines for the selected deployment: when it is
 * one of an app's Deployments in an environment of .shipdeck.yml, how the
 * app's pod templates differ across its environments, as the env source
 * compared them at the end of its last pass (store/envs.h) — a summary line
 * and the first fields with each environment's value. */
#ifndef SHIPDECK_VIEWS_DRIFTROWS_H
#define SHIPDECK_VIEWS_DRIFTROWS_H

#include "views/view.h"

/* Lines to show for d (0 when it belongs to no environment's app). */
int drift_rows_count(const struct view_ctx *c, const struct kube_deployment *d);
/* Line i of them at row y. */
void drift_rows_draw(struct view_ctx *c, const struct kube_deployment *d, int y, int i);

#endif
