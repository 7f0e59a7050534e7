/* The help overlay, generated from the action list and the focused pane's own
 * lines. */
#include <stdio.h>
#include <string.h>

#include "views/colors.h"
#include "views/commands.h"
#include "views/ui_internal.h"

struct help_line {
	char keys[32];
	const char *name;           /* NULL: a heading or free text */
	char text[160];
	enum role role;
};

/* Fills lines (at most max) and returns how many there are. */
static int collect(struct ui *ui, struct help_line *lines, int max)
{
	const char *const *extra = ui->panes[ui->focus].view->help;
	int n = 0;

	if (n < max)
		lines[n++] = (struct help_line){ .text = "shipdeck keys  (j/k scroll, Esc or ? "
						 "closes; C-l draws the screen again)",
						 .role = ROLE_TITLE };
	for (int a = 0; a < ACTION_COUNT && n < max; a++) {
		const struct action_info *info = action_info((enum action_id)a);
		bool disabled = ui->app->opts.read_only && (info->flags & ACT_MUTATING);
		struct help_line *l = &lines[n++];

		*l = (struct help_line){ .name = info->name,
					 .role = disabled ? ROLE_MUTED : ROLE_NORMAL };
		keymap_keys_of(&ui->app->config.keymap, (enum action_id)a, l->keys, sizeof l->keys);
		snprintf(l->text, sizeof l->text, "%s%s", info->help,
			 disabled ? "  (disabled: read-only)" : "");
	}
	if (n + 2 < max) {
		lines[n++] = (struct help_line){ .role = ROLE_NORMAL };
		lines[n++] = (struct help_line){ .text = "commands  (: then the name; Tab "
						 "completes it)", .role = ROLE_TITLE };
	}
	for (size_t i = 0; i < command_count && n < max; i++) {
		lines[n] = (struct help_line){ .role = ROLE_NORMAL };
		command_describe(&commands[i], lines[n++].text, sizeof lines[0].text);
	}
	if (extra && *extra && n + 2 < max) {
		lines[n++] = (struct help_line){ .role = ROLE_NORMAL };
		lines[n] = (struct help_line){ .role = ROLE_TITLE };
		snprintf(lines[n++].text, sizeof lines[0].text, "%s pane",
			 ui->panes[ui->focus].view->title);
	}
	for (; extra && *extra && n < max; extra++) {
		lines[n] = (struct help_line){ .role = ROLE_NORMAL };
		snprintf(lines[n++].text, sizeof lines[0].text, "%s", *extra);
	}
	return n;
}

enum { HELP_MAX = ACTION_COUNT + 96 };

void help_draw(struct ui *ui)
{
	struct help_line lines[HELP_MAX];
	int w = ui->cols, h = ui->lines - 1;
	struct view_ctx c = { .y0 = 0, .x0 = 0, .width = w, .height = h };
	int n = collect(ui, lines, HELP_MAX);

	for (int y = 0; y < h; y++)
		draw_row_fill(&c, y, ROLE_NORMAL);
	for (int row = 0; row < h && ui->help_scroll + row < n; row++) {
		const struct help_line *l = &lines[ui->help_scroll + row];

		if (!l->name) {
			draw_text(&c, row, 1, l->role, l->text);
			continue;
		}
		draw_cell(&c, row, 1, 8, l->role == ROLE_MUTED ? ROLE_MUTED : ROLE_OK, l->keys);
		draw_cell(&c, row, 10, 16, l->role, l->name);
		draw_text(&c, row, 27, l->role, l->text);
	}
}

void help_key(struct ui *ui, int key)
{
	struct help_line lines[HELP_MAX];
	enum action_id a = keymap_lookup(&ui->app->config.keymap, key);
	int max = collect(ui, lines, HELP_MAX) - (ui->lines - 1);

	if (max < 0)
		max = 0;
	ui->dirty = true;
	if (a == ACTION_DOWN)
		ui->help_scroll++;
	else if (a == ACTION_UP)
		ui->help_scroll--;
	else if (a == ACTION_PAGE_DOWN)
		ui->help_scroll += 10;
	else if (a == ACTION_PAGE_UP)
		ui->help_scroll -= 10;
	else if (a == ACTION_BACK || a == ACTION_HELP || a == ACTION_QUIT || key == KEYC_ESC)
		ui->modal = MODAL_NONE;
	if (ui->help_scroll > max)
		ui->help_scroll = max;
	if (ui->help_scroll < 0)
		ui->help_scroll = 0;
}
