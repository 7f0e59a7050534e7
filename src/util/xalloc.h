/* Allocation that aborts on out-of-memory: a console that cannot allocate a
 * few bytes cannot do anything useful, and checking every call hides logic. */
#ifndef SHIPDECK_UTIL_XALLOC_H
#define SHIPDECK_UTIL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grows *items (of *cap elements of size elem) to hold at least need. */
void xgrow(void *items_ptr, size_t *cap, size_t need, size_t elem);

/* free() and clear the pointer. */
#define xfree(pp) do { free(*(pp)); *(pp) = NULL; } while (0)

#endif
