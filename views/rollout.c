/* The rollout pane. */
#include "views/view.h"

static void rollout_draw(void *priv, struct view_ctx *c)
{
	(void)priv;
	draw_source_notice(c, 0, SOURCE_KUBE);
}

const struct view rollout_view = {
	.name = "rollout",
	.title = "Rollout",
	.draw = rollout_draw,
};
