/* The confirm dialog: names exactly what will change, y confirms, n or Esc
 * cancels. */
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/xalloc.h"

#include "views/colors.h"
#include "views/ui_internal.h"

void confirm_open(struct rt *rt, struct action_req *req)
{
	struct ui *ui = app_of(rt)->ui;

	if (ui->confirm_req)   /* one question at a time: the older one is cancelled */
		gate_answer(rt, ui->confirm_req, false);
	ui->confirm_req = req;
	ui->confirm_stage = 0;
	ui->modal = MODAL_CONFIRM;
	ui->dirty = true;
}

/* One paragraph of the dialog, wrapped; returns the rows it took (all of
 * them when counting: c NULL). */
static int para(struct view_ctx *c, int width, int y, int max, enum role role, const char *text)
{
	if (!c)
		return draw_words_count(width, text);
	return max > 0 ? draw_words(c, y, max, role, text) : 0;
}

/* The dialog's text, from row y; counts when c is NULL. Details beyond
 * the room are left out with a line that says so. */
static int body(struct ui *ui, struct view_ctx *c, int width, int room)
{
	const struct action_req *req = ui->confirm_req;
	char *q = req->question ? NULL : xasprintf("%s %s?", action_info(req->action)->help,
						   req->target);
	char *from = req->from ? xasprintf("  from: %s", req->from) : NULL;
	char *to = req->to ? xasprintf("  to:   %s", req->to) : NULL;
	int y = 0;

	y += para(c, width, y, room - y, ROLE_NORMAL, req->question ? req->question : q);
	if (from)
		y += para(c, width, y, room - y, ROLE_NORMAL, from);
	if (to)
		y += para(c, width, y, room - y, ROLE_OK, to);
	for (size_t i = 0; i < req->ndetails; i++) {
		const char *d = req->details[i];
		enum role role = d[0] == '-' ? ROLE_FAIL : d[0] == '+' ? ROLE_OK : ROLE_MUTED;
		char *line = xasprintf("  %s", d);
		int n = para(NULL, width, 0, 0, role, line);

		if (c && y + n > room - 1 && i + 1 < req->ndetails) {
			draw_textf(c, y++, 1, ROLE_MUTED, "  … and %zu more lines",
				   req->ndetails - i);
			free(line);
			break;
		}
		y += para(c, width, y, room - y, role, line);
		free(line);
	}
	free(q);
	free(from);
	free(to);
	return y;
}

void confirm_draw(struct ui *ui)
{
	const struct action_req *req = ui->confirm_req;
	int w = ui->cols - 4 < 100 ? ui->cols - 4 : 100, inner = w - 2;
	int second = ui->confirm_stage == 1 ? draw_words_count(inner, req->second_question) : 0;
	int h = 2 + body(ui, NULL, inner, 1 << 20) + 1 + (second ? second + 1 : 0) + 1;
	struct view_ctx box, c;
	int y;

	if (h > ui->lines - 2)
		h = ui->lines - 2;
	box = (struct view_ctx){ .y0 = (ui->lines - h) / 2, .x0 = (ui->cols - w) / 2, .width = w,
				 .height = h };
	for (y = 0; y < h; y++)
		draw_row_fill(&box, y, ROLE_NORMAL);
	/* a box: the dialog stands out from the panes behind it */
	rule_horizontal(box.y0, box.x0, w, ROLE_BORDER);
	rule_horizontal(box.y0 + h - 1, box.x0, w, ROLE_BORDER);
	rule_vertical(box.y0, box.x0, h, ROLE_BORDER);
	rule_vertical(box.y0, box.x0 + w - 1, h, ROLE_BORDER);
	draw_text(&box, 0, 0, ROLE_BORDER, "\xe2\x94\x8c");
	draw_text(&box, 0, w - 1, ROLE_BORDER, "\xe2\x94\x90");
	draw_text(&box, h - 1, 0, ROLE_BORDER, "\xe2\x94\x94");
	draw_text(&box, h - 1, w - 1, ROLE_BORDER, "\xe2\x94\x98");
	draw_textf(&box, 0, 2, ROLE_TITLE, " %s %s ", action_info(req->action)->name, req->target);
	c = (struct view_ctx){ .y0 = box.y0 + 1, .x0 = box.x0 + 1, .width = inner,
			       .height = h - 2 };
	body(ui, &c, inner, h - 4 - (second ? second + 1 : 0));
	if (second) {
		draw_words(&c, h - 4 - second, second, ROLE_WARN, req->second_question);
		draw_text(&c, h - 3, 1, ROLE_WARN, "[y] yes  [n] no");
	} else {
		draw_text(&c, h - 3, 1, ROLE_WARN, "[y] confirm   [n] cancel");
	}
}

void confirm_key(struct ui *ui, int key)
{
	struct action_req *req = ui->confirm_req;

	ui->dirty = true;
	if (key == 'y' || key == 'Y') {
		if (req->second_question && ui->confirm_stage == 0) {
			ui->confirm_stage = 1;
			return;
		}
		ui->confirm_req = NULL;
		ui->modal = MODAL_NONE;
		gate_answer(&ui->app->rt, req, true);
	} else if (key == 'n' || key == 'N' || key == KEYC_ESC || key == 'q') {
		ui->confirm_req = NULL;
		ui->modal = MODAL_NONE;
		gate_answer(&ui->app->rt, req, false);
	}
}
