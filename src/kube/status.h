/* `kubectl rollout status` for a Deployment: the same conditions, in the
 * same order, and the same messages (KUBE-API.md §D). It never reads
 * readyReplicas or paused. */
#ifndef SHIPDECK_KUBE_STATUS_H
#define SHIPDECK_KUBE_STATUS_H

#include <stddef.h>

#include "store/kube.h"

enum kube_rollout_state {
	KUBE_ROLLOUT_WAITING,
	KUBE_ROLLOUT_DONE,
	KUBE_ROLLOUT_FAILED,        /* exceeded its progress deadline */
};

/* Writes the message (without a newline) into msg. */
enum kube_rollout_state kube_rollout_status(const struct kube_deployment *d, char *msg,
					    size_t size);

#endif
