/* The pipeline pane. */
#include "views/view.h"

static void pipeline_draw(void *priv, struct view_ctx *c)
{
	(void)priv;
	draw_source_notice(c, 0, SOURCE_CI);
}

const struct view pipeline_view = {
	.name = "pipeline",
	.title = "Pipeline",
	.draw = pipeline_draw,
};
