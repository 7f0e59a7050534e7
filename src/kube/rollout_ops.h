/* The changes the rollout pane and the headless commands make, each built as
 * an action request for the gate (read-only refusal, confirm, audit): roll
 * back, pause/resume, restart, scale, set an image, kill a pod, or a list of
 * requests made elsewhere (a canary's step). Requests are
 * built from what the store holds — what the operator sees — and sent as
 * kubectl sends them (KUBE-API.md §D). */
#ifndef SHIPDECK_KUBE_ROLLOUT_OPS_H
#define SHIPDECK_KUBE_ROLLOUT_OPS_H

#include <stdbool.h>

#include "action/builder.h"
#include "action/gate.h"
#include "kube/change.h"
#include "kube/client.h"

/* Each returns a request for gate_submit() (or gate_submit_unattended(),
 * whose on_done hears the HTTP status), or NULL with err when there is
 * nothing that can be done (no such deployment, no history…). Call
 * gate_check() before building. */

/* Rollback to to_revision (0: the previous). *skipped is set (and err holds
 * kubectl's "skipped rollback (…)") when the template already matches. */
struct action_req *kube_req_rollback(struct rt *rt, const char *ns, const char *deploy,
				     long to_revision, bool *skipped,
				     struct err *err);
struct action_req *kube_req_pause(struct rt *rt, const char *ns, const char *deploy,
				  bool pause, struct err *err);
struct action_req *kube_req_restart(struct rt *rt, const char *ns, const char *deploy,
				    struct err *err);
struct action_req *kube_req_scale(struct rt *rt, const char *ns, const char *deploy,
				  int replicas, struct err *err);
/* container NULL: the only container (an error when there are several). */
struct action_req *kube_req_set_image(struct rt *rt, const char *ns, const char *deploy,
				      const char *container, const char *image, struct err *err);
struct action_req *kube_req_kill_pod(struct rt *rt, const char *ns, const char *pod,
				     struct err *err);

/* A change made of several requests, sent one after the other, each only
 * when the one before succeeded (a canary step scales two deployments); the
 * gate hears once, with done_message or the first failure (saying how many
 * changes were made before it). Takes the strings of calls (and clears
 * them). */
struct action_req *kube_req_calls(enum action_id action, const char *target,
				  struct kube_change *calls, size_t n, const char *done_message);

/* The rollout pane's actions (rollback, pause/resume, restart, scale,
 * deploy, kill-pod; an Argo Rollout's promote, retry, abort, undo…) over its
 * selection, for action_builders_add (kube/rollout_builders.c). */
extern const struct action_builder kube_rollout_builders[];

/* The image a TAG means for a container now running image: same repository,
 * new tag ("reg:5000/web:1.4" + "1.5" → "reg:5000/web:1.5"); an argument
 * with a '/', ':' or '@' is a whole image already. Caller frees. */
char *kube_image_for(const char *current, const char *tag_or_image);

#endif
