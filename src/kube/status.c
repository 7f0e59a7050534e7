#include "kube/status.h"

#include <stdio.h>
#include <string.h>

enum kube_rollout_state kube_rollout_status(const struct kube_deployment *d, char *msg,
					    size_t size)
{
	const struct kube_condition *prog;
	const char *name = d->meta.name;

	if (d->generation > d->observed_generation) {
		snprintf(msg, size, "Waiting for deployment spec update to be observed...");
		return KUBE_ROLLOUT_WAITING;
	}
	prog = kube_deployment_condition(d, "Progressing");
	if (prog && prog->reason && !strcmp(prog->reason, "ProgressDeadlineExceeded")) {
		snprintf(msg, size, "deployment \"%s\" exceeded its progress deadline", name);
		return KUBE_ROLLOUT_FAILED;
	}
	if (d->updated < d->replicas) {
		snprintf(msg, size, "Waiting for deployment \"%s\" rollout to finish: %d out of %d "
			 "new replicas have been updated...", name, d->updated, d->replicas);
		return KUBE_ROLLOUT_WAITING;
	}
	if (d->status_replicas > d->updated) {
		snprintf(msg, size, "Waiting for deployment \"%s\" rollout to finish: %d old "
			 "replicas are pending termination...", name,
			 d->status_replicas - d->updated);
		return KUBE_ROLLOUT_WAITING;
	}
	if (d->available < d->updated) {
		snprintf(msg, size, "Waiting for deployment \"%s\" rollout to finish: %d of %d "
			 "updated replicas are available...", name, d->available, d->updated);
		return KUBE_ROLLOUT_WAITING;
	}
	snprintf(msg, size, "deployment \"%s\" successfully rolled out", name);
	return KUBE_ROLLOUT_DONE;
}
