#include "store/kube_budget.h"

#include <stdlib.h>
#include <string.h>

int kube_budget_bound(const char *v, int replicas, bool round_up)
{
	size_t n;

	if (!v)
		return 0;
	n = strlen(v);
	if (n && v[n - 1] == '%') {
		long pct = atol(v);

		return (int)(round_up ? (pct * replicas + 99) / 100 : pct * replicas / 100);
	}
	return atoi(v);
}

void kube_budget_of(const struct kube_deployment *d, const struct kube_replicaset *new_rs,
		    struct kube_budget *b)
{
	int r = d->replicas;

	b->replicas = r;
	b->updated = d->updated;
	b->new_available = new_rs ? new_rs->available : 0;
	if (b->new_available > d->updated)
		b->new_available = d->updated;
	b->surge = d->recreate ? 0 : kube_budget_bound(d->max_surge, r, true);
	b->unavailable = d->recreate ? r : kube_budget_bound(d->max_unavailable, r, false);
	if (!d->recreate && !b->surge && !b->unavailable)
		b->unavailable = 1;
	b->surge_used = d->status_replicas > r ? d->status_replicas - r : 0;
	b->unavailable_used = r > d->available ? r - d->available : 0;
}

void store_kube_budget(const struct store_kube *k, const struct kube_deployment *d,
		       struct kube_budget *b)
{
	kube_budget_of(d, store_kube_revision(k, d, d->revision), b);
}
