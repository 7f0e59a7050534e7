/* The one-line prompt at the bottom: the ':' command line and the questions
 * panes ask (a replica count, a search, an image). */
#include <stdlib.h>
#include <string.h>

#include "action/audit.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "views/chaos.h"
#include "views/colors.h"
#include "views/commands.h"
#include "views/ui_internal.h"

static void complete_command(struct ui *ui);

void prompt_draw(struct ui *ui)
{
	struct view_ctx c = { .y0 = ui->lines - 1, .x0 = 0, .width = ui->cols, .height = 1 };
	int x;

	draw_row_fill(&c, 0, ROLE_NORMAL);
	x = draw_text(&c, 0, 0, ROLE_TITLE, ui->prompt_label);
	x += draw_text(&c, 0, x, ROLE_NORMAL, sb_str(&ui->prompt_text));
	x += draw_text(&c, 0, x, ROLE_SELECTION, " ");
	if (ui->prompt_hint[0])
		draw_text(&c, 0, x + 2, ROLE_MUTED, ui->prompt_hint);
}

/* Tells the view that opened the prompt: its answer (done), or the text
 * as it stands after a key (changed). */
static void tell_owner(struct ui *ui, bool done, int id, const char *text)
{
	const struct view *owner = ui->prompt_owner;

	for (int p = 0; p < PANE_COUNT; p++) {
		struct view_ctx c = { .app = ui->app, .ui = ui, .sel = &ui->sel,
				      .focused = p == ui->focus };

		if (ui->panes[p].view != owner)
			continue;
		if (done && owner->prompt_done)
			owner->prompt_done(ui->panes[p].priv, &c, id, text);
		else if (!done && owner->prompt_changed)
			owner->prompt_changed(ui->panes[p].priv, &c, id, text);
	}
}

static void finish(struct ui *ui, bool accepted)
{
	char *text = accepted ? xstrdup(sb_str(&ui->prompt_text)) : NULL;

	ui->modal = MODAL_NONE;
	ui->dirty = true;
	if (!ui->prompt_owner) {
		if (text && *text)
			ui_command(ui, text);
	} else {
		tell_owner(ui, true, ui->prompt_id, text);
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
	size_t before = ui->prompt_text.len;

	ui->dirty = true;
	ui->prompt_hint[0] = '\0';
	if (key == KEYC_ENTER) {
		finish(ui, true);
		return;
	} else if (key == KEYC_ESC || key == (KEYC_CTRL | 'c') || key == (KEYC_CTRL | 'g')) {
		finish(ui, false);
		return;
	} else if (key == KEYC_BACKSPACE) {
		if (!ui->prompt_text.len && !ui->prompt_owner) {
			finish(ui, false);
			return;
		}
		backspace(&ui->prompt_text);
	} else if (key == (KEYC_CTRL | 'u')) {
		sb_reset(&ui->prompt_text);
	} else if (key == KEYC_TAB) {
		complete_command(ui);
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
	if (ui->prompt_owner && ui->prompt_text.len != before)
		tell_owner(ui, false, ui->prompt_id, sb_str(&ui->prompt_text));
}

/* The pane whose view runs a command (by its view's name), or -1. */
static int pane_named(struct ui *ui, const char *name)
{
	for (int p = 0; p < PANE_COUNT; p++)
		if (!strcmp(ui->panes[p].view->name, name))
			return p;
	return -1;
}

/* The console's own commands (the table's entries without a pane). */
static void run_console_command(struct ui *ui, const char *name, const char *arg)
{
	struct err err;

	if (!strcmp(name, "q")) {
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
		if (audit_show(&ui->app->rt, &err))
			app_message(ui->app, STATUS_ERROR, "%s", err.msg);
		else {
			/* zoomed: an action's line is long; Esc goes back */
			ui_select(ui, &ui->sel.log_id, "audit");
			ui_focus(ui, "log");
			ui->zoomed = ui->focus;
		}
	}
}

void ui_command(struct ui *ui, const char *line)
{
	char *copy = xstrdup(line), *name, *arg;
	const struct command_info *cmd;
	int pane;

	name = copy + strspn(copy, " ");
	arg = name + strcspn(name, " ");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " ");
	}
	cmd = command_find(name);
	if (!cmd) {
		struct strbuf known = { 0 };
		char *safe = text_safe(name);

		commands_usage(&known);
		app_message(ui->app, STATUS_WARN, "unknown command ':%s' (known: %s)", safe,
			    sb_str(&known));
		sb_free(&known);
		free(safe);
	} else if (!cmd->pane) {
		run_console_command(ui, cmd->name, arg);
	} else if ((pane = pane_named(ui, cmd->pane)) >= 0 && ui->panes[pane].view->command) {
		struct view_ctx c = { .app = ui->app, .ui = ui, .sel = &ui->sel };

		ui->panes[pane].view->command(ui->panes[pane].priv, &c, cmd->name, arg);
	}
	free(copy);
}

/* Tab on the command line: the command's name completed as far as the
 * names that start so agree; more than one left are listed. */
static void complete_command(struct ui *ui)
{
	const char *m[16];
	const char *text = sb_str(&ui->prompt_text);
	size_t n, common;

	if (ui->prompt_owner || strchr(text, ' '))
		return;
	n = command_matches(text, m, 16);
	if (n > 16)
		n = 16;
	if (!n) {
		snprintf(ui->prompt_hint, sizeof ui->prompt_hint, "no command starts with ':%s'",
			 text);
		return;
	}
	common = strlen(m[0]);
	for (size_t i = 1; i < n; i++) {
		size_t j = 0;

		while (j < common && m[i][j] == m[0][j])
			j++;
		common = j;
	}
	if (common > strlen(text)) {
		char *name = xstrndup(m[0], common);

		sb_reset(&ui->prompt_text);
		sb_puts(&ui->prompt_text, name);
		free(name);
	}
	if (n == 1) {
		if (*command_find(m[0])->args)
			sb_putc(&ui->prompt_text, ' ');
	} else {
		size_t len = 0;

		for (size_t i = 0; i < n && len < sizeof ui->prompt_hint; i++)
			len += (size_t)snprintf(ui->prompt_hint + len, sizeof ui->prompt_hint - len,
						"%s:%s", i ? " " : "", m[i]);
	}
}
