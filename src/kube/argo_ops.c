#include "kube/argo_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kube/rollout_ops.h"
#include "kube/undo.h"
#include "store/argo.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static const char merge_patch[] = "application/merge-patch+json";

static const struct kube_rollout *find_rollout(struct rt *rt, const char *ns,
					       const char *name, struct err *err)
{
	const struct kube_rollout *ro;

	if (!rt->kube) {
		err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
		return NULL;
	}
	ro = store_kube_find(&rt->store->kube, KUBE_ROLLOUTS, ns, name);
	if (!ro)
		err_set(err, "rollout \"%s\" not found in namespace %s", name, ns);
	return ro;
}

static char *rollout_path(const char *ns, const char *name, bool status)
{
	char *base = kube_path(KUBE_ROLLOUTS, ns, name);
	char *p = status ? xasprintf("%s/status", base) : xstrdup(base);

	free(base);
	return p;
}

static struct kube_change merge_call(const char *ns, const char *name, bool status, char *body)
{
	return (struct kube_change){ .method = xstrdup("PATCH"),
				     .path = rollout_path(ns, name, status),
				     .content_type = xstrdup(merge_patch), .body = body };
}

static char *rs_label(const struct kube_replicaset *rs)
{
	if (!rs)
		return xstrdup("none");
	return xasprintf("%s (revision %ld, %s)", rs->meta.name, rs->revision,
			 rs->images ? rs->images : "");
}

/* "step 1/4 (setWeight: 25), weight 25%, paused: CanaryPauseStep" */
static char *where_now(const struct kube_rollout *ro, const struct kube_rollout_info *in)
{
	struct strbuf sb = { 0 };

	if (ro->blue_green)
		sb_printf(&sb, "blue/green, %s", in->phase);
	else if (in->has_step)
		sb_printf(&sb, "step %d/%d%s%s%s, weight %d%%", in->step, in->nsteps,
			  (size_t)in->step < ro->nsteps ? " (" : "",
			  (size_t)in->step < ro->nsteps ? ro->steps[in->step].text : "",
			  (size_t)in->step < ro->nsteps ? ")" : "", in->actual_weight);
	else
		sb_printf(&sb, "%s, weight %d%%", in->phase, in->actual_weight);
	if (ro->paused)
		sb_puts(&sb, ", paused (spec.paused)");
	if (ro->pause_reasons)
		sb_printf(&sb, ", paused: %s", ro->pause_reasons);
	if (ro->abort)
		sb_puts(&sb, ", aborted");
	return sb_steal(&sb);
}

static struct action_req *make(enum action_id action, const char *name,
			       struct kube_change *calls, size_t n, const char *done)
{
	char target[300];

	snprintf(target, sizeof target, "rollout/%s", name);
	return kube_req_calls(action, target, calls, n, done);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* The step promote moves to: the current one + 1, at most the number of
 * steps (the plugin's GetCurrentCanaryStep, an absent index being 0). */
static int32_t next_step(const struct kube_rollout *ro)
{
	int32_t i = ro->step_index < 0 ? 0 : ro->step_index;

	return (size_t)i < ro->nsteps ? i + 1 : i;
}

void kube_argo_promote_patches(const struct kube_rollout *ro, bool full, char **status_body,
			       char **spec_body)
{
	*status_body = NULL;
	*spec_body = ro->paused ? xstrdup("{\"spec\":{\"paused\":false}}") : NULL;
	if (full) {
		if (strcmp(or_empty(ro->current_hash), or_empty(ro->stable_hash)))
			*status_body = xstrdup("{\"status\":{\"promoteFull\":true}}");
	} else if (!ro->blue_green && ro->nsteps && ro->step_inconclusive && ro->pause_reasons
		   && ro->controller_pause) {
		/* an inconclusive step's analysis: the controller's pause lifted
		 * too, and on to the next step (else it stays inconclusive) */
		*status_body = xasprintf("{\"status\":{\"pauseConditions\":null,"
					 "\"controllerPause\":false,\"currentStepIndex\":%d}}",
					 next_step(ro));
	} else if (ro->pause_reasons) {
		*status_body = xstrdup("{\"status\":{\"pauseConditions\":null}}");
	} else if (!ro->blue_green && ro->nsteps) {
		*status_body = xasprintf("{\"status\":{\"pauseConditions\":null,"
					 "\"currentStepIndex\":%d}}", next_step(ro));
	}
}

/* "step 2/4 (setWeight: 50)", "step 4/4 (done)" */
static char *step_text(const struct kube_rollout *ro, int32_t step)
{
	return xasprintf("step %d/%zu (%s)", step, ro->nsteps,
			 (size_t)step < ro->nsteps ? ro->steps[step].text : "done");
}

struct action_req *kube_req_argo_promote(struct rt *rt, const char *ns, const char *name,
					 bool full, struct err *err)
{
	const struct kube_rollout *ro = find_rollout(rt, ns, name, err);
	struct kube_rollout_info in;
	struct kube_change calls[2];
	struct action_req *req;
	size_t n = 0;
	char *status_body, *spec_body, *to = NULL, done[400];

	if (!ro)
		return NULL;
	store_argo_rollout_info(&rt->store->kube, ro, &in);
	kube_argo_promote_patches(ro, full, &status_body, &spec_body);
	if (full)
		to = xasprintf("fully promoted: %s takes 100%%, steps skipped",
			       in.canary ? in.canary->meta.name : "the current template");
	else if (status_body && strstr(status_body, "controllerPause")) {
		char *step = step_text(ro, next_step(ro));

		to = xasprintf("%s: past the inconclusive analysis", step);
		free(step);
	} else if (status_body && !strstr(status_body, "currentStepIndex"))
		to = ro->blue_green ? xstrdup("pause lifted: the preview is promoted to active")
			: in.has_step && in.step + 1 <= in.nsteps
			? xasprintf("step %d/%d: the pause ends, the controller moves on",
				    in.step + 1, in.nsteps)
			: xstrdup("the pause ends");
	else if (status_body)
		to = step_text(ro, next_step(ro));
	else if (spec_body)
		to = xstrdup("resumed (spec.paused false)");
	if (status_body)
		calls[n++] = merge_call(ns, name, true, status_body);
	if (spec_body)
		calls[n++] = merge_call(ns, name, false, spec_body);
	if (!n) {
		free(to);
		err_set(err, full ? "rollout '%s' is already fully promoted"
			: "rollout '%s' has nothing to promote (not paused, no steps)", name);
		return NULL;
	}
	snprintf(done, sizeof done, full ? "rollout '%s' fully promoted" : "rollout '%s' promoted",
		 name);
	req = make(full ? ACTION_PROMOTE_FULL : ACTION_PROMOTE, name, calls, n, done);
	req->from = where_now(ro, &in);
	req->to = to;
	req->question = xasprintf(full ? "Promote rollout/%s fully (skip its remaining steps, "
				  "pauses and analysis)?" : "Promote rollout/%s one step?", name);
	action_req_add_detail(req, "canary: %s", in.canary ? in.canary->meta.name : "none");
	action_req_add_detail(req, "stable: %s", in.stable ? in.stable->meta.name : "none");
	return req;
}

struct action_req *kube_req_argo_abort(struct rt *rt, const char *ns, const char *name,
				       struct err *err)
{
	const struct kube_rollout *ro = find_rollout(rt, ns, name, err);
	struct kube_rollout_info in;
	struct kube_change call;
	struct action_req *req;
	char done[400];

	if (!ro)
		return NULL;
	if (ro->abort) {
		err_set(err, "rollout '%s' is already aborted (p retries it)", name);
		return NULL;
	}
	store_argo_rollout_info(&rt->store->kube, ro, &in);
	call = merge_call(ns, name, true, xstrdup("{\"status\":{\"abort\":true}}"));
	snprintf(done, sizeof done, "rollout '%s' aborted", name);
	req = make(ACTION_ABORT, name, &call, 1, done);
	req->from = where_now(ro, &in);
	{
		char *stable = rs_label(in.stable);

		req->to = xasprintf("aborted: the canary scaled down, %s takes 100%%", stable);
		free(stable);
	}
	req->question = xasprintf("Abort rollout/%s?", name);
	{
		char *canary = rs_label(in.canary);

		action_req_add_detail(req, "canary: %s", canary);
		free(canary);
	}
	action_req_add_detail(req, "spec.template stays the new version: retry goes to it again");
	return req;
}

struct action_req *kube_req_argo_retry(struct rt *rt, const char *ns, const char *name,
				       struct err *err)
{
	const struct kube_rollout *ro = find_rollout(rt, ns, name, err);
	struct kube_rollout_info in;
	struct kube_change call;
	struct action_req *req;
	char done[400];

	if (!ro)
		return NULL;
	if (!ro->abort) {
		err_set(err, "rollout '%s' is not aborted: nothing to retry", name);
		return NULL;
	}
	store_argo_rollout_info(&rt->store->kube, ro, &in);
	call = merge_call(ns, name, true, xstrdup("{\"status\":{\"abort\":false}}"));
	snprintf(done, sizeof done, "rollout '%s' retried", name);
	req = make(ACTION_RETRY, name, &call, 1, done);
	req->from = where_now(ro, &in);
	req->to = xasprintf("retried: the update to %s starts again from step 0",
			    ro->images ? ro->images : "the template");
	req->question = xasprintf("Retry the aborted rollout/%s?", name);
	return req;
}

/* The replica set to go back to: revision rev, or the second newest. */
static const struct kube_replicaset *undo_target(const struct kube_rollout_info *in, long rev,
						 const char *name, struct err *err)
{
	if (rev > 0) {
		for (size_t i = 0; i < in->nrs; i++)
			if (in->rss[i].rs->revision == rev)
				return in->rss[i].rs;
		err_set(err, "unable to find specified revision %ld in history", rev);
		return NULL;
	}
	if (in->nrs < 2) {
		err_set(err, "no revision found for rollout \"%s\"", name);
		return NULL;
	}
	return in->rss[1].rs;   /* newest first */
}

struct action_req *kube_req_argo_undo(struct rt *rt, const char *ns, const char *name,
				      long to_revision, bool *skipped, struct err *err)
{
	const struct kube_rollout *ro = find_rollout(rt, ns, name, err);
	const struct kube_replicaset *target;
	struct kube_rollout_info in;
	struct kube_change call;
	struct action_req *req;
	char *tmpl, done[400];

	*skipped = false;
	if (!ro)
		return NULL;
	store_argo_rollout_info(&rt->store->kube, ro, &in);
	target = undo_target(&in, to_revision, name, err);
	if (!target)
		return NULL;
	if (kube_templates_match(ro->template_json, target->template_json,
				 "rollouts-pod-template-hash")) {
		*skipped = true;
		err_set(err, "skipped rollback (current template already matches revision %ld)",
			target->revision);
		return NULL;
	}
	tmpl = kube_template_without_label(target->template_json, "rollouts-pod-template-hash");
	call = (struct kube_change){
		.method = xstrdup("PATCH"), .path = rollout_path(ns, name, false),
		.content_type = xstrdup("application/json-patch+json"),
		.body = xasprintf("[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":%s}]",
				  tmpl),
	};
	free(tmpl);
	snprintf(done, sizeof done, "rollout '%s' rolled back to revision %ld", name,
		 target->revision);
	req = make(ACTION_ROLLBACK, name, &call, 1, done);
	req->from = xasprintf("revision %ld (%s)", in.nrs ? in.rss[0].rs->revision : 0L,
			      ro->images ? ro->images : "");
	req->to = xasprintf("revision %ld (%s): a new revision through the steps again",
			    target->revision, target->images ? target->images : "");
	req->question = xasprintf("Undo rollout/%s to revision %ld (replica set %s)?", name,
				  target->revision, target->meta.name);
	{
		size_t nd;
		char **diff = kube_template_diff(ro->template_json, target->template_json, 12, &nd);

		if (!nd)
			action_req_add_detail(req,
					      "(the pod templates differ only in their images)");
		for (size_t i = 0; i < nd; i++) {
			action_req_add_detail(req, "%s", diff[i]);
			free(diff[i]);
		}
		free(diff);
	}
	return req;
}

struct action_req *kube_req_argo_restart(struct rt *rt, const char *ns, const char *name,
					 struct err *err)
{
	const struct kube_rollout *ro = find_rollout(rt, ns, name, err);
	struct kube_change call;
	struct action_req *req;
	char now[40], done[400];

	if (!ro)
		return NULL;
	time_format_rfc3339(time(NULL), now, sizeof now);
	call = merge_call(ns, name, false, xasprintf("{\"spec\":{\"restartAt\":\"%s\"}}", now));
	snprintf(done, sizeof done, "rollout '%s' restarts in 0s", name);
	req = make(ACTION_RESTART, name, &call, 1, done);
	req->from = xasprintf("%d pods", ro->replicas);
	req->to = xasprintf("every pod replaced, restartAt %s", now);
	req->question = xasprintf("Restart every pod of rollout/%s (%d replicas)?", name,
				  ro->replicas);
	return req;
}
