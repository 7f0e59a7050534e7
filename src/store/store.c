#include "store/store.h"

#include <string.h>

void store_init(struct store *store)
{
	memset(store, 0, sizeof *store);
	store_status_init(&store->status);
	store_kube_init(&store->kube);
	store_ci_init(&store->ci);
	store_logs_init(&store->logs);
	store_images_init(&store->images);
	store_canary_init(&store->canary);
	store_chaos_init(&store->chaos);
	store_envs_init(&store->envs);
}

void store_free(struct store *store)
{
	store_status_free(&store->status);
	store_kube_free(&store->kube);
	store_ci_free(&store->ci);
	store_logs_free(&store->logs);
	store_images_free(&store->images);
	store_canary_free(&store->canary);
	store_chaos_free(&store->chaos);
	store_envs_free(&store->envs);
}

bool store_apply(struct store *store, struct store_event *ev)
{
	bool changed = false;

	switch (ev->domain) {
	case STORE_STATUS:
		changed = store_status_apply(&store->status, &ev->status);
		break;
	case STORE_KUBE:
		changed = store_kube_apply(&store->kube, &ev->kube);
		break;
	case STORE_CI:
		changed = store_ci_apply(&store->ci, &ev->ci);
		break;
	case STORE_LOG:
		changed = store_logs_apply(&store->logs, &ev->log);
		break;
	case STORE_IMAGES:
		changed = store_images_apply(&store->images, &ev->images);
		break;
	case STORE_CANARY:
		changed = store_canary_apply(&store->canary, &ev->canary);
		break;
	case STORE_CHAOS:
		changed = store_chaos_apply(&store->chaos, &ev->chaos);
		break;
	case STORE_ENVS:
		changed = store_envs_apply(&store->envs, &ev->envs);
		break;
	}
	if (changed)
		store->version++;
	return changed;
}
