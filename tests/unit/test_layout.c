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
		   "pipeline 0,0 80x25; log 25,0 80x24; images 23,81 119x13; rollout 0,81 119x23; "
		   "canary 36,81 119x13; status 49,0 200x1",
		   "wide: side by side, the right by rank, the rollout two rows a turn");
	tap_is_str(describe(80, 24, -1),
		   "pipeline 0,0 80x4; log 4,0 80x4; images 8,0 80x4; rollout 12,0 80x7; "
		   "canary 19,0 80x4; status 23,0 80x1", "narrow: stacked, the rollout first");
	{
		/* the demo at 200x50: a build of 5 steps, a short log, 3 tags, a
		 * deployment of 16 lines, a canary of 6: nobody keeps empty rows
		 * while another cuts, the rest goes to the log and to the bottom */
		int want[PANE_COUNT] = { [PANE_PIPELINE] = 8, [PANE_LOG] = 5, [PANE_IMAGES] = 9,
					 [PANE_ROLLOUT] = 17, [PANE_CANARY] = 7 };
		struct layout l;
		char buf[512];

		layout_compute_by_content(&l, 200, 50, -1, want);
		layout_describe(&l, buf, sizeof buf);
		tap_is_str(buf, "pipeline 0,0 80x8; log 8,0 80x41; images 17,81 119x9; "
			   "rollout 0,81 119x17; canary 26,81 119x23; status 49,0 200x1",
			   "by content: each pane its lines, the spare to the log and the bottom");
		want[PANE_ROLLOUT] = 40;
		want[PANE_IMAGES] = 30;
		want[PANE_CANARY] = 20;
		layout_compute_by_content(&l, 200, 50, -1, want);
		layout_describe(&l, buf, sizeof buf);
		tap_is_str(buf, "pipeline 0,0 80x8; log 8,0 80x41; images 23,81 119x13; "
			   "rollout 0,81 119x23; canary 36,81 119x13; status 49,0 200x1",
			   "by content: too much for all, turns share it");
		want[PANE_CANARY] = 4;
		layout_compute_by_content(&l, 80, 24, -1, want);
		layout_describe(&l, buf, sizeof buf);
		tap_is_str(buf, "pipeline 0,0 80x4; log 4,0 80x4; images 8,0 80x4; rollout 12,0 80x7; "
			   "canary 19,0 80x4; status 23,0 80x1", "stacked by content");
	}
	tap_is_str(describe(200, 50, 3), "rollout 0,0 200x49; status 49,0 200x1", "zoomed");
	tap_is_str(describe(20, 6, -1), "too small", "too small");
	tap_is_str(describe(39, 30, -1), "too small", "too narrow");
	tap_is_str(describe(40, 12, -1),
		   "pipeline 0,0 40x2; log 2,0 40x2; images 4,0 40x2; rollout 6,0 40x3; "
		   "canary 9,0 40x2; status 11,0 40x1", "the minimum fits every pane");
	for (int w = 40; w <= 300; w += 7)
		for (int h = 12; h <= 120; h += 5) {
			struct layout l;
			int area = 0, shown = 0;

			layout_compute(&l, w, h, -1);
			for (int p = 0; p < PANE_COUNT; p++) {
				area += l.pane[p].w * l.pane[p].h;
				shown += l.pane[p].h >= 2;   /* every pane of the list has its
							      * place from its line */
			}
			if (l.separator_x >= 0)
				area += l.separator_h;
			if (l.wide && l.pane[PANE_CANARY].x > l.pane[PANE_IMAGES].x)
				area += l.pane[PANE_IMAGES].h;   /* the gap column */
			if (area != w * (h - 1) || shown != PANE_COUNT) {
				tap_ok(0, "every pane shown, tiling the screen");
				printf("#   at %dx%d\n", w, h);
				return tap_done();
			}
		}
	tap_ok(1, "every pane shown, tiling the screen, at every size");
	return tap_done();
}
