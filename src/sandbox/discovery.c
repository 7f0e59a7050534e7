/* /version, legacy discovery (/api, /apis and the group versions) and the
 * minimal OpenAPI v3 documents that `kubectl apply` needs (KUBE-API.md §A). */
#include "sandbox/api.h"

#include <stdio.h>
#include <string.h>

#include "sandbox/jsonx.h"

static cJSON *strings(const char *const *v)
{
	cJSON *a = cJSON_CreateArray();

	for (; *v; v++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*v));
	return a;
}

static void add_resource(cJSON *list, const char *name, const char *singular, bool namespaced,
			 const char *group, const char *version, const char *kind,
			 const char *const *verbs, const struct kind *k)
{
	cJSON *r = cJSON_CreateObject();

	jset_str(r, "name", name);
	jset_str(r, "singularName", singular);
	jset_bool(r, "namespaced", namespaced);
	if (group) {
		jset_str(r, "group", group);
		jset_str(r, "version", version);
	}
	jset_str(r, "kind", kind);
	jset(r, "verbs", strings(verbs));
	if (k && k->short_names[0]) {
		cJSON *s = cJSON_CreateArray();

		for (int i = 0; i < 3 && k->short_names[i]; i++)
			cJSON_AddItemToArray(s, cJSON_CreateString(k->short_names[i]));
		jset(r, "shortNames", s);
	}
	if (k && k->category_all) {
		static const char *const all[] = { "all", NULL };

		jset(r, "categories", strings(all));
	}
	cJSON_AddItemToArray(list, r);
}

static cJSON *resource_list(const struct kind *gv)
{
	static const char *const rw[] = { "create", "delete", "deletecollection", "get", "list",
					  "patch", "update", "watch", NULL };
	static const char *const ro[] = { "get", "list", "watch", NULL };
	static const char *const sub[] = { "get", "patch", "update", NULL };
	static const char *const get[] = { "get", NULL };
	static const char *const create[] = { "create", NULL };
	cJSON *doc = cJSON_CreateObject(), *list = cJSON_CreateArray();

	jset_str(doc, "kind", "APIResourceList");
	jset_str(doc, "apiVersion", "v1");
	jset_str(doc, "groupVersion", gv->api_version);
	for (int i = 0; i < KIND_COUNT; i++) {
		const struct kind *k = &kinds[i];
		char name[64];

		if (strcmp(k->api_version, gv->api_version))
			continue;
		add_resource(list, k->plural, k->singular, k->namespaced, NULL, NULL, k->kind,
			     k->review ? create : k->read_only ? ro : rw, k);
		if (k->has_status) {
			snprintf(name, sizeof name, "%s/status", k->plural);
			add_resource(list, name, "", k->namespaced, NULL, NULL, k->kind, sub, NULL);
		}
		if (k->has_scale) {
			snprintf(name, sizeof name, "%s/scale", k->plural);
			add_resource(list, name, "", k->namespaced, "autoscaling", "v1", "Scale",
				     sub, NULL);
		}
		if (k->has_log) {
			snprintf(name, sizeof name, "%s/log", k->plural);
			add_resource(list, name, "", k->namespaced, NULL, NULL, k->kind, get, NULL);
		}
	}
	jset(doc, "resources", list);
	return doc;
}

/* An APIGroup: one version per group (the sandbox serves one of each). */
static cJSON *api_group(const struct kind *gv)
{
	cJSON *g = cJSON_CreateObject(), *versions = cJSON_CreateArray(), *v = cJSON_CreateObject();

	jset_str(g, "name", gv->group);
	jset_str(v, "groupVersion", gv->api_version);
	jset_str(v, "version", gv->version);
	cJSON_AddItemToArray(versions, cJSON_Duplicate(v, 1));
	jset(g, "versions", versions);
	jset(g, "preferredVersion", v);
	return g;
}

/* The OpenAPI document's path for a group version: "api/v1", "apis/apps/v1". */
static void openapi_key(const struct kind *gv, char *buf, size_t size)
{
	if (gv->group[0])
		snprintf(buf, size, "apis/%s", gv->api_version);
	else
		snprintf(buf, size, "api/%s", gv->version);
}

/* One OpenAPI v3 document: a patch operation per kind of the group version,
 * with the fieldValidation parameter and only merge patch as request body,
 * so kubectl apply uses its built-in strategic merge types. */
static cJSON *openapi_doc(const struct kind *gv)
{
	cJSON *doc = cJSON_CreateObject(), *info = cJSON_CreateObject(),
		*paths = cJSON_CreateObject();
	char key[96];

	openapi_key(gv, key, sizeof key);
	jset_str(doc, "openapi", "3.0.0");
	jset_str(info, "title", "Kubernetes");
	jset_str(info, "version", "v1.32.4");
	jset(doc, "info", info);
	for (int i = 0; i < KIND_COUNT; i++) {
		const struct kind *k = &kinds[i];
		cJSON *item, *patch, *gvk, *params, *p, *schema, *body, *content, *mp;
		char path[192];

		/* a review has no object to patch; so `kubectl create -f` of one
		 * needs --validate=false here (README.md) */
		if (strcmp(k->api_version, gv->api_version) || k->review)
			continue;
		if (k->namespaced)
			snprintf(path, sizeof path, "/%s/namespaces/{namespace}/%s/{name}", key,
				 k->plural);
		else
			snprintf(path, sizeof path, "/%s/%s/{name}", key, k->plural);
		item = cJSON_CreateObject();
		patch = cJSON_CreateObject();
		gvk = cJSON_CreateObject();
		jset_str(gvk, "group", k->group);
		jset_str(gvk, "version", k->version);
		jset_str(gvk, "kind", k->kind);
		jset(patch, "x-kubernetes-group-version-kind", gvk);
		params = cJSON_CreateArray();
		p = cJSON_CreateObject();
		jset_str(p, "name", "fieldValidation");
		jset_str(p, "in", "query");
		schema = cJSON_CreateObject();
		jset_str(schema, "type", "string");
		jset(p, "schema", schema);
		cJSON_AddItemToArray(params, p);
		jset(patch, "parameters", params);
		body = cJSON_CreateObject();
		content = cJSON_CreateObject();
		mp = cJSON_CreateObject();
		schema = cJSON_CreateObject();
		jset_str(schema, "type", "object");
		jset(mp, "schema", schema);
		jset(content, "application/merge-patch+json", mp);
		jset(body, "content", content);
		jset(patch, "requestBody", body);
		jset(item, "patch", patch);
		jset(paths, path, item);
	}
	jset(doc, "paths", paths);
	return doc;
}

/* Path p is PREFIX + key, with or without a trailing slash. */
static bool path_is(const char *p, const char *prefix, const char *key)
{
	size_t n = strlen(prefix), m = strlen(key);

	return !strncmp(p, prefix, n) && !strncmp(p + n, key, m)
	       && (!p[n + m] || (p[n + m] == '/' && !p[n + m + 1]));
}

bool discovery_handle(struct sandbox *sb, const struct request *req, struct response *resp)
{
	const char *p = req->path;
	const struct kind *gvs[KIND_COUNT];
	cJSON *doc;
	int n;

	if (!strcmp(p, "/version") || !strcmp(p, "/version/")) {
		doc = cJSON_CreateObject();
		jset_str(doc, "major", "1");
		jset_str(doc, "minor", "32");
		jset_str(doc, "gitVersion", "v1.32.4");
		jset_str(doc, "gitCommit", "59526cd4867447956156ae3a602fcbac10a2c335");
		jset_str(doc, "gitTreeState", "clean");
		jset_str(doc, "buildDate", "2025-04-22T16:02:27Z");
		jset_str(doc, "goVersion", "go1.23.6");
		jset_str(doc, "compiler", "gc");
		jset_str(doc, "platform", "linux/amd64");
		resp_json(resp, 200, doc);
		return true;
	}
	if (!strcmp(p, "/api") || !strcmp(p, "/api/")) {
		cJSON *cidrs = cJSON_CreateArray(), *c = cJSON_CreateObject();
		static const char *const v1[] = { "v1", NULL };
		char addr[64];

		doc = cJSON_CreateObject();
		jset_str(doc, "kind", "APIVersions");
		jset(doc, "versions", strings(v1));
		jset_str(c, "clientCIDR", "0.0.0.0/0");
		snprintf(addr, sizeof addr, "127.0.0.1:%d", sb->port);
		jset_str(c, "serverAddress", addr);
		cJSON_AddItemToArray(cidrs, c);
		jset(doc, "serverAddressByClientCIDRs", cidrs);
		resp_json(resp, 200, doc);
		return true;
	}
	n = kind_group_versions(gvs, KIND_COUNT);
	if (!strcmp(p, "/apis") || !strcmp(p, "/apis/")) {
		cJSON *groups = cJSON_CreateArray();

		doc = cJSON_CreateObject();
		jset_str(doc, "kind", "APIGroupList");
		jset_str(doc, "apiVersion", "v1");
		for (int i = 0; i < n; i++)
			if (gvs[i]->group[0])
				cJSON_AddItemToArray(groups, api_group(gvs[i]));
		jset(doc, "groups", groups);
		resp_json(resp, 200, doc);
		return true;
	}
	for (int i = 0; i < n; i++) {
		char key[96];

		openapi_key(gvs[i], key, sizeof key);
		if (gvs[i]->group[0] && path_is(p, "/apis/", gvs[i]->group)) {
			doc = api_group(gvs[i]);
			jset_str(doc, "kind", "APIGroup");
			jset_str(doc, "apiVersion", "v1");
			resp_json(resp, 200, doc);
			return true;
		}
		if (path_is(p, "/", key)) {
			resp_json(resp, 200, resource_list(gvs[i]));
			return true;
		}
		if (!strncmp(p, "/openapi/v3/", 12) && !strcmp(p + 12, key)) {
			resp_json(resp, 200, openapi_doc(gvs[i]));
			return true;
		}
	}
	if (!strcmp(p, "/openapi/v3") || !strcmp(p, "/openapi/v3/")) {
		cJSON *paths = cJSON_CreateObject();

		doc = cJSON_CreateObject();
		for (int i = 0; i < n; i++) {
			cJSON *e = cJSON_CreateObject();
			char key[96], url[192];
			unsigned long h = 5381;

			openapi_key(gvs[i], key, sizeof key);
			for (const char *c = key; *c; c++)
				h = h * 33 + (unsigned char)*c;
			snprintf(url, sizeof url, "/openapi/v3/%s?hash=%016lX", key, h);
			jset_str(e, "serverRelativeURL", url);
			jset(paths, key, e);
		}
		jset(doc, "paths", paths);
		resp_json(resp, 200, doc);
		return true;
	}
	return false;
}
