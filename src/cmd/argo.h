/* The headless commands on Argo Rollouts and Flagger: `shipdeck rollout
 * status|watch|undo|restart rollout/NAME`, `shipdeck deploy rollout/NAME` and
 * `shipdeck canary status` of a Flagger Canary. They read the same store rows the console draws. */
#ifndef SHIPDECK_CMD_ARGO_H
#define SHIPDECK_CMD_ARGO_H

#include <stdbool.h>

#include "app/app.h"

/* "rollout/web", "rollouts/web", "ro/web" → "web"; NULL for other words. */
const char *cmd_argo_rollout_name(const char *word);

/* verb: status, watch, undo, restart (the caller checked the flags and
 * read-only).
 * Opens the kubeconfig itself. Returns an exit code. */
int cmd_argo_rollout(struct app *app, const char *verb, const char *name,
		     const char *timeout, const char *to_revision, bool dry_run);

/* `shipdeck deploy rollout/NAME TAG|IMAGE [--container C] [--dry-run]`: the
 * plugin's set image through the gate (the caller checked read-only).
 * Opens the kubeconfig itself. Returns an exit code. */
int cmd_argo_set_image(struct app *app, const char *name, const char *container,
		       const char *image, bool dry_run);

/* A Flagger Canary NAME: printed (or --json) and 0; 1 when there is none
 * (not_found set, nothing printed, so the caller can say what it knows);
 * 2 when the cluster cannot be reached. */
int cmd_flagger_status(struct app *app, const char *name, bool *not_found);

#endif
