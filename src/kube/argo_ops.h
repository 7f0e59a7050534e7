/* The changes to an Argo Rollout, each built as an action request for the
 * gate from what the store holds, and sent as `kubectl argo rollouts`
 * sends them (its cmd/promote, abort, retry, undo, restart and set image):
 * JSON merge patches, the status ones to the status subresource, a JSON
 * patch of spec.template for undo, and for set image the object read and
 * written back whole (argo_set_image.c).
 *
 * Each returns a request for gate_submit(), or NULL with err saying why
 * nothing can be done (no such Rollout, nothing to promote, no history…).
 * Call gate_check() before building. */
#ifndef SHIPDECK_KUBE_ARGO_OPS_H
#define SHIPDECK_KUBE_ARGO_OPS_H

#include <stdbool.h>

#include "action/gate.h"
#include "kube/client.h"

struct kube_rollout;

/* The plugin's promote for ro as the store holds it (its getPatches): a
 * merge patch of /status and one of the Rollout, each NULL when it sends
 * none; full: promote --full. Caller frees both. */
void kube_argo_promote_patches(const struct kube_rollout *ro, bool full, char **status_body,
			       char **spec_body);
/* full: skip the remaining steps, pauses and analysis (promote --full). */
struct action_req *kube_req_argo_promote(struct rt *rt, const char *ns, const char *name,
					 bool full, struct err *err);
struct action_req *kube_req_argo_abort(struct rt *rt, const char *ns, const char *name,
				       struct err *err);
struct action_req *kube_req_argo_retry(struct rt *rt, const char *ns, const char *name,
				       struct err *err);
/* to_revision 0: the one before the newest. *skipped (err holds why) when
 * the template already matches it. */
struct action_req *kube_req_argo_undo(struct rt *rt, const char *ns, const char *name,
				      long to_revision, bool *skipped, struct err *err);
struct action_req *kube_req_argo_restart(struct rt *rt, const char *ns, const char *name,
					 struct err *err);

/* The image of container (NULL: the only one; "*": every one) set to
 * image — a tag keeps the container's repository (kube_image_for) — as the
 * plugin's `set image ROLLOUT CONTAINER=IMAGE` does: the Rollout (or its
 * spec.workloadRef Deployment) read and PUT back with the new image, again
 * on a 409, five attempts. from and to are "container=image"; equal when
 * nothing would change. */
struct action_req *kube_req_argo_set_image(struct rt *rt, const char *ns, const char *name,
					   const char *container, const char *image,
					   struct err *err);

/* The PUT's body: object_json (a Rollout or a Deployment as read) with
 * image on every container of spec.template named container ("*": all) in
 * initContainers, containers and ephemeralContainers. Caller frees; NULL
 * with err when no container has that name. */
char *kube_argo_set_image_object(const char *object_json, const char *container,
				 const char *image, struct err *err);

#endif
