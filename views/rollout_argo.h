/* The rollout pane's rows for Argo Rollouts and Flagger Canaries
 * (views/rollout.c places them): a list row beside the deployments, and
 * for a selected Rollout its summary (strategy, step k of N, weight set
 * vs actual, paused and why), its steps, the canary's share as a bar, the
 * controller's message, its replica sets by revision with their roles,
 * and its analysis runs with each metric's measurements. Drawing only. */
#ifndef SHIPDECK_VIEWS_ROLLOUT_ARGO_H
#define SHIPDECK_VIEWS_ROLLOUT_ARGO_H

#include "store/argo.h"
#include "views/view.h"

/* The list rows, as cells of the deployments' columns (NAME READY
 * UP-TO-DATE AVAILABLE IMAGE STRATEGY REV CONDITION AGE): each cell is
 * written into bufs[i] (ARGO_CELL bytes) and *cond_role is the CONDITION's
 * colour. */
enum { ARGO_NCELLS = 9, ARGO_CELL = 64 };
void argo_rollout_cells(const struct store_kube *k, const struct kube_rollout *ro,
			char bufs[ARGO_NCELLS][ARGO_CELL], enum role *cond_role);
void argo_canary_cells(const struct kube_flagger_canary *fc, char bufs[ARGO_NCELLS][ARGO_CELL],
		       enum role *cond_role);

/* A selected Rollout's lines. */
void argo_draw_summary(struct view_ctx *c, int y, const struct kube_rollout *ro);
void argo_draw_steps(struct view_ctx *c, int y, const struct kube_rollout *ro);
void argo_draw_bar(struct view_ctx *c, int y, const struct kube_rollout *ro);
/* The controller's message (abort, degraded) or "", and whether there is one. */
bool argo_has_message(const struct kube_rollout *ro);
void argo_draw_message(struct view_ctx *c, int y, const struct kube_rollout *ro);
void argo_draw_rs(struct view_ctx *c, int y, const struct kube_rollout *ro,
		  const struct kube_replicaset *rs, bool sel);
void argo_draw_run(struct view_ctx *c, int y, const struct kube_analysisrun *run);
void argo_draw_metric(struct view_ctx *c, int y, const struct kube_analysis_metric *m);

/* A selected Flagger Canary's lines: 0 its state, 1 what p and a can do. */
void argo_draw_flagger(struct view_ctx *c, int y, int line, const struct kube_flagger_canary *fc);

/* What Flagger offers in place of promote and abort (the status line). */
const char *argo_flagger_promote_text(void);
const char *argo_flagger_abort_text(void);

#endif
