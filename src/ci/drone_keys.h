/* Drone's documented keys, level by level, and what the local runner does
 * with each: a key with `ignored` set is read and checked but has no effect
 * here, and the file's notices say so; a key missing from every table is a
 * typo, refused with file:line:col and the closest known key. */
#ifndef SHIPDECK_CI_DRONE_KEYS_H
#define SHIPDECK_CI_DRONE_KEYS_H

#include "util/err.h"
#include "util/ydoc.h"

struct drone_key {
	const char *name;
	const char *ignored;        /* NULL: honoured; else why it has no effect here */
};

/* NULL-name-terminated tables. */
extern const struct drone_key drone_pipeline_keys[];
extern const struct drone_key drone_step_keys[];
extern const struct drone_key drone_service_keys[];
extern const struct drone_key drone_when_keys[];
extern const struct drone_key drone_platform_keys[];
extern const struct drone_key drone_workspace_keys[];
extern const struct drone_key drone_clone_keys[];
extern const struct drone_key drone_volume_keys[];
extern const struct drone_key drone_step_volume_keys[];
extern const struct drone_key drone_concurrency_keys[];
extern const struct drone_key drone_secret_keys[];
extern const struct drone_key drone_signature_keys[];
extern const struct drone_key drone_template_keys[];

const struct drone_key *drone_key_find(const struct drone_key *keys, const char *name);
/* The known key closest to word (edit distance at most 2, or a prefix), or NULL. */
const char *drone_key_suggest(const struct drone_key *keys, const char *word);
/* Refuses a key of map outside keys: "file:line:col: unknown key 'x' in
 * WHERE; did you mean 'y'?" (the hint when one is close). `<<` merge keys
 * are expanded before this runs. */
int drone_check_keys(const struct ynode *map, const struct drone_key *keys, const char *file,
		     const char *where, struct err *err);

#endif
