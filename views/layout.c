#include "views/layout.h"

#include <stdio.h>
#include <string.h>

static const char *const pane_names[PANE_COUNT] = {
#define PANE_NAME(A, id, name, key, help) [PANE_##id] = #name,
	SHIPDECK_PANES(PANE_NAME, )
#undef PANE_NAME
};

static struct rect rect(int y, int x, int h, int w)
{
	return (struct rect){ y, x, h, w };
}

/* Shares total rows among n panes: each gets min, then one more row each
 * turn (turns lists panes in order; a pane listed twice gets two rows a
 * round) while it wants more, until the rows run out; once no pane wants
 * more, the rest goes to fill. */
static void share(int total, int n, const int *panes, int nturns, const int *turns,
		  const int *want, int min, int fill, int *h)
{
	int left = total - n * min;

	for (int i = 0; i < n; i++)
		h[panes[i]] = min;
	while (left > 0) {
		bool gave = false;

		for (int i = 0; i < nturns && left > 0; i++) {
			int p = turns[i];

			if (want[p] < 0 || h[p] < want[p]) {
				h[p]++;
				left--;
				gave = true;
			}
		}
		if (!gave) {
			h[fill] += left;
			left = 0;
		}
	}
}

/* Wide: the delivery reads left to right — pipeline and its log on the left,
 * the cluster (rollout, image tags, canary, one above the other at the
 * whole width, whose rows need it) on the right. */
static void wide(struct layout *l, int cols, int rows, const int *want)
{
	static const int left[] = { PANE_PIPELINE, PANE_LOG };
	static const int right[] = { PANE_ROLLOUT, PANE_CANARY, PANE_IMAGES };
	int left_w = cols * 2 / 5, right_x = left_w + 1, right_w = cols - right_x;
	int h[PANE_COUNT] = { 0 }, y = 0;

	l->wide = true;
	l->separator_x = left_w;
	l->separator_y = 0;
	l->separator_h = rows;
	share(rows, 2, left, 2, left, want, 3, PANE_LOG, h);
	l->pane[PANE_PIPELINE] = rect(0, 0, h[PANE_PIPELINE], left_w);
	l->pane[PANE_LOG] = rect(h[PANE_PIPELINE], 0, h[PANE_LOG], left_w);
	/* rows nobody fills go to the bottom: the panes above stay packed */
	share(rows, 3, right, 3, right, want, 3, PANE_CANARY, h);
	l->pane[PANE_ROLLOUT] = rect(y, right_x, h[PANE_ROLLOUT], right_w);
	y += h[PANE_ROLLOUT];
	l->pane[PANE_IMAGES] = rect(y, right_x, h[PANE_IMAGES], right_w);
	y += h[PANE_IMAGES];
	l->pane[PANE_CANARY] = rect(y, right_x, h[PANE_CANARY], right_w);
}

/* Narrow: stacked in delivery order; rows by content, the rest to the log. */
static void stacked(struct layout *l, int cols, int rows, const int *want)
{
	static const int order[PANE_COUNT] = { PANE_PIPELINE, PANE_LOG, PANE_IMAGES,
					       PANE_ROLLOUT, PANE_CANARY };
	/* the rollout, where a deploy is watched, twice a round */
	static const int turns[] = { PANE_ROLLOUT, PANE_CANARY, PANE_ROLLOUT, PANE_IMAGES,
				     PANE_PIPELINE, PANE_LOG };
	int h[PANE_COUNT], y = 0;

	share(rows, PANE_COUNT, order, (int)(sizeof turns / sizeof *turns), turns, want, 2,
	      PANE_LOG, h);
	for (int i = 0; i < PANE_COUNT; i++) {
		int p = order[i];

		l->pane[p] = rect(y, 0, h[p], cols);
		y += h[p];
	}
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
