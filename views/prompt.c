/* The one-line prompt at the bottom: the ':' command line and the questions
 * panes ask (a replica count, a search, an image). */
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "views/chaos.h"
#include "views/colors.h"
#include "views/ui_internal.h"

void prompt_draw(struct ui *ui)
{
	struct view_ctx c = { .y0 = ui->lines - 1, .x0 = 0, .width = ui->cols, .height = 1 };
	int x;

	draw_row_fill(&c, 0, ROLE_NORMAL);
	x = draw_text(&c, 0, 0, ROLE_TITLE, ui->prompt_label);
	x += draw_text(&c, 0, x, ROLE_NORMAL, sb_str(&ui->prompt_text));
	draw_text(&c, 0, x, ROLE_SELECTION, " ");
}

static void finish(struct ui *ui, bool accepted)
{
	const struct view *owner = ui->prompt_owner;
	char *text = accepted ? xstrdup(sb_str(&ui->prompt_text)) : NULL;
	int id = ui->prompt_id;

	ui->modal = MODAL_NONE;
	ui->dirty = true;
	if (!owner) {
		if (text && *text)
			ui_command(ui, text);
	} else {
		for (int p = 0; p < PANE_COUNT; p++) {
			if (ui->panes[p].view == owner && owner->prompt_done) {
				struct view_ctx c = { .app = ui->app, .ui = ui, .sel = &ui->sel,
						      .focused = p == ui->focus };

				owner->prompt_done(ui->panes[p].priv, &c, id, text);
			}
		}
	}
	free(text);
}

/* Removes the last UTF-8 character. */
static void backspace(struct strbuf *sb)
{
	size_t n = sb->len;

	while (n > 0 && ((unsigned char)sb->s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	sb->len = n;
	if (sb->s)
		sb->s[n] = '\0';
}

void prompt_key(struct ui *ui, int key)
{
	ui->dirty = true;
	if (key == KEYC_ENTER) {
		finish(ui, true);
	} else if (key == KEYC_ESC || key == (KEYC_CTRL | 'c') || key == (KEYC_CTRL | 'g')) {
		finish(ui, false);
	} else if (key == KEYC_BACKSPACE) {
		if (!ui->prompt_text.len && !ui->prompt_owner)
			finish(ui, false);
		else
			backspace(&ui->prompt_text);
	} else if (key == (KEYC_CTRL | 'u')) {
		sb_reset(&ui->prompt_text);
	} else if (key >= ' ' && key < KEYC_SPECIAL && key != 127) {
		char utf8[5] = { 0 };
		unsigned k = (unsigned)key;

		if (k < 0x80) {
			utf8[0] = (char)k;
		} else if (k < 0x800) {
			utf8[0] = (char)(0xc0 | (k >> 6));
			utf8[1] = (char)(0x80 | (k & 0x3f));
		} else if (k < 0x10000) {
			utf8[0] = (char)(0xe0 | (k >> 12));
			utf8[1] = (char)(0x80 | ((k >> 6) & 0x3f));
			utf8[2] = (char)(0x80 | (k & 0x3f));
		} else {
			utf8[0] = (char)(0xf0 | (k >> 18));
			utf8[1] = (char)(0x80 | ((k >> 12) & 0x3f));
			utf8[2] = (char)(0x80 | ((k >> 6) & 0x3f));
			utf8[3] = (char)(0x80 | (k & 0x3f));
		}
		if (ui->prompt_text.len < 512)
			sb_puts(&ui->prompt_text, utf8);
	}
}

void ui_command(struct ui *ui, const char *line)
{
	char *copy = xstrdup(line), *name, *arg;
	struct err err;

	name = copy + strspn(copy, " ");
	arg = name + strcspn(name, " ");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " ");
	}
	if (!strcmp(name, "q") || !strcmp(name, "quit")) {
		loop_stop(ui->app->loop);
	} else if (!strcmp(name, "theme")) {
		if (*arg)
			ui_set_theme(ui, arg);
		else
			app_message(ui->app, STATUS_INFO, "theme: %s (:theme NAME to change)",
				    ui->theme.name);
	} else if (!strcmp(name, "chaos")) {
		chaos_view_command(ui, arg);
	} else if (!strcmp(name, "audit")) {
		if (audit_show(ui->app, &err))
			app_message(ui->app, STATUS_ERROR, "%s", err.msg);
		else {
			/* zoomed: an action's line is long; Esc goes back */
			ui_select(ui, &ui->sel.log_id, "audit");
			ui_focus(ui, "log");
			ui->zoomed = ui->focus;
		}
	} else {
		int handled = VIEW_UNHANDLED;

		for (int p = 0; p < PANE_COUNT && handled == VIEW_UNHANDLED; p++) {
			const struct view *v = ui->panes[p].view;
			struct view_ctx c = { .app = ui->app, .ui = ui, .sel = &ui->sel };

			if (v->command)
				handled = v->command(ui->panes[p].priv, &c, name, arg);
		}
		if (handled == VIEW_UNHANDLED) {
			char *safe = text_safe(name);

			app_message(ui->app, STATUS_WARN, "unknown command ':%s' (known: :ctx NAME, "
				    ":ns NAME, :theme NAME, :undo N, :audit, :chaos [FILE], :q)", safe);
			free(safe);
		}
	}
	free(copy);
}
