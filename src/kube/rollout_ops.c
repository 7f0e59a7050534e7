#include "kube/rollout_ops.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "kube/objects.h"
#include "kube/undo.h"
#include "util/imgref.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

void kube_change_free(struct kube_change *c)
{
	free(c->method);
	free(c->path);
	free(c->content_type);
	free(c->body);
	memset(c, 0, sizeof *c);
}

/* The requests to send, one after the other, and what to say when they all
 * worked. */
struct kube_op {
	struct kube_change *calls;
	size_t ncalls;
	size_t next;                /* the call under way */
	char *done_message;         /* "deployment.apps/web rolled back" */
	/* a rollback refused with 409 reopens the dialog with the new state */
	bool is_rollback;
	char *ns, *name;
	long to_revision;
	/* what the operator saw of it: a 409 that changed neither (the
	 * controller wrote its status) is sent again with the new version */
	int64_t seen_generation;
	char *seen_annotations;
	int status_retries;
	char *conflict_body;        /* the 409's Status, while it is checked */
};

static void op_free(void *p)
{
	struct kube_op *op = p;

	for (size_t i = 0; i < op->ncalls; i++)
		kube_change_free(&op->calls[i]);
	free(op->calls);
	free(op->done_message);
	free(op->ns);
	free(op->name);
	free(op->seen_annotations);
	free(op->conflict_body);
	free(op);
}

struct pending {
	struct rt *rt;
	struct action_req *req;
	struct kube_op *op;
};

static void reopen_after_conflict(struct rt *rt, const char *ns, const char *name,
				  long to_revision);

static int op_send(struct pending *p, struct err *err);
static bool retry_after_status_write(struct pending *p, const struct http_response *resp);

static void op_done(void *ctx, const struct http_response *resp)
{
	struct pending *p = ctx;
	struct rt *rt = p->rt;
	struct kube_op *op = p->op;
	struct action_req *req = p->req;
	const struct kube_change *call = &op->calls[op->next];
	bool ok = resp->status >= 200 && resp->status < 300;
	struct err err;
	char *ns = NULL, *name = NULL;
	long to_revision = op->to_revision;
	bool reopen = op->is_rollback && resp->status == 409 && !req->unattended && rt->confirm;

	if (op->is_rollback && resp->status == 409 && retry_after_status_write(p, resp))
		return;
	if (ok && op->next + 1 < op->ncalls) {
		op->next++;
		if (!op_send(p, &err))
			return;
		ok = false;
		err_prefix(&err, "after %zu of %zu changes", op->next, op->ncalls);
	} else if (ok) {
		snprintf(err.msg, sizeof err.msg, "%s", op->done_message);
	} else {
		kube_response_error(rt->kube, call->method, call->path, resp, &err);
		if (resp->status == 409 && op->is_rollback)
			err_prefix(&err, "deployment/%s changed after you looked at it", op->name);
		if (op->next)
			err_prefix(&err, "after %zu of %zu changes", op->next, op->ncalls);
	}
	free(p);
	req->status = resp->status;
	req->unreachable = kube_response_unreachable(resp);
	if (reopen) {
		ns = xstrdup(op->ns);
		name = xstrdup(op->name);
	}
	gate_finish(rt, req, ok, err.msg);    /* frees req and op */
	if (reopen) {
		reopen_after_conflict(rt, ns, name, to_revision);
		free(ns);
		free(name);
	}
}

static int op_send(struct pending *p, struct err *err)
{
	const struct kube_change *call = &p->op->calls[p->op->next];

	if (!p->rt->kube)
		return err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
	return kube_start(p->rt->kube, &(struct kube_call){
		.method = call->method, .path = call->path, .content_type = call->content_type,
		.body = call->body, .on_done = op_done, .ctx = p,
	}, err) ? 0 : -1;
}

/* The rollback's patch with its resourceVersion test moved to rv. */
static bool set_patch_rv(struct kube_change *call, const char *rv)
{
	cJSON *ops = cJSON_Parse(call->body ? call->body : ""), *op;
	bool found = false;
	char *s;

	cJSON_ArrayForEach(op, ops) {
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op,
											 "path"));

		if (path && !strcmp(path, "/metadata/resourceVersion")) {
			cJSON_ReplaceItemInObjectCaseSensitive(op, "value", cJSON_CreateString(rv));
			found = true;
		}
	}
	if (found) {
		s = cJSON_PrintUnformatted(ops);
		free(call->body);
		call->body = xstrdup(s);
		cJSON_free(s);
	}
	cJSON_Delete(ops);
	return found;
}

static bool same_annotations(const char *a, const char *b)
{
	cJSON *ja = cJSON_Parse(a ? a : "{}"), *jb = cJSON_Parse(b ? b : "{}");
	bool same = ja && jb && cJSON_Compare(ja, jb, true);

	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return same;
}

/* The deployment read again after a 409: unchanged in what the operator saw
 * (spec generation, annotations) means only its status moved — the
 * controller's own writes, which a real cluster makes all through a rollout
 * — so the same patch goes again with the new resourceVersion, under the same
 * intent. Anything else finishes as a conflict (op_done). */
static void on_recheck(void *ctx, const struct http_response *resp)
{
	struct pending *p = ctx;
	struct kube_op *op = p->op;
	cJSON *root = resp->status == 200 ? cJSON_Parse(resp->body ? resp->body : "") : NULL;
	struct kube_deployment *d = kube_object_parse(KUBE_DEPLOYMENTS, root);
	struct http_response conflict = { .status = 409, .body = op->conflict_body,
					  .body_len = op->conflict_body ? strlen(op->conflict_body)
					  : 0 };
	struct err err;

	cJSON_Delete(root);
	if (d && d->meta.rv && d->generation == op->seen_generation
	    && same_annotations(d->annotations_json, op->seen_annotations)
	    && set_patch_rv(&op->calls[op->next], d->meta.rv)) {
		struct store_event ev = { .domain = STORE_KUBE };

		ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_DEPLOYMENTS,
					       .obj = d };
		rt_apply(p->rt, &ev);
		if (!op_send(p, &err))
			return;
		d = NULL;
	}
	if (d) {
		struct store_event ev = { .domain = STORE_KUBE };

		ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_DEPLOYMENTS,
					       .obj = d };
		rt_apply(p->rt, &ev);
	}
	op->status_retries = INT_MAX;        /* op_done finishes it as a conflict */
	op_done(p, &conflict);
}

static bool retry_after_status_write(struct pending *p, const struct http_response *resp)
{
	struct kube_op *op = p->op;
	char *path;
	bool started;
	struct err err;

	if (op->status_retries >= 3 || !p->rt->kube)
		return false;
	op->status_retries++;
	free(op->conflict_body);
	op->conflict_body = resp->body ? xstrdup(resp->body) : NULL;
	path = kube_path(KUBE_DEPLOYMENTS, op->ns, op->name);
	started = kube_start(p->rt->kube, &(struct kube_call){
		.path = path, .on_done = on_recheck, .ctx = p }, &err);
	free(path);
	return started;
}

static int op_run(struct rt *rt, struct action_req *req, struct err *err)
{
	struct kube_op *op = req->data;
	struct pending *p = xcalloc(1, sizeof *p);

	*p = (struct pending){ .rt = rt, .req = req, .op = op };
	op->next = 0;
	if (op_send(p, err)) {
		free(p);
		return -1;
	}
	return 0;
}

static void op_add_call(struct kube_op *op, const char *method, char *path,
			const char *content_type, char *body)
{
	op->calls = xrealloc(op->calls, (op->ncalls + 1) * sizeof *op->calls);
	op->calls[op->ncalls++] = (struct kube_change){
		.method = xstrdup(method), .path = path,
		.content_type = content_type ? xstrdup(content_type) : NULL, .body = body,
	};
}

static struct action_req *new_req(enum action_id action, const char *target, const char *method,
				  char *path, const char *content_type, char *body,
				  char *done_message)
{
	struct action_req *req = action_req_new(action, target);
	struct kube_op *op = xcalloc(1, sizeof *op);

	*op = (struct kube_op){ .done_message = done_message };
	op_add_call(op, method, path, content_type, body);
	req->data = op;
	req->data_free = op_free;
	req->run = op_run;
	return req;
}

static const struct kube_deployment *find_deploy(struct rt *rt, const char *ns,
						 const char *name, struct err *err)
{
	const struct kube_deployment *d;

	if (!rt->kube) {
		err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
		return NULL;
	}
	d = store_kube_deployment(&rt->store->kube, ns, name);
	if (!d)
		err_set(err, "deployment \"%s\" not found in namespace %s", name, ns);
	return d;
}

enum { MAX_RS = 256 };

struct action_req *kube_req_rollback(struct rt *rt, const char *ns, const char *deploy,
				     long to_revision, bool *skipped,
				     struct err *err)
{
	const struct kube_deployment *d = find_deploy(rt, ns, deploy, err);
	const struct kube_replicaset *rss[MAX_RS];
	struct kube_undo_plan plan;
	struct action_req *req;
	struct kube_op *op;
	enum kube_undo_result r;
	char target[300];
	size_t n;

	*skipped = false;
	if (!d)
		return NULL;
	n = store_kube_replicasets_of(&rt->store->kube, d, rss, MAX_RS);
	r = kube_undo_plan(d, rss, n, to_revision, rt->user ? rt->user : "unknown", &plan, err);
	if (r != KUBE_UNDO_PLANNED) {
		*skipped = r == KUBE_UNDO_SKIPPED;
		return NULL;
	}
	snprintf(target, sizeof target, "deploy/%s", deploy);
	req = new_req(ACTION_ROLLBACK, target, "PATCH", kube_path(KUBE_DEPLOYMENTS, ns, deploy),
		      "application/json-patch+json", plan.patch,
		      xasprintf("deployment.apps/%s rolled back", deploy));
	plan.patch = NULL;
	op = req->data;
	op->is_rollback = true;
	op->ns = xstrdup(ns);
	op->name = xstrdup(deploy);
	op->to_revision = to_revision;
	op->seen_generation = d->generation;
	op->seen_annotations = xstrdup(d->annotations_json ? d->annotations_json : "{}");
	req->from = plan.from_images;
	req->to = plan.to_images;
	plan.from_images = plan.to_images = NULL;
	req->question = xasprintf("Roll back deploy/%s to revision %ld (replica set %s)?", deploy,
				  plan.to_revision, plan.to_rs);
	if (!plan.ndiff)
		action_req_add_detail(req, "(the pod templates differ only in their images)");
	for (size_t i = 0; i < plan.ndiff; i++)
		action_req_add_detail(req, "%s", plan.diff[i]);
	kube_undo_plan_free(&plan);
	return req;
}

/* A 409 means the deployment moved on: read it and its replica sets again,
 * then ask again with what is true now. */
struct refresh {
	struct rt *rt;
	char *ns, *name, *selector;
	long to_revision;
};

static void refresh_free(struct refresh *r)
{
	free(r->ns);
	free(r->name);
	free(r->selector);
	free(r);
}

static void upsert_items(struct rt *rt, enum kube_resource res, const cJSON *items)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, kube_json_array(items)) {
		struct store_event ev = { .domain = STORE_KUBE };
		void *o = kube_object_parse(res, it);

		if (!o)
			continue;
		ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = res, .obj = o };
		rt_apply(rt, &ev);
	}
}

static void ask_again(struct refresh *r)
{
	struct err err;
	bool skipped;
	struct action_req *req = kube_req_rollback(r->rt, r->ns, r->name, r->to_revision,
						   &skipped, &err);

	if (!req) {
		rt_message(r->rt, skipped ? STATUS_INFO : STATUS_ERROR, "rollback deploy/%s: %s",
			   r->name, err.msg);
		return;
	}
	free(req->question);
	req->question = xasprintf("deploy/%s changed while you looked (409). Roll back from its "
				  "new state?", r->name);
	gate_submit(r->rt, req);
}

static void on_rs_list(void *ctx, const struct http_response *resp)
{
	struct refresh *r = ctx;
	cJSON *root = resp->status == 200 ? cJSON_Parse(resp->body ? resp->body : "") : NULL;

	upsert_items(r->rt, KUBE_REPLICASETS, kube_json_path(root, "items"));
	cJSON_Delete(root);
	ask_again(r);
	refresh_free(r);
}

static void on_deploy_get(void *ctx, const struct http_response *resp)
{
	struct refresh *r = ctx;
	cJSON *root = resp->status == 200 ? cJSON_Parse(resp->body ? resp->body : "") : NULL;
	struct store_event ev = { .domain = STORE_KUBE };
	void *o = kube_object_parse(KUBE_DEPLOYMENTS, root);
	char *path, *base, *sel;
	struct err err;

	cJSON_Delete(root);
	if (!o) {
		rt_message(r->rt, STATUS_ERROR,
			   "rollback deploy/%s: cannot read it again (HTTP %ld)",
			   r->name, resp->status);
		refresh_free(r);
		return;
	}
	r->selector = xstrdup(((struct kube_deployment *)o)->selector);
	ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_DEPLOYMENTS, .obj = o };
	rt_apply(r->rt, &ev);
	base = kube_path(KUBE_REPLICASETS, r->ns, NULL);
	sel = kube_query_escape(r->selector);
	path = xasprintf("%s?labelSelector=%s", base, sel);
	if (!r->rt->kube || !kube_start(r->rt->kube, &(struct kube_call){
		.path = path, .on_done = on_rs_list, .ctx = r }, &err)) {
		ask_again(r);
		refresh_free(r);
	}
	free(path);
	free(base);
	free(sel);
}

static void reopen_after_conflict(struct rt *rt, const char *ns, const char *name,
				  long to_revision)
{
	struct refresh *r = xcalloc(1, sizeof *r);
	char *path = kube_path(KUBE_DEPLOYMENTS, ns, name);
	struct err err;

	*r = (struct refresh){ .rt = rt, .ns = xstrdup(ns), .name = xstrdup(name),
			       .to_revision = to_revision };
	if (!rt->kube || !kube_start(rt->kube, &(struct kube_call){
		.path = path, .on_done = on_deploy_get, .ctx = r }, &err))
		refresh_free(r);
	free(path);
}

static char *patch_path(const char *ns, const char *deploy)
{
	char *base = kube_path(KUBE_DEPLOYMENTS, ns, deploy);
	char *p = xasprintf("%s?fieldManager=kubectl-rollout", base);

	free(base);
	return p;
}

struct action_req *kube_req_pause(struct rt *rt, const char *ns, const char *deploy,
				  bool pause, struct err *err)
{
	const struct kube_deployment *d = find_deploy(rt, ns, deploy, err);
	struct action_req *req;
	char target[300];

	if (!d)
		return NULL;
	if (d->paused == pause) {
		err_set(err, "deployment.apps/%s is already %s", deploy,
			pause ? "paused" : "resumed");
		return NULL;
	}
	snprintf(target, sizeof target, "deploy/%s", deploy);
	req = new_req(ACTION_PAUSE_RESUME, target, "PATCH", patch_path(ns, deploy),
		      "application/strategic-merge-patch+json",
		      xstrdup(pause ? "{\"spec\":{\"paused\":true}}"
			      : "{\"spec\":{\"paused\":null}}"),
		      xasprintf("deployment.apps/%s %s", deploy, pause ? "paused" : "resumed"));
	req->from = xstrdup(pause ? "rolling" : "paused");
	req->to = xstrdup(pause ? "paused" : "rolling");
	req->question = xasprintf("%s the rollout of deploy/%s?", pause ? "Pause" : "Resume",
				  deploy);
	return req;
}

struct action_req *kube_req_restart(struct rt *rt, const char *ns, const char *deploy,
				    struct err *err)
{
	const struct kube_deployment *d = find_deploy(rt, ns, deploy, err);
	struct action_req *req;
	char now[40], target[300];

	if (!d)
		return NULL;
	if (d->paused) {
		err_set(err, "can't restart paused deployment (run rollout resume first)");
		return NULL;
	}
	time_format_rfc3339(time(NULL), now, sizeof now);
	snprintf(target, sizeof target, "deploy/%s", deploy);
	req = new_req(ACTION_RESTART, target, "PATCH", patch_path(ns, deploy),
		      "application/strategic-merge-patch+json",
		      xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
				"{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}", now),
		      xasprintf("deployment.apps/%s restarted", deploy));
	req->question = xasprintf("Restart every pod of deploy/%s (%d replicas, one rolling "
				  "update)?", deploy, d->replicas);
	return req;
}

struct action_req *kube_req_scale(struct rt *rt, const char *ns, const char *deploy,
				  int replicas, struct err *err)
{
	const struct kube_deployment *d = find_deploy(rt, ns, deploy, err);
	struct action_req *req;
	char target[300], *base;

	if (!d)
		return NULL;
	if (replicas < 0) {
		err_set(err, "replicas must be 0 or more");
		return NULL;
	}
	snprintf(target, sizeof target, "deploy/%s", deploy);
	base = kube_path(KUBE_DEPLOYMENTS, ns, deploy);
	req = new_req(ACTION_SCALE, target, "PATCH", xasprintf("%s/scale", base),
		      "application/merge-patch+json",
		      xasprintf("{\"spec\":{\"replicas\":%d}}", replicas),
		      xasprintf("deployment.apps/%s scaled", deploy));
	free(base);
	req->from = xasprintf("%d replicas", d->replicas);
	req->to = xasprintf("%d replicas", replicas);
	return req;
}

struct action_req *kube_req_calls(enum action_id action, const char *target,
				  struct kube_change *calls, size_t n, const char *done_message)
{
	struct action_req *req = action_req_new(action, target);
	struct kube_op *op = xcalloc(1, sizeof *op);

	*op = (struct kube_op){ .done_message = xstrdup(done_message),
				.calls = xcalloc(n ? n : 1, sizeof *op->calls), .ncalls = n };
	for (size_t i = 0; i < n; i++) {
		op->calls[i] = calls[i];
		memset(&calls[i], 0, sizeof calls[i]);
	}
	req->data = op;
	req->data_free = op_free;
	req->run = op_run;
	return req;
}

char *kube_image_for(const char *current, const char *arg)
{
	struct imgref r;

	if (strchr(arg, '/') || strchr(arg, ':') || strchr(arg, '@'))
		return xstrdup(arg);
	imgref_split(current, &r);
	return imgref_compose(&r, arg, NULL);
}

struct action_req *kube_req_set_image(struct rt *rt, const char *ns, const char *deploy,
				      const char *container, const char *image, struct err *err)
{
	const struct kube_deployment *d = find_deploy(rt, ns, deploy, err);
	struct action_req *req = NULL;
	char **cs, *current = NULL, *name = NULL, *full, *body, target[300], *esc_name, *esc_img;
	char *esc_cause;
	size_t n;
	cJSON *s;

	if (!d)
		return NULL;
	cs = kube_template_containers(d->template_json, &n);
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(cs[i], '=');

		*eq = '\0';
		if ((container && !strcmp(cs[i], container)) || (!container && n == 1)) {
			name = cs[i];
			current = eq + 1;
		}
	}
	if (!name) {
		if (container)
			err_set(err, "deployment \"%s\" has no container \"%s\"", deploy,
				container);
		else
			err_set(err, "deployment \"%s\" has %zu containers: say which with "
				"--container", deploy, n);
		goto out;
	}
	full = kube_image_for(current, image);
	s = cJSON_CreateString(name);
	esc_name = cJSON_PrintUnformatted(s);
	cJSON_Delete(s);
	s = cJSON_CreateString(full);
	esc_img = cJSON_PrintUnformatted(s);
	cJSON_Delete(s);
	/* what an operator reading `kubectl rollout history` later needs: who
	 * deployed what with shipdeck (the controller copies it to the new
	 * replica set) */
	{
		const char *slash = strrchr(full, '/');
		char *why = xasprintf("shipdeck deploy %s %s by %s", deploy,
				      slash ? slash + 1 : full, rt->user ? rt->user : "unknown");

		s = cJSON_CreateString(why);
		esc_cause = cJSON_PrintUnformatted(s);
		cJSON_Delete(s);
		free(why);
	}
	body = xasprintf("{\"metadata\":{\"annotations\":{\"kubernetes.io/change-cause\":%s}},"
			 "\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":"
			 "[{\"name\":%s}],\"containers\":[{\"image\":%s,\"name\":%s}]}}}}",
			 esc_cause, esc_name, esc_img, esc_name);
	cJSON_free(esc_name);
	cJSON_free(esc_img);
	cJSON_free(esc_cause);
	snprintf(target, sizeof target, "deploy/%s", deploy);
	req = new_req(ACTION_DEPLOY, target, "PATCH", kube_path(KUBE_DEPLOYMENTS, ns, deploy),
		      "application/strategic-merge-patch+json", body,
		      xasprintf("deployment.apps/%s image updated", deploy));
	req->from = xasprintf("%s=%s", name, current);
	req->to = xasprintf("%s=%s", name, full);
	req->question = xasprintf("Deploy %s to deploy/%s?", full, deploy);
	free(full);
out:
	for (size_t i = 0; i < n; i++)
		free(cs[i]);
	free(cs);
	return req;
}

struct action_req *kube_req_kill_pod(struct rt *rt, const char *ns, const char *pod,
				     struct err *err)
{
	const struct kube_pod *p;
	struct action_req *req;
	char target[300];

	if (!rt->kube) {
		err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
		return NULL;
	}
	p = store_kube_find(&rt->store->kube, KUBE_PODS, ns, pod);
	if (!p) {
		err_set(err, "pod \"%s\" not found in namespace %s", pod, ns);
		return NULL;
	}
	snprintf(target, sizeof target, "pod/%s", pod);
	req = new_req(ACTION_KILL_POD, target, "DELETE",
		      xasprintf("/api/v1/namespaces/%s/pods/%s", ns, pod), "application/json",
		      xstrdup("{\"propagationPolicy\":\"Background\"}"),
		      xasprintf("pod \"%s\" deleted", pod));
	req->from = xasprintf("%s, %s", p->status ? p->status : "?", p->node ? p->node : "no node");
	req->to = xstrdup("deleted; its replica set makes a new one");
	req->question = xasprintf("Kill pod %s (a chaos experiment: one pod)?", pod);
	return req;
}
