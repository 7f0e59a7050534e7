/* Text from outside (logs, names, annotations, server messages) made safe to
 * draw: a terminal must never receive a control sequence we did not write. */
#ifndef SHIPDECK_UTIL_TEXT_H
#define SHIPDECK_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

enum {
	TEXT_KEEP_SGR = 1 << 0,   /* keep well-formed "ESC [ digits;… m" colour sequences */
	TEXT_KEEP_TAB = 1 << 1,   /* keep \t (else it becomes a space) */
};

/* Appends a safe copy of in[0..len) to out: escape sequences (CSI, OSC, DCS,
 * APC, PM, SOS, and two-byte ESC x) removed, other C0/C1 controls and DEL
 * removed, bidirectional overrides removed, invalid UTF-8 replaced by U+FFFD,
 * newlines replaced by spaces. */
void text_sanitize(const char *in, size_t len, struct strbuf *out, unsigned flags);

/* A sanitized copy; the caller frees. */
char *text_safe(const char *s);

/* Display columns of one code point (wide characters 2; unknown ones 1). */
int text_cp_width(unsigned cp);
/* Display columns of a sanitized UTF-8 string (wide characters count 2). */
int text_width(const char *s);

/* Appends s cut to at most width columns, with "…" when cut; pads with spaces
 * to exactly width when pad is set. Returns the columns written. */
int text_fit(struct strbuf *out, const char *s, int width, int pad);

/* Search the way less and vim's smartcase do: case-insensitive unless the
 * needle has a capital. text_find: needle's first place in hay, or NULL. */
bool text_smartcase(const char *needle);
const char *text_find(const char *hay, const char *needle, bool icase);

/* Decodes one UTF-8 sequence at s (n bytes available). Returns its length, or
 * 0 when invalid; *cp gets the code point. */
size_t text_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
