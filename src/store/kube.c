#include "store/kube.h"

#include <stdlib.h>
#include <string.h>

void store_kube_init(struct store_kube *k)
{
	memset(k, 0, sizeof *k);
}

void store_kube_free(struct store_kube *k)
{
	free(k->context);
	free(k->namespace);
	memset(k, 0, sizeof *k);
}

bool store_kube_apply(struct store_kube *k, struct kube_event *ev)
{
	switch (ev->type) {
	case KUBE_EV_TARGET:
		free(k->context);
		free(k->namespace);
		k->context = ev->context;
		k->namespace = ev->namespace;
		ev->context = ev->namespace = NULL;
		return true;
	}
	return false;
}
