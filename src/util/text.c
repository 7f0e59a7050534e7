#include "util/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/xalloc.h"

size_t text_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond Unicode */
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff))
	    || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static int is_bidi_control(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
		|| cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* Length of an escape sequence starting at in[0] == ESC (or a C1 introducer
 * in UTF-8 form), and whether it is a plain SGR. */
static size_t escape_length(const unsigned char *in, size_t len, int *is_sgr)
{
	size_t i;
	unsigned char kind;

	*is_sgr = 0;
	if (len < 2)
		return len;
	kind = in[1];
	if (kind == '[') {
		/* CSI: parameter bytes 0x30–0x3f, intermediates 0x20–0x2f, final 0x40–0x7e */
		int only_digits = 1;

		for (i = 2; i < len && in[i] >= 0x30 && in[i] <= 0x3f; i++)
			if (!((in[i] >= '0' && in[i] <= '9') || in[i] == ';'))
				only_digits = 0;
		for (; i < len && in[i] >= 0x20 && in[i] <= 0x2f; i++)
			only_digits = 0;
		if (i < len && in[i] >= 0x40 && in[i] <= 0x7e) {
			*is_sgr = only_digits && in[i] == 'm';
			return i + 1;
		}
		return i < len ? i : len;   /* malformed: drop what we saw */
	}
	if (kind == ']' || kind == 'P' || kind == '_' || kind == '^' || kind == 'X') {
		/* string until BEL or ST (ESC \) */
		for (i = 2; i < len; i++) {
			if (in[i] == 0x07)
				return i + 1;
			if (in[i] == 0x1b && i + 1 < len && in[i + 1] == '\\')
				return i + 2;
		}
		return len;
	}
	/* ESC with intermediates then a final byte (charset selection etc.) */
	for (i = 1; i < len && in[i] >= 0x20 && in[i] <= 0x2f; i++)
		;
	return i < len ? i + 1 : len;
}

void text_sanitize(const char *in_, size_t len, struct strbuf *out, unsigned flags)
{
	const unsigned char *in = (const unsigned char *)in_;
	size_t i = 0;

	while (i < len) {
		unsigned char c = in[i];
		unsigned cp;
		size_t n;

		if (c == 0x1b) {
			int sgr;

			n = escape_length(in + i, len - i, &sgr);
			if (sgr && (flags & TEXT_KEEP_SGR))
				sb_append(out, in + i, n);
			i += n;
			continue;
		}
		if (c == '\t') {
			sb_putc(out, (flags & TEXT_KEEP_TAB) ? '\t' : ' ');
			i++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			sb_putc(out, ' ');
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			i++;
			continue;
		}
		if (c < 0x80) {
			/* a run of printable ASCII, the bulk of any log, in one copy */
			for (n = 1; i + n < len && in[i + n] >= 0x20 && in[i + n] < 0x7f; n++)
				;
			sb_append(out, in + i, n);
			i += n;
			continue;
		}
		n = text_utf8_decode(in + i, len - i, &cp);
		if (!n) {
			sb_puts(out, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9f) {
			/* C1 control; CSI/OSC/DCS/… introducers swallow their string */
			if (cp == 0x9b || cp == 0x9d || cp == 0x90 || cp == 0x9f || cp == 0x9e
			    || cp == 0x98) {
				size_t j = i + n;

				while (j < len && in[j] != 0x07 && !(in[j] >= 0x40 && in[j] <= 0x7e
					&& cp == 0x9b) && in[j] != 0x1b)
					j++;
				i = j < len && in[j] != 0x1b ? j + 1 : j;
			} else {
				i += n;
			}
			continue;
		}
		if (!is_bidi_control(cp))
			sb_append(out, in + i, n);
		i += n;
	}
	if (!out->s)
		sb_puts(out, "");
}

char *text_safe(const char *s)
{
	struct strbuf sb = { 0 };

	text_sanitize(s ? s : "", s ? strlen(s) : 0, &sb, 0);
	return sb_steal(&sb);
}

int text_cp_width(unsigned cp)
{
	int w = cp < 0x7f && cp >= 0x20 ? 1 : wcwidth((wchar_t)cp);

	return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	int w = 0;

	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = text_utf8_decode(p + i, len - i, &cp);

		if (!n) {
			w++;
			i++;
			continue;
		}
		w += text_cp_width(cp);
		i += n;
	}
	return w;
}

int text_fit(struct strbuf *out, const char *s, int width, int pad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	int w = 0;

	if (width <= 0)
		return 0;
	if ((w = text_width(s)) <= width) {
		sb_puts(out, s);
	} else {
		w = 0;
		for (size_t i = 0; i < len;) {
			unsigned cp;
			size_t n = text_utf8_decode(p + i, len - i, &cp);
			int cw;

			if (!n) {
				n = 1;
				cp = '?';
			}
			cw = text_cp_width(cp);
			if (w + cw > width - 1)
				break;
			sb_append(out, p + i, n);
			w += cw;
			i += n;
		}
		sb_puts(out, "\xe2\x80\xa6");   /* … */
		w++;
	}
	while (pad && w < width) {
		sb_putc(out, ' ');
		w++;
	}
	return w;
}

bool text_smartcase(const char *needle)
{
	for (const char *p = needle; *p; p++)
		if (isupper((unsigned char)*p))
			return false;
	return true;
}

const char *text_find(const char *hay, const char *needle, bool icase)
{
	return icase ? strcasestr(hay, needle) : strstr(hay, needle);
}
