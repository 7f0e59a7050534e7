/* Pod logs for the log pane: "pod/NS/NAME/CONTAINER" follows the container's
 * log (GET .../log?follow=true), "pod/NS/NAME/CONTAINER/previous" reads the
 * previous container's log once (a crash-looping one's last words). One
 * followed and one previous log at a time: opening another of the same kind
 * stops the last. */
#ifndef SHIPDECK_KUBE_PODLOG_H
#define SHIPDECK_KUBE_PODLOG_H

#include "kube/client.h"

/* A log_open_fn for rt_log_provider (ctx: the kube_client). */
void kube_pod_log_open(void *ctx, struct rt *rt, const char *id);
void kube_pod_logs_stop(struct kube_client *kc);

#endif
