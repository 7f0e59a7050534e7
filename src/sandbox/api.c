/* Resource requests: get, list, watch, create, update, patch, delete, and
 * the scale, status and log subresources. Every handler runs with the
 * sandbox lock held and leaves the store consistent whatever the client
 * sends: bodies are parsed and checked before anything is written. */
#include "sandbox/api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yaml.h>

#include "sandbox/defaults.h"
#include "sandbox/jsonx.h"
#include "sandbox/kubelet.h"
#include "sandbox/patch.h"
#include "sandbox/pbwire.h"
#include "sandbox/review.h"
#include "sandbox/stored.h"
#include "sandbox/traffic.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 200000

/* ---- requests ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *url_decode(const char *s, size_t len, bool plus_is_space)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			char c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));

			*o++ = c ? c : '?';
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	return out;
}

void request_parse_uri(struct request *req, const char *uri)
{
	const char *q = strchr(uri, '?');
	size_t plen = q ? (size_t)(q - uri) : strlen(uri);
	const char *p;

	req->path = url_decode(uri, plen, false);
	req->query = xstrdup(q ? q + 1 : "");
	req->params = NULL;
	req->nparams = 0;
	for (p = req->query; *p;) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		struct qparam *qp;

		if (len) {
			req->params = xrealloc(req->params,
					       (req->nparams + 1) * sizeof *req->params);
			qp = &req->params[req->nparams++];
			qp->key = url_decode(p, eq ? (size_t)(eq - p) : len, true);
			qp->value = eq ? url_decode(eq + 1, len - (size_t)(eq - p) - 1, true)
				: xstrdup("");
		}
		p += len;
		if (*p == '&')
			p++;
	}
}

void request_free(struct request *req)
{
	for (size_t i = 0; i < req->nparams; i++) {
		free(req->params[i].key);
		free(req->params[i].value);
	}
	free(req->params);
	free(req->path);
	free(req->query);
	req->params = NULL;
	req->path = req->query = NULL;
}

const char *req_param(const struct request *req, const char *key)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (!strcmp(req->params[i].key, key))
			return req->params[i].value;
	return NULL;
}

static bool param_true(const struct request *req, const char *key)
{
	const char *v = req_param(req, key);

	/* As Go's strconv.ParseBool, which the API server uses: the Python
	 * client sends watch=True. */
	return v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "True")
		     || !strcmp(v, "TRUE") || !strcmp(v, "t") || !strcmp(v, "T"));
}

static bool wants_table(const struct request *req)
{
	return req->accept && strstr(req->accept, "as=Table");
}

/* ---- bodies ---- */

/* Refuses YAML that would nest too deeply or expand aliases into too many
 * nodes, before building a tree of it (both recursive). */
static int yaml_precheck(const char *body, size_t len, struct response *resp)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, rc = 0, docs = 0;
	long long nodes = 0;
	long long *anchor_sizes = NULL;
	char **anchor_names = NULL;
	size_t nanchors = 0;
	long long stack_start[YAML_MAX_DEPTH + 1];
	char *stack_anchor[YAML_MAX_DEPTH + 1];

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)body, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			resp_error(resp, 400, "BadRequest", "yaml: line %zu: %s",
				   parser.problem_mark.line + 1,
				   parser.problem ? parser.problem : "syntax error");
			rc = -1;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			docs++;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			const yaml_char_t *a = ev.type == YAML_SEQUENCE_START_EVENT
				? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;

			if (depth >= YAML_MAX_DEPTH) {
				resp_error(resp, 400, "BadRequest",
					   "yaml: exceeded max depth of %d", YAML_MAX_DEPTH);
				rc = -1;
				break;
			}
			stack_start[depth] = nodes;
			stack_anchor[depth] = a ? xstrdup((const char *)a) : NULL;
			depth++;
			nodes++;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0) {
				depth--;
				if (stack_anchor[depth]) {
					anchor_names = xrealloc(anchor_names,
								(nanchors
								 + 1) * sizeof *anchor_names);
					anchor_sizes = xrealloc(anchor_sizes,
								(nanchors
								 + 1) * sizeof *anchor_sizes);
					anchor_names[nanchors] = stack_anchor[depth];
					anchor_sizes[nanchors++] = nodes - stack_start[depth];
				}
			}
			break;
		case YAML_SCALAR_EVENT:
			nodes++;
			break;
		case YAML_ALIAS_EVENT:
			for (size_t i = nanchors; i-- > 0;)
				if (!strcmp(anchor_names[i], (const char *)ev.data.alias.anchor)) {
					nodes += anchor_sizes[i];
					break;
				}
			nodes++;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc)
			break;
		if (nodes > YAML_MAX_NODES) {
			resp_error(resp, 400, "BadRequest",
				   "yaml: document too large (more than %d nodes after expanding "
				   "aliases)", YAML_MAX_NODES);
			rc = -1;
			break;
		}
	}
	for (int i = 0; i < depth; i++)
		free(stack_anchor[i]);
	for (size_t i = 0; i < nanchors; i++)
		free(anchor_names[i]);
	free(anchor_names);
	free(anchor_sizes);
	yaml_parser_delete(&parser);
	if (!rc && docs > 1) {
		resp_error(resp, 400, "BadRequest", "yaml: the body must hold one document, "
			   "found %d", docs);
		rc = -1;
	}
	return rc;
}

cJSON *api_parse_body(const char *body, size_t len, bool yaml, struct response *resp)
{
	cJSON *obj;

	if (!body || !len) {
		resp_error(resp, 400, "BadRequest", "the body of the request was empty");
		return NULL;
	}
	if (yaml) {
		struct ydoc doc;
		struct err err;

		if (yaml_precheck(body, len, resp))
			return NULL;
		if (ydoc_parse(&doc, "body", body, len, &err)) {
			resp_error(resp, 400, "BadRequest", "error converting YAML to JSON: %s",
				   err.msg);
			return NULL;
		}
		if (doc.n != 1) {
			ydoc_free(&doc);
			resp_error(resp, 400, "BadRequest", "the body of the request was empty");
			return NULL;
		}
		obj = ynode_to_json(doc.roots[0]);
		ydoc_free(&doc);
		return obj;
	}
	{
		const char *end = NULL;

		obj = cJSON_ParseWithLengthOpts(body, len, &end, 0);
		if (!obj) {
			size_t off = end && end >= body ? (size_t)(end - body) : 0;

			resp_error(resp, 400, "BadRequest", "couldn't get version/kind; json parse "
				   "error: invalid character at offset %zu%s%.*s%s", off,
				   off < len ? " near '" : "",
				   off < len ? (int)(len - off < 16 ? len - off
									     : 16) : 0,
				   off < len ? body + off : "", off < len ? "'" : "");
			return NULL;
		}
		for (; end && (size_t)(end - body) < len; end++)
			if (!isspace((unsigned char)*end)) {
				cJSON_Delete(obj);
				resp_error(resp, 400, "BadRequest",
					   "couldn't get version/kind; json parse error: invalid "
					   "character after top-level value");
				return NULL;
			}
	}
	return obj;
}

static bool body_is_yaml(const char *ct)
{
	return ct && (!strncmp(ct, "application/yaml", 16) || !strncmp(ct, "application/x-yaml", 18)
		      || !strncmp(ct, "text/yaml", 9));
}

/* For POST/PUT: JSON (also when no Content-Type, as kubectl scale sends),
 * YAML, or protobuf (typed `kubectl create`, pbwire.h); anything else 415. */
static cJSON *request_object(const struct request *req, const struct kind *k,
			     struct response *resp)
{
	const char *ct = req->content_type;

	if (ct && !strncmp(ct, "application/vnd.kubernetes.protobuf", 35)) {
		char err[512];
		int code;
		cJSON *obj = pb_decode_body(req->body, req->body_len, k ? k->api_version : NULL,
					    k ? k->kind : NULL, &code, err, sizeof err);

		if (!obj)
			resp_error(resp, code, code == 415 ? "UnsupportedMediaType" : "BadRequest",
				   "%s", err);
		return obj;
	}
	if (ct && *ct && strncmp(ct, "application/json", 16) && !body_is_yaml(ct)) {
		resp_error(resp, 415, "UnsupportedMediaType", "the body of the request was in an "
			   "unknown format - accepted media types include: application/json, "
			   "application/yaml, application/vnd.kubernetes.protobuf");
		return NULL;
	}
	return api_parse_body(req->body, req->body_len, body_is_yaml(ct), resp);
}

/* ---- paths ---- */

struct target {
	const struct kind *kind;
	char *ns;          /* namespace from the path, or NULL */
	char *name;        /* NULL for collections */
	char *sub;         /* subresource, or NULL */
};

static void target_free(struct target *t)
{
	free(t->ns);
	free(t->name);
	free(t->sub);
}

/* Parses /api/v1/... and /apis/GROUP/VERSION/...: 0 on success, -1 for a path the
 * API does not have (404). */
static int parse_target(const char *path, struct target *t)
{
	char *segs[8];
	int n = 0, i = 0;
	char *copy = xstrdup(path), *save = NULL, *tok;
	const char *group, *version;
	int rc = -1;

	memset(t, 0, sizeof *t);
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (n == 8)
			goto out;
		segs[n++] = tok;
	}
	if (n >= 2 && !strcmp(segs[0], "api") && !strcmp(segs[1], "v1")) {
		group = "";
		version = "v1";
		i = 2;
	} else if (n >= 3 && !strcmp(segs[0], "apis")) {
		group = segs[1];
		version = segs[2];
		i = 3;
	} else {
		goto out;
	}
	n -= i;
	if (n >= 3 && !strcmp(segs[i], "namespaces")) {
		t->ns = xstrdup(segs[i + 1]);
		t->kind = kind_by_plural(group, version, segs[i + 2]);
		if (!t->kind || !t->kind->namespaced || n > 5)
			goto out;
		if (n >= 4)
			t->name = xstrdup(segs[i + 3]);
		if (n == 5)
			t->sub = xstrdup(segs[i + 4]);
	} else if (n >= 1 && n <= 3) {
		t->kind = kind_by_plural(group, version, segs[i]);
		if (!t->kind || (t->kind->namespaced && n > 1))
			goto out;
		if (n >= 2)
			t->name = xstrdup(segs[i + 1]);
		if (n == 3)
			t->sub = xstrdup(segs[i + 2]);
	} else {
		goto out;
	}
	if (t->sub && !((!strcmp(t->sub, "status") && t->kind->has_status)
			|| (!strcmp(t->sub, "scale") && t->kind->has_scale)
			|| (!strcmp(t->sub, "log") && t->kind->has_log)))
		goto out;
	rc = 0;
out:
	free(copy);
	if (rc)
		target_free(t);
	return rc;
}

/* ---- helpers ---- */

static void now_ts(char ts[32])
{
	sb_now_rfc3339(ts);
}

static bool namespace_exists(struct sandbox *sb, const char *ns)
{
	return objstore_get(&sb->store, &kinds[K_NAMESPACE], NULL, ns) != NULL;
}

static void success_status(struct response *resp, const struct kind *k, const char *name,
			   const char *uid)
{
	cJSON *s = cJSON_CreateObject(), *d = cJSON_CreateObject();

	jset_str(s, "kind", "Status");
	jset_str(s, "apiVersion", "v1");
	jset(s, "metadata", cJSON_CreateObject());
	jset_str(s, "status", "Success");
	jset_str(d, "name", name);
	if (k->group[0])
		jset_str(d, "group", k->group);
	jset_str(d, "kind", k->plural);
	if (uid)
		jset_str(d, "uid", uid);
	jset(s, "details", d);
	resp_json(resp, 200, s);
}

static bool dry_run(const struct request *req)
{
	const char *v = req_param(req, "dryRun");

	return v && !strcmp(v, "All");
}

static void allocate_service(struct sandbox *sb, cJSON *obj)
{
	cJSON *spec = jchild(obj, "spec"), *p;
	const char *type = jstr(J(spec, "type"));

	if (type && !strcmp(type, "ExternalName"))
		return;
	if (!jstr(J(spec, "clusterIP")) || !*jstr(J(spec, "clusterIP"))) {
		char ip[32];
		cJSON *ips = cJSON_CreateArray();
		unsigned n = 10 + sb->svc_ip_next++;

		snprintf(ip, sizeof ip, "10.96.%u.%u", n / 250, n % 250 + 1);
		jset_str(spec, "clusterIP", ip);
		cJSON_AddItemToArray(ips, cJSON_CreateString(ip));
		jset(spec, "clusterIPs", ips);
	} else if (!J(spec, "clusterIPs")) {
		cJSON *ips = cJSON_CreateArray();

		cJSON_AddItemToArray(ips, cJSON_CreateString(jstr(J(spec, "clusterIP"))));
		jset(spec, "clusterIPs", ips);
	}
	if (type && (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer"))) {
		cJSON_ArrayForEach(p, J(spec, "ports"))
			if (cJSON_IsObject(p) && !J(p, "nodePort"))
				jset_int(p, "nodePort", 30000 + (sb->node_port_next++ % 2768));
		if (!J(spec, "externalTrafficPolicy"))
			jset_str(spec, "externalTrafficPolicy", "Cluster");
	}
	if (!J(obj, "status"))
		jset(jchild(obj, "status"), "loadBalancer", cJSON_CreateObject());
}

/* The parts of an update a client cannot change, and the status or spec
 * that the other endpoint owns. obj is edited in place. */
static void carry_over(const struct kind *k, const cJSON *old, cJSON *obj, const char *sub)
{
	static const char *const keep_meta[] = {
		"uid", "creationTimestamp", "namespace", "name", "deletionTimestamp",
		"deletionGracePeriodSeconds", "generation", "generateName", NULL };
	cJSON *meta = jchild(obj, "metadata");
	const cJSON *ometa = J(old, "metadata");

	for (int i = 0; keep_meta[i]; i++) {
		const cJSON *v = J(ometa, keep_meta[i]);

		if (v)
			jset(meta, keep_meta[i], cJSON_Duplicate(v, 1));
		else
			jdel(meta, keep_meta[i]);
	}
	jset_str(obj, "kind", k->kind);
	jset_str(obj, "apiVersion", k->api_version);
	if (sub && !strcmp(sub, "status")) {
		/* A status write changes the status only. */
		cJSON *st = J(obj, "status") ? cJSON_Duplicate(J(obj, "status"), 1)
					     : cJSON_CreateObject();

		while (obj->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, obj->child));
		for (const cJSON *c = old->child; c; c = c->next)
			if (strcmp(c->string, "status"))
				cJSON_AddItemToObject(obj, c->string, cJSON_Duplicate(c, 1));
		jset(obj, "status", st);
		return;
	}
	if (k->has_status && k->id != K_NAMESPACE) {
		if (J(old, "status"))
			jset(obj, "status", cJSON_Duplicate(J(old, "status"), 1));
		else
			jdel(obj, "status");
	}
	if (k->id == K_SERVICE && jstr(J(old, "spec", "clusterIP"))
	    && (!jstr(J(obj, "spec", "clusterIP")) || !*jstr(J(obj, "spec", "clusterIP")))) {
		jset_str(jchild(obj, "spec"), "clusterIP", jstr(J(old, "spec", "clusterIP")));
		if (J(old, "spec", "clusterIPs"))
			jset(jchild(obj, "spec"), "clusterIPs",
			     cJSON_Duplicate(J(old, "spec", "clusterIPs"), 1));
	}
	if (k->id == K_POD && jstr(J(old, "spec", "nodeName")))
		jset_str(jchild(obj, "spec"), "nodeName", jstr(J(old, "spec", "nodeName")));
}

/* Generation counts spec changes (kinds with k->generation), and for a
 * Deployment also annotation changes (upstream's update strategy: they are
 * copied to its ReplicaSets). Status writes never count. */
static void bump_generation(const struct kind *k, const cJSON *old, cJSON *obj, const char *sub)
{
	struct strbuf a = { 0 }, b = { 0 };

	if (!k->generation || (sub && !strcmp(sub, "status")))
		return;
	jcanon(J(old, "spec"), &a);
	jcanon(J(obj, "spec"), &b);
	if (k->id == K_DEPLOYMENT) {
		jcanon(J(old, "metadata", "annotations"), &a);
		jcanon(J(obj, "metadata", "annotations"), &b);
	}
	jset_int(jchild(obj, "metadata"), "generation",
		 jint(J(old, "metadata", "generation"), 1)
		 + (strcmp(sb_str(&a), sb_str(&b)) ? 1 : 0));
	sb_free(&a);
	sb_free(&b);
}

/* Validates and commits an update of o to obj (taken). */
static void commit_update(struct sandbox *sb, const struct request *req, struct obj *o,
			  cJSON *obj, const char *sub, struct response *resp)
{
	const struct kind *k = o->kind;
	const cJSON *old = o->cur->json;

	carry_over(k, old, obj, sub);
	defaults_apply(k, obj);
	if (defaults_check_types(k, obj, resp) || defaults_validate(k, obj, old, resp)) {
		cJSON_Delete(obj);
		return;
	}
	bump_generation(k, old, obj, sub);
	if (dry_run(req) || jequal(old, obj)) {
		/* No change: the API server answers with the object as it is. */
		cJSON_Delete(obj);
		resp_json(resp, 200, cJSON_Duplicate(o->cur->json, 1));
		return;
	}
	o = objstore_commit(&sb->store, k, obj);
	resp_json(resp, 200, cJSON_Duplicate(o->cur->json, 1));
}

/* ---- create ---- */

static int create(struct sandbox *sb, const struct kind *k, const char *path_ns, cJSON *obj,
		  bool dry, struct response *resp)
{
	const char *ns = jstr(J(obj, "metadata", "namespace"));
	const char *kind = jstr(J(obj, "kind")), *av = jstr(J(obj, "apiVersion"));
	cJSON *meta;
	char uid[37], ts[32];
	struct obj *o;

	if (defaults_check_types(k, obj, resp))
		return -1;
	if (kind && strcmp(kind, k->kind)) {
		resp_error(resp, 400, "BadRequest", "the kind of the provided object (%s) does not "
			   "match the kind of the request (%s)", kind, k->kind);
		return -1;
	}
	if (av && strcmp(av, k->api_version)) {
		resp_error(resp, 400, "BadRequest",
			   "the API version in the data (%s) does not match the expected API "
			   "version (%s)", av, k->api_version);
		return -1;
	}
	meta = jchild(obj, "metadata");
	if (k->namespaced) {
		if (path_ns && ns && *ns && strcmp(ns, path_ns)) {
			resp_error(resp, 400, "BadRequest", "the namespace of the provided object "
				   "does not match the namespace sent on the request");
			return -1;
		}
		if (!ns || !*ns)
			ns = path_ns ? path_ns : "default";
		jset_str(meta, "namespace", ns);
		ns = jstr(J(obj, "metadata", "namespace"));
		if (!namespace_exists(sb, ns)) {
			resp_not_found(resp, &kinds[K_NAMESPACE], ns);
			return -1;
		}
	} else {
		jdel(meta, "namespace");
	}
	if ((!jstr(J(meta, "name")) || !*jstr(J(meta, "name"))) && jstr(J(meta, "generateName"))) {
		char suffix[6], *name;

		do {
			sandbox_rand_suffix(sb, suffix, 5);
			name = xasprintf("%s%s", jstr(J(meta, "generateName")), suffix);
			if (!objstore_get(&sb->store, k, ns, name))
				break;
			free(name);
		} while (1);
		jset_str(meta, "name", name);
		free(name);
	}
	jset_str(obj, "kind", k->kind);
	jset_str(obj, "apiVersion", k->api_version);
	defaults_apply(k, obj);
	if (defaults_validate(k, obj, NULL, resp))
		return -1;
	if (objstore_get(&sb->store, k, ns, jstr(J(meta, "name")))) {
		char res[64];

		resp_error_obj(resp, 409, "AlreadyExists", k, jstr(J(meta, "name")),
			       "%s \"%s\" already exists", kind_resource_name(k, res, sizeof res),
			       jstr(J(meta, "name")));
		return -1;
	}
	objstore_new_uid(uid);
	now_ts(ts);
	jset_str(meta, "uid", uid);
	stored_on_create(k, obj, uid);
	jset_str(meta, "creationTimestamp", ts);
	jdel(meta, "resourceVersion");
	jdel(meta, "deletionTimestamp");
	jdel(meta, "deletionGracePeriodSeconds");
	jdel(meta, "managedFields");
	if (k->generation)
		jset_int(meta, "generation", 1);
	switch (k->id) {
	case K_DEPLOYMENT:
	case K_REPLICASET:
		jset(obj, "status", cJSON_CreateObject());
		break;
	case K_POD:
		jset(obj, "status", cJSON_CreateObject());
		jset_str(J(obj, "status"), "phase", "Pending");
		jset_str(J(obj, "status"), "qosClass", "BestEffort");
		break;
	case K_SERVICE:
		jdel(obj, "status");
		allocate_service(sb, obj);
		break;
	case K_NAMESPACE: {
		cJSON *fin = cJSON_CreateArray();

		cJSON_AddItemToArray(fin, cJSON_CreateString("kubernetes"));
		jset(jchild(obj, "spec"), "finalizers", fin);
		jset(obj, "status", cJSON_CreateObject());
		jset_str(J(obj, "status"), "phase", "Active");
		jmeta_set(obj, "labels", "kubernetes.io/metadata.name", jstr(J(meta, "name")));
		break;
	}
	default:
		/* No controller writes these: the status a client sent is dropped. */
		if (k->has_status)
			jset(obj, "status", stored_initial_status(k));
		break;
	}
	if (dry) {
		resp_json(resp, 201, obj);
		return 0;
	}
	o = objstore_commit(&sb->store, k, obj);
	resp_json(resp, 201, cJSON_Duplicate(o->cur->json, 1));
	return 0;
}

int api_create_object(struct sandbox *sb, cJSON *obj, struct err *err)
{
	const char *kind = jstr(J(obj, "kind")), *av = jstr(J(obj, "apiVersion"));
	const struct kind *k = NULL;
	struct response resp = { 0 };
	char *what;
	int rc;

	k = kind_by_kind(av, kind);
	if (!k || k->read_only) {
		cJSON_Delete(obj);
		return err_set(err, "kind %s of apiVersion %s is not served",
			       kind ? kind : "(none)", av ? av : "(none)");
	}
	if (k->id == K_NAMESPACE && jstr(J(obj, "metadata", "name"))
	    && objstore_get(&sb->store, k, NULL, jstr(J(obj, "metadata", "name")))) {
		cJSON_Delete(obj);
		return 0;
	}
	/* create() rewrites obj: name it now. */
	what = xasprintf("%s %s", kind, jstr(J(obj, "metadata", "name")) ?
			 jstr(J(obj, "metadata", "name")) : "(no name)");
	rc = create(sb, k, NULL, obj, false, &resp);
	if (rc) {
		cJSON *st = cJSON_Parse(resp.body);

		err_set(err, "%s: %s", what, jstr(J(st, "message")) ? jstr(J(st, "message"))
								     : "refused");
		cJSON_Delete(st);
		cJSON_Delete(obj);
	}
	free(what);
	resp_free(&resp);
	return rc;
}

/* ---- scale ---- */

static cJSON *scale_of(const struct obj *o)
{
	const cJSON *j = o->cur->json;
	cJSON *s = cJSON_CreateObject(), *meta = jchild(s, "metadata"), *st;
	struct strbuf sel = { 0 };

	jset_str(s, "kind", "Scale");
	jset_str(s, "apiVersion", "autoscaling/v1");
	jset_str(meta, "name", o->name);
	jset_str(meta, "namespace", o->ns);
	jset_str(meta, "uid", o->uid);
	jset(meta, "resourceVersion", cJSON_Duplicate(J(j, "metadata", "resourceVersion"), 1));
	jset(meta, "creationTimestamp", cJSON_Duplicate(J(j, "metadata", "creationTimestamp"), 1));
	jset_int(jchild(s, "spec"), "replicas", jint(J(j, "spec", "replicas"), 1));
	st = jchild(s, "status");
	jset_int(st, "replicas", jint(J(j, "status", "replicas"), 0));
	sel_label_selector_string(J(j, "spec", "selector"), &sel);
	jset_str(st, "selector", sb_str(&sel));
	sb_free(&sel);
	return s;
}

static void scale_write(struct sandbox *sb, const struct request *req, struct obj *o,
			cJSON *scale, struct response *resp)
{
	const cJSON *r = J(scale, "spec", "replicas");
	const char *rv = jstr(J(scale, "metadata", "resourceVersion"));
	cJSON *obj;

	if (r && (!cJSON_IsNumber(r) || jint(r, -1) < 0 || r->valuedouble != (double)jint(r, -1))) {
		resp_invalid(resp, o->kind, o->name, "spec.replicas", "Invalid value: must be "
			     "greater than or equal to 0");
		cJSON_Delete(scale);
		return;
	}
	if (rv && *rv && strcmp(rv, jstr(J(o->cur->json, "metadata", "resourceVersion")))) {
		resp_conflict(resp, o->kind, o->name);
		cJSON_Delete(scale);
		return;
	}
	obj = cJSON_Duplicate(o->cur->json, 1);
	if (r)
		jset_int(jchild(obj, "spec"), "replicas", jint(r, 0));
	cJSON_Delete(scale);
	commit_update(sb, req, o, obj, NULL, resp);
	if (resp->status == 200) {
		o = objstore_get(&sb->store, o->kind, o->ns, o->name);
		resp_json(resp, 200, scale_of(o));
	}
}

/* ---- list ---- */

static char *continue_token(const char *key)
{
	struct strbuf sb = { 0 };

	for (const char *p = key; *p; p++)
		sb_printf(&sb, "%02x", (unsigned char)*p);
	return sb_steal(&sb);
}

static char *continue_key(const char *token)
{
	size_t n = strlen(token);
	char *key;

	if (n % 2)
		return NULL;
	key = xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(token[2 * i]), lo = hexval(token[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(key);
			return NULL;
		}
		key[i] = (char)(hi * 16 + lo);
	}
	key[n / 2] = 0;
	return key;
}

static int parse_selectors(const struct request *req, const struct kind *k, struct selector *ls,
			   struct selector *fs, struct response *resp)
{
	struct err err;

	if (sel_parse_labels(ls, req_param(req, "labelSelector"), &err)) {
		resp_error(resp, 400, "BadRequest", "unable to parse requirement: %s", err.msg);
		return -1;
	}
	if (sel_parse_fields(fs, k, req_param(req, "fieldSelector"), &err)) {
		sel_free(ls);
		resp_error(resp, 400, "BadRequest", "%s", err.msg);
		return -1;
	}
	return 0;
}

/* The position of the first object (of v, sorted by key) after key. */
static size_t first_after(struct obj **v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid]->key, key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A page: the objects after the continue key that match the selectors, at
 * most limit of them (0: all); *cont is set to the token of the next page. */
static size_t list_page(struct obj **v, size_t n, size_t start, long long limit,
			const struct selector *ls, const struct selector *fs, struct obj **page,
			char **cont, size_t *remaining)
{
	size_t count = 0;

	*cont = NULL;
	for (size_t i = start; i < n; i++) {
		const cJSON *j = v[i]->cur->json;

		if (!sel_match_labels(ls, J(j, "metadata", "labels")) || !sel_match_fields(fs, j))
			continue;
		if (limit > 0 && (long long)count == limit) {
			/* v[i-1] may not have matched: the token names the last
			 * object examined before this one, which is as good. */
			*cont = continue_token(v[i - 1]->key);
			*remaining = n - i;
			break;
		}
		page[count++] = v[i];
	}
	return count;
}

static void list(struct sandbox *sb, const struct request *req, const struct target *t,
		 struct response *resp)
{
	const struct kind *k = t->kind;
	struct selector ls, fs;
	struct obj **v, **page;
	size_t n, start = 0, count, remaining = 0;
	long long limit = req_param(req, "limit") ? atoll(req_param(req, "limit")) : 0;
	const char *cont = req_param(req, "continue");
	char *after = NULL, *next;
	enum table_object incl = table_object_mode(req_param(req, "includeObject"));

	if (parse_selectors(req, k, &ls, &fs, resp))
		return;
	if (cont && *cont && !(after = continue_key(cont))) {
		resp_error(resp, 400, "BadRequest", "continue key is not valid: incorrect encoded "
			   "start resourceVersion (version meta.k8s.io/v1)");
		goto out;
	}
	n = objstore_list(&sb->store, k, t->ns, &v);
	if (after)
		start = first_after(v, n, after);
	page = xcalloc(n - start + 1, sizeof *page);
	count = list_page(v, n, start, limit, &ls, &fs, page, &next, &remaining);
	if (wants_table(req)) {
		cJSON *doc = table_new(k, true);
		char rv[24];

		snprintf(rv, sizeof rv, "%llu", (unsigned long long)sb->store.rv);
		jset_str(J(doc, "metadata"), "resourceVersion", rv);
		if (next) {
			jset_str(J(doc, "metadata"), "continue", next);
			jset_int(J(doc, "metadata"), "remainingItemCount", (long long)remaining);
		}
		for (size_t i = 0; i < count; i++)
			table_add_row(doc, k, page[i]->cur->json, incl);
		resp_json(resp, 200, doc);
	} else {
		/* each object's text is made once per version and kept (the
		 * watches share it): a page is their concatenation */
		struct strbuf body = { 0 };

		sb_printf(&body, "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":{"
			  "\"resourceVersion\":\"%llu\"", k->kind, k->api_version,
			  (unsigned long long)sb->store.rv);
		if (next)
			sb_printf(&body, ",\"continue\":\"%s\",\"remainingItemCount\":%zu", next,
				  remaining);
		sb_puts(&body, "},\"items\":[");
		for (size_t i = 0; i < count; i++) {
			if (i)
				sb_putc(&body, ',');
			sb_puts(&body, snap_text(page[i]->cur));
		}
		sb_puts(&body, "]}");
		resp_take(resp, 200, "application/json", &body);
	}
	free(next);
	free(page);
	free(v);
out:
	free(after);
	sel_free(&ls);
	sel_free(&fs);
}

static void watch(struct sandbox *sb, const struct request *req, const struct target *t,
		  struct response *resp)
{
	struct watch_opts o = { .kind = t->kind, .client_fd = req->client_fd };
	const char *rv = req_param(req, "resourceVersion");
	const char *timeout = req_param(req, "timeoutSeconds");

	if (parse_selectors(req, t->kind, &o.labels, &o.fields, resp))
		return;
	if (t->name) {
		/* GET .../pods/NAME?watch=1: the same as a name field selector. */
		struct err err;
		char *f = xasprintf("metadata.name=%s", t->name);

		sel_free(&o.fields);
		sel_parse_fields(&o.fields, t->kind, f, &err);
		free(f);
	}
	o.ns = t->ns ? xstrdup(t->ns) : NULL;
	o.table = wants_table(req);
	o.incl = table_object_mode(req_param(req, "includeObject"));
	o.bookmarks = param_true(req, "allowWatchBookmarks");
	if (rv && *rv && strcmp(rv, "0")) {
		char *end;

		o.rv = strtoull(rv, &end, 10);
		if (*end) {
			sel_free(&o.labels);
			sel_free(&o.fields);
			free(o.ns);
			resp_error(resp, 400, "BadRequest", "invalid resource version: %s", rv);
			return;
		}
		o.have_rv = true;
	}
	o.timeout_s = timeout ? atoll(timeout) : 0;
	watchstream_start(sb, &o, resp);
}

/* ---- get ---- */

static void get(struct sandbox *sb, const struct request *req, struct obj *o,
		const struct target *t, struct response *resp)
{
	if (t->sub && !strcmp(t->sub, "scale")) {
		resp_json(resp, 200, scale_of(o));
		return;
	}
	if (t->sub && !strcmp(t->sub, "log")) {
		podlogs_handle(sb, o, req, resp);
		return;
	}
	if (wants_table(req)) {
		cJSON *tb = table_new(o->kind, true);

		jset(J(tb, "metadata"), "resourceVersion",
		     cJSON_Duplicate(J(o->cur->json, "metadata", "resourceVersion"), 1));
		table_add_row(tb, o->kind, o->cur->json,
			      table_object_mode(req_param(req, "includeObject")));
		resp_json(resp, 200, tb);
		return;
	}
	resp_json(resp, 200, cJSON_Duplicate(o->cur->json, 1));
}

/* ---- update ---- */

static void update(struct sandbox *sb, const struct request *req, struct obj *o,
		   const struct target *t, struct response *resp)
{
	cJSON *obj = request_object(req, t->sub && !strcmp(t->sub, "scale") ? NULL : t->kind,
				    resp);
	const char *name, *rv;

	if (!obj)
		return;
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		resp_error(resp, 400, "BadRequest", "the body of the request is not a JSON object");
		return;
	}
	if (t->sub && !strcmp(t->sub, "scale")) {
		scale_write(sb, req, o, obj, resp);
		return;
	}
	if (defaults_check_types(o->kind, obj, resp)) {
		cJSON_Delete(obj);
		return;
	}
	name = jstr(J(obj, "metadata", "name"));
	if (name && strcmp(name, o->name)) {
		resp_error(resp, 400, "BadRequest",
			   "the name of the object (%s) does not match the name on the URL (%s)",
			   name, o->name);
		cJSON_Delete(obj);
		return;
	}
	rv = jstr(J(obj, "metadata", "resourceVersion"));
	if (rv && *rv && strcmp(rv, jstr(J(o->cur->json, "metadata", "resourceVersion")))) {
		resp_conflict(resp, o->kind, o->name);
		cJSON_Delete(obj);
		return;
	}
	commit_update(sb, req, o, obj, t->sub, resp);
}

/* ---- patch ---- */

static void patch(struct sandbox *sb, const struct request *req, struct obj *o,
		  const struct target *t, struct response *resp)
{
	int type = patch_type_from_content_type(req->content_type), code;
	cJSON *p, *doc;
	struct err err;
	const char *rv;

	if (type < 0) {
		resp_error(resp, 415, "UnsupportedMediaType", "the body of the request was in an "
			   "unknown format - accepted media types include: application/json-patch+"
			   "json, application/merge-patch+json, application/strategic-merge-patch+"
			   "json");
		return;
	}
	p = api_parse_body(req->body, req->body_len, false, resp);
	if (!p)
		return;
	doc = t->sub && !strcmp(t->sub, "scale") ? scale_of(o) : cJSON_Duplicate(o->cur->json, 1);
	if (patch_apply(type, &doc, p, &code, &err)) {
		if (code == 422) {
			/* A failed JSON-patch test: upstream's Status names no
			 * detail. */
			cJSON *st = status_new(422, "Invalid",
					       "the server rejected our request due to an error in "
					       "our request");

			jset(st, "details", cJSON_CreateObject());
			resp_json(resp, 422, st);
		} else {
			resp_error(resp, code, "BadRequest", "%s", err.msg);
		}
		cJSON_Delete(doc);
		cJSON_Delete(p);
		return;
	}
	cJSON_Delete(p);
	if (!cJSON_IsObject(doc)) {
		resp_error(resp, 422, "Invalid", "the patched object is not a JSON object");
		cJSON_Delete(doc);
		return;
	}
	if (t->sub && !strcmp(t->sub, "scale")) {
		scale_write(sb, req, o, doc, resp);
		return;
	}
	if (defaults_check_types(o->kind, doc, resp)) {
		cJSON_Delete(doc);
		return;
	}
	if (jstr(J(doc, "metadata", "name")) && strcmp(jstr(J(doc, "metadata", "name")), o->name)) {
		resp_error(resp, 400, "BadRequest",
			   "the name of the object (%s) does not match the name on the URL (%s)",
			   jstr(J(doc, "metadata", "name")), o->name);
		cJSON_Delete(doc);
		return;
	}
	/* A patch that carries metadata.resourceVersion is a precondition. */
	rv = jstr(J(doc, "metadata", "resourceVersion"));
	if (rv && strcmp(rv, jstr(J(o->cur->json, "metadata", "resourceVersion")))) {
		resp_conflict(resp, o->kind, o->name);
		cJSON_Delete(doc);
		return;
	}
	commit_update(sb, req, o, doc, t->sub, resp);
}

/* ---- delete ---- */

static void orphan_dependents(struct sandbox *sb, struct obj *owner)
{
	for (int k = 0; k < KIND_COUNT; k++) {
		struct kstore *ks = &sb->store.k[k];

		for (size_t i = 0; i < ks->n; i++) {
			struct obj *d = ks->v[i];
			cJSON *json, *refs, *r, *next;

			if (!d->owner_uid || strcmp(d->owner_uid, owner->uid))
				continue;
			json = cJSON_Duplicate(d->cur->json, 1);
			refs = J(json, "metadata", "ownerReferences");
			for (r = refs ? refs->child : NULL; r; r = next) {
				next = r->next;
				if (!strcmp(jstr(J(r, "uid")) ? jstr(J(r, "uid")) : "", owner->uid))
					cJSON_Delete(cJSON_DetachItemViaPointer(refs, r));
			}
			if (!cJSON_GetArraySize(refs))
				jdel(J(json, "metadata"), "ownerReferences");
			objstore_commit(&sb->store, d->kind, json);
		}
	}
}

static void delete_namespace_contents(struct sandbox *sb, const char *ns)
{
	for (int k = 0; k < KIND_COUNT; k++) {
		struct kstore *ks = &sb->store.k[k];

		if (!kinds[k].namespaced)
			continue;
		for (size_t i = ks->n; i-- > 0;)
			if (i < ks->n && !strcmp(ks->v[i]->ns, ns))
				objstore_remove(&sb->store, ks->v[i]);
	}
}

static void delete(struct sandbox *sb, const struct request *req, struct obj *o,
		   struct response *resp)
{
	const struct kind *k = o->kind;
	cJSON *opts = NULL;
	const char *policy = req_param(req, "propagationPolicy");
	const char *grace_q = req_param(req, "gracePeriodSeconds");
	long long grace = grace_q ? atoll(grace_q) : -1;
	char *uid;

	if (req->body_len) {
		opts = api_parse_body(req->body, req->body_len, body_is_yaml(req->content_type),
				      resp);
		if (!opts)
			return;
		if (jstr(J(opts, "propagationPolicy")))
			policy = jstr(J(opts, "propagationPolicy"));
		if (J(opts, "gracePeriodSeconds"))
			grace = jint(J(opts, "gracePeriodSeconds"), -1);
		if (jstr(J(opts, "preconditions", "uid"))
		    && strcmp(jstr(J(opts, "preconditions", "uid")), o->uid)) {
			resp_error_obj(resp, 409, "Conflict", k, o->name,
				       "Precondition failed: UID in precondition: %s, UID in "
				       "object meta: %s",
				       jstr(J(opts, "preconditions", "uid")), o->uid);
			cJSON_Delete(opts);
			return;
		}
		if (jstr(J(opts, "preconditions", "resourceVersion"))
		    && strcmp(jstr(J(opts, "preconditions", "resourceVersion")),
			      jstr(J(o->cur->json, "metadata", "resourceVersion")))) {
			resp_error_obj(resp, 409, "Conflict", k, o->name, "Precondition failed: "
				       "ResourceVersion in precondition: %s, ResourceVersion in "
				       "object meta: %s", jstr(J(opts, "preconditions",
								 "resourceVersion")),
				       jstr(J(o->cur->json, "metadata", "resourceVersion")));
			cJSON_Delete(opts);
			return;
		}
	}
	if (k->read_only || (k->id == K_NAMESPACE && (!strcmp(o->name, "default")
				|| !strcmp(o->name, "kube-system")
						      || !strcmp(o->name, "kube-public")))) {
		resp_error_obj(resp, 403, "Forbidden", k, o->name, "%s \"%s\" is forbidden: this "
			       "%s may not be deleted", k->plural, o->name, k->singular);
		cJSON_Delete(opts);
		return;
	}
	if (dry_run(req)) {
		resp_json(resp, 200, cJSON_Duplicate(o->cur->json, 1));
		cJSON_Delete(opts);
		return;
	}
	uid = xstrdup(o->uid);
	if (policy && !strcmp(policy, "Orphan"))
		orphan_dependents(sb, o);
	if (k->id == K_POD) {
		char *ns = xstrdup(o->ns), *name = xstrdup(o->name);

		kubelet_delete_pod(sb, o, grace);
		o = objstore_get(&sb->store, k, ns, name);
		if (o)
			resp_json(resp, 200, cJSON_Duplicate(o->cur->json, 1));
		else
			success_status(resp, k, name, uid);
		free(ns);
		free(name);
	} else {
		char *name = xstrdup(o->name);
		cJSON *marked = NULL;

		if (policy && !strcmp(policy, "Foreground") && k->id != K_NAMESPACE) {
			/* Upstream answers a foreground delete with the object,
			 * marked and holding the foregroundDeletion finalizer
			 * until the GC has removed its dependents; here the GC
			 * follows at once. */
			char ts[32];
			cJSON *fin = cJSON_CreateArray();

			marked = cJSON_Duplicate(o->cur->json, 1);
			now_ts(ts);
			jset_str(jchild(marked, "metadata"), "deletionTimestamp", ts);
			jset_int(jchild(marked, "metadata"), "deletionGracePeriodSeconds", 0);
			cJSON_AddItemToArray(fin, cJSON_CreateString("foregroundDeletion"));
			jset(jchild(marked, "metadata"), "finalizers", fin);
		}
		if (k->id == K_NAMESPACE)
			delete_namespace_contents(sb, o->name);
		objstore_remove(&sb->store, o);
		if (marked)
			resp_json(resp, 200, marked);
		else
			success_status(resp, k, name, uid);
		free(name);
	}
	free(uid);
	cJSON_Delete(opts);
}

static void delete_collection(struct sandbox *sb, const struct request *req,
			      const struct target *t, struct response *resp)
{
	struct selector ls, fs;
	struct obj **v;
	size_t n;
	cJSON *doc, *items;
	char listkind[64];

	if (t->kind->read_only || t->kind->id == K_NAMESPACE) {
		resp_error(resp, 405, "MethodNotAllowed",
			   "the server does not allow this method on the requested resource");
		return;
	}
	if (parse_selectors(req, t->kind, &ls, &fs, resp))
		return;
	n = objstore_list(&sb->store, t->kind, t->ns, &v);
	doc = cJSON_CreateObject();
	snprintf(listkind, sizeof listkind, "%sList", t->kind->kind);
	jset_str(doc, "kind", listkind);
	jset_str(doc, "apiVersion", t->kind->api_version);
	jset(doc, "metadata", cJSON_CreateObject());
	items = cJSON_CreateArray();
	jset(doc, "items", items);
	for (size_t i = 0; i < n; i++) {
		const cJSON *j = v[i]->cur->json;

		if (!sel_match_labels(&ls, J(j, "metadata", "labels")) || !sel_match_fields(&fs, j))
			continue;
		cJSON_AddItemToArray(items, cJSON_Duplicate(j, 1));
		if (t->kind->id == K_POD)
			kubelet_delete_pod(sb, v[i], -1);
		else
			objstore_remove(&sb->store, v[i]);
	}
	free(v);
	sel_free(&ls);
	sel_free(&fs);
	resp_json(resp, 200, doc);
}

/* ---- dispatch ---- */

static void resource(struct sandbox *sb, const struct request *req, struct response *resp)
{
	struct target t;
	struct obj *o = NULL;
	const char *m = req->method;

	if (parse_target(req->path, &t)) {
		resp_error(resp, 404, "NotFound",
			   "the server could not find the requested resource");
		return;
	}
	if (t.name && t.kind->namespaced && !t.ns) {
		resp_error(resp, 404, "NotFound",
			   "the server could not find the requested resource");
		goto out;
	}
	if (t.kind->review) {
		if (!t.name && !strcmp(m, "POST")) {
			cJSON *obj = request_object(req, t.kind, resp);

			if (obj)
				review_answer(t.kind, obj, resp);
		} else {
			resp_error(resp, 405, "MethodNotAllowed", "the server does not allow this "
				   "method on the requested resource");
		}
		goto out;
	}
	if (!t.name) {
		if (!strcmp(m, "GET")) {
			if (param_true(req, "watch"))
				watch(sb, req, &t, resp);
			else
				list(sb, req, &t, resp);
		} else if (!strcmp(m, "POST")) {
			cJSON *obj;

			if (t.kind->read_only) {
				resp_error(resp, 405, "MethodNotAllowed",
					   "the server does not allow this method on the requested "
					   "resource");
				goto out;
			}
			obj = request_object(req, t.kind, resp);
			if (!obj)
				goto out;
			if (create(sb, t.kind, t.ns, obj, dry_run(req), resp))
				cJSON_Delete(obj);
		} else if (!strcmp(m, "DELETE")) {
			delete_collection(sb, req, &t, resp);
		} else {
			resp_error(resp, 405, "MethodNotAllowed", "the server does not allow this "
				   "method on the requested resource");
		}
		goto out;
	}
	o = objstore_get(&sb->store, t.kind, t.ns, t.name);
	if (!strcmp(m, "GET") && param_true(req, "watch") && !t.sub) {
		watch(sb, req, &t, resp);
		goto out;
	}
	if (!o) {
		resp_not_found(resp, t.kind, t.name);
		goto out;
	}
	if (t.sub && !strcmp(t.sub, "log") && strcmp(m, "GET")) {
		resp_error(resp, 405, "MethodNotAllowed",
			   "the server does not allow this method on the requested resource");
		goto out;
	}
	if (!strcmp(m, "GET")) {
		get(sb, req, o, &t, resp);
	} else if (t.kind->read_only) {
		resp_error(resp, 405, "MethodNotAllowed",
			   "the server does not allow this method on the requested resource");
	} else if (!strcmp(m, "PUT")) {
		update(sb, req, o, &t, resp);
	} else if (!strcmp(m, "PATCH")) {
		patch(sb, req, o, &t, resp);
	} else if (!strcmp(m, "DELETE") && !t.sub) {
		delete(sb, req, o, resp);
	} else {
		resp_error(resp, 405, "MethodNotAllowed",
			   "the server does not allow this method on the requested resource");
	}
out:
	target_free(&t);
}

void api_handle(struct sandbox *sb, const struct request *in, struct response *resp)
{
	struct request head_as_get;
	const struct request *req = in;

	/* HEAD is GET without the body (libmicrohttpd drops it). */
	if (!strcmp(in->method, "HEAD")) {
		head_as_get = *in;
		head_as_get.method = "GET";
		req = &head_as_get;
	}
	pthread_mutex_lock(&sb->mu);
	if (!strcmp(req->path, "/metrics")) {
		struct strbuf out = { 0 };

		traffic_render(sb, &out);
		resp->status = 200;
		resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
		resp->len = out.len;
		resp->body = sb_steal(&out);
	} else if (!strcmp(req->path, "/healthz") || !strcmp(req->path, "/livez")
		   || !strcmp(req->path, "/readyz")) {
		resp_text(resp, 200, "text/plain; charset=utf-8", "ok");
	} else if (sb->opt.traffic_only) {
		resp_error(resp, 404, "NotFound", "shipdeck-sandbox --traffic-only serves /metrics "
			   "and /healthz only");
	} else if (strcmp(req->method, "GET") == 0 && discovery_handle(sb, req, resp)) {
		/* answered */
	} else {
		resource(sb, req, resp);
	}
	pthread_mutex_unlock(&sb->mu);
}
