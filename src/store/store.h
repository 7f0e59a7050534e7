/* The store: the single owner of everything shipdeck knows. Sources turn what
 * they read into events; store_apply() is the only way state changes; views
 * only read. No I/O and no ncurses here, so the store is tested with plain
 * event sequences.
 *
 * Each domain (kube, ci, log, images, canary) keeps its state and events in
 * its own header and file; this one ties them together. */
#ifndef SHIPDECK_STORE_STORE_H
#define SHIPDECK_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/canary.h"
#include "store/chaos.h"
#include "store/ci.h"
#include "store/envs.h"
#include "store/images.h"
#include "store/kube.h"
#include "store/log.h"
#include "store/status.h"

struct store {
	uint64_t version;              /* bumped by every apply that changed something */
	struct store_status status;
	struct store_kube kube;
	struct store_ci ci;
	struct store_logs logs;
	struct store_images images;
	struct store_canary canary;
	struct store_chaos chaos;
	struct store_envs envs;
};

enum store_domain {
	STORE_STATUS,
	STORE_KUBE,
	STORE_CI,
	STORE_LOG,
	STORE_IMAGES,
	STORE_CANARY,
	STORE_CHAOS,
	STORE_ENVS,
};

/* An event owns its heap payload until store_apply() takes it: after the call
 * the store has kept or freed everything the event pointed to. */
struct store_event {
	enum store_domain domain;
	union {
		struct status_event status;
		struct kube_event kube;
		struct ci_event ci;
		struct log_event log;
		struct images_event images;
		struct canary_event canary;
		struct chaos_event chaos;
		struct envs_event envs;
	};
};

void store_init(struct store *store);
void store_free(struct store *store);

/* Applies ev; returns true when the state changed (and version was bumped). */
bool store_apply(struct store *store, struct store_event *ev);

#endif
