/* The images pane. */
#include "views/view.h"

static void images_draw(void *priv, struct view_ctx *c)
{
	(void)priv;
	draw_source_notice(c, 0, SOURCE_REGISTRY);
}

const struct view images_view = {
	.name = "images",
	.title = "Image tags",
	.draw = images_draw,
};
