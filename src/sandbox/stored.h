/* The kinds the sandbox stores and serves but runs no controller for
 * (ServiceAccount, Secret, StatefulSet, DaemonSet, Job, CronJob, RBAC,
 * Ingress, NetworkPolicy, PodDisruptionBudget, HorizontalPodAutoscaler):
 * kube-apiserver's defaults, the status a new object starts with, and the
 * checks `kubectl` output shows. */
#ifndef SHIPDECK_SANDBOX_STORED_H
#define SHIPDECK_SANDBOX_STORED_H

#include <cjson/cJSON.h>

#include "sandbox/kinds.h"
#include "sandbox/response.h"

/* Fills defaults in place (idempotent); nothing for other kinds. */
void stored_defaults(const struct kind *k, cJSON *obj);

/* The status a created object starts with (as the API server's create
 * strategy leaves it, before any controller); the caller owns it. */
cJSON *stored_initial_status(const struct kind *k);

/* What only a create with its new uid can set: a Job's generated selector
 * and template labels. */
void stored_on_create(const struct kind *k, cJSON *obj, const char *uid);

/* -1 with a 422 Invalid in r. */
int stored_validate(const struct kind *k, const cJSON *obj, struct response *r);

#endif
