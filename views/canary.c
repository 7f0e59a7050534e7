/* The canary pane. */
#include "views/view.h"

static void canary_draw(void *priv, struct view_ctx *c)
{
	(void)priv;
	draw_source_notice(c, 0, SOURCE_METRICS);
}

const struct view canary_view = {
	.name = "canary",
	.title = "Canary",
	.draw = canary_draw,
};
