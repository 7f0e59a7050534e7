#include "ci/backend.h"

#include <stdio.h>

#include "ci/remote.h"
#include "ci/source.h"

static struct action_req *remote_action(struct rt *rt, enum action_id action,
					const struct ci_build *b, const char *arg)
{
	const struct remote_api *api = ci_remote_api(rt);

	if (!b) {
		rt_message(rt, STATUS_WARN, "%s: no run selected", action_info(action)->name);
		return NULL;
	}
	switch (action) {
	case ACTION_RUN_PIPELINE:
		return ci_remote_action(rt, REMOTE_RERUN, b->remote_id, NULL);
	case ACTION_RUN_TESTS:
		return ci_remote_action(rt, REMOTE_RERUN_FAILED, b->remote_id, NULL);
	case ACTION_CANCEL:
		if (ci_status_done(b->status)) {
			rt_message(rt, STATUS_WARN, "cancel: run #%d is %s, not running", b->number,
				   ci_status_name(b->status));
			return NULL;
		}
		return ci_remote_action(rt, REMOTE_CANCEL, b->remote_id, NULL);
	default:
		if (api->kind != CI_BACKEND_DRONE) {
			rt_message(rt, STATUS_WARN,
				   "promote: a Drone build's (%s deploys through a workflow)",
				   ci_backend_name(api->kind));
			return NULL;
		}
		return ci_remote_action(rt, REMOTE_PROMOTE, b->remote_id, arg);
	}
}

struct action_req *ci_backend_action(struct rt *rt, enum action_id action,
				     const struct ci_build *b, const char *arg)
{
	if (ci_remote_api(rt))
		return remote_action(rt, action, b, arg);
	switch (action) {
	case ACTION_RUN_PIPELINE:
	case ACTION_RUN_TESTS:
		if (!rt->ci) {
			const struct source_status *s = &rt->store->status.sources[SOURCE_CI];

			rt_message(rt, STATUS_WARN, "%s", s->message ? s->message : "no pipeline");
			return NULL;
		}
		return ci_action_run(rt, action == ACTION_RUN_TESTS, arg, false, "console", NULL);
	case ACTION_CANCEL:
		if (!b || ci_status_done(b->status)) {
			rt_message(rt, STATUS_WARN, "cancel: %s",
				   b ? "the selected build is not running"
								       : "no build");
			return NULL;
		}
		return ci_action_cancel(rt, b->number);
	default:
		rt_message(rt, STATUS_WARN, "ci-promote: a Drone build's; the local runner has no "
			   "environments (ci: in .shipdeck.yml)");
		return NULL;
	}
}

static struct action_req *said(struct action_req *req, struct err *err)
{
	if (!req)
		err_set(err, "%s", "");
	return req;
}

static struct action_req *run_pipeline(struct rt *rt, const struct action_sel *s,
				       bool *skipped, struct err *err)
{
	return said(ci_backend_action(rt, ACTION_RUN_PIPELINE, s->build, s->commit), err);
}

static struct action_req *run_tests(struct rt *rt, const struct action_sel *s, bool *skipped,
				    struct err *err)
{
	return said(ci_backend_action(rt, ACTION_RUN_TESTS, s->build, s->commit), err);
}

static struct action_req *cancel(struct rt *rt, const struct action_sel *s, bool *skipped,
				 struct err *err)
{
	return said(ci_backend_action(rt, ACTION_CANCEL, s->build, NULL), err);
}

static struct action_req *promote(struct rt *rt, const struct action_sel *s, bool *skipped,
				  struct err *err)
{
	return said(ci_backend_action(rt, ACTION_CI_PROMOTE, s->build, s->to), err);
}

const struct action_builder ci_builders[] = {
	{ ACTION_RUN_PIPELINE, TARGET_BUILD, .build = run_pipeline },
	{ ACTION_RUN_TESTS, TARGET_BUILD, .build = run_tests },
	{ ACTION_CANCEL, TARGET_BUILD, .build = cancel },
	{ ACTION_CI_PROMOTE, TARGET_BUILD, .build = promote },
	{ 0 },
};
