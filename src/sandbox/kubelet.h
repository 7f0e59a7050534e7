/* The simulated scheduler and kubelet: pods get a node and an IP, their
 * containers start after a delay, pass readiness after the probe's initial
 * delay, crash and back off, print log lines, and stop within the grace
 * period when deleted. Faults (faults.h) change that story per pod. */
#ifndef SHIPDECK_SANDBOX_KUBELET_H
#define SHIPDECK_SANDBOX_KUBELET_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/faults.h"
#include "sandbox/podlog.h"
#include "sandbox/sandbox.h"

#define SANDBOX_NODES 3

/* One pass over all pods; lowers *next_due to the next timer it needs. */
void kubelet_sync(struct sandbox *sb, int64_t now, int64_t *next_due);

/* Creates the sandbox's Node objects. */
void kubelet_add_nodes(struct sandbox *sb);

/* Ready for at least min_ready_s (simulated); otherwise lowers *due to when
 * it will be. */
bool kubelet_pod_available(struct sandbox *sb, const struct obj *pod, long long min_ready_s,
			   int64_t now, int64_t *due);
bool kubelet_pod_ready(const struct obj *pod);

/* Marks a pod for graceful deletion (grace < 0: its own grace period), or
 * removes it at once for grace 0. */
void kubelet_delete_pod(struct sandbox *sb, struct obj *pod, long long grace);

/* A container's log for GET .../log, with a reference the caller drops
 * with ctrlog_unref(). NULL with an API-server-worded message in why. */
struct ctrlog *kubelet_log(struct obj *pod, const char *container, bool previous,
			   char *why, size_t why_size);

/* For traffic: the pod's faults, the log to write request lines to. */
const struct faultset *kubelet_faults(const struct obj *pod);
struct ctrlog *kubelet_main_log(const struct obj *pod);

#endif
