/* The remote CI source: polls a GitHub/Gitea Actions or Drone server for the
 * repository's runs (ETag / If-None-Match, so an unchanged list costs no
 * rate limit on GitHub), follows the selected run's jobs and steps, fetches
 * step logs ("remote/RUN/STEP") and builds the pane's actions: re-run,
 * re-run failed jobs, cancel, promote (Drone). Every failure is one line in
 * the store naming the URL; the console keeps working whatever the server
 * does (timeouts on every request, backoff on errors).
 *
 * The token comes from the environment variable ci.token_env names, else
 * (github) from gh's hosts.yml; it is never printed or written anywhere. */
#ifndef SHIPDECK_CI_REMOTE_H
#define SHIPDECK_CI_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "action/gate.h"
#include "ci/remote_api.h"
#include "project/project.h"
#include "runtime/rt.h"

struct ci_remote;

/* Starts polling conf's server (rt->ci_remote). -1 with err for a problem
 * of the configuration (no token where one is needed is not one: public
 * repositories are readable without). */
int ci_remote_start(struct rt *rt, const struct ci_conf *conf, struct err *err);
void ci_remote_stop(struct rt *rt);

/* The run whose jobs and steps are followed (the pane's selection). */
void ci_remote_follow(struct rt *rt, int64_t remote_id);
/* Asks again now (after an action, or a key). */
void ci_remote_poll_now(struct rt *rt);
const struct remote_api *ci_remote_api(const struct rt *rt);
/* A list, detail or log request is under way (headless commands run the
 * loop until it is not). */
bool ci_remote_busy(const struct rt *rt);

/* Action requests for gate_submit(): op on the run with remote_id (target:
 * the environment, for promote). NULL with a status message when the run is
 * not known. */
struct action_req *ci_remote_action(struct rt *rt, enum remote_op op, int64_t remote_id,
				    const char *target);

/* The token for conf, or NULL; *from says where it came from ("$GITEA_TOKEN",
 * "gh hosts.yml") for messages. Caller frees. */
char *ci_remote_token(const struct ci_conf *conf, const char **from);
/* The running backend's token (a copy, or NULL). */
char *ci_remote_current_token(const struct rt *rt, const char **from);

#endif
