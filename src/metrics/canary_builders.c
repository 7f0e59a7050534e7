/* The canary pane's actions and the images pane's C over an app of
 * .shipdeck.yml (action/builder.h), each to its canary_req_*. A person's
 * decision: no reason, the dialog asks. */
#include "metrics/canary_ops.h"

static struct action_req *start(struct rt *rt, const struct action_sel *s, bool *skipped,
				struct err *err)
{
	return canary_req_start(rt, s->name, s->image, err);
}

static struct action_req *promote(struct rt *rt, const struct action_sel *s, bool *skipped,
				  struct err *err)
{
	return canary_req_promote(rt, s->name, NULL, err);
}

static struct action_req *abort_(struct rt *rt, const struct action_sel *s, bool *skipped,
				 struct err *err)
{
	return canary_req_abort(rt, s->name, NULL, err);
}

static struct action_req *auto_mode(struct rt *rt, const struct action_sel *s, bool *skipped,
				    struct err *err)
{
	return canary_req_auto(rt, s->name, s->on, err);
}

const struct action_builder canary_builders[] = {
	{ ACTION_CANARY_START, TARGET_RELEASE, .build = start },
	{ ACTION_PROMOTE, TARGET_RELEASE, .build = promote },
	{ ACTION_ABORT, TARGET_RELEASE, .build = abort_ },
	{ ACTION_AUTO_ANALYSIS, TARGET_RELEASE, .build = auto_mode },
	{ 0 },
};
