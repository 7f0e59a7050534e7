/* Shared, counted copies of strings that repeat across many objects: the
 * store holds tens of thousands of pods that name a handful of namespaces,
 * nodes, owners and images, and one heap copy of each (instead of one per
 * pod) is most of a pod's memory. One thread, no locks, like the rest. */
#ifndef SHIPDECK_UTIL_INTERN_H
#define SHIPDECK_UTIL_INTERN_H

#include <stddef.h>

/* The shared copy of s, with one more reference the caller must drop
 * (NULL gives NULL). Never free() it, never write through it. */
const char *intern(const char *s);
/* The first n bytes of s (no NUL among them). */
const char *intern_n(const char *s, size_t n);
/* The shared copy of s if one is held, else NULL; no reference is taken
 * (to compare shared strings by pointer). */
const char *intern_peek(const char *s);
/* Another reference to a string intern() returned (NULL gives NULL). */
const char *intern_ref(const char *s);
/* Drops a reference; the copy is freed with the last one. NULL is a no-op. */
void intern_drop(const char *s);
/* How many distinct strings are held now (tests, benchmarks). */
size_t intern_count(void);

#endif
