/* Cluster state: the target (context, namespace) and the objects listed and
 * watched there. The rollout issue extends this domain. */
#ifndef SHIPDECK_STORE_KUBE_H
#define SHIPDECK_STORE_KUBE_H

#include <stdbool.h>

struct store_kube {
	char *context;
	char *namespace;
};

enum kube_event_type {
	KUBE_EV_TARGET,             /* context and namespace in use */
};

struct kube_event {
	enum kube_event_type type;
	char *context;
	char *namespace;
};

void store_kube_init(struct store_kube *k);
void store_kube_free(struct store_kube *k);
bool store_kube_apply(struct store_kube *k, struct kube_event *ev);

#endif
