/* A rolling update's budget: how far the new revision is, and how much of
 * maxSurge / maxUnavailable it uses, resolved against the replicas as the
 * Deployment controller resolves them. Pure: the rollout pane draws it, the
 * unit tests hold its rounding. */
#ifndef SHIPDECK_STORE_KUBE_BUDGET_H
#define SHIPDECK_STORE_KUBE_BUDGET_H

#include "store/kube.h"

struct kube_budget {
	int replicas;               /* spec.replicas */
	int updated;                /* pods of the new revision */
	int new_available;          /* of those, available (at most updated) */
	int surge, surge_used;      /* pods allowed / used above replicas */
	int unavailable, unavailable_used;  /* allowed / used below replicas */
};

/* maxSurge or maxUnavailable ("25%" or "1") against replicas: a percentage
 * rounds up for surge and down for unavailable; NULL is 0. */
int kube_budget_bound(const char *v, int replicas, bool round_up);

/* d's budget; new_rs is the replica set of d's revision (NULL: none yet).
 * Recreate allows no surge and every pod down; a rolling update whose
 * bounds both resolve to 0 may take one down, as the controller does. */
void kube_budget_of(const struct kube_deployment *d, const struct kube_replicaset *new_rs,
		    struct kube_budget *b);

/* The same with d's new replica set looked up in k. */
void store_kube_budget(const struct store_kube *k, const struct kube_deployment *d,
		       struct kube_budget *b);

#endif
