#include "action/builder.h"

#include <stdio.h>
#include <stdlib.h>

#include "runtime/rt.h"

void action_builders_add(struct rt *rt, const struct action_builder *table)
{
	/* a table per source: more than there is room for is a wiring mistake */
	if (rt->nbuilders == (int)(sizeof rt->builders / sizeof *rt->builders)) {
		fprintf(stderr, "shipdeck: more action builder tables than struct rt holds\n");
		abort();
	}
	rt->builders[rt->nbuilders++] = table;
}

static const struct action_builder *find(const struct rt *rt, enum action_id action,
					 enum action_target target)
{
	for (int t = 0; t < rt->nbuilders; t++)
		for (const struct action_builder *b = rt->builders[t]; b->build || b->plan; b++)
			if (b->action == action && b->target == target)
				return b;
	return NULL;
}

struct action_req *action_build(struct rt *rt, enum action_id action,
				const struct action_sel *sel, bool *skipped, struct err *err)
{
	const struct action_builder *b = find(rt, action, sel->target);
	bool ignored;

	if (!skipped)
		skipped = &ignored;
	*skipped = false;
	if (b && b->build)
		return b->build(rt, sel, skipped, err);
	err_set(err, "%s: not available here", action_info(action)->name);
	return NULL;
}

void action_plan(struct rt *rt, enum action_id action, const struct action_sel *sel,
		 action_planned_fn done, void *ctx)
{
	const struct action_builder *b = find(rt, action, sel->target);
	char why[128];

	if (b && b->plan) {
		b->plan(rt, sel, done, ctx);
		return;
	}
	snprintf(why, sizeof why, "%s: not available here", action_info(action)->name);
	done(ctx, NULL, why, NULL);
}
