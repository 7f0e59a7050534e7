/* Which columns fit a width, and where they go (views/columns.c). */
#include <stdio.h>

#include "tap.h"
#include "views/columns.h"

static const struct column cols[] = {
	{ "NAME", 10, 0 }, { "A", 4, 2 }, { "B", 4, 1 }, { "C", 4, 2 }, { "D", 0, 0 },
};
enum { N = sizeof cols / sizeof *cols };

/* "x x x x x" for the columns' places at width (gap 1, from 1) */
static const char *places(int width)
{
	static char buf[64];
	bool on[N];
	int at[N], len = 0;

	columns_fit(cols, N, width, 1, on);
	columns_place(cols, N, on, 1, 1, at);
	for (int i = 0; i < N; i++)
		len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%d", i ? " " : "", at[i]);
	return buf;
}

int main(void)
{
	bool on[N];

	tap_is_str(places(30), "1 12 17 22 -1", "all fit; a column of no width is not shown");
	tap_is_str(places(26), "1 12 17 22 -1", "the gap after the last counts");
	tap_is_str(places(25), "1 -1 12 17 -1",
		   "the highest priority goes first, the first of equals");
	tap_is_str(places(16), "1 -1 12 -1 -1", "then the next of equals");
	tap_is_str(places(15), "1 -1 -1 -1 -1", "then the lower priorities");
	tap_is_int(columns_fit(cols, N, 5, 1, on), 11,
		   "priority 0 stays even when it does not fit");
	return tap_done();
}
