/* The controllers of the control plane, run one after another by the
 * controller thread with the sandbox lock held. Each pass reads the store as
 * it is and writes only what changed; a write marks the store dirty so that
 * another pass follows, until nothing changes. */
#ifndef SHIPDECK_SANDBOX_CONTROLLERS_H
#define SHIPDECK_SANDBOX_CONTROLLERS_H

#include <stdint.h>

#include "sandbox/sandbox.h"

/* ReplicaSets: pods up or down to spec.replicas, then status. */
void rs_sync(struct sandbox *sb, int64_t now, int64_t *next_due);
/* Deletes ReplicaSets and pods whose controller is gone (background cascade). */
void gc_sync(struct sandbox *sb);
/* Deployments: new ReplicaSets, rolling update or recreate, status. */
void deploy_sync(struct sandbox *sb, int64_t now, int64_t *next_due);

/* Namespaces: their "default" ServiceAccount and kube-root-ca.crt. */
void ns_sync(struct sandbox *sb);

/* Runs every controller until the store is quiet or stopping. */
void *controller_main(void *sandbox);
/* --traffic-only: the traffic's beat alone, no controller. */
void *traffic_only_main(void *sandbox);

#endif
