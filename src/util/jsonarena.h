/* JSON documents read once and dropped whole — a list page of 500 pods, a
 * watch event — parsed into an arena: cJSON's nodes and strings come from a
 * few large blocks, dropped at once, instead of some 150 malloc and as many
 * free per pod (half of the time a list took).
 *
 * The trees are read-only: never change one, nor pass it to cJSON_Delete;
 * they live until json_arena_reset. cJSON functions that allocate (printing,
 * duplicating) work on them as usual, with malloc. */
#ifndef SHIPDECK_UTIL_JSONARENA_H
#define SHIPDECK_UTIL_JSONARENA_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct json_block;

/* Zeroed is empty; json_arena_free releases it. */
struct json_arena {
	struct json_block *blocks;  /* the newest first */
};

/* The tree of text[0..len), or NULL when it is not JSON. */
const cJSON *json_arena_parse(struct json_arena *a, const char *text, size_t len);
/* Drops every tree; keeps one block for the next parse. */
void json_arena_reset(struct json_arena *a);
void json_arena_free(struct json_arena *a);

#endif
