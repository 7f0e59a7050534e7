/* The confirm dialog: names exactly what will change, y confirms, n or Esc
 * cancels. */
#include <string.h>

#include "util/text.h"

#include "views/colors.h"
#include "views/ui_internal.h"

void confirm_open(struct app *app, struct action_req *req)
{
	struct ui *ui = app->ui;

	if (ui->confirm_req)   /* one question at a time: the older one is cancelled */
		gate_answer(app, ui->confirm_req, false);
	ui->confirm_req = req;
	ui->confirm_stage = 0;
	ui->modal = MODAL_CONFIRM;
	ui->dirty = true;
}

void confirm_draw(struct ui *ui)
{
	const struct action_req *req = ui->confirm_req;
	int w = ui->cols - 4 < 90 ? ui->cols - 4 : 90;
	int h = 6 + (req->from ? 1 : 0) + (req->to ? 1 : 0) + (int)req->ndetails;
	struct view_ctx c;
	int row = 1;

	if (ui->confirm_stage == 1)
		h += 2;   /* room for a second question of two lines */

	if (h > ui->lines - 2)
		h = ui->lines - 2;
	c = (struct view_ctx){ .y0 = (ui->lines - h) / 2, .x0 = (ui->cols - w) / 2, .width = w,
			       .height = h };
	for (int y = 0; y < h; y++)
		draw_row_fill(&c, y, ROLE_NORMAL);
	rule_horizontal(c.y0, c.x0, w, ROLE_BORDER);
	rule_horizontal(c.y0 + h - 1, c.x0, w, ROLE_BORDER);
	draw_textf(&c, 0, 1, ROLE_TITLE, " %s %s ", action_info(req->action)->name, req->target);
	if (req->question)
		draw_text(&c, row++, 1, ROLE_NORMAL, req->question);
	else
		draw_textf(&c, row++, 1, ROLE_NORMAL, "%s %s?", action_info(req->action)->help,
			   req->target);
	if (req->from)
		draw_textf(&c, row++, 1, ROLE_NORMAL, "  from: %s", req->from);
	if (req->to)
		draw_textf(&c, row++, 1, ROLE_OK, "  to:   %s", req->to);
	for (size_t i = 0; i < req->ndetails && row < h - 3; i++) {
		const char *d = req->details[i];
		enum role role = d[0] == '-' ? ROLE_FAIL : d[0] == '+' ? ROLE_OK : ROLE_MUTED;

		draw_textf(&c, row++, 3, role, "%s", d);
	}
	if (ui->confirm_stage == 1) {
		draw_wrapped(&c, h - 4, 2, ROLE_WARN, req->second_question);
		draw_text(&c, h - 2, 1, ROLE_WARN, "[y] yes  [n] no");
	} else
		draw_text(&c, h - 2, 1, ROLE_WARN, "[y] confirm   [n] cancel");
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
		gate_answer(ui->app, req, true);
	} else if (key == 'n' || key == 'N' || key == KEYC_ESC || key == 'q') {
		ui->confirm_req = NULL;
		ui->modal = MODAL_NONE;
		gate_answer(ui->app, req, false);
	}
}
