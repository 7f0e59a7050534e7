/* The log pane: the selected log buffer (a build step, a pod, the audit log),
 * following its end unless scrolled. */
#include <stdio.h>
#include <string.h>

#include "views/view.h"

struct log_view {
	bool scrolled;              /* false: follow the end */
	size_t top;                 /* first line shown when scrolled */
};

static const struct log_buffer *current(const struct view_ctx *c)
{
	return store_log_find(&c->app->store.logs, c->sel->log_id);
}

static void log_draw(void *priv, struct view_ctx *c)
{
	struct log_view *v = priv;
	const struct log_buffer *b = current(c);
	size_t first;

	if (!b) {
		draw_notice(c, 0, ROLE_MUTED, "no log selected: choose a build step (1) or a pod "
			    "(4), or type :audit");
		return;
	}
	snprintf(c->subtitle, sizeof c->subtitle, "%s%s", b->title ? b->title : b->id,
		 v->scrolled ? "" : " (follow)");
	if (!v->scrolled || v->top + (size_t)c->height > b->count)
		first = b->count > (size_t)c->height ? b->count - (size_t)c->height : 0;
	else
		first = v->top;
	if (v->scrolled)
		v->top = first;
	for (int y = 0; y < c->height && first + (size_t)y < b->count; y++)
		draw_ansi(c, y, 0, log_buffer_line(b, first + (size_t)y)->text, 0);
}

static int log_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct log_view *v = priv;
	const struct log_buffer *b = current(c);
	size_t page = c->height > 1 ? (size_t)c->height - 1 : 1;
	size_t last_top;

	if (!b)
		return VIEW_UNHANDLED;
	last_top = b->count > (size_t)c->height ? b->count - (size_t)c->height : 0;
	if (!v->scrolled)
		v->top = last_top;
	switch (a) {
	case ACTION_UP:
		v->top = v->top ? v->top - 1 : 0;
		break;
	case ACTION_DOWN:
		v->top++;
		break;
	case ACTION_PAGE_UP:
		v->top = v->top > page ? v->top - page : 0;
		break;
	case ACTION_PAGE_DOWN:
		v->top += page;
		break;
	case ACTION_TOP:
		v->top = 0;
		break;
	case ACTION_BOTTOM:
	case ACTION_FOLLOW:
		v->scrolled = false;
		return VIEW_HANDLED;
	default:
		return VIEW_UNHANDLED;
	}
	v->scrolled = v->top < last_top;
	return VIEW_HANDLED;
}

const struct view log_view = {
	.name = "log",
	.title = "Log",
	.private_size = sizeof(struct log_view),
	.draw = log_draw,
	.action = log_action,
};
