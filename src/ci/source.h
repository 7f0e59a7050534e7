/* The CI source as the app sees it: started by sources.c when the repository
 * has a pipeline file; it loads the build history into the store, keeps it
 * current (builds run by another shipdeck show up and change live), serves
 * "build/N/STEP" logs and builds the pipeline pane's actions. */
#ifndef SHIPDECK_CI_SOURCE_H
#define SHIPDECK_CI_SOURCE_H

#include <stdbool.h>

#include "action/gate.h"
#include "runtime/rt.h"

/* Newest builds loaded into the store at start. */
enum { CI_HISTORY_LOAD = 200 };

int ci_source_start(struct rt *rt, struct err *err);
/* Cancels what this process runs (waiting for its processes) and frees. */
void ci_source_stop(struct rt *rt);

/* What a run action returns to a headless caller (NULL from the console). */
struct ci_run_result {
	int number;                 /* 0 until started */
	bool config_error;
};

/* Action requests for gate_submit(): run-pipeline / run-tests (rev NULL:
 * HEAD) and cancel (confirmed in the console). The gate audits them. */
struct action_req *ci_action_run(struct rt *rt, bool tests_only, const char *rev,
				 bool in_place, const char *trigger,
				 struct ci_run_result *result);
struct action_req *ci_action_cancel(struct rt *rt, int number);

#endif
