/* The status bar: where (repository, branch, cluster), the mode, and the last
 * message. */
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "views/colors.h"
#include "views/ui_internal.h"

enum { REASON_COLUMNS = 90 };

static const char *source_label(enum source_id s)
{
	static const char *const names[SOURCE_COUNT] = {
#define SOURCE_LABEL(id, label) [SOURCE_##id] = label,
		SHIPDECK_SOURCES(SOURCE_LABEL)
#undef SOURCE_LABEL
	};
	return names[s];
}

int64_t message_lifetime_ms(enum status_level level)
{
	return level == STATUS_ERROR ? ERROR_FADE_MS : level == STATUS_WARN ? WARNING_FADE_MS
		: MESSAGE_FADE_MS;
}

void statusbar_draw(struct ui *ui)
{
	const struct store *st = &ui->app->store;
	const struct rect *r = &ui->layout.status;
	struct view_ctx c = { .y0 = r->y, .x0 = r->x, .width = r->w, .height = 1 };
	struct strbuf left = { 0 };
	int x = 0;

	draw_row_fill(&c, 0, ROLE_STATUS_BAR);
	if (ui->app->opts.read_only)
		x += draw_text(&c, 0, x, ROLE_READ_ONLY, " READ-ONLY ");
	sb_puts(&left, " ");
	if (st->ci.repo_path) {
		const char *base = strrchr(st->ci.repo_path, '/');

		sb_printf(&left, "%s", base ? base + 1 : st->ci.repo_path);
		if (st->ci.branch)
			sb_printf(&left, ":%s", st->ci.branch);
		else if (st->ci.head_sha)
			sb_printf(&left, "@%.7s", st->ci.head_sha);
		if (st->ci.dirty)
			sb_puts(&left, "*");
	} else {
		sb_puts(&left, "no repository");
	}
	sb_puts(&left, " \xe2\x94\x82 ");
	if (st->kube.context)
		sb_printf(&left, "%s/%s", st->kube.context,
			  st->kube.namespace ? st->kube.namespace : "default");
	else
		sb_puts(&left, "no cluster");
	for (int s = 0; s < SOURCE_COUNT; s++) {
		const struct source_status *src = &st->status.sources[s];

		if (src->state != SOURCE_RECONNECTING)
			continue;
		sb_printf(&left, " \xe2\x94\x82 %s reconnecting (%d)\xe2\x80\xa6",
			  source_label((enum source_id)s), src->attempt);
		/* and why: "500" and "cannot reach" call for different people */
		if (src->message && *src->message) {
			char *why = text_safe(src->message);

			sb_putc(&left, ' ');
			text_fit(&left, why, REASON_COLUMNS, 0);
			free(why);
		}
	}
	sb_puts(&left, " ");
	x += draw_text(&c, 0, x, ROLE_STATUS_BAR, sb_str(&left));
	sb_free(&left);

	if (st->status.message) {
		bool fresh = time_mono_ms() - st->status.message_time_ms
			< message_lifetime_ms(st->status.level);
		enum role role = st->status.level == STATUS_ERROR ? ROLE_FAIL
			: st->status.level == STATUS_WARN ? ROLE_WARN : ROLE_STATUS_BAR;

		if (fresh)
			x += draw_textf(&c, 0, x, role, " %s ", st->status.message);
	}
	if (x < c.width - 9)
		draw_text(&c, 0, c.width - 8, ROLE_STATUS_BAR, "? help ");
}
