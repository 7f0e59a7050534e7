/* set image on an Argo Rollout, as `kubectl argo rollouts set image` makes
 * it (its cmd/set): no patch, but the object read (GET) — the Rollout, or
 * the Deployment its spec.workloadRef names — the image set on every
 * container of the pod template with the name (or, for "*", on all) in
 * initContainers, containers and ephemeralContainers, and the whole object
 * written back (PUT); on a 409 all of it again, five attempts in all. */
#include "kube/argo_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/objects.h"
#include "kube/rollout_ops.h"
#include "store/argo.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

enum { MAX_ATTEMPTS = 5 };   /* the plugin's maxAttempts */

static const char *const container_lists[] = { "initContainers", "containers",
					       "ephemeralContainers" };

static bool named(const cJSON *c, const char *container)
{
	const char *name = kube_json_str(c, "name");

	return !strcmp(container, "*") || (name && !strcmp(name, container));
}

static cJSON *list_of(const cJSON *tmpl, size_t l)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(tmpl, "spec");

	return cJSON_IsObject(spec) ? cJSON_GetObjectItemCaseSensitive(spec, container_lists[l])
		: NULL;
}

/* The image of the first container named container in the template, or
 * NULL. */
static const char *first_image(const cJSON *tmpl, const char *container)
{
	for (size_t l = 0; l < sizeof container_lists / sizeof *container_lists; l++) {
		const cJSON *c;

		cJSON_ArrayForEach(c, kube_json_array(list_of(tmpl, l)))
			if (named(c, container))
				return kube_json_str(c, "image");
	}
	return NULL;
}

/* Sets image on each container of the template named container; "name=old"
 * and "name=new" of each go to from and to when given. Returns how many. */
static size_t set_template_image(cJSON *tmpl, const char *container, const char *image,
				 struct strbuf *from, struct strbuf *to)
{
	size_t n = 0;

	for (size_t l = 0; l < sizeof container_lists / sizeof *container_lists; l++) {
		cJSON *list = list_of(tmpl, l), *c;

		if (!cJSON_IsArray(list))
			continue;
		cJSON_ArrayForEach(c, list) {
			const char *name = kube_json_str(c, "name"),
				*old = kube_json_str(c, "image");

			if (!cJSON_IsObject(c) || !named(c, container))
				continue;
			if (from)
				sb_printf(from, "%s%s=%s", n ? ", " : "", name ? name : "",
					  old ? old : "");
			if (to)
				sb_printf(to, "%s%s=%s", n ? ", " : "", name ? name : "", image);
			if (cJSON_HasObjectItem(c, "image"))
				cJSON_ReplaceItemInObjectCaseSensitive(c, "image",
								       cJSON_CreateString(image));
			else
				cJSON_AddStringToObject(c, "image", image);
			n++;
		}
	}
	return n;
}

char *kube_argo_set_image_object(const char *object_json, const char *container,
				 const char *image, struct err *err)
{
	cJSON *o = cJSON_Parse(object_json ? object_json : "");
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
	cJSON *tmpl = cJSON_IsObject(spec) ? cJSON_GetObjectItemCaseSensitive(spec, "template")
		: NULL;
	char *s, *out = NULL;

	if (!cJSON_IsObject(o))
		err_set(err, "the object read is not JSON");
	else if (!set_template_image(tmpl, container, image, NULL, NULL))
		err_set(err, "unable to find container named \"%s\"", container);
	else {
		s = cJSON_PrintUnformatted(o);
		out = xstrdup(s);
		cJSON_free(s);
	}
	cJSON_Delete(o);
	return out;
}

/* ---- the request: GET, then PUT, again on a conflict */

struct set_image_op {
	struct rt *rt;
	struct action_req *req;
	char *ns, *rollout, *container, *image;
	char *path;                 /* of the object being written */
	char *kind, *object;        /* "rollout" "web", or by workloadRef "deployment" "web" */
	char *body;                 /* the PUT's */
	int attempt;
};

static void op_free(void *p)
{
	struct set_image_op *op = p;

	free(op->ns);
	free(op->rollout);
	free(op->container);
	free(op->image);
	free(op->path);
	free(op->kind);
	free(op->object);
	free(op->body);
	free(op);
}

static void finish(struct set_image_op *op, const struct http_response *resp, bool ok,
		   const char *msg)
{
	op->req->status = resp->status;
	op->req->unreachable = kube_response_unreachable(resp);
	gate_finish(op->rt, op->req, ok, msg);    /* frees op */
}

static void fail_response(struct set_image_op *op, const char *method,
			  const struct http_response *resp)
{
	struct err err;

	kube_response_error(op->rt->kube, method, op->path, resp, &err);
	if (op->attempt > 1)
		err_prefix(&err, "attempt %d of %d", op->attempt, MAX_ATTEMPTS);
	finish(op, resp, false, err.msg);
}

static int get_object(struct set_image_op *op, enum kube_resource res, const char *name,
		      struct err *err);

static void on_put(void *ctx, const struct http_response *resp)
{
	struct set_image_op *op = ctx;
	struct err err;
	char msg[400];

	if (resp->status == 409 && op->attempt < MAX_ATTEMPTS) {
		/* changed since it was read (the controller writes the Rollout all
		 * through a rollout): read it again, as the plugin does */
		if (!get_object(op, KUBE_ROLLOUTS, op->rollout, &err))
			return;
		finish(op, resp, false, err.msg);
		return;
	}
	if (resp->status < 200 || resp->status >= 300) {
		fail_response(op, "PUT", resp);
		return;
	}
	snprintf(msg, sizeof msg, "%s \"%s\" image updated", op->kind, op->object);
	finish(op, resp, true, msg);
}

static void on_get(void *ctx, const struct http_response *resp)
{
	struct set_image_op *op = ctx;
	cJSON *o = resp->status == 200 ? cJSON_Parse(resp->body ? resp->body : "") : NULL;
	const char *ref = strcmp(op->kind, "rollout") ? NULL
		: kube_json_str(o, "spec.workloadRef.name");
	struct err err;
	int rc;

	if (resp->status != 200) {
		cJSON_Delete(o);
		fail_response(op, "GET", resp);
		return;
	}
	if (ref) {
		/* the template lives in the Deployment: that one is written */
		char *name = xstrdup(ref);

		cJSON_Delete(o);
		free(op->kind);
		op->kind = xstrdup("deployment");
		rc = get_object(op, KUBE_DEPLOYMENTS, name, &err);
		free(name);
		if (rc)
			finish(op, resp, false, err.msg);
		return;
	}
	cJSON_Delete(o);
	free(op->body);
	op->body = kube_argo_set_image_object(resp->body, op->container, op->image, &err);
	if (!op->body) {
		err_prefix(&err, "%s %s", op->kind, op->path);
		finish(op, resp, false, err.msg);
		return;
	}
	if (!kube_start(op->rt->kube, &(struct kube_call){
		.method = "PUT", .path = op->path, .content_type = "application/json",
		.body = op->body, .on_done = on_put, .ctx = op }, &err))
		finish(op, resp, false, err.msg);
}

/* One attempt starts at the Rollout (a retry too: its workloadRef may have
 * changed); a workloadRef leads on to the Deployment. */
static int get_object(struct set_image_op *op, enum kube_resource res, const char *name,
		      struct err *err)
{
	if (!op->rt->kube)
		return err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
	if (res == KUBE_ROLLOUTS) {
		op->attempt++;
		free(op->kind);
		op->kind = xstrdup("rollout");
	}
	free(op->object);
	op->object = xstrdup(name);
	free(op->path);
	op->path = kube_path(res, op->ns, name);
	return kube_start(op->rt->kube, &(struct kube_call){ .path = op->path, .on_done = on_get,
							     .ctx = op }, err) ? 0 : -1;
}

static int op_run(struct rt *rt, struct action_req *req, struct err *err)
{
	struct set_image_op *op = req->data;

	op->rt = rt;
	op->req = req;
	op->attempt = 0;
	return get_object(op, KUBE_ROLLOUTS, op->rollout, err);
}

/* ---- the action */

/* The container a NULL name means: the only one of the template's
 * containers. NULL with err when there are several or none. */
static const char *only_container(const cJSON *tmpl, const char *name, struct err *err)
{
	const cJSON *cs = kube_json_array(kube_json_path(tmpl, "spec.containers"));
	int n = cs ? cJSON_GetArraySize(cs) : 0;

	if (n == 1 && kube_json_str(cJSON_GetArrayItem(cs, 0), "name"))
		return kube_json_str(cJSON_GetArrayItem(cs, 0), "name");
	err_set(err, "rollout \"%s\" has %d containers: say which with --container (* for all)",
		name, n);
	return NULL;
}

struct action_req *kube_req_argo_set_image(struct rt *rt, const char *ns, const char *name,
					   const char *container, const char *image,
					   struct err *err)
{
	const struct kube_rollout *ro;
	const char *tmpl_json, *current;
	struct action_req *req = NULL;
	struct set_image_op *op;
	struct strbuf from = { 0 }, to = { 0 };
	cJSON *tmpl;
	char target[300], *full = NULL;

	if (!rt->kube) {
		err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
		return NULL;
	}
	ro = store_kube_find(&rt->store->kube, KUBE_ROLLOUTS, ns, name);
	if (!ro) {
		err_set(err, "rollout \"%s\" not found in namespace %s", name, ns);
		return NULL;
	}
	tmpl_json = ro->template_json;
	if (ro->workload_ref) {
		const struct kube_deployment *d = store_kube_deployment(&rt->store->kube, ns,
									ro->workload_ref);

		if (!d) {
			err_set(err,
				"rollout \"%s\": its spec.workloadRef deployment \"%s\" not found",
				name, ro->workload_ref);
			return NULL;
		}
		tmpl_json = d->template_json;
	}
	tmpl = cJSON_Parse(tmpl_json ? tmpl_json : "{}");
	if (!container && !(container = only_container(tmpl, name, err)))
		goto out;
	current = first_image(tmpl, container);
	if (!current) {
		err_set(err, "unable to find container named \"%s\" in rollout \"%s\"", container,
			name);
		goto out;
	}
	full = kube_image_for(current, image);
	set_template_image(tmpl, container, full, &from, &to);

	snprintf(target, sizeof target, "rollout/%s", name);
	req = action_req_new(ACTION_DEPLOY, target);
	op = xcalloc(1, sizeof *op);
	*op = (struct set_image_op){ .ns = xstrdup(ns), .rollout = xstrdup(name),
				     .container = xstrdup(container), .image = xstrdup(full) };
	req->data = op;
	req->data_free = op_free;
	req->run = op_run;
	req->from = sb_steal(&from);
	req->to = sb_steal(&to);
	req->question = xasprintf("Deploy %s to rollout/%s?", full, name);
	if (ro->workload_ref)
		action_req_add_detail(req, "the template is deploy/%s's (spec.workloadRef): that "
				      "deployment is written", ro->workload_ref);
	if (ro->blue_green)
		action_req_add_detail(req, "blue/green: the new pods come up as the preview");
	else if (ro->nsteps)
		action_req_add_detail(req, "the controller takes it through its %zu steps, from "
				      "step 1 (%s)", ro->nsteps, ro->steps[0].text);
out:
	sb_free(&from);
	sb_free(&to);
	free(full);
	cJSON_Delete(tmpl);
	return req;
}
