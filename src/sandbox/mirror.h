/* --traffic-only: the store as a mirror of another cluster's Pods,
 * ReplicaSets, Deployments and Services, so that the traffic simulator
 * (traffic.h) runs on them unchanged. The sandbox's own controllers, kubelet
 * and API routes stay off; what the store holds is what the cluster said.
 *
 * This file applies what the cluster answered (a List, a watch line) to the
 * store; mirror_client.c asks for it over HTTP(S) with GET only.
 *
 * A mirrored pod is ready when the cluster says so (phase Running and the
 * Ready condition True); its faults are its annotations and the --faults
 * file's image rules (faults.h), read again at every change of the pod. */
#ifndef SHIPDECK_SANDBOX_MIRROR_H
#define SHIPDECK_SANDBOX_MIRROR_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "sandbox/faults.h"
#include "sandbox/sandbox.h"
#include "util/err.h"

#define MIRROR_KINDS 4

/* The kinds mirrored, in the order they are listed at start. */
extern const enum kind_id mirror_kinds[MIRROR_KINDS];

/* Replaces the store's objects of kind k by the items of a List (taken):
 * objects not in it go (as DELETED), others are added or updated. *rv gets
 * the list's metadata.resourceVersion (the caller frees it). Takes the
 * sandbox lock. -1 with err when list is not a List. */
int mirror_apply_list(struct sandbox *sb, const struct kind *k, cJSON *list, char **rv,
		      struct err *err);

enum mirror_line {
	MIRROR_LINE_OK,             /* applied, or a BOOKMARK */
	MIRROR_LINE_EXPIRED,        /* ERROR 410: relist */
	MIRROR_LINE_ERROR,          /* any other ERROR, or not an event: err says which */
};

/* One line of a watch stream (KUBE-API.md §C). *rv moves to the event's
 * object's resourceVersion. Takes the sandbox lock. */
enum mirror_line mirror_apply_line(struct sandbox *sb, const struct kind *k, const char *line,
				   size_t len, char **rv, struct err *err);

/* For traffic: false / NULL for a pod the mirror did not make. */
bool mirror_pod_ready(const struct obj *pod);
const struct faultset *mirror_pod_faults(const struct obj *pod);

#endif
