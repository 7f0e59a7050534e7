#include "demo/seed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "demo/template.h"
#include "env/source.h"
#include "kube/client.h"
#include "registry/source.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *const bad_tags[] = { "bad-stall", "bad-errors" };
static const char *const env_namespaces[] = { "stage", "prod" };

/* The repository's own publish script, so the bad images are pushed the way
 * every build pushes (their config differs, so their digests do too). */
static int publish(const struct demo_world *w, const char *image, const char *layer,
		   struct err *err)
{
	char *script = xasprintf("%s/ci/publish.sh", w->repo);
	char *log = xasprintf("%s/seed.log", w->dir);
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		FILE *f = freopen(log, "a", stdout);

		(void)f;
		dup2(1, 2);
		if (chdir(w->repo) == 0)
			execl("/bin/sh", "sh", script, image, layer, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)
	    || WEXITSTATUS(status)) {
		err_set(err, "pushing %s failed (see %s)", image, log);
		free(script);
		free(log);
		return -1;
	}
	free(script);
	free(log);
	return 0;
}

int demo_seed_bad_images(struct app *app, const struct demo_world *w, const char *layer,
			 struct err *err)
{
	char *registry = demo_world_registry(w);

	(void)app;
	if (!registry)
		return 0;
	for (size_t i = 0; i < sizeof bad_tags / sizeof *bad_tags; i++) {
		char *image = xasprintf("%s/demo/greet:%s", registry, bad_tags[i]);
		int rc = publish(w, image, layer, err);

		free(image);
		if (rc) {
			free(registry);
			return -1;
		}
	}
	free(registry);
	return 0;
}

/* What a manifest keeps of a live object: no status, no server-set fields.
 * A ReplicaSet loses its owner (the Deployment gets a new uid) and keeps its
 * revision: the Deployment adopts it again, with the rollout history. */
static void strip_object(cJSON *o)
{
	static const char *const meta_drop[] = { "uid", "resourceVersion", "generation",
						 "creationTimestamp", "managedFields",
						 "selfLink", "ownerReferences", NULL };
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");

	cJSON_DeleteItemFromObjectCaseSensitive(o, "status");
	for (const char *const *k = meta_drop; *k; k++)
		cJSON_DeleteItemFromObjectCaseSensitive(meta, *k);
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "clusterIP");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "clusterIPs");
}

static int list(struct app *app, const char *path, const char *kind, const char *api_version,
		struct strbuf *out, struct err *err)
{
	struct http_response resp;
	cJSON *root, *items, *item;

	if (kube_call_sync(app->rt.kube, &(struct kube_call){ .path = path }, &resp, err))
		return -1;
	if (resp.status != 200) {
		kube_response_error(app->rt.kube, "GET", path, &resp, err);
		http_response_free(&resp);
		return -1;
	}
	root = cJSON_ParseWithLength(resp.body, resp.body_len);
	http_response_free(&resp);
	items = cJSON_GetObjectItemCaseSensitive(root, "items");
	cJSON_ArrayForEach(item, items) {
		char *json;

		strip_object(item);
		/* list items carry no kind: a manifest needs it */
		cJSON_DeleteItemFromObjectCaseSensitive(item, "kind");
		cJSON_DeleteItemFromObjectCaseSensitive(item, "apiVersion");
		cJSON_AddStringToObject(item, "kind", kind);
		cJSON_AddStringToObject(item, "apiVersion", api_version);
		json = cJSON_PrintUnformatted(item);
		sb_printf(out, "---\n%s\n", json);   /* JSON is YAML */
		cJSON_free(json);
	}
	cJSON_Delete(root);
	return 0;
}

int demo_save_cluster(struct app *app, const struct demo_world *w, struct err *err)
{
	struct strbuf out = { 0 };
	char *path = xasprintf("%s/sandbox/manifests.yaml", w->dir);
	int rc = -1;

	if (!app->rt.kube) {
		free(path);
		return 0;
	}
	if (list(app, "/apis/apps/v1/namespaces/default/deployments", "Deployment", "apps/v1",
		 &out, err)
	    || list(app, "/apis/apps/v1/namespaces/default/replicasets", "ReplicaSet", "apps/v1",
		    &out, err)
	    || list(app, "/api/v1/namespaces/default/services", "Service", "v1", &out, err))
		goto out;
	for (size_t i = 0; out.len && i < sizeof env_namespaces / sizeof *env_namespaces; i++) {
		char *d = xasprintf("/apis/apps/v1/namespaces/%s/deployments", env_namespaces[i]);
		char *r = xasprintf("/apis/apps/v1/namespaces/%s/replicasets", env_namespaces[i]);

		rc = list(app, d, "Deployment", "apps/v1", &out, err)
			|| list(app, r, "ReplicaSet", "apps/v1", &out, err) ? -1 : 0;
		free(d);
		free(r);
		if (rc)
			goto out;
	}
	if (out.len) {
		/* the environments' namespaces before what lives in them */
		struct strbuf all = { 0 };

		sb_printf(&all, "---\n%s%s", demo_namespaces, out.s);
		sb_free(&out);
		out = all;
	}
	if (!out.len)
		goto out;   /* nothing listed: keep the last good file */
	rc = file_write_atomic(path, out.s, out.len, err);
out:
	sb_free(&out);
	free(path);
	return rc;
}

struct resolved {
	bool done;
	char *digest;
	char error[512];
};

static void on_resolved(void *ctx, const char *digest, const char *error)
{
	struct resolved *r = ctx;

	r->done = true;
	r->digest = digest ? xstrdup(digest) : NULL;
	snprintf(r->error, sizeof r->error, "%s", error ? error : "");
}

int demo_seed_stage(struct app *app, const char *tag, struct err *err)
{
	struct kube_client *kc = env_source_client(&app->rt, "stage");
	struct resolved r = { 0 };
	struct http_response resp;
	char *image, *body;
	int rc = -1;

	if (!kc || !app->project.image_name)
		return 0;
	if (registry_source_resolve(&app->rt, tag, on_resolved, &r, err))
		return -1;
	while (!r.done && loop_run_once(app->loop, -1) >= 0)
		;
	if (!r.digest)
		return err_set(err, "stage: %s", r.error);
	image = xasprintf("%s:%s@%s", app->project.image_name, tag, r.digest);
	body = xasprintf("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"greet\","
			 "\"image\":\"%s\"}]}}}}", image);
	if (kube_call_sync(kc, &(struct kube_call){
			.method = "PATCH",
			.path = "/apis/apps/v1/namespaces/stage/deployments/greet",
			.content_type = "application/strategic-merge-patch+json", .body = body },
			   &resp, err) == 0) {
		if (resp.status == 200)
			rc = 0;
		else
			kube_response_error(kc, "PATCH",
					    "/apis/apps/v1/namespaces/stage/deployments/greet",
					    &resp, err);
		http_response_free(&resp);
	}
	env_source_refresh(&app->rt);
	free(image);
	free(body);
	free(r.digest);
	return rc;
}
