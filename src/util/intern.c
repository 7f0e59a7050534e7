#include "util/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct entry {
	uint32_t refs;
	uint32_t hash;
	size_t len;
	char s[];
};

/* Open addressing with linear probing; deletion shifts the run back, so
 * there are no tombstones. Kept at most half full. */
static struct {
	struct entry **slots;
	size_t cap, n;              /* cap: 0 or a power of two */
} pool;

static uint32_t hash_of(const char *s, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct entry *entry_of(const char *s)
{
	return (struct entry *)(void *)(s - offsetof(struct entry, s));
}

static void grow(void)
{
	size_t cap = pool.cap ? pool.cap * 2 : 64;
	struct entry **slots = xcalloc(cap, sizeof *slots);

	for (size_t i = 0; i < pool.cap; i++) {
		struct entry *e = pool.slots[i];
		size_t j;

		if (!e)
			continue;
		for (j = e->hash & (cap - 1); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = e;
	}
	free(pool.slots);
	pool.slots = slots;
	pool.cap = cap;
}

const char *intern_n(const char *s, size_t n)
{
	uint32_t h;
	size_t i;
	struct entry *e;

	if (!s)
		return NULL;
	if ((pool.n + 1) * 2 > pool.cap)
		grow();
	h = hash_of(s, n);
	for (i = h & (pool.cap - 1); (e = pool.slots[i]); i = (i + 1) & (pool.cap - 1))
		if (e->hash == h && e->len == n && !memcmp(e->s, s, n))
			return intern_ref(e->s);
	e = xmalloc(sizeof *e + n + 1);
	e->refs = 1;
	e->hash = h;
	e->len = n;
	memcpy(e->s, s, n);
	e->s[n] = '\0';
	pool.slots[i] = e;
	pool.n++;
	return e->s;
}

const char *intern_peek(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	uint32_t h;
	struct entry *e;

	if (!s || !pool.cap)
		return NULL;
	h = hash_of(s, n);
	for (size_t i = h & (pool.cap - 1); (e = pool.slots[i]); i = (i + 1) & (pool.cap - 1))
		if (e->hash == h && e->len == n && !memcmp(e->s, s, n))
			return e->s;
	return NULL;
}

const char *intern(const char *s)
{
	return s ? intern_n(s, strlen(s)) : NULL;
}

const char *intern_ref(const char *s)
{
	struct entry *e;

	if (!s)
		return NULL;
	e = entry_of(s);
	if (e->refs < UINT32_MAX)   /* saturated: kept for good rather than wrap */
		e->refs++;
	return s;
}

void intern_drop(const char *s)
{
	struct entry *e;
	size_t mask = pool.cap - 1, i, j;

	if (!s)
		return;
	e = entry_of(s);
	if (e->refs == UINT32_MAX || --e->refs)
		return;
	for (i = e->hash & mask; pool.slots[i] != e; i = (i + 1) & mask)
		;
	/* close the gap: move back every later entry of the run whose home
	 * slot is not between the gap and it */
	for (j = (i + 1) & mask; pool.slots[j]; j = (j + 1) & mask) {
		size_t home = pool.slots[j]->hash & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			pool.slots[i] = pool.slots[j];
			i = j;
		}
	}
	pool.slots[i] = NULL;
	pool.n--;
	free(e);
}

size_t intern_count(void)
{
	return pool.n;
}
