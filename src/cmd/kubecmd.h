/* What the headless cluster commands (rollout, get, deploy) share: opening
 * the kubeconfig, the exit code of a read, waiting for an action, and the
 * table printer. */
#ifndef SHIPDECK_CMD_KUBECMD_H
#define SHIPDECK_CMD_KUBECMD_H

#include <stdio.h>

#include "action/gate.h"
#include "cmd/cmd.h"
#include "kube/client.h"
#include "kube/rollout_ops.h"

/* Opens app->rt.kube (freed by sources_stop) and publishes the target. Returns
 * 0, or EXIT_USAGE after printing the kubeconfig's problem. */
int kubecmd_open(struct app *app);

/* How a headless command's change ended, from the gate's completion. */
struct kubecmd_result {
	bool done, ok;
	long status;                /* HTTP status, 0 when none came */
	bool unreachable;           /* no answer at all (exit 2) */
	char message[1024];
};

/* Submits req through the gate unattended (running the command is the
 * confirmation; audited) and runs the loop until it has finished. Fills r;
 * returns the exit code: 0, 1 (refused or failed), 2 (server unreachable). */
int kubecmd_submit(struct app *app, struct action_req *req, struct kubecmd_result *r);

/* undo's --to-revision N (0: the previous one): 0, or EXIT_USAGE having said
 * why. */
int kubecmd_revision(const char *arg, long *rev);

/* A table with kubectl's look: columns padded to their widest cell plus 3. */
struct kubecmd_table {
	size_t ncols, nrows, cap;
	char **cells;               /* row-major, ncols per row; row 0 is the header */
};
void kubecmd_table_row(struct kubecmd_table *t, const char *const *cells);
void kubecmd_table_print(struct kubecmd_table *t, FILE *out);
void kubecmd_table_free(struct kubecmd_table *t);

/* The DEPLOY word, or NULL after printing a usage error. */
const char *kubecmd_deploy_arg(const char *word);

#endif
