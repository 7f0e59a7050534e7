#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "util/imgref.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/colors.h"
#include "views/view.h"

static bool inside(const struct view_ctx *c, int y, int x)
{
	return y >= 0 && y < c->height && x >= 0 && x < c->width;
}

/* Printable ASCII needs neither the sanitizer nor the width table: each
 * byte is one cell. Its length, or -1 for any other text. */
static int ascii_len(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e || n > 4096)
			return -1;
	return (int)n;
}

/* n bytes of printable ASCII, then pad spaces, as cells at (y, x): curses
 * takes them whole (waddchnstr), where waddstr decodes each character
 * through its multibyte state — three quarters of the clock's frame. */
static void put_ascii(int y, int x, const char *s, int n, int pad, attr_t attr)
{
	chtype cells[256];

	while (n + pad > 0) {
		int k = 0;

		for (; k < (int)(sizeof cells / sizeof *cells) && (n > 0 || pad > 0); k++) {
			if (n > 0) {
				cells[k] = (chtype)(unsigned char)*s++ | attr;
				n--;
			} else {
				cells[k] = ' ' | attr;
				pad--;
			}
		}
		mvaddchnstr(y, x, cells, k);
		x += k;
	}
}

int draw_cell(struct view_ctx *c, int y, int x, int width, enum role role, const char *text)
{
	struct strbuf safe = { 0 }, out = { 0 };
	int w, n;

	if (!inside(c, y, x) || width <= 0)
		return 0;
	if (x + width > c->width)
		width = c->width - x;
	n = ascii_len(text ? text : "");
	if (n >= 0 && n <= width) {
		put_ascii(c->y0 + y, c->x0 + x, text ? text : "", n, width - n, colors_role(role));
		return width;
	}
	text_sanitize(text ? text : "", text ? strlen(text) : 0, &safe, 0);
	w = text_fit(&out, sb_str(&safe), width, 1);
	attrset(colors_role(role));
	mvaddstr(c->y0 + y, c->x0 + x, sb_str(&out));
	attrset(A_NORMAL);
	sb_free(&safe);
	sb_free(&out);
	return w;
}

int draw_text(struct view_ctx *c, int y, int x, enum role role, const char *text)
{
	struct strbuf safe = { 0 }, out = { 0 };
	int w, n;

	if (!inside(c, y, x))
		return 0;
	n = ascii_len(text ? text : "");
	if (n >= 0 && n <= c->width - x) {
		put_ascii(c->y0 + y, c->x0 + x, text ? text : "", n, 0, colors_role(role));
		return n;
	}
	text_sanitize(text ? text : "", text ? strlen(text) : 0, &safe, 0);
	w = text_fit(&out, sb_str(&safe), c->width - x, 0);
	attrset(colors_role(role));
	mvaddstr(c->y0 + y, c->x0 + x, sb_str(&out));
	attrset(A_NORMAL);
	sb_free(&safe);
	sb_free(&out);
	return w;
}

/* The age of t at now (seconds since the epoch): "-" when t is 0. Both
 * read the wall clock the clock's frames are timed by: time(NULL) reads a
 * coarse clock that lags the second's turn by up to a tick, and a frame
 * drawn then would show the old text and ask for another at once. */
static void age_at(int64_t t, int64_t now, char *buf, size_t size)
{
	if (!t)
		snprintf(buf, size, "-");
	else
		time_human_duration(now - t, buf, size);
}

/* The text of an age, and the pane's next clock frame no later than when
 * it changes. */
static void age_text(struct view_ctx *c, int64_t t, char *buf, size_t size)
{
	int64_t now = time_wall_ms() / 1000, at;

	age_at(t, now, buf, size);
	if (!t)
		return;
	at = (now + time_human_duration_next(now - t)) * 1000;
	if (!c->clock_at_ms || at < c->clock_at_ms)
		c->clock_at_ms = at;
}

const char *draw_age(struct view_ctx *c, int64_t t, char *buf, size_t size)
{
	age_text(c, t, buf, size);
	if (t)      /* drawn where the clock's frame does not know */
		c->ages_elsewhere = true;
	return buf;
}

int draw_age_cell(struct view_ctx *c, int y, int x, int width, enum role role, int64_t t)
{
	char buf[32];
	int w;

	age_text(c, t, buf, sizeof buf);
	w = draw_cell(c, y, x, width, role, time_human_duration_fit(buf, width));
	if (w && t && c->ages) {
		struct age_cells *a = c->ages;

		if (a->n == a->cap) {
			a->cap = a->cap ? 2 * a->cap : 64;
			a->v = xrealloc(a->v, a->cap * sizeof *a->v);
		}
		a->v[a->n++] = (struct age_cell){ y, x, width, role, t };
	}
	return w;
}

int draw_textf(struct view_ctx *c, int y, int x, enum role role, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int w;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	w = draw_text(c, y, x, role, s);
	free(s);
	return w;
}

void draw_row_fill(struct view_ctx *c, int y, enum role role)
{
	if (!inside(c, y, 0))
		return;
	attrset(colors_role(role));
	mvhline(c->y0 + y, c->x0, ' ', c->width);
	attrset(A_NORMAL);
}

void draw_notice(struct view_ctx *c, int y, enum role role, const char *text)
{
	draw_text(c, y, 1, role, text);
}

/* SGR state while drawing a log line. */
struct sgr {
	int fg, bg;
	attr_t attrs;
};

static int rgb_to_256(int r, int g, int b)
{
	return 16 + 36 * (r * 5 / 255) + 6 * (g * 5 / 255) + (b * 5 / 255);
}

static void sgr_apply(struct sgr *s, const char *params)
{
	int p[32], n = 0;
	const char *q = params;

	while (n < 32) {
		p[n++] = atoi(q);
		q = strchr(q, ';');
		if (!q)
			break;
		q++;
	}
	for (int i = 0; i < n; i++) {
		int v = p[i];

		if (v == 0)
			*s = (struct sgr){ -1, -1, 0 };
		else if (v == 1)
			s->attrs |= A_BOLD;
		else if (v == 2)
			s->attrs |= A_DIM;
		else if (v == 4)
			s->attrs |= A_UNDERLINE;
		else if (v == 7)
			s->attrs |= A_REVERSE;
		else if (v == 22)
			s->attrs &= ~(attr_t)(A_BOLD | A_DIM);
		else if (v == 24)
			s->attrs &= ~(attr_t)A_UNDERLINE;
		else if (v == 27)
			s->attrs &= ~(attr_t)A_REVERSE;
		else if (v >= 30 && v <= 37)
			s->fg = v - 30;
		else if (v == 39)
			s->fg = -1;
		else if (v >= 40 && v <= 47)
			s->bg = v - 40;
		else if (v == 49)
			s->bg = -1;
		else if (v >= 90 && v <= 97)
			s->fg = v - 90 + 8;
		else if (v >= 100 && v <= 107)
			s->bg = v - 100 + 8;
		else if ((v == 38 || v == 48) && i + 2 < n && p[i + 1] == 5) {
			*(v == 38 ? &s->fg : &s->bg) = p[i + 2] & 255;
			i += 2;
		} else if ((v == 38 || v == 48) && i + 4 < n && p[i + 1] == 2) {
			*(v == 38 ? &s->fg : &s->bg) = rgb_to_256(p[i + 2] & 255, p[i + 3] & 255,
								   p[i + 4] & 255);
			i += 4;
		}
	}
}

/* Sends run (characters of one colour) and empties it. */
static void flush_run(struct strbuf *run, const struct sgr *s)
{
	if (!run->len)
		return;
	attrset(s->attrs | colors_pair(s->fg, s->bg));
	addnstr(run->s, (int)run->len);
	sb_reset(run);
}

int draw_ansi(struct view_ctx *c, int y, int x, const char *text, int skip_cols)
{
	struct strbuf safe = { 0 }, run = { 0 };
	struct sgr s = { -1, -1, 0 };
	const char *p, *end;
	int col = 0;

	if (!inside(c, y, x))
		return 0;
	text_sanitize(text, strlen(text), &safe, TEXT_KEEP_SGR);
	p = sb_str(&safe);
	end = p + safe.len;
	move(c->y0 + y, c->x0 + x);
	while (p < end && x + col - skip_cols < c->width) {
		unsigned cp;
		size_t len;
		int w;

		if (*p == 0x1b) {
			const char *m = strchr(p, 'm');
			char params[128];
			size_t n = m ? (size_t)(m - p - 2) : 0;

			if (!m)
				break;
			flush_run(&run, &s);
			snprintf(params, sizeof params, "%.*s", (int)(n < 127 ? n : 127), p + 2);
			sgr_apply(&s, params);
			p = m + 1;
			continue;
		}
		len = text_utf8_decode((const unsigned char *)p, (size_t)(end - p), &cp);
		w = len ? text_cp_width(cp) : 1;
		if (!len)
			len = 1;
		if (col >= skip_cols) {
			if (x + col - skip_cols + w > c->width)
				break;
			sb_append(&run, p, len);
		}
		col += w;
		p += len;
	}
	flush_run(&run, &s);
	attrset(A_NORMAL);
	sb_free(&run);
	sb_free(&safe);
	return col - skip_cols > 0 ? col - skip_cols : 0;
}

/* Breaks text into lines of width columns, at a space when one is near the
 * edge; draws them from row y at column 1 when c is given. */
static int wrap(struct view_ctx *c, int width, int y, int max_lines, enum role role,
		const char *text, bool words)
{
	struct strbuf safe = { 0 };
	const unsigned char *p;
	int used = 0;

	text_sanitize(text ? text : "", text ? strlen(text) : 0, &safe, 0);
	p = (const unsigned char *)sb_str(&safe);
	while (*p && used < max_lines && width > 0) {
		size_t len = strlen((const char *)p), cut = 0, space = 0;
		int cols = 0;

		/* the longest prefix that fits, and the last space in it */
		while (cut < len) {
			unsigned cp;
			size_t n = text_utf8_decode(p + cut, len - cut, &cp);
			char one[8] = { 0 };

			if (!n)
				n = 1;
			memcpy(one, p + cut, n < 7 ? n : 7);
			if (cols + text_width(one) > width)
				break;
			cols += text_width(one);
			if (cp == ' ')
				space = cut;
			cut += n;
		}
		if (cut < len && used < max_lines - 1 && (words ? space > 0 : space > cut / 2))
			cut = space;
		if (c)
			draw_textf(c, y + used, 1, role, "%.*s", (int)cut, (const char *)p);
		used++;
		p += cut;
		while (*p == ' ')
			p++;
	}
	sb_free(&safe);
	return used;
}

int draw_wrapped(struct view_ctx *c, int y, int max_lines, enum role role, const char *text)
{
	return wrap(c, c->width - 2, y, max_lines, role, text, false);
}

int draw_words(struct view_ctx *c, int y, int max_lines, enum role role, const char *text)
{
	return wrap(c, c->width - 2, y, max_lines, role, text, true);
}

int draw_words_count(int width, const char *text)
{
	return wrap(NULL, width - 2, 0, 1 << 20, ROLE_NORMAL, text, true);
}

bool draw_source_notice(struct view_ctx *c, int y, enum source_id source)
{
	const struct source_status *s = &c->app->store.status.sources[source];

	switch (s->state) {
	case SOURCE_READY:
	case SOURCE_RECONNECTING:   /* keep showing the last state; the status bar says it */
		return false;
	case SOURCE_UNCONFIGURED:
		c->want_rows = y + 1;
		draw_notice(c, y, ROLE_MUTED, s->message ? s->message : "not configured");
		return true;
	case SOURCE_CONNECTING:
		c->want_rows = y + 1;
		draw_notice(c, y, ROLE_PENDING, s->message ? s->message : "connecting\xe2\x80\xa6");
		return true;
	case SOURCE_FAILED:
		/* the whole reason: the layout gives the rows it wraps to */
		c->want_rows = y + wrap(NULL, c->width - 2, 0, 1 << 20, ROLE_FAIL,
					s->message ? s->message : "failed", false);
		draw_wrapped(c, y, c->height - y, ROLE_FAIL, s->message ? s->message : "failed");
		return true;
	}
	return false;
}

/* ---- cell texts */

const char *cell_tag(const char *images, char *buf, size_t size)
{
	const char *end, *slash;
	struct imgref r;
	size_t len;

	if (!images || !*images) {
		snprintf(buf, size, "-");
		return buf;
	}
	end = strstr(images, ", ");
	len = end ? (size_t)(end - images) : strlen(images);
	snprintf(buf, size, "%.*s", (int)len, images);
	imgref_split(buf, &r);
	slash = memrchr(buf, '/', r.name_len);
	if (r.tag_len)
		snprintf(buf, size, "%.*s", (int)r.tag_len, images + (r.tag - buf));
	else if (slash)
		memmove(buf, slash + 1, strlen(slash + 1) + 1);
	if (end && strlen(buf) + 3 < size)
		strcat(buf, " +");
	return buf;
}

const char *cell_age(int64_t t, char *buf, size_t size)
{
	age_at(t, time_wall_ms() / 1000, buf, size);
	return buf;
}
