/* One-shot reads for headless commands: an object and what hangs off it, or
 * a whole list, read with synchronous calls into the store (the same structs
 * the console draws). Return 0 when read, 1 when the server refused or the
 * object does not exist, 2 when the server could not be reached — the
 * headless exit codes (CONTRACT.md) — with err saying why. */
#ifndef SHIPDECK_KUBE_FETCH_H
#define SHIPDECK_KUBE_FETCH_H

#include "kube/client.h"

/* The deployment and the replica sets its selector matches (as kubectl's
 * rollout history and undo read them). */
int kube_fetch_deployment(struct kube_client *kc, const char *ns, const char *name,
			  struct err *err);

/* Every object of res in ns ("" for all namespaces) matching query
 * ("labelSelector=app%3Dweb", or NULL), page by page, into an array the
 * caller frees with kube_object_free on each and free(). */
int kube_fetch_list(struct kube_client *kc, enum kube_resource res, const char *ns,
		    const char *query, void ***objs, size_t *n, struct err *err);

#endif
