#include "views/layout.h"

#include <stdio.h>
#include <string.h>

static const char *const pane_names[PANE_COUNT] = {
	"pipeline", "log", "images", "rollout", "canary"
};

static struct rect rect(int y, int x, int h, int w)
{
	return (struct rect){ y, x, h, w };
}

/* Wide: the delivery reads left to right — pipeline and its log on the left,
 * the cluster (rollout above, images and canary below) on the right. */
static void wide(struct layout *l, int cols, int rows)
{
	int left_w = cols * 2 / 5, right_x = left_w + 1, right_w = cols - right_x;
	int pipe_h = rows * 2 / 5, roll_h = rows / 2;

	l->wide = true;
	l->separator_x = left_w;
	l->separator_y = 0;
	l->separator_h = rows;
	l->pane[PANE_PIPELINE] = rect(0, 0, pipe_h, left_w);
	l->pane[PANE_LOG] = rect(pipe_h, 0, rows - pipe_h, left_w);
	l->pane[PANE_ROLLOUT] = rect(0, right_x, roll_h, right_w);
	if (right_w >= 80) {
		int images_w = right_w / 2;

		l->pane[PANE_IMAGES] = rect(roll_h, right_x, rows - roll_h, images_w);
		l->pane[PANE_CANARY] = rect(roll_h, right_x + images_w + 1, rows - roll_h,
					    right_w - images_w - 1);
	} else {
		int images_h = (rows - roll_h) / 2;

		l->pane[PANE_IMAGES] = rect(roll_h, right_x, images_h, right_w);
		l->pane[PANE_CANARY] = rect(roll_h + images_h, right_x, rows - roll_h - images_h,
					    right_w);
	}
}

/* Narrow: stacked in delivery order; spare lines go to rollout and log. */
static void stacked(struct layout *l, int cols, int rows)
{
	static const int order[PANE_COUNT] = { PANE_PIPELINE, PANE_LOG, PANE_IMAGES,
					       PANE_ROLLOUT, PANE_CANARY };
	int h[PANE_COUNT], base = rows / PANE_COUNT, spare = rows % PANE_COUNT, y = 0;

	for (int i = 0; i < PANE_COUNT; i++)
		h[i] = base;
	for (int i = 0; spare > 0; i = (i + 1) % 2, spare--)
		h[i == 0 ? PANE_ROLLOUT : PANE_LOG]++;
	for (int i = 0; i < PANE_COUNT; i++) {
		int p = order[i];

		l->pane[p] = rect(y, 0, h[p], cols);
		y += h[p];
	}
}

void layout_compute(struct layout *l, int cols, int lines, int zoomed)
{
	int rows = lines - 1;

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
		wide(l, cols, rows);
	else
		stacked(l, cols, rows);
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
