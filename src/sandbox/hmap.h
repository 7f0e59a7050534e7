/* A string-keyed hash map (chained). The map owns copies of its keys; values
 * belong to the caller. Not thread-safe: the sandbox guards it with its lock. */
#ifndef SHIPDECK_SANDBOX_HMAP_H
#define SHIPDECK_SANDBOX_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_entry {
	char *key;
	void *val;
	uint32_t hash;
	struct hmap_entry *next;
};

struct hmap {
	struct hmap_entry **buckets;
	size_t nbuckets;
	size_t n;
};

uint32_t fnv32a(const void *data, size_t len, uint32_t h);
#define FNV32A_INIT 2166136261u

void *hmap_get(const struct hmap *m, const char *key);
/* Sets key to val; returns the previous value or NULL. */
void *hmap_put(struct hmap *m, const char *key, void *val);
/* Removes key; returns its value or NULL. */
void *hmap_del(struct hmap *m, const char *key);
/* Frees the map's own memory (not the values). */
void hmap_free(struct hmap *m);

#endif
