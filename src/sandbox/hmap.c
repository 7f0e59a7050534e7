#include "sandbox/hmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

uint32_t fnv32a(const void *data, size_t len, uint32_t h)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static struct hmap_entry **slot(const struct hmap *m, const char *key, uint32_t h)
{
	struct hmap_entry **e = &m->buckets[h & (m->nbuckets - 1)];

	while (*e && ((*e)->hash != h || strcmp((*e)->key, key)))
		e = &(*e)->next;
	return e;
}

void *hmap_get(const struct hmap *m, const char *key)
{
	struct hmap_entry **e;

	if (!m->nbuckets)
		return NULL;
	e = slot(m, key, fnv32a(key, strlen(key), FNV32A_INIT));
	return *e ? (*e)->val : NULL;
}

static void grow(struct hmap *m)
{
	size_t nb = m->nbuckets ? m->nbuckets * 2 : 64;
	struct hmap_entry **b = xcalloc(nb, sizeof *b);

	for (size_t i = 0; i < m->nbuckets; i++) {
		struct hmap_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = nb;
}

void *hmap_put(struct hmap *m, const char *key, void *val)
{
	uint32_t h = fnv32a(key, strlen(key), FNV32A_INIT);
	struct hmap_entry **e, *n;
	void *old;

	if (m->n + 1 > m->nbuckets)
		grow(m);
	e = slot(m, key, h);
	if (*e) {
		old = (*e)->val;
		(*e)->val = val;
		return old;
	}
	n = xcalloc(1, sizeof *n);
	n->key = xstrdup(key);
	n->val = val;
	n->hash = h;
	*e = n;
	m->n++;
	return NULL;
}

void *hmap_del(struct hmap *m, const char *key)
{
	struct hmap_entry **e, *victim;
	void *val;

	if (!m->nbuckets)
		return NULL;
	e = slot(m, key, fnv32a(key, strlen(key), FNV32A_INIT));
	if (!*e)
		return NULL;
	victim = *e;
	*e = victim->next;
	val = victim->val;
	free(victim->key);
	free(victim);
	m->n--;
	return val;
}

void hmap_free(struct hmap *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct hmap_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	}
	free(m->buckets);
	memset(m, 0, sizeof *m);
}
