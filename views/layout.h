/* Where the panes go for a terminal size: side by side when wide, stacked
 * when narrow, one pane when zoomed. Pure arithmetic, tested without curses. */
#ifndef SHIPDECK_VIEWS_LAYOUT_H
#define SHIPDECK_VIEWS_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "action/panes.h"      /* PANE_* */

enum { LAYOUT_MIN_COLS = 40, LAYOUT_MIN_LINES = 12, LAYOUT_WIDE_COLS = 120 };

struct rect {
	int y, x, h, w;             /* h includes the pane's title line */
};

struct layout {
	bool too_small;
	bool wide;
	struct rect pane[PANE_COUNT];   /* h == 0: not shown */
	struct rect status;
	int separator_x;            /* column of the vertical rule, -1 when none */
	int separator_y, separator_h;
};

/* zoomed: a PANE_* index, or -1. */
void layout_compute(struct layout *l, int cols, int lines, int zoomed);
/* The same, by content: want[p] is the lines pane p would fill (its title
 * included), or < 0 for as many as it gets (a log). Rows go first to the
 * panes that would fill them, in turns, so that no pane keeps empty rows
 * while another cuts its own; what nobody wants goes to the log (and, on
 * the right of a wide screen, to the canary pane at the bottom). want
 * NULL: all fill. */
void layout_compute_by_content(struct layout *l, int cols, int lines, int zoomed,
			       const int *want);
/* "pipeline 0,0 13x48; …; status 49,0 1x200" for tests. */
void layout_describe(const struct layout *l, char *buf, size_t size);

#endif
