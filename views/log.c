/* The log pane: the selected log buffer (a build step, a pod, the audit log).
 *
 * It follows the end (f toggles), scrolls back through the whole log — the
 * newest lines from memory, older ones asked of the log pager, which reads
 * them from the log file on disk into the store — and searches all of it
 * (/ n N, the pager's search on the loop) with the matches highlighted.
 * w wraps long lines, T shows when each line arrived. Lines are drawn with
 * their ANSI colours; every other control sequence is removed by draw_ansi,
 * so a log can never move the cursor or set the title or the clipboard.
 * Secrets were masked before the lines were stored. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "views/view.h"

enum { PROMPT_SEARCH = 1, WINDOW = 256, STAMP_W = 9 };

#define NO_LINE UINT64_MAX

struct log_view {
	bool frozen;                /* follow is off: top stays where it is */
	uint64_t top;               /* first line shown when frozen */
	bool wrap, stamps;
	char *needle;               /* search text, or NULL */
	uint64_t match;             /* line of the current match, or NO_LINE */

	/* the buffer the state below belongs to */
	char *id;
	uint64_t generation;
	/* the lines older than memory asked of the log pager last: not asked
	 * again while it reads them (or when the file did not have them) */
	uint64_t asked_first;
	size_t asked_n;
	/* the search asked (0: none) and the last whose answer was taken */
	uint64_t search, taken;
};

struct line_ref {
	const char *text;
	size_t cut;
	int64_t time_ms;
};

static const struct log_buffer *current(const struct view_ctx *c)
{
	return store_log_find(&c->app->store.logs, c->sel->log_id);
}

static bool searching(const struct log_view *v)
{
	return v->search && v->search != v->taken;
}

static void forget_buffer(struct log_view *v, struct rt *rt)
{
	/* leaving the buffer stops its search */
	if (v->id && searching(v))
		rt_log_search_cancel(rt, v->id);
	free(v->id);
	v->id = NULL;
	v->asked_n = 0;
	v->search = v->taken = 0;
	v->match = NO_LINE;
	v->frozen = false;
}

/* A different buffer (or the same one opened again): start over. */
static void track(struct log_view *v, struct view_ctx *c, const struct log_buffer *b)
{
	if (v->id && !strcmp(v->id, b->id) && v->generation == b->generation)
		return;
	forget_buffer(v, &c->app->rt);
	v->id = xstrdup(b->id);
	v->generation = b->generation;
}

/* Line n: from memory, else from the window the log pager read from disk
 * (asked for here when it does not hold n; "…" is drawn until it comes). */
static bool line_at(struct log_view *v, struct view_ctx *c, const struct log_buffer *b,
		    uint64_t n, struct line_ref *out)
{
	const struct log_line *l = log_buffer_at(b, n);

	if (!l && b->win_valid)
		l = log_buffer_window_at(b, n);
	if (l) {
		*out = (struct line_ref){ .text = l->text, .cut = l->cut, .time_ms = l->time_ms };
		return true;
	}
	if (n >= b->dropped || !b->disk_path)
		return false;
	if (!v->asked_n || n < v->asked_first || n >= v->asked_first + v->asked_n) {
		uint64_t first = n > WINDOW / 2 ? n - WINDOW / 2 : 0;
		size_t want = WINDOW;

		if (first + want > b->dropped)
			want = (size_t)(b->dropped - first);
		v->asked_first = first;
		v->asked_n = want;
		rt_log_window(&c->app->rt, b->id, first, want);
	}
	return false;
}

/* ---- layout of a frame */

static int prefix_width(const struct log_view *v)
{
	return v->stamps ? STAMP_W : 0;
}

static int plain_width(const char *text)
{
	struct strbuf plain = { 0 };
	int w;

	text_sanitize(text, strlen(text), &plain, 0);
	w = text_width(sb_str(&plain));
	sb_free(&plain);
	return w;
}

/* What a line does not show: bytes memory did not keep, or (when a wrapped
 * line would take more than a screen) the rest of it. */
static char *cut_note(const struct line_ref *l, bool capped)
{
	if (capped)
		return xasprintf(" …(%zu bytes in all: the whole line is in the log file)",
				 strlen(l->text) + l->cut);
	return l->cut ? xasprintf(" …(+%zu bytes in the log file)", l->cut) : xstrdup("");
}

/* Rows line n takes on screen: one unless wrapped, and never more than a
 * screen (*capped then). */
static int rows_of(struct log_view *v, struct view_ctx *c, const struct log_buffer *b,
		   uint64_t n, int width, int height, bool *capped)
{
	struct line_ref l;
	int avail = width - prefix_width(v), w, rows;
	char *note;

	*capped = false;
	if (!v->wrap || avail <= 0 || !line_at(v, c, b, n, &l))
		return 1;
	note = cut_note(&l, false);
	w = plain_width(l.text) + text_width(note);
	free(note);
	rows = w <= avail ? 1 : (w + avail - 1) / avail;
	if (rows > height && height > 0) {
		rows = height;
		*capped = true;
	}
	return rows;
}

/* The first line of the last screenful (with room for how the stream
 * ended, once it has). */
static uint64_t bottom_top(struct log_view *v, struct view_ctx *c, const struct log_buffer *b,
			   int width, int height)
{
	uint64_t total = log_buffer_total(b);
	int used = 0;

	if (b->closed && height > 1)
		height--;

	if (!v->wrap)
		return total > (uint64_t)height ? total - (uint64_t)height : 0;
	for (uint64_t n = total; n-- > 0;) {
		bool capped;

		used += rows_of(v, c, b, n, width, height, &capped);
		if (used > height)
			return n + 1 < total ? n + 1 : n;
	}
	return 0;
}

/* ---- drawing */

static void draw_stamp(struct view_ctx *c, int y, int64_t ms)
{
	char buf[16] = "        ";
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	if (ms > 0 && localtime_r(&t, &tm))
		strftime(buf, sizeof buf, "%H:%M:%S", &tm);
	draw_text(c, y, 0, ROLE_MUTED, buf);
}

/* The needle's matches in the plain text of the line, shown on the row that
 * holds columns [skip, skip + avail). */
static void draw_matches(struct log_view *v, struct view_ctx *c, int y, int x, const char *text,
			 int skip, int avail)
{
	struct strbuf plain = { 0 };
	const char *p, *hit;
	bool icase = text_smartcase(v->needle);
	size_t nlen = strlen(v->needle);

	text_sanitize(text, strlen(text), &plain, 0);
	p = sb_str(&plain);
	while (nlen && (hit = text_find(p, v->needle, icase))) {
		struct strbuf pre = { 0 }, word = { 0 };
		int col, w;

		sb_append(&pre, sb_str(&plain), (size_t)(hit - sb_str(&plain)));
		sb_append(&word, hit, nlen);
		col = text_width(sb_str(&pre));
		w = text_width(sb_str(&word));
		if (col + w > skip && col < skip + avail) {
			/* clip the match to this row, column by column */
			const char *s = sb_str(&word);
			int at = col;

			while (*s) {
				unsigned cp;
				size_t len = text_utf8_decode((const unsigned char *)s, strlen(s),
							      &cp);
				char one[8] = { 0 };
				int cw;

				if (!len)
					len = 1;
				memcpy(one, s, len);
				cw = text_width(one);
				if (at >= skip && at + cw <= skip + avail)
					draw_text(c, y, x + at - skip, ROLE_MATCH, one);
				at += cw;
				s += len;
			}
		}
		sb_free(&pre);
		sb_free(&word);
		p = hit + nlen;
	}
	sb_free(&plain);
}

/* Draws line n from row y; returns the rows used. */
static int draw_line(struct log_view *v, struct view_ctx *c, const struct log_buffer *b,
		     uint64_t n, int y)
{
	struct line_ref l;
	int x = prefix_width(v), avail = c->width - x, rows, used = 0;
	bool capped;
	char *note;

	if (!line_at(v, c, b, n, &l)) {
		draw_text(c, y, x, ROLE_MUTED, "…");
		return 1;
	}
	if (v->stamps)
		draw_stamp(c, y, l.time_ms);
	rows = rows_of(v, c, b, n, c->width, c->height, &capped);
	note = cut_note(&l, capped);
	for (int r = 0; r < rows && y + r < c->height; r++) {
		int skip = r * (avail > 0 ? avail : 1);
		int w = draw_ansi(c, y + r, x, l.text, skip);
		bool last = r == rows - 1 || y + r == c->height - 1;

		if (v->needle)
			draw_matches(v, c, y + r, x, l.text, skip, avail);
		if (last && *note) {
			int nw = text_width(note);

			/* the note takes the end of the last row when the text fills it */
			draw_text(c, y + r, x + w + nw <= c->width ? x + w : c->width - nw,
				  ROLE_MUTED, note);
		} else if (!v->wrap && plain_width(l.text) > avail) {
			draw_text(c, y + r, c->width - 1, ROLE_MUTED, "…");
		}
		used++;
	}
	free(note);
	return used;
}

static void take_answer(struct log_view *v, const struct log_buffer *b, int height);

static void log_draw(void *priv, struct view_ctx *c)
{
	struct log_view *v = priv;
	const struct log_buffer *b = current(c);
	uint64_t total, top, n;
	char count[32];
	int y = 0;

	if (!b) {
		c->want_rows = 1;
		if (c->sel->log_id && !strncmp(c->sel->log_id, "build/", 6))
			draw_notice(c, 0, ROLE_MUTED, "no log: this step has not run");
		else if (c->sel->log_id)
			draw_notice(c, 0, ROLE_MUTED, "no log yet");
		else
			draw_notice(c, 0, ROLE_MUTED, "no log selected: choose a build step (1) or "
				    "a pod (4), or type :audit");
		return;
	}
	track(v, c, b);
	take_answer(v, b, c->height);
	total = log_buffer_total(b);
	/* a short log leaves its rows to the panes beside it (wrapped: more) */
	c->want_rows = total < 200 && !v->wrap ? (int)total + 2 : -1;
	snprintf(count, sizeof count, "%llu line%s", (unsigned long long)total,
		 total == 1 ? "" : "s");
	snprintf(c->subtitle, sizeof c->subtitle, "%s · %s · %s%s%s%s%s",
		 b->title ? b->title : b->id, count, v->frozen ? "paused" : "follow",
		 v->wrap ? " · wrap" : "", v->stamps ? " · time" : "", v->needle ? " · /" : "",
		 v->needle ? v->needle : "");
	if (!total && !b->closed) {
		draw_notice(c, 0, ROLE_MUTED, "(no output yet)");
		return;
	}
	/* paused: stay (within the log); following: the last screenful */
	top = bottom_top(v, c, b, c->width, c->height);
	if (v->frozen && v->top < top)
		top = v->top;
	v->top = top;
	for (n = top; n < total && y < c->height; n++)
		y += draw_line(v, c, b, n, y);
	/* how the stream ended, after its last line */
	if (b->closed && y < c->height)
		draw_textf(c, y, 0, ROLE_MUTED, "── %s ──",
			   b->end_message ? b->end_message : "end");
	/* the search runs on the loop: the last row says so until its answer is
	 * in (the title bar may be too narrow to show it) */
	if (searching(v) && c->height > 0) {
		draw_row_fill(c, c->height - 1, ROLE_MUTED);
		draw_textf(c, c->height - 1, 0, ROLE_MUTED, "searching… %llu lines",
			   (unsigned long long)(b->search.seq == v->search
						? b->search.scanned : 0));
	}
}

/* ---- keys */

static void jump_to(struct log_view *v, const struct log_buffer *b, uint64_t n, int height)
{
	uint64_t third = (uint64_t)(height / 3);

	v->match = n;
	v->frozen = true;
	v->top = n > third ? n - third : 0;
	(void)b;
}

/* Asks the log pager; the answer comes through the store (take_answer). */
static void find(struct log_view *v, struct view_ctx *c, const struct log_buffer *b, int dir,
		 uint64_t from)
{
	v->search = rt_log_search(&c->app->rt, b->id, v->needle, from, dir);
}

/* A search's answer once it is in: go to its line (the log pager has said
 * "wrapped" or "not found" in the status bar). */
static void take_answer(struct log_view *v, const struct log_buffer *b, int height)
{
	const struct log_search *s = &b->search;

	if (!searching(v) || s->seq != v->search)
		return;
	if (s->state == LOG_SEARCH_FOUND)
		jump_to(v, b, s->hit, height);
	if (s->state == LOG_SEARCH_FOUND || s->state == LOG_SEARCH_MISSING)
		v->taken = v->search;
}

static int log_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct log_view *v = priv;
	const struct log_buffer *b = current(c);
	uint64_t page = c->height > 1 ? (uint64_t)c->height - 1 : 1, last;

	if (!b)
		return VIEW_UNHANDLED;
	track(v, c, b);
	take_answer(v, b, c->height);
	last = bottom_top(v, c, b, c->width, c->height);
	if (!v->frozen)
		v->top = last;
	switch (a) {
	case ACTION_UP:
		v->top = v->top ? v->top - 1 : 0;
		break;
	case ACTION_DOWN:
		v->top++;
		break;
	case ACTION_PAGE_UP:
		v->top = v->top > page ? v->top - page : 0;
		break;
	case ACTION_PAGE_DOWN:
		v->top += page;
		break;
	case ACTION_TOP:
		v->top = 0;
		break;
	case ACTION_BOTTOM:
		v->frozen = false;
		return VIEW_HANDLED;
	case ACTION_FOLLOW:
		v->frozen = !v->frozen;
		app_message(c->app, STATUS_INFO, "log: %s", v->frozen ? "paused (f follows again)"
								      : "following the end");
		return VIEW_HANDLED;
	case ACTION_WRAP:
		v->wrap = !v->wrap;
		return VIEW_HANDLED;
	case ACTION_TIMESTAMPS:
		v->stamps = !v->stamps;
		return VIEW_HANDLED;
	case ACTION_SEARCH:
		ui_prompt(c->ui, &log_view, PROMPT_SEARCH, "/", v->needle);
		return VIEW_HANDLED;
	case ACTION_NEXT_MATCH:
	case ACTION_PREV_MATCH:
		if (!v->needle)
			return VIEW_UNHANDLED;
		if (a == ACTION_NEXT_MATCH)
			find(v, c, b, 1, v->match == NO_LINE ? v->top : v->match + 1);
		else
			find(v, c, b, -1, v->match == NO_LINE ? v->top
					  : v->match ? v->match - 1 : 0);
		return VIEW_HANDLED;
	case ACTION_ZOOM:
		/* the audit log: one line per action, or its JSON records */
		if (!c->sel->log_id || strncmp(c->sel->log_id, "audit", 5))
			return VIEW_UNHANDLED;
		ui_select(c->ui, &c->sel->log_id, strcmp(c->sel->log_id, "audit") ? "audit"
			  : "audit/json");
		return VIEW_HANDLED;
	case ACTION_BACK:
		if (!v->needle)
			return VIEW_UNHANDLED;
		if (searching(v))
			rt_log_search_cancel(&c->app->rt, b->id);
		v->search = v->taken = 0;
		free(v->needle);
		v->needle = NULL;
		v->match = NO_LINE;
		return VIEW_HANDLED;
	default:
		return VIEW_UNHANDLED;
	}
	/* scrolling to the end follows again */
	v->frozen = v->top < last;
	return VIEW_HANDLED;
}

static void log_prompt_done(void *priv, struct view_ctx *c, int prompt_id, const char *text)
{
	struct log_view *v = priv;
	const struct log_buffer *b = current(c);
	uint64_t total, bottom;

	if (prompt_id != PROMPT_SEARCH || !text || !b)
		return;
	track(v, c, b);
	/* a new search (or none) replaces the one under way */
	if (searching(v))
		rt_log_search_cancel(&c->app->rt, b->id);
	v->search = v->taken = 0;
	free(v->needle);
	v->needle = *text ? xstrdup(text) : NULL;
	v->match = NO_LINE;
	if (!v->needle)
		return;
	/* from the last line on screen upwards: when following, the newest match */
	total = log_buffer_total(b);
	bottom = v->frozen ? v->top + (uint64_t)c->height : total;
	find(v, c, b, -1, bottom ? bottom - 1 : 0);
}

static void log_destroy(void *priv)
{
	struct log_view *v = priv;

	/* the log pager goes with the sources; nothing to cancel here */
	free(v->id);
	free(v->needle);
}

static void log_init(void *priv, struct app *app)
{
	struct log_view *v = priv;

	(void)app;
	v->match = NO_LINE;
}

static void log_hints(void *priv, struct view_ctx *c, struct strbuf *out)
{
	struct log_view *v = priv;

	if (!current(c))
		return;
	view_hint(c, out, ACTION_FOLLOW, "%s", v->frozen ? "follow" : "pause");
	view_hint(c, out, ACTION_SEARCH, "search");
	if (v->needle)
		view_hint(c, out, ACTION_NEXT_MATCH, "next");
	view_hint(c, out, ACTION_WRAP, "%s", v->wrap ? "unwrap" : "wrap");
	view_hint(c, out, ACTION_TIMESTAMPS, "times");
}

static const char *const log_help[] = {
	"f follows the end (or pauses); j/k PgUp/PgDn g/G scroll back through the whole log:",
	"older lines are read from the log file on disk. / searches (all of it, newest first),",
	"n and N go to the next (newer) and previous (older) match, Esc clears it.",
	"w wraps long lines, T shows the time each line arrived. Colours are kept; other",
	"control sequences are removed, secrets show as ***.",
	NULL,
};

const struct view log_view = {
	.name = "log",
	.title = "Log",
	.private_size = sizeof(struct log_view),
	.init = log_init,
	.destroy = log_destroy,
	.draw = log_draw,
	.action = log_action,
	.prompt_done = log_prompt_done,
	.hints = log_hints,
	.help = log_help,
};
