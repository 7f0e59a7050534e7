/* The actions of the pipeline pane on a CI backend, local runner or remote
 * server: the request a key asks for. Which backend it is comes from the
 * project (.shipdeck.yml ci:, rt->ci_remote); the builds it lists and a
 * step's log buffer are the store's (store_ci_list, ci_build_log_id). */
#ifndef SHIPDECK_CI_BACKEND_H
#define SHIPDECK_CI_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "action/builder.h"
#include "action/gate.h"
#include "runtime/rt.h"
#include "store/ci.h"

/* The request for run-pipeline, run-tests, cancel or ci-promote on b (NULL:
 * none selected), for gate_submit(); arg is the commit to build (local; NULL:
 * HEAD) or the environment (promote). NULL, with a status message saying
 * why, when there is nothing to ask: not running, no such operation here. */
struct action_req *ci_backend_action(struct rt *rt, enum action_id action,
				     const struct ci_build *b, const char *arg);

/* b, t, x and P over the selected build (sel: build, commit; to: the
 * environment), for action_builders_add. NULL with err->msg "" when the
 * status bar has said why. */
extern const struct action_builder ci_builders[];

#endif
