/* A growable, always NUL-terminated byte buffer. The owner frees it with
 * sb_free(). */
#ifndef SHIPDECK_UTIL_STRBUF_H
#define SHIPDECK_UTIL_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;     /* NULL until the first append */
	size_t len;
	size_t cap;
};

void sb_append(struct strbuf *sb, const void *data, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);
/* Removes the first n bytes. */
void sb_consume(struct strbuf *sb, size_t n);
/* Hands the string to the caller (never NULL) and empties the buffer. */
char *sb_steal(struct strbuf *sb);
const char *sb_str(const struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
