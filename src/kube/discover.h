/* Which of the kinds that come with a CRD (Argo Rollouts', Flagger's) the
 * server serves: one GET of each API group ("/apis/argoproj.io/v1alpha1"),
 * as kubectl's discovery reads an APIResourceList. An absent group is no
 * error (most clusters have neither); it is asked again now and then, so
 * CRDs installed later are picked up. */
#ifndef SHIPDECK_KUBE_DISCOVER_H
#define SHIPDECK_KUBE_DISCOVER_H

#include <stdbool.h>

#include "kube/client.h"

/* Called once for each optional kind found served. */
typedef void (*kube_discovered_fn)(void *ctx, enum kube_resource res);

struct kube_discovery;

struct kube_discovery *kube_discover_start(struct kube_client *kc, kube_discovered_fn fn,
					   void *ctx);
void kube_discover_stop(struct kube_discovery **d);

/* Headless: whether res is served (0), or 1 (refused) / 2 (unreachable)
 * with err, as kube/fetch.h. */
int kube_discover_sync(struct kube_client *kc, enum kube_resource res, bool *served,
		       struct err *err);

/* Whether an APIResourceList body names plural. */
bool kube_discover_lists(const char *body, size_t len, const char *plural);

#endif
