#include "views/layout.h"

#include <stdio.h>
#include <string.h>

static const char *const pane_names[PANE_COUNT] = {
#define PANE_NAME(A, id, name, ...) [PANE_##id] = #name,
	SHIPDECK_PANES(PANE_NAME, )
#undef PANE_NAME
};

enum { SIDE_LEFT, SIDE_RIGHT };

/* Where each pane goes, from its line in the pane list. */
static const struct place {
	int side, rank, turns;
} places[PANE_COUNT] = {
#define PANE_PLACE(A, id, name, key, help, side, rank, turns) \
	[PANE_##id] = { SIDE_##side, rank, turns },
	SHIPDECK_PANES(PANE_PLACE, )
#undef PANE_PLACE
};

/* A set of panes that shares one column's rows. */
struct column {
	int n;
	int pane[PANE_COUNT];       /* in list order */
	int ranked[PANE_COUNT];     /* by rank: the order rows are handed out in */
};

static struct column column_of(bool all, int side)
{
	struct column c = { 0 };

	for (int p = 0; p < PANE_COUNT; p++)
		if (all || places[p].side == side)
			c.pane[c.n++] = p;
	for (int i = 0; i < c.n; i++) {
		int j = i;

		while (j > 0 && places[c.ranked[j - 1]].rank > places[c.pane[i]].rank) {
			c.ranked[j] = c.ranked[j - 1];
			j--;
		}
		c.ranked[j] = c.pane[i];
	}
	return c;
}

static struct rect rect(int y, int x, int h, int w)
{
	return (struct rect){ y, x, h, w };
}

/* Shares total rows among a column's panes: each gets min, then, by rank,
 * each takes up to its turns rows a round while it wants more, until the
 * rows run out; once no pane wants more, the rest goes to the pane ranked
 * last. */
static void share(int total, const struct column *c, const int *want, int min, int *h)
{
	int left = total - c->n * min;

	for (int i = 0; i < c->n; i++)
		h[c->pane[i]] = min;
	while (left > 0) {
		bool gave = false;

		for (int i = 0; i < c->n && left > 0; i++) {
			int p = c->ranked[i];

			for (int t = 0; t < places[p].turns && left > 0; t++)
				if (want[p] < 0 || h[p] < want[p]) {
					h[p]++;
					left--;
					gave = true;
				}
		}
		if (!gave) {
			h[c->ranked[c->n - 1]] += left;
			left = 0;
		}
	}
}

/* The column's panes one under the other, from y = 0, in the given order. */
static void stack(struct layout *l, const int *order, int n, int x, int w, const int *h)
{
	int y = 0;

	for (int i = 0; i < n; i++) {
		l->pane[order[i]] = rect(y, x, h[order[i]], w);
		y += h[order[i]];
	}
}

/* Narrow: stacked in the list's (the delivery's) order. */
static void stacked(struct layout *l, int cols, int rows, const int *want)
{
	struct column all = column_of(true, 0);
	int h[PANE_COUNT];

	share(rows, &all, want, 2, h);
	stack(l, all.pane, all.n, 0, cols, h);
}

/* Wide: the delivery reads left to right — pipeline and its log on the left,
 * the cluster (rollout, image tags, canary, one above the other at the
 * whole width, whose rows need it) on the right; in each column by rank,
 * so the pane taking the spare rows sits at the bottom and the panes above
 * stay packed. */
static void wide(struct layout *l, int cols, int rows, const int *want)
{
	struct column left = column_of(false, SIDE_LEFT), right = column_of(false, SIDE_RIGHT);
	int left_w = cols * 2 / 5, right_x = left_w + 1, right_w = cols - right_x;
	int h[PANE_COUNT] = { 0 };

	if (!left.n || !right.n) {      /* one column: no sides to set apart */
		stacked(l, cols, rows, want);
		return;
	}
	l->wide = true;
	l->separator_x = left_w;
	l->separator_y = 0;
	l->separator_h = rows;
	share(rows, &left, want, 3, h);
	stack(l, left.ranked, left.n, 0, left_w, h);
	share(rows, &right, want, 3, h);
	stack(l, right.ranked, right.n, right_x, right_w, h);
}

void layout_compute_by_content(struct layout *l, int cols, int lines, int zoomed,
			       const int *want)
{
	int fill[PANE_COUNT], rows = lines - 1;

	for (int p = 0; p < PANE_COUNT; p++)
		fill[p] = -1;

	memset(l, 0, sizeof *l);
	l->separator_x = -1;
	if (cols < LAYOUT_MIN_COLS || lines < LAYOUT_MIN_LINES) {
		l->too_small = true;
		return;
	}
	l->status = rect(lines - 1, 0, 1, cols);
	if (zoomed >= 0 && zoomed < PANE_COUNT)
		l->pane[zoomed] = rect(0, 0, rows, cols);
	else if (cols >= LAYOUT_WIDE_COLS)
		wide(l, cols, rows, want ? want : fill);
	else
		stacked(l, cols, rows, want ? want : fill);
}

void layout_compute(struct layout *l, int cols, int lines, int zoomed)
{
	layout_compute_by_content(l, cols, lines, zoomed, NULL);
}

void layout_describe(const struct layout *l, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (l->too_small) {
		snprintf(buf, size, "too small");
		return;
	}
	for (int i = 0; i < PANE_COUNT && n < size; i++) {
		const struct rect *r = &l->pane[i];

		if (!r->h)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s %d,%d %dx%d; ", pane_names[i], r->y,
				      r->x, r->w, r->h);
	}
	if (n < size)
		snprintf(buf + n, size - n, "status %d,%d %dx%d", l->status.y, l->status.x,
			 l->status.w, l->status.h);
}
