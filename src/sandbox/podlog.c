#include "sandbox/podlog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xalloc.h"

struct ctrlog *ctrlog_new(size_t max)
{
	struct ctrlog *l = xcalloc(1, sizeof *l);

	l->refs = 1;
	l->max = max ? max : 1;
	return l;
}

/* Doubles the ring (a quiet pod's log stays small), keeping line order. */
static void grow(struct ctrlog *l)
{
	size_t cap = l->cap ? l->cap * 2 : 16;
	struct logline *ring;

	if (cap > l->max)
		cap = l->max;
	ring = xcalloc(cap, sizeof *ring);
	for (size_t i = 0; i < l->n; i++)
		ring[i] = l->ring[(l->head + i) % l->cap];
	free(l->ring);
	l->ring = ring;
	l->cap = cap;
	l->head = 0;
}

struct ctrlog *ctrlog_ref(struct ctrlog *l)
{
	if (l)
		l->refs++;
	return l;
}

void ctrlog_unref(struct ctrlog *l)
{
	if (!l || --l->refs > 0)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->ring[(l->head + i) % l->cap].text);
	free(l->ring);
	free(l);
}

void ctrlog_append(struct ctrlog *l, int64_t wall_ms, const char *fmt, ...)
{
	va_list ap;
	char *text;
	struct logline *slot;

	if (l->ended)
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if (l->n == l->cap && l->cap < l->max)
		grow(l);
	if (l->n == l->cap) {
		free(l->ring[l->head].text);
		l->head = (l->head + 1) % l->cap;
		l->n--;
	}
	slot = &l->ring[(l->head + l->n) % l->cap];
	slot->wall_ms = wall_ms;
	slot->text = text;
	l->n++;
	l->total++;
}

uint64_t ctrlog_first(const struct ctrlog *l)
{
	return l->total - l->n;
}

const struct logline *ctrlog_line(const struct ctrlog *l, uint64_t idx)
{
	if (idx < ctrlog_first(l) || idx >= l->total)
		return NULL;
	return &l->ring[(l->head + (size_t)(idx - ctrlog_first(l))) % l->cap];
}
