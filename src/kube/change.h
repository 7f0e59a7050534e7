/* One request of a change to the cluster, as it will be sent: the one type
 * every builder of a change fills (rollout_ops.h for the rollout pane and
 * headless commands, metrics/release.h for a release's plans) and
 * kube_req_calls sends through the gate. The strings are owned. */
#ifndef SHIPDECK_KUBE_CHANGE_H
#define SHIPDECK_KUBE_CHANGE_H

struct kube_change {
	char *method;               /* "PATCH", "POST", "DELETE" */
	char *path;                 /* with its query */
	char *content_type;         /* of the body; NULL when none */
	char *body;                 /* NULL when none */
};

/* Frees the strings and clears c. */
void kube_change_free(struct kube_change *c);

#endif
