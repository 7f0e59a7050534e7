#include "kube/fetch.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/objects.h"
#include "util/jsonarena.h"
#include "util/xalloc.h"

enum { PAGE = 500 };

static int failed(struct kube_client *kc, const char *path, const struct http_response *resp,
		  struct err *err)
{
	kube_response_error(kc, "GET", path, resp, err);
	return kube_response_unreachable(resp) ? 2 : 1;
}

static void upsert(struct rt *rt, enum kube_resource res, void *o)
{
	struct store_event ev = { .domain = STORE_KUBE };

	ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = res, .obj = o };
	rt_apply(rt, &ev);
}

int kube_fetch_deployment(struct kube_client *kc, const char *ns, const char *name,
			  struct err *err)
{
	char *path = kube_path(KUBE_DEPLOYMENTS, ns, name), *sel = NULL, *rs_path = NULL;
	struct http_response resp;
	const struct kube_deployment *d;
	void **items = NULL;
	size_t n = 0;
	cJSON *root = NULL;
	void *o;
	int rc;

	if (kube_call_sync(kc, &(struct kube_call){ .path = path }, &resp, err)) {
		rc = 2;
		goto out;
	}
	if (resp.status == 404) {
		err_set(err, "deployment \"%s\" not found in namespace %s", name, ns);
		rc = 1;
		goto out;
	}
	if (resp.status != 200) {
		rc = failed(kc, path, &resp, err);
		goto out;
	}
	root = cJSON_Parse(resp.body ? resp.body : "");
	o = kube_object_parse(KUBE_DEPLOYMENTS, root);
	if (!o) {
		err_set(err, "%s: the answer is not a Deployment", path);
		rc = 1;
		goto out;
	}
	upsert(kc->rt, KUBE_DEPLOYMENTS, o);
	d = store_kube_deployment(&kc->rt->store->kube, ns, name);
	sel = kube_query_escape(d->selector);
	rs_path = xasprintf("labelSelector=%s", sel);
	rc = kube_fetch_list(kc, KUBE_REPLICASETS, ns, rs_path, &items, &n, err);
	for (size_t i = 0; i < n; i++)
		upsert(kc->rt, KUBE_REPLICASETS, items[i]);
	free(items);
out:
	http_response_free(&resp);
	cJSON_Delete(root);
	free(path);
	free(sel);
	free(rs_path);
	return rc;
}

int kube_fetch_list(struct kube_client *kc, enum kube_resource res, const char *ns,
		    const char *query, void ***objs, size_t *n, struct err *err)
{
	char *base = kube_path(res, ns, NULL), *cont = NULL;
	struct json_arena json = { 0 };
	size_t cap = 0;
	int rc = 0;

	*objs = NULL;
	*n = 0;
	do {
		struct http_response resp;
		char *path, *c = cont ? kube_query_escape(cont) : NULL;
		const cJSON *it;
		const char *next;
		const cJSON *root;

		path = xasprintf("%s?%s%s%s%s%slimit=%d", base, query ? query : "",
				 query ? "&" : "", c ? "continue=" : "", c ? c : "", c ? "&" : "",
				 PAGE);
		free(c);
		if (kube_call_sync(kc, &(struct kube_call){ .path = path, .timeout_ms = 120000 },
				   &resp, err)) {
			free(path);
			rc = 2;
			break;
		}
		if (resp.status != 200) {
			rc = failed(kc, path, &resp, err);
			http_response_free(&resp);
			free(path);
			break;
		}
		free(path);
		root = json_arena_parse(&json, resp.body ? resp.body : "", resp.body_len);
		http_response_free(&resp);
		cJSON_ArrayForEach(it, kube_json_array(kube_json_path(root, "items"))) {
			void *o = kube_object_parse(res, it);

			if (!o)
				continue;
			xgrow(objs, &cap, *n + 1, sizeof **objs);
			(*objs)[(*n)++] = o;
		}
		next = kube_json_str(root, "metadata.continue");
		free(cont);
		cont = next && *next ? xstrdup(next) : NULL;
		json_arena_reset(&json);
	} while (cont);
	json_arena_free(&json);
	free(cont);
	free(base);
	if (rc) {
		for (size_t i = 0; i < *n; i++)
			kube_object_free(res, (*objs)[i]);
		free(*objs);
		*objs = NULL;
		*n = 0;
	}
	return rc;
}
