#include "env/promote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "env/source.h"
#include "kube/client.h"
#include "store/images.h"
#include "util/imgref.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* One PATCH per Deployment of the app in the target environment. */
struct promote_op {
	char *env;                  /* the target environment */
	char **paths, **bodies;
	size_t n, next;
	char *done_message;
};

struct plan {
	struct rt *rt;
	char *app_name, *from, *to;
	char *image;                /* what the source runs: repo:tag@digest */
	char *tag, *digest;
	promote_planned_fn done;
	void *ctx;
};

static void op_free(void *data)
{
	struct promote_op *op = data;

	for (size_t i = 0; i < op->n; i++) {
		free(op->paths[i]);
		free(op->bodies[i]);
	}
	free(op->paths);
	free(op->bodies);
	free(op->env);
	free(op->done_message);
	free(op);
}

struct sending {
	struct rt *rt;
	struct action_req *req;
};

static int send_next(struct sending *s, struct err *err);

static void patch_done(void *ctx, const struct http_response *resp)
{
	struct sending *s = ctx;
	struct promote_op *op = s->req->data;
	struct kube_client *kc = env_source_client(s->rt, op->env);
	bool ok = resp->status >= 200 && resp->status < 300;
	struct rt *rt = s->rt;
	struct action_req *req = s->req;
	struct err err;

	if (ok && op->next + 1 < op->n) {
		op->next++;
		if (!send_next(s, &err))
			return;
		ok = false;
		err_prefix(&err, "after %zu of %zu changes", op->next, op->n);
	} else if (ok) {
		snprintf(err.msg, sizeof err.msg, "%s", op->done_message);
	} else {
		kube_response_error(kc, "PATCH", op->paths[op->next], resp, &err);
		if (op->next)
			err_prefix(&err, "after %zu of %zu changes", op->next, op->n);
	}
	free(s);
	req->status = resp->status;
	req->unreachable = kube_response_unreachable(resp);
	gate_finish(rt, req, ok, err.msg);
	env_source_refresh(rt);
}

static int send_next(struct sending *s, struct err *err)
{
	struct promote_op *op = s->req->data;
	struct kube_client *kc = env_source_client(s->rt, op->env);

	if (!kc)
		return err_set(err, "environment '%s' has no client", op->env);
	if (!kube_start(kc, &(struct kube_call){
			.method = "PATCH", .path = op->paths[op->next],
			.content_type = "application/strategic-merge-patch+json",
			.body = op->bodies[op->next], .on_done = patch_done, .ctx = s }, err))
		return -1;
	return 0;
}

static int op_run(struct rt *rt, struct action_req *req, struct err *err)
{
	struct sending *s = xcalloc(1, sizeof *s);

	*s = (struct sending){ .rt = rt, .req = req };
	((struct promote_op *)req->data)->next = 0;
	if (send_next(s, err)) {
		free(s);
		return -1;
	}
	return 0;
}

static char *json_str(const char *s)
{
	cJSON *v = cJSON_CreateString(s);
	char *p = cJSON_PrintUnformatted(v), *out = xstrdup(p);

	cJSON_free(p);
	cJSON_Delete(v);
	return out;
}

static char *patch_body(const char *container, const char *image, const char *cause)
{
	char *c = json_str(container), *i = json_str(image), *w = json_str(cause), *body;

	body = xasprintf("{\"metadata\":{\"annotations\":{\"kubernetes.io/change-cause\":%s}},"
			 "\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":"
			 "[{\"name\":%s}],\"containers\":[{\"image\":%s,\"name\":%s}]}}}}",
			 w, c, i, c);
	free(c);
	free(i);
	free(w);
	return body;
}

static void plan_free(struct plan *p)
{
	free(p->app_name);
	free(p->from);
	free(p->to);
	free(p->image);
	free(p->tag);
	free(p->digest);
	free(p);
}

static void refuse(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(struct plan *p, const char *fmt, ...)
{
	struct err err;
	va_list ap;

	va_start(ap, fmt);
	err_setv(&err, fmt, ap);
	va_end(ap);
	p->done(p->ctx, NULL, err.msg, NULL);
	plan_free(p);
}

static const char *ctx_of(const struct env_state *s)
{
	return s && s->context && *s->context ? s->context : "current context";
}

/* Everything checked: the request for the gate. */
static void build(struct plan *p)
{
	const struct project *pj = p->rt->project;
	const struct env_conf *to = project_env(pj, p->to);
	const struct env_app *ea = env_conf_app(to, p->app_name);
	const struct env_state *ts = store_envs_find(&p->rt->store->envs, p->to);
	const struct env_state *fs = store_envs_find(&p->rt->store->envs, p->from);
	const struct env_run *fr = env_state_run(fs, p->app_name);
	struct promote_op *op = xcalloc(1, sizeof *op);
	struct action_req *req;
	struct strbuf from_txt = { 0 }, to_txt = { 0 };
	bool same = true;
	char target[512] = "", *cause, sd[64];

	op->env = xstrdup(p->to);
	op->paths = xcalloc(ea->ndeployments, sizeof *op->paths);
	op->bodies = xcalloc(ea->ndeployments, sizeof *op->bodies);
	cause = xasprintf("shipdeck promote %s %s→%s by %s", p->app_name, p->from, p->to,
			  p->rt->user ? p->rt->user : "unknown");
	for (size_t i = 0; i < ea->ndeployments; i++) {
		const char *name = ea->deployments[i];
		const struct env_run *tr = NULL;
		char *ns = kube_query_escape(to->namespace), *nm = kube_query_escape(name);

		for (size_t k = 0; ts && k < ts->nruns; k++)
			if (!strcmp(ts->runs[k].deployment, name))
				tr = &ts->runs[k];
		if (!tr || !tr->digest || strcmp(tr->digest, p->digest))
			same = false;
		op->paths[op->n] = xasprintf("/apis/apps/v1/namespaces/%s/deployments/%s", ns, nm);
		op->bodies[op->n++] = patch_body(tr && tr->container ? tr->container
						 : fr->container, p->image, cause);
		free(ns);
		free(nm);
		snprintf(target + strlen(target), sizeof target - strlen(target), "%sdeploy/%s",
			 i ? "," : "", name);
		sb_printf(&from_txt, "%s%s=%s", i ? ", " : "", tr && tr->container ? tr->container
			  : name, tr && tr->image ? tr->image : "(not found)");
		sb_printf(&to_txt, "%s%s=%s", i ? ", " : "", tr && tr->container ? tr->container
			  : fr->container, p->image);
	}
	free(cause);
	if (same) {
		char line[512];

		snprintf(line, sizeof line, "%s already runs %s (as %s): nothing to promote", p->to,
			 imgref_short_digest(p->digest, sd, sizeof sd), p->from);
		op_free(op);
		sb_free(&from_txt);
		sb_free(&to_txt);
		p->done(p->ctx, NULL, NULL, line);
		plan_free(p);
		return;
	}
	req = action_req_new(ACTION_PROMOTE_IMAGE, target);
	req->from = xasprintf("%s: %s", p->to, sb_str(&from_txt));
	req->to = xasprintf("%s: %s (as %s runs it)", p->to, sb_str(&to_txt), p->from);
	req->context = xstrdup(ts && ts->context ? ts->context : "");
	req->namespace = xstrdup(to->namespace);
	req->question = xasprintf("Promote %s from %s to %s by digest?", p->app_name, p->from,
				  p->to);
	action_req_add_detail(req, "%s (%s, namespace %s) runs it ×%d ready; %s: %s in %s, "
			      "namespace %s", p->from, ctx_of(fs), fs->namespace, fr->ready, p->to,
			      target, ctx_of(ts), to->namespace);
	if (p->tag)
		action_req_add_detail(req,
				      "the registry's tag %s points at this digest (checked now)",
				      p->tag);
	if (to->confirm_twice)
		req->second_question = xasprintf("%s asks for a second confirm: promote %s to %s?",
						 p->to,
						 imgref_short_digest(p->digest, sd, sizeof sd),
						 p->to);
	sb_free(&from_txt);
	sb_free(&to_txt);
	op->done_message = xasprintf("%s promoted to %s: %s", p->app_name, p->to, p->image);
	req->data = op;
	req->data_free = op_free;
	req->run = op_run;
	p->done(p->ctx, req, NULL, NULL);
	plan_free(p);
}

static void resolved(void *ctx, const char *digest, const char *error)
{
	struct plan *p = ctx;

	if (!digest) {
		refuse(p, "cannot check tag %s against the registry, so not promoting: %s", p->tag,
		       error ? error : "no digest");
		return;
	}
	if (strcmp(digest, p->digest)) {
		refuse(p, "%s runs %s at %s, but the registry's tag %s now points at %s: the tag "
		       "moved; promote sends only what %s runs and will not re-resolve a tag "
		       "(deploy the tag to %s again, or promote by digest from there)",
		       p->from, p->tag, p->digest, p->tag, digest, p->from, p->from);
		return;
	}
	build(p);
}

/* requires: {passed: ENV, for: D} of the target. NULL when met, else why not. */
static bool rules_met(struct plan *p, const struct env_conf *to, char *why, size_t size)
{
	const struct env_state *ps;
	const struct env_run *pr;
	int64_t now = time_wall_ms() / 1000, ran;
	char dur[32], need[32];

	if (!to->requires_passed)
		return true;
	ps = store_envs_find(&p->rt->store->envs, to->requires_passed);
	pr = env_state_run(ps, p->app_name);
	if (!pr || !pr->digest || strcmp(pr->digest, p->digest) || !pr->oldest_ready) {
		snprintf(why, size, "%s requires the image to have passed %s, which does not run "
			 "%s ready", to->name, to->requires_passed, p->digest);
		return false;
	}
	ran = now - pr->oldest_ready;
	if (ran * 1000 < to->requires_for_ms) {
		time_human_duration(ran, dur, sizeof dur);
		time_human_duration(to->requires_for_ms / 1000, need, sizeof need);
		snprintf(why, size, "%s requires %s to have run in %s for %s: it has for %s",
			 to->name, p->digest, to->requires_passed, need, dur);
		return false;
	}
	return true;
}

void env_promote_plan(struct rt *rt, const char *app_name, const char *from, const char *to,
		      promote_planned_fn done, void *ctx)
{
	const struct project *pj = rt->project;
	const struct env_conf *fc = project_env(pj, from), *tc;
	const struct env_state *fs, *ts;
	const struct env_run *fr;
	struct plan *p = xcalloc(1, sizeof *p);
	struct imgref ir;
	struct err err;
	char why[1024];

	*p = (struct plan){ .rt = rt, .app_name = xstrdup(app_name), .from = xstrdup(from),
			    .done = done, .ctx = ctx };
	if (!fc) {
		refuse(p, "no environment '%s' in environments: of .shipdeck.yml", from);
		return;
	}
	tc = to ? project_env(pj, to) : project_env_next(pj, fc);
	if (!tc) {
		if (to)
			refuse(p, "no environment '%s' in environments: of .shipdeck.yml", to);
		else
			refuse(p, "%s is the last environment: there is none to promote to", from);
		return;
	}
	p->to = xstrdup(tc->name);
	if (tc <= fc) {
		refuse(p, "%s comes before %s in environments: promotion goes forward only", p->to,
		       from);
		return;
	}
	if (!env_conf_app(fc, app_name) || !env_conf_app(tc, app_name)) {
		refuse(p, "app '%s' is not listed in environment %s", app_name,
		       env_conf_app(fc, app_name) ? p->to : from);
		return;
	}
	fs = store_envs_find(&rt->store->envs, from);
	ts = store_envs_find(&rt->store->envs, p->to);
	if (!fs || fs->error || !ts || ts->error) {
		bool source = !fs || fs->error;
		const struct env_state *bad = source ? fs : ts;

		refuse(p, "%s: %s", source ? from : p->to, bad ? bad->error : "not read yet");
		return;
	}
	fr = env_state_run(fs, app_name);
	if (!fr || !fr->found) {
		refuse(p, "%s: deploy/%s not found in namespace %s", from,
		       fr ? fr->deployment : app_name, fs->namespace);
		return;
	}
	if (!fr->image) {
		refuse(p, "%s: deploy/%s has no container", from, fr->deployment);
		return;
	}
	if (!fr->digest) {
		refuse(p, "%s runs %s by tag and its pods report no digest: nothing to promote by "
		       "digest (deploy it as REPO:TAG@sha256:…)", from, fr->image);
		return;
	}
	if (fr->pods_disagree) {
		refuse(p, "%s's pods of deploy/%s report different digests (a rollout under way?): "
		       "promote once they agree", from, fr->deployment);
		return;
	}
	imgref_split(fr->image, &ir);
	if (imgref_check(&ir, &err)) {
		refuse(p, "%s: %s", from, err.msg);
		return;
	}
	p->tag = fr->tag ? xstrdup(fr->tag) : NULL;
	p->digest = xstrdup(fr->digest);
	p->image = imgref_compose(&ir, fr->tag, fr->digest);
	if (!rules_met(p, tc, why, sizeof why)) {
		refuse(p, "%s", why);
		return;
	}
	if (!p->tag) {
		build(p);           /* a digest alone names one image for ever */
		return;
	}
	{
		char tag[160], dig[160];

		if (!pj->image_name || !images_ref_of(pj->image_name, fr->image, tag, sizeof tag,
						      dig, sizeof dig)) {
			refuse(p, "%s runs %s, not an image of image.name (%s): its tag cannot be "
			       "checked against the registry", from, fr->image,
			       pj->image_name ? pj->image_name : "not set");
			return;
		}
	}
	if (rt_resolve_tag(rt, p->tag, resolved, p, &err))
		refuse(p, "cannot check tag %s: %s", p->tag, err.msg);
}

static void plan(struct rt *rt, const struct action_sel *sel, action_planned_fn done,
		 void *ctx)
{
	env_promote_plan(rt, sel->name, sel->from, sel->to, done, ctx);
}

const struct action_builder env_builders[] = {
	{ ACTION_PROMOTE_IMAGE, TARGET_ENVIRONMENT, .plan = plan },
	{ 0 },
};
