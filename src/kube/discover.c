#include "kube/discover.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/objects.h"
#include "util/xalloc.h"

enum {
	RECHECK_ABSENT_MS = 60000,  /* a CRD installed while the console runs */
	RECHECK_FAILED_MS = 10000,
	MAX_GROUPS = KUBE_RESOURCE_COUNT,
};

struct group {
	struct kube_discovery *d;
	const char *path;           /* "/apis/argoproj.io/v1alpha1" */
	uint64_t req, timer;
};

struct kube_discovery {
	struct kube_client *kc;
	kube_discovered_fn fn;
	void *ctx;
	bool found[KUBE_RESOURCE_COUNT];
	struct group groups[MAX_GROUPS];
	size_t ngroups;
};

bool kube_discover_lists(const char *body, size_t len, const char *plural)
{
	cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *r;
	bool yes = false;

	cJSON_ArrayForEach(r, kube_json_array(kube_json_path(root, "resources"))) {
		const char *name = kube_json_str(r, "name");

		if (name && !strcmp(name, plural))
			yes = true;
	}
	cJSON_Delete(root);
	return yes;
}

static void ask(struct group *g);

static void on_timer(void *ctx)
{
	struct group *g = ctx;

	g->timer = 0;
	ask(g);
}

static void on_done(void *ctx, const struct http_response *resp)
{
	struct group *g = ctx;
	struct kube_discovery *d = g->d;
	bool pending = false;

	g->req = 0;
	if (resp->status == 200) {
		for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
			const char *path = kube_resource_group((enum kube_resource)r);

			if (!path || strcmp(path, g->path) || d->found[r])
				continue;
			if (kube_discover_lists(resp->body, resp->body_len,
						kube_resource_plural((enum kube_resource)r))) {
				d->found[r] = true;
				d->fn(d->ctx, (enum kube_resource)r);
			} else {
				pending = true;
			}
		}
		if (!pending)
			return;
	}
	g->timer = loop_timer_add(d->kc->rt->loop, resp->status == 200 || resp->status == 404
				  ? RECHECK_ABSENT_MS : RECHECK_FAILED_MS, on_timer, g);
}

static void ask(struct group *g)
{
	struct err err;

	g->req = kube_start(g->d->kc, &(struct kube_call){
		.path = g->path, .on_done = on_done, .ctx = g }, &err);
	if (!g->req)
		g->timer = loop_timer_add(g->d->kc->rt->loop, RECHECK_FAILED_MS, on_timer, g);
}

struct kube_discovery *kube_discover_start(struct kube_client *kc, kube_discovered_fn fn,
					   void *ctx)
{
	struct kube_discovery *d = xcalloc(1, sizeof *d);

	*d = (struct kube_discovery){ .kc = kc, .fn = fn, .ctx = ctx };
	for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
		const char *path = kube_resource_group((enum kube_resource)r);
		size_t i;

		if (!path)
			continue;
		for (i = 0; i < d->ngroups && strcmp(d->groups[i].path, path); i++)
			;
		if (i == d->ngroups)
			d->groups[d->ngroups++] = (struct group){ .d = d, .path = path };
	}
	for (size_t i = 0; i < d->ngroups; i++)
		ask(&d->groups[i]);
	return d;
}

void kube_discover_stop(struct kube_discovery **dp)
{
	struct kube_discovery *d = *dp;

	if (!d)
		return;
	for (size_t i = 0; i < d->ngroups; i++) {
		if (d->groups[i].req)
			http_cancel(d->kc->rt->http, d->groups[i].req);
		if (d->groups[i].timer)
			loop_timer_cancel(d->kc->rt->loop, d->groups[i].timer);
	}
	free(d);
	*dp = NULL;
}

int kube_discover_sync(struct kube_client *kc, enum kube_resource res, bool *served,
		       struct err *err)
{
	const char *path = kube_resource_group(res);
	struct http_response resp;
	int rc;

	*served = false;
	if (!path) {
		*served = true;
		return 0;
	}
	rc = kube_call_sync(kc, &(struct kube_call){ .path = path }, &resp, err);
	if (rc) {
		http_response_free(&resp);
		return 2;
	}
	if (resp.status == 200) {
		*served = kube_discover_lists(resp.body, resp.body_len, kube_resource_plural(res));
	} else if (resp.status != 404) {
		kube_response_error(kc, "GET", path, &resp, err);
		rc = kube_response_unreachable(&resp) ? 2 : 1;
	}
	http_response_free(&resp);
	return rc;
}
