/* The rollout pane's actions over its selection (action/builder.h): a
 * deployment, an Argo Rollout or a pod, each to its kube_req_*. */
#include <stdbool.h>

#include "kube/argo_ops.h"
#include "kube/rollout_ops.h"
#include "runtime/rt.h"
#include "store/argo.h"

static struct action_req *rollback(struct rt *rt, const struct action_sel *s, bool *skipped,
				   struct err *err)
{
	return kube_req_rollback(rt, s->ns, s->name, s->revision, skipped, err);
}

static struct action_req *pause(struct rt *rt, const struct action_sel *s, bool *skipped,
				struct err *err)
{
	return kube_req_pause(rt, s->ns, s->name, s->on, err);
}

static struct action_req *restart(struct rt *rt, const struct action_sel *s, bool *skipped,
				  struct err *err)
{
	return kube_req_restart(rt, s->ns, s->name, err);
}

static struct action_req *scale(struct rt *rt, const struct action_sel *s, bool *skipped,
				struct err *err)
{
	return kube_req_scale(rt, s->ns, s->name, s->replicas, err);
}

static struct action_req *set_image(struct rt *rt, const struct action_sel *s, bool *skipped,
				    struct err *err)
{
	return kube_req_set_image(rt, s->ns, s->name, s->container, s->image, err);
}

static struct action_req *kill_pod(struct rt *rt, const struct action_sel *s, bool *skipped,
				   struct err *err)
{
	return kube_req_kill_pod(rt, s->ns, s->name, err);
}

static struct action_req *argo_retry(struct rt *rt, const struct action_sel *s,
				     bool *skipped, struct err *err)
{
	return kube_req_argo_retry(rt, s->ns, s->name, err);
}

/* p on an aborted Rollout retries it (the plugin's retry) */
static struct action_req *argo_promote(struct rt *rt, const struct action_sel *s,
				       bool *skipped, struct err *err)
{
	const struct kube_rollout *ro = store_kube_find(&rt->store->kube, KUBE_ROLLOUTS, s->ns,
							 s->name);

	if (ro && ro->abort)
		return argo_retry(rt, s, skipped, err);
	return kube_req_argo_promote(rt, s->ns, s->name, false, err);
}

static struct action_req *argo_promote_full(struct rt *rt, const struct action_sel *s,
					    bool *skipped, struct err *err)
{
	return kube_req_argo_promote(rt, s->ns, s->name, true, err);
}

static struct action_req *argo_abort(struct rt *rt, const struct action_sel *s,
				     bool *skipped, struct err *err)
{
	return kube_req_argo_abort(rt, s->ns, s->name, err);
}

static struct action_req *argo_undo(struct rt *rt, const struct action_sel *s,
				    bool *skipped, struct err *err)
{
	return kube_req_argo_undo(rt, s->ns, s->name, s->revision, skipped, err);
}

static struct action_req *argo_restart(struct rt *rt, const struct action_sel *s,
				       bool *skipped, struct err *err)
{
	return kube_req_argo_restart(rt, s->ns, s->name, err);
}

static struct action_req *argo_set_image(struct rt *rt, const struct action_sel *s,
					 bool *skipped, struct err *err)
{
	return kube_req_argo_set_image(rt, s->ns, s->name, s->container, s->image, err);
}

const struct action_builder kube_rollout_builders[] = {
	{ ACTION_ROLLBACK, TARGET_DEPLOYMENT, .build = rollback },
	{ ACTION_PAUSE_RESUME, TARGET_DEPLOYMENT, .build = pause },
	{ ACTION_RESTART, TARGET_DEPLOYMENT, .build = restart },
	{ ACTION_SCALE, TARGET_DEPLOYMENT, .build = scale },
	{ ACTION_DEPLOY, TARGET_DEPLOYMENT, .build = set_image },
	{ ACTION_KILL_POD, TARGET_POD, .build = kill_pod },
	{ ACTION_PROMOTE, TARGET_ROLLOUT, .build = argo_promote },
	{ ACTION_RETRY, TARGET_ROLLOUT, .build = argo_retry },
	{ ACTION_PROMOTE_FULL, TARGET_ROLLOUT, .build = argo_promote_full },
	{ ACTION_ABORT, TARGET_ROLLOUT, .build = argo_abort },
	{ ACTION_ROLLBACK, TARGET_ROLLOUT, .build = argo_undo },
	{ ACTION_RESTART, TARGET_ROLLOUT, .build = argo_restart },
	{ ACTION_DEPLOY, TARGET_ROLLOUT, .build = argo_set_image },
	{ 0 },
};
