/* Which of a table's columns fit a pane's width, and where they go: each
 * column has a width and a priority, and a narrow pane drops the highest
 * priorities first. Arithmetic only, no drawing. */
#ifndef SHIPDECK_VIEWS_COLUMNS_H
#define SHIPDECK_VIEWS_COLUMNS_H

#include <stdbool.h>

struct column {
	const char *title;          /* the header's text, NULL when the table draws its own */
	int width;                  /* 0: not shown at all */
	int priority;               /* 0: always shown; the highest is dropped first */
};

/* on[i] for each column kept: all of a width, then, while they (each
 * followed by gap) take more than width, the one of the highest priority
 * (the first of equals) is dropped. Returns the width the kept ones take,
 * which is more than width when the columns of priority 0 do not fit. */
int columns_fit(const struct column *cols, int n, int width, int gap, bool *on);

/* at[i]: where kept column i starts, from x, each followed by gap; -1 for
 * the others. */
void columns_place(const struct column *cols, int n, const bool *on, int x, int gap, int *at);

#endif
