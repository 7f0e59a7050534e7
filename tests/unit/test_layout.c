/* Pane layout as text, without a terminal (as neomutt tests its windows). */
#include "tap.h"
#include "views/layout.h"

static const char *describe(int cols, int lines, int zoomed)
{
	static char buf[512];
	struct layout l;

	layout_compute(&l, cols, lines, zoomed);
	layout_describe(&l, buf, sizeof buf);
	return buf;
}

int main(void)
{
	tap_is_str(describe(200, 50, -1),
		   "pipeline 0,0 80x19; log 19,0 80x30; images 24,81 59x25; rollout 0,81 119x24; "
		   "canary 24,141 59x25; status 49,0 200x1", "wide: side by side");
	tap_is_str(describe(80, 24, -1),
		   "pipeline 0,0 80x4; log 4,0 80x5; images 9,0 80x4; rollout 13,0 80x6; "
		   "canary 19,0 80x4; status 23,0 80x1", "narrow: stacked");
	tap_is_str(describe(200, 50, 3), "rollout 0,0 200x49; status 49,0 200x1", "zoomed");
	tap_is_str(describe(20, 6, -1), "too small", "too small");
	tap_is_str(describe(39, 30, -1), "too small", "too narrow");
	tap_is_str(describe(40, 12, -1),
		   "pipeline 0,0 40x2; log 2,0 40x2; images 4,0 40x2; rollout 6,0 40x3; "
		   "canary 9,0 40x2; status 11,0 40x1", "the minimum fits every pane");
	for (int w = 40; w <= 300; w += 7)
		for (int h = 12; h <= 120; h += 5) {
			struct layout l;
			int area = 0;

			layout_compute(&l, w, h, -1);
			for (int p = 0; p < PANE_COUNT; p++)
				area += l.pane[p].w * l.pane[p].h;
			if (l.separator_x >= 0)
				area += l.separator_h;
			if (l.wide && l.pane[PANE_CANARY].x > l.pane[PANE_IMAGES].x)
				area += l.pane[PANE_IMAGES].h;   /* the gap column */
			if (area != w * (h - 1) || l.pane[PANE_LOG].h < 2) {
				tap_ok(0, "panes tile the screen");
				printf("#   at %dx%d\n", w, h);
				return tap_done();
			}
		}
	tap_ok(1, "panes tile the screen at every size");
	return tap_done();
}
