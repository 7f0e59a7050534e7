#include "ci/logpager.h"

#include <stdlib.h>
#include <string.h>

#include "ci/logfile.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* Lines looked at per turn of the loop: a few milliseconds of work. */
enum { TURN_LINES = 8192, WINDOW_MAX = 1024 };

/* A reader of one opening of one buffer (reopened when the buffer is). */
struct disk {
	char *id;
	uint64_t generation;
	bool open;
	struct log_reader r;
};

struct search {
	bool on;
	char *id, *needle;
	bool icase;
	uint64_t generation, seq, from, total, k;
	int dir;
	uint64_t timer;
};

struct pager {
	struct rt *rt;
	/* the window asked last, read at the next turn */
	char *win_id;
	uint64_t win_generation, win_first, win_timer;
	size_t win_n;
	bool win_pending;
	struct disk win_disk, search_disk;
	struct search s;
};

static void disk_close(struct disk *d)
{
	if (d->open)
		log_reader_close(&d->r);
	d->open = false;
	free(d->id);
	d->id = NULL;
}

/* The reader for b, or NULL when its log is not on disk. */
static struct log_reader *disk_for(struct disk *d, const struct log_buffer *b)
{
	if (!b->disk_path)
		return NULL;
	if (d->open && !strcmp(d->id, b->id) && d->generation == b->generation)
		return &d->r;
	disk_close(d);
	log_reader_open(&d->r, b->disk_path, b->times_path);
	d->open = true;
	d->id = xstrdup(b->id);
	d->generation = b->generation;
	return &d->r;
}

static const struct log_buffer *find(struct pager *p, const char *id, uint64_t generation)
{
	const struct log_buffer *b = store_log_find(&p->rt->store->logs, id);

	return b && b->generation == generation ? b : NULL;
}

/* ---- the window */

static void window_turn(void *ctx)
{
	struct pager *p = ctx;
	const struct log_buffer *b = find(p, p->win_id, p->win_generation);
	struct log_reader *r = b ? disk_for(&p->win_disk, b) : NULL;
	struct log_read_line *read;
	struct store_event ev = { .domain = STORE_LOG };
	size_t got = 0;

	p->win_pending = false;
	p->win_timer = 0;
	p->rt->work_pending--;
	if (!b)
		return;
	read = xcalloc(p->win_n ? p->win_n : 1, sizeof *read);
	if (r)
		got = log_reader_lines(r, p->win_first, p->win_n, b->closed, read);
	ev.log = (struct log_event){ .type = LOG_EV_WINDOW, .id = xstrdup(b->id),
				     .generation = b->generation, .first = p->win_first,
				     .lines = got ? xcalloc(got, sizeof *ev.log.lines) : NULL,
				     .nlines = got };
	for (size_t i = 0; i < got; i++)
		ev.log.lines[i] = (struct log_line){ .text = read[i].text, .cut = read[i].cut,
						     .time_ms = read[i].time_ms };
	free(read);
	rt_apply(p->rt, &ev);
}

static void want_window(void *ctx, struct rt *rt, const char *id, uint64_t first, size_t n)
{
	struct pager *p = ctx;
	const struct log_buffer *b = store_log_find(&rt->store->logs, id);

	if (!b)
		return;
	/* the newest request wins: the pane shows only one place at a time */
	free(p->win_id);
	p->win_id = xstrdup(id);
	p->win_generation = b->generation;
	p->win_first = first;
	p->win_n = n < WINDOW_MAX ? n : WINDOW_MAX;
	if (p->win_pending)
		return;
	p->win_pending = true;
	rt->work_pending++;
	p->win_timer = loop_timer_add(rt->loop, 0, window_turn, p);
}

/* ---- the search: plain text (no colours), case-insensitive unless the
 * needle has a capital */

static bool matches(const struct search *s, const char *text)
{
	struct strbuf plain = { 0 };
	bool hit;

	text_sanitize(text, strlen(text), &plain, 0);
	hit = text_find(sb_str(&plain), s->needle, s->icase) != NULL;
	sb_free(&plain);
	return hit;
}

static void search_stop(struct pager *p)
{
	struct search *s = &p->s;

	if (!s->on)
		return;
	if (s->timer)
		loop_timer_cancel(p->rt->loop, s->timer);
	p->rt->work_pending--;      /* taken once when it started */
	free(s->id);
	free(s->needle);
	*s = (struct search){ 0 };
}

static void post(struct pager *p, enum log_search_state state, uint64_t hit, bool wrapped)
{
	struct store_event ev = { .domain = STORE_LOG };

	ev.log = (struct log_event){ .type = LOG_EV_SEARCH, .id = xstrdup(p->s.id),
				     .generation = p->s.generation,
				     .search = { .seq = p->s.seq, .state = state,
						 .scanned = p->s.k, .hit = hit,
						 .wrapped = wrapped } };
	rt_apply(p->rt, &ev);
}

/* Line number of the k-th line looked at, round past the edge. */
static uint64_t nth(const struct search *s, uint64_t k)
{
	if (s->dir > 0)
		return (s->from + k) % s->total;
	return k <= s->from ? s->from - k : s->from + s->total - k;
}

static bool wrapped_at(const struct search *s, uint64_t k)
{
	return s->dir > 0 ? s->from + k >= s->total : k > s->from;
}

/* Looks at up to budget lines from the k-th on, never across the edge;
 * returns how many it looked at, *hit_k set on a match. */
static uint64_t scan(struct pager *p, const struct log_buffer *b, uint64_t budget,
		     uint64_t *hit_k)
{
	struct search *s = &p->s;
	uint64_t n = nth(s, s->k), seg = s->dir > 0 ? s->total - n : n + 1;
	struct log_reader *r;
	struct log_read_line *read;
	size_t got;

	if (seg > budget)
		seg = budget;
	if (seg > s->total - s->k)
		seg = s->total - s->k;
	if (log_buffer_at(b, n)) {
		for (uint64_t i = 0; i < seg; i++) {
			const struct log_line *l = log_buffer_at(b, s->dir > 0 ? n + i : n - i);

			if (!l)
				return i;
			if (matches(s, l->text)) {
				*hit_k = s->k + i;
				return i + 1;
			}
		}
		return seg;
	}
	/* older than memory: from the file */
	if (n >= b->dropped)
		return 1;           /* neither (cannot be): skip it */
	if (s->dir > 0 && seg > b->dropped - n)
		seg = b->dropped - n;
	r = disk_for(&p->search_disk, b);
	if (!r)
		return seg;
	read = xcalloc((size_t)seg, sizeof *read);
	got = log_reader_lines(r, s->dir > 0 ? n : n + 1 - seg, (size_t)seg, b->closed, read);
	for (uint64_t i = 0; i < got && *hit_k == UINT64_MAX; i++) {
		uint64_t at = s->dir > 0 ? i : got - 1 - i;

		if (matches(s, read[at].text))
			*hit_k = s->k + i + (s->dir > 0 ? 0 : seg - got);
	}
	log_read_lines_free(read, got);
	free(read);
	if (*hit_k != UINT64_MAX)
		return *hit_k - s->k + 1;
	return seg;
}

static void search_turn(void *ctx)
{
	struct pager *p = ctx;
	struct search *s = &p->s;
	const struct log_buffer *b = find(p, s->id, s->generation);
	uint64_t budget = TURN_LINES, hit_k = UINT64_MAX;

	s->timer = 0;
	if (!b) {
		search_stop(p);
		return;
	}
	while (budget && s->k < s->total && hit_k == UINT64_MAX) {
		uint64_t done = scan(p, b, budget, &hit_k);

		s->k += done;
		budget = done < budget ? budget - done : 0;
	}
	if (hit_k != UINT64_MAX) {
		bool wrapped = wrapped_at(s, hit_k);

		if (wrapped)
			rt_message(p->rt, STATUS_INFO, "search wrapped to the %s",
				   s->dir > 0 ? "top" : "bottom");
		post(p, LOG_SEARCH_FOUND, nth(s, hit_k), wrapped);
		search_stop(p);
	} else if (s->k >= s->total) {
		char *safe = text_safe(s->needle);

		rt_message(p->rt, STATUS_WARN, "/%s: not found", safe);
		free(safe);
		post(p, LOG_SEARCH_MISSING, 0, false);
		search_stop(p);
	} else {
		post(p, LOG_SEARCH_RUNNING, 0, false);
		s->timer = loop_timer_add(p->rt->loop, 0, search_turn, p);
	}
}

static void want_search(void *ctx, struct rt *rt, const char *id, uint64_t seq,
			const char *needle, uint64_t from, int dir)
{
	struct pager *p = ctx;
	const struct log_buffer *b = store_log_find(&rt->store->logs, id);
	struct search *s = &p->s;

	search_stop(p);
	if (!b)
		return;
	*s = (struct search){ .on = true, .id = xstrdup(id), .needle = xstrdup(needle),
			      .icase = text_smartcase(needle), .generation = b->generation,
			      .seq = seq, .total = log_buffer_total(b), .dir = dir > 0 ? 1 : -1 };
	s->from = from < s->total ? from : s->total ? s->total - 1 : 0;
	rt->work_pending++;
	s->timer = loop_timer_add(rt->loop, 0, search_turn, p);
}

static void cancel(void *ctx, struct rt *rt, const char *id)
{
	struct pager *p = ctx;

	(void)rt;
	if (p->s.on && (!id || !strcmp(p->s.id, id)))
		search_stop(p);
}

void ci_log_pager_start(struct rt *rt)
{
	struct pager *p = xcalloc(1, sizeof *p);

	p->rt = rt;
	rt->log_pager = (struct log_pager){ .window = want_window, .search = want_search,
					    .cancel = cancel, .ctx = p };
}

void ci_log_pager_stop(struct rt *rt)
{
	struct pager *p = rt->log_pager.ctx;

	if (!p)
		return;
	search_stop(p);
	if (p->win_pending) {
		loop_timer_cancel(rt->loop, p->win_timer);
		rt->work_pending--;
	}
	disk_close(&p->win_disk);
	disk_close(&p->search_disk);
	free(p->win_id);
	free(p);
	rt->log_pager = (struct log_pager){ 0 };
}
