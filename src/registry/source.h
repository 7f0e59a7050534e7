/* The registry source: lists the configured repository's tags (every page),
 * joins each with the commit and build its tag names by the template, reads
 * each tag's manifest for digest and size, and the image config for the
 * creation time of the rows the pane shows (of every row, headless). Store
 * events only; refreshes every 30 s in the console, retries with back-off. */
#ifndef SHIPDECK_REGISTRY_SOURCE_H
#define SHIPDECK_REGISTRY_SOURCE_H

#include <stdbool.h>

#include "runtime/rt.h"

/* Starts when image.name is set; without it the pane says how to set it.
 * all_configs: read every image's config (headless) instead of those the
 * pane asks for. -1 with err for a configuration error (a bad image.name, a
 * broken credentials source). */
int registry_source_start(struct rt *rt, bool all_configs, struct err *err);
void registry_source_stop(struct rt *rt);

/* Starts a pass now unless one is under way (a build may have pushed). */
void registry_source_refresh(struct rt *rt);
/* True once a whole pass over the tags has ended; *error (may be NULL) says
 * why it failed, NULL when it did not. For headless commands. */
bool registry_source_finished(const struct rt *rt, const char **error);

/* Asks the registry now which digest tag points at (a HEAD of its
 * manifest), never from what the last pass saw: done hears the digest, or
 * NULL and one line naming the URL. The answer also updates the tag's row.
 * Returns -1 with err when image.name is not set. */
typedef void (*registry_resolve_fn)(void *ctx, const char *digest, const char *error);
int registry_source_resolve(struct rt *rt, const char *tag, registry_resolve_fn done,
			    void *ctx, struct err *err);
/* image.name's repository as the registry's API names it ("app"), or NULL. */
const char *registry_source_repository(const struct rt *rt);

#endif
