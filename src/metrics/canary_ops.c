#include "metrics/canary_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/canary_ctl.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

int canary_release(const struct rt *rt, const char *name, struct release *r,
		   struct err *err)
{
	const struct app_conf *conf = project_app(rt->project, name);

	if (!conf) {
		if (!rt->project->napps)
			return err_set(err, "no apps: add apps: to %s",
				       rt->project->path ? rt->project->path : ".shipdeck.yml");
		return err_set(err, "no app '%s' in %s (apps: %s%s)", name,
			       rt->project->path ? rt->project->path : ".shipdeck.yml",
			       rt->project->apps[0].name, rt->project->napps > 1 ? ", …" : "");
	}
	release_read(&rt->store->kube, conf, release_ns(&rt->store->kube, conf), r);
	r->by = rt->user;
	return 0;
}

char *canary_last_analysis(const struct rt *rt, const char *name)
{
	const struct canary_app_state *s = store_canary_app(&rt->store->canary, name);
	const struct canary_result *res = s ? s->last : NULL;

	if (!res)
		return NULL;
	if (res->error)
		return xasprintf("last analysis: no data (%s)", res->error);
	return xasprintf("last analysis: %s: %s", canary_verdict_name(res->verdict),
			 res->summary ? res->summary : "");
}

/* The plan as a request: its requests, the dialog's lines, and the done
 * message the audit log keeps (with the reason). Frees the plan. */
static struct action_req *to_req(struct rt *rt, struct release_plan *p, const char *reason)
{
	struct action_req *req;
	char *done;

	done = reason ? xasprintf("%s — %s", p->done_message, reason) : xstrdup(p->done_message);
	req = kube_req_calls(p->action, p->target, p->calls, p->ncalls, done);
	free(done);
	req->from = p->from;
	req->to = p->to;
	req->question = p->question;
	p->from = p->to = p->question = NULL;
	for (size_t i = 0; i < p->ndetails; i++)
		action_req_add_detail(req, "%s", p->details[i]);
	if (reason)
		action_req_add_detail(req, "%s", reason);
	release_plan_free(p);
	canary_ctl_poke(rt);
	return req;
}

static bool read_release(struct rt *rt, const char *name, struct release *r, struct err *err)
{
	if (!rt_has_cluster(rt)) {
		err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
		return false;
	}
	return canary_release(rt, name, r, err) == 0;
}

struct action_req *canary_req_start(struct rt *rt, const char *name, const char *tag,
				    struct err *err)
{
	struct release r;
	struct release_plan p;

	if (!read_release(rt, name, &r, err)
	    || release_plan_start(&r, tag, rt->project->image_name, time_wall_ms() / 1000, &p,
				  err))
		return NULL;
	return to_req(rt, &p, NULL);
}

/* An operator's promote or abort names the analysis it saw. */
static char *reason_or_last(const struct rt *rt, const char *name, const char *reason)
{
	return reason ? xstrdup(reason) : canary_last_analysis(rt, name);
}

/* The request of one plan (promote or abort) of the release called name. */
static struct action_req *plan_req(struct rt *rt, const char *name, const char *reason,
				   int (*plan)(const struct release *, int64_t,
					       struct release_plan *, struct err *),
				   struct err *err)
{
	struct release r;
	struct release_plan p;
	struct action_req *req;
	char *why;

	if (!read_release(rt, name, &r, err) || plan(&r, time_wall_ms() / 1000, &p, err))
		return NULL;
	why = reason_or_last(rt, name, reason);
	req = to_req(rt, &p, why);
	free(why);
	return req;
}

struct action_req *canary_req_promote(struct rt *rt, const char *name, const char *reason,
				      struct err *err)
{
	return plan_req(rt, name, reason, release_plan_promote, err);
}

struct action_req *canary_req_abort(struct rt *rt, const char *name, const char *reason,
				    struct err *err)
{
	return plan_req(rt, name, reason, release_plan_abort, err);
}

struct action_req *canary_req_finish(struct rt *rt, const char *name, struct err *err)
{
	struct release r;
	struct release_plan p;

	err_clear(err);
	if (!read_release(rt, name, &r, err)
	    || release_plan_finish(&r, time_wall_ms() / 1000, &p, err))
		return NULL;
	return to_req(rt, &p, NULL);
}

struct auto_data {
	char *name;
	bool on;
};

static void auto_data_free(void *p)
{
	struct auto_data *d = p;

	free(d->name);
	free(d);
}

static int auto_run(struct rt *rt, struct action_req *req, struct err *err)
{
	struct auto_data *d = req->data;
	const struct app_conf *conf = project_app(rt->project, d->name);
	struct store_event ev = { .domain = STORE_CANARY };
	char *msg;

	(void)err;
	ev.canary = (struct canary_event){ .type = CANARY_EV_AUTO, .app = d->name, .on = d->on };
	rt_apply(rt, &ev);
	msg = d->on ? xasprintf("automatic analysis on for %s: PASS promotes a step, %d FAIL%s "
				"abort%s, no data never promotes", d->name, conf->threshold,
				conf->threshold == 1 ? "" : "s", conf->threshold == 1 ? "s" : "")
		: xasprintf("automatic analysis off for %s: promote and abort by hand", d->name);
	canary_ctl_poke(rt);
	gate_finish(rt, req, true, msg);
	free(msg);
	return 0;
}

struct action_req *canary_req_auto(struct rt *rt, const char *name, bool on,
				   struct err *err)
{
	const struct app_conf *conf = project_app(rt->project, name);
	struct action_req *req;
	struct auto_data *d;
	char target[200];

	if (!conf) {
		struct release r;

		canary_release(rt, name, &r, err);
		return NULL;
	}
	if (on && !rt->project->prometheus) {
		err_set(err, "no Prometheus: set prometheus: in %s; automatic mode judges metrics",
			rt->project->path ? rt->project->path : ".shipdeck.yml");
		return NULL;
	}
	snprintf(target, sizeof target, "app/%s", name);
	req = action_req_new(ACTION_AUTO_ANALYSIS, target);
	d = xcalloc(1, sizeof *d);
	*d = (struct auto_data){ .name = xstrdup(name), .on = on };
	req->data = d;
	req->data_free = auto_data_free;
	req->run = auto_run;
	req->from = xstrdup(on ? "manual" : "automatic");
	req->to = xstrdup(on ? "automatic" : "manual");
	if (on) {
		req->question = xasprintf("Analyse %s automatically every %llds and act on it?",
					  name, (long long)(conf->interval_ms / 1000));
		action_req_add_detail(req, "PASS promotes one step; %d FAIL verdict%s abort%s; "
				      "MARGINAL or no data holds (never promotes)", conf->threshold,
				      conf->threshold == 1 ? "" : "s",
				      conf->threshold == 1 ? "s" : "");
		action_req_add_detail(req, "each decision goes to the audit log with its numbers");
	} else {
		req->question = xasprintf("Stop the automatic analysis of %s?", name);
	}
	return req;
}
