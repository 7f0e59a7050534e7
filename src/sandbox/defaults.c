#include "sandbox/defaults.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hmap.h"
#include "sandbox/jsonx.h"
#include "sandbox/stored.h"
#include "sandbox/select.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

const char safe_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

/* ---- type checks ---- */

enum jt { T_OBJ, T_ARR, T_STR, T_INT, T_BOOL, T_STRMAP, T_INTSTR };

static const char *jt_name(enum jt t)
{
	switch (t) {
	case T_OBJ: case T_STRMAP: return "object";
	case T_ARR: return "array";
	case T_STR: return "string";
	case T_INT: return "int32";
	case T_BOOL: return "bool";
	case T_INTSTR: return "IntOrString";
	}
	return "value";
}

static bool jt_ok(const cJSON *v, enum jt t)
{
	const cJSON *c;

	if (!v || cJSON_IsNull(v))
		return true;
	switch (t) {
	case T_OBJ:
		return cJSON_IsObject(v);
	case T_ARR:
		return cJSON_IsArray(v);
	case T_STR:
		return cJSON_IsString(v);
	case T_INT:
		return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble)
		       && fabs(v->valuedouble) < 2147483648.0;
	case T_BOOL:
		return cJSON_IsBool(v);
	case T_INTSTR:
		return cJSON_IsString(v) || jt_ok(v, T_INT);
	case T_STRMAP:
		if (!cJSON_IsObject(v))
			return false;
		cJSON_ArrayForEach(c, v)
			if (!cJSON_IsString(c))
				return false;
		return true;
	}
	return false;
}

struct type_rule {
	const char *field;   /* dotted, relative to the checked object */
	enum jt type;
};

static int check_rules(const cJSON *o, const char *where, const struct type_rule *rules,
		       struct response *r)
{
	for (; rules->field; rules++) {
		const cJSON *v = o;
		char buf[128], *save = NULL, *tok;

		snprintf(buf, sizeof buf, "%s", rules->field);
		for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
			v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, tok) : NULL;
		if (!jt_ok(v, rules->type)) {
			resp_error(r, 400, "BadRequest",
				   "json: cannot unmarshal %s into Go struct field %s%s%s of type "
				   "%s", cJSON_IsString(v) ? "string" : cJSON_IsNumber(v) ? "number"
				   : cJSON_IsArray(v) ? "array" : cJSON_IsObject(v) ? "object"
				   : "bool", where, *where ? "." : "", rules->field,
				   jt_name(rules->type));
			return -1;
		}
	}
	return 0;
}

static const struct type_rule meta_rules[] = {
	{ "metadata", T_OBJ }, { "metadata.name", T_STR }, { "metadata.namespace", T_STR },
	{ "metadata.generateName", T_STR }, { "metadata.uid", T_STR },
	{ "metadata.resourceVersion", T_STR }, { "metadata.labels", T_STRMAP },
	{ "metadata.annotations", T_STRMAP }, { "metadata.ownerReferences", T_ARR },
	{ "metadata.finalizers", T_ARR }, { "metadata.generation", T_INT },
	{ "kind", T_STR }, { "apiVersion", T_STR }, { "spec", T_OBJ }, { "status", T_OBJ },
	{ NULL, 0 } };

static const struct type_rule podspec_rules[] = {
	{ "containers", T_ARR }, { "initContainers", T_ARR },
	{ "terminationGracePeriodSeconds", T_INT }, { "restartPolicy", T_STR },
	{ "nodeName", T_STR }, { "volumes", T_ARR }, { NULL, 0 } };

static const struct type_rule container_rules[] = {
	{ "name", T_STR }, { "image", T_STR }, { "ports", T_ARR }, { "env", T_ARR },
	{ "args", T_ARR }, { "command", T_ARR }, { "imagePullPolicy", T_STR },
	{ "readinessProbe", T_OBJ }, { "readinessProbe.initialDelaySeconds", T_INT },
	{ "readinessProbe.periodSeconds", T_INT }, { "livenessProbe", T_OBJ },
	{ "resources", T_OBJ }, { "volumeMounts", T_ARR }, { NULL, 0 } };

static const struct type_rule workload_rules[] = {
	{ "spec.replicas", T_INT }, { "spec.minReadySeconds", T_INT },
	{ "spec.revisionHistoryLimit", T_INT }, { "spec.progressDeadlineSeconds", T_INT },
	{ "spec.paused", T_BOOL }, { "spec.selector", T_OBJ },
	{ "spec.selector.matchLabels", T_STRMAP }, { "spec.selector.matchExpressions", T_ARR },
	{ "spec.strategy", T_OBJ }, { "spec.strategy.type", T_STR },
	{ "spec.strategy.rollingUpdate", T_OBJ },
	{ "spec.strategy.rollingUpdate.maxSurge", T_INTSTR },
	{ "spec.strategy.rollingUpdate.maxUnavailable", T_INTSTR },
	{ "spec.template", T_OBJ }, { "spec.template.metadata", T_OBJ },
	{ "spec.template.metadata.labels", T_STRMAP },
	{ "spec.template.metadata.annotations", T_STRMAP }, { "spec.template.spec", T_OBJ },
	{ NULL, 0 } };

static const struct type_rule service_rules[] = {
	{ "spec.ports", T_ARR }, { "spec.selector", T_STRMAP }, { "spec.type", T_STR },
	{ "spec.clusterIP", T_STR }, { NULL, 0 } };

static const struct type_rule port_rules[] = {
	{ "port", T_INT }, { "containerPort", T_INT }, { "nodePort", T_INT },
	{ "targetPort", T_INTSTR }, { "name", T_STR }, { "protocol", T_STR }, { NULL, 0 } };

static const struct type_rule configmap_rules[] = {
	{ "data", T_STRMAP }, { "binaryData", T_STRMAP }, { NULL, 0 } };

static int check_array_of_objects(const cJSON *arr, const char *where,
				  const struct type_rule *rules, struct response *r)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsObject(it)) {
			resp_error(r, 400, "BadRequest",
				   "json: cannot unmarshal %s into Go struct field %s of type "
				   "object", cJSON_IsString(it) ? "string" : "value", where);
			return -1;
		}
		if (rules && check_rules(it, where, rules, r))
			return -1;
	}
	return 0;
}

static int check_podspec(const cJSON *spec, const char *where, struct response *r)
{
	static const char *const lists[] = { "containers", "initContainers" };
	char w[128];

	if (!spec)
		return 0;
	if (check_rules(spec, where, podspec_rules, r))
		return -1;
	for (int i = 0; i < 2; i++) {
		const cJSON *c;

		snprintf(w, sizeof w, "%s.%s", where, lists[i]);
		if (check_array_of_objects(J(spec, lists[i]), w, container_rules, r))
			return -1;
		cJSON_ArrayForEach(c, J(spec, lists[i])) {
			if (check_array_of_objects(J(c, "ports"), w, port_rules, r)
			    || check_array_of_objects(J(c, "env"), w, NULL, r))
				return -1;
		}
	}
	return 0;
}

int defaults_check_types(const struct kind *k, const cJSON *obj, struct response *r)
{
	if (!cJSON_IsObject(obj)) {
		resp_error(r, 400, "BadRequest", "the body of the request is not a JSON object");
		return -1;
	}
	if (check_rules(obj, k->kind, meta_rules, r))
		return -1;
	switch (k->id) {
	case K_DEPLOYMENT:
	case K_REPLICASET:
		if (check_rules(obj, k->kind, workload_rules, r))
			return -1;
		return check_podspec(J(obj, "spec", "template", "spec"), "spec.template.spec", r);
	case K_POD:
		return check_podspec(J(obj, "spec"), "spec", r);
	case K_SERVICE:
		if (check_rules(obj, k->kind, service_rules, r))
			return -1;
		return check_array_of_objects(J(obj, "spec", "ports"), "spec.ports", port_rules, r);
	case K_CONFIGMAP:
		return check_rules(obj, k->kind, configmap_rules, r);
	default:
		return 0;
	}
}

/* ---- defaults ---- */

static void set_default(cJSON *o, const char *key, cJSON *v)
{
	cJSON *cur = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cur && !cJSON_IsNull(cur)) {
		cJSON_Delete(v);
		return;
	}
	jset(o, key, v);
}

static bool image_is_latest(const char *image)
{
	const char *slash = strrchr(image, '/'), *colon, *at = strchr(image, '@');

	if (at)
		return false;
	colon = strrchr(slash ? slash : image, ':');
	return !colon || !strcmp(colon, ":latest");
}

static void defaults_probe(cJSON *p)
{
	if (!cJSON_IsObject(p))
		return;
	set_default(p, "timeoutSeconds", cJSON_CreateNumber(1));
	set_default(p, "periodSeconds", cJSON_CreateNumber(10));
	set_default(p, "successThreshold", cJSON_CreateNumber(1));
	set_default(p, "failureThreshold", cJSON_CreateNumber(3));
	if (cJSON_IsObject(J(p, "httpGet")))
		set_default(J(p, "httpGet"), "scheme", cJSON_CreateString("HTTP"));
}

static void defaults_container(cJSON *c)
{
	cJSON *port;
	const char *image = jstr(J(c, "image"));

	if (!cJSON_IsObject(c))
		return;
	set_default(c, "terminationMessagePath", cJSON_CreateString("/dev/termination-log"));
	set_default(c, "terminationMessagePolicy", cJSON_CreateString("File"));
	set_default(c, "imagePullPolicy", cJSON_CreateString(image && image_is_latest(image)
							     ? "Always" : "IfNotPresent"));
	set_default(c, "resources", cJSON_CreateObject());
	cJSON_ArrayForEach(port, J(c, "ports"))
		if (cJSON_IsObject(port))
			set_default(port, "protocol", cJSON_CreateString("TCP"));
	defaults_probe(J(c, "readinessProbe"));
	defaults_probe(J(c, "livenessProbe"));
	defaults_probe(J(c, "startupProbe"));
}

static void defaults_pod_spec(cJSON *spec)
{
	cJSON *c;

	if (!cJSON_IsObject(spec))
		return;
	set_default(spec, "restartPolicy", cJSON_CreateString("Always"));
	set_default(spec, "terminationGracePeriodSeconds", cJSON_CreateNumber(30));
	set_default(spec, "dnsPolicy", cJSON_CreateString("ClusterFirst"));
	set_default(spec, "schedulerName", cJSON_CreateString("default-scheduler"));
	set_default(spec, "securityContext", cJSON_CreateObject());
	cJSON_ArrayForEach(c, J(spec, "containers"))
		defaults_container(c);
	cJSON_ArrayForEach(c, J(spec, "initContainers"))
		defaults_container(c);
	cJSON_ArrayForEach(c, J(spec, "volumes")) {
		/* kube-apiserver's volume defaults: hostPath type "", mode 0644. */
		if (cJSON_IsObject(J(c, "hostPath")))
			set_default(J(c, "hostPath"), "type", cJSON_CreateString(""));
		if (cJSON_IsObject(J(c, "configMap")))
			set_default(J(c, "configMap"), "defaultMode", cJSON_CreateNumber(420));
		if (cJSON_IsObject(J(c, "secret")))
			set_default(J(c, "secret"), "defaultMode", cJSON_CreateNumber(420));
		if (cJSON_IsObject(J(c, "projected")))
			set_default(J(c, "projected"), "defaultMode", cJSON_CreateNumber(420));
		if (cJSON_IsObject(J(c, "downwardAPI")))
			set_default(J(c, "downwardAPI"), "defaultMode", cJSON_CreateNumber(420));
	}
}

/* Drops nulls (a `creationTimestamp: null` from a client, a deleted field)
 * recursively, so stored objects and hashed templates never carry them. */
static void drop_nulls(cJSON *v)
{
	cJSON *c, *next;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return;
	for (c = v->child; c; c = next) {
		next = c->next;
		if (cJSON_IsNull(c) && cJSON_IsObject(v))
			cJSON_Delete(cJSON_DetachItemViaPointer(v, c));
		else
			drop_nulls(c);
	}
}

void defaults_pod_template(cJSON *tmpl)
{
	if (!cJSON_IsObject(tmpl))
		return;
	drop_nulls(tmpl);
	defaults_pod_spec(J(tmpl, "spec"));
}

static void defaults_workload(cJSON *obj, bool deployment)
{
	cJSON *spec = jchild(obj, "spec"), *strategy, *ru;

	set_default(spec, "replicas", cJSON_CreateNumber(1));
	if (deployment) {
		strategy = jchild(spec, "strategy");
		set_default(strategy, "type", cJSON_CreateString("RollingUpdate"));
		if (!strcmp(jstr(J(strategy, "type")) ? jstr(J(strategy, "type")) : "",
			    "RollingUpdate")) {
			ru = jchild(strategy, "rollingUpdate");
			set_default(ru, "maxUnavailable", cJSON_CreateString("25%"));
			set_default(ru, "maxSurge", cJSON_CreateString("25%"));
		}
		set_default(spec, "revisionHistoryLimit", cJSON_CreateNumber(10));
		set_default(spec, "progressDeadlineSeconds", cJSON_CreateNumber(600));
	}
	defaults_pod_template(J(spec, "template"));
}

static void defaults_service(cJSON *obj)
{
	cJSON *spec = jchild(obj, "spec"), *port;

	set_default(spec, "type", cJSON_CreateString("ClusterIP"));
	set_default(spec, "sessionAffinity", cJSON_CreateString("None"));
	set_default(spec, "ipFamilyPolicy", cJSON_CreateString("SingleStack"));
	set_default(spec, "internalTrafficPolicy", cJSON_CreateString("Cluster"));
	if (!J(spec, "ipFamilies")) {
		cJSON *f = cJSON_CreateArray();

		cJSON_AddItemToArray(f, cJSON_CreateString("IPv4"));
		jset(spec, "ipFamilies", f);
	}
	cJSON_ArrayForEach(port, J(spec, "ports")) {
		if (!cJSON_IsObject(port))
			continue;
		set_default(port, "protocol", cJSON_CreateString("TCP"));
		if (J(port, "port"))
			set_default(port, "targetPort", cJSON_Duplicate(J(port, "port"), 1));
	}
}

void defaults_apply(const struct kind *k, cJSON *obj)
{
	drop_nulls(obj);
	switch (k->id) {
	case K_DEPLOYMENT:
		defaults_workload(obj, true);
		break;
	case K_REPLICASET:
		defaults_workload(obj, false);
		break;
	case K_POD:
		defaults_pod_spec(jchild(obj, "spec"));
		set_default(obj, "status", cJSON_CreateObject());
		if (!J(obj, "spec", "enableServiceLinks"))
			jset_bool(J(obj, "spec"), "enableServiceLinks", true);
		break;
	case K_SERVICE:
		defaults_service(obj);
		break;
	default:
		stored_defaults(k, obj);
		break;
	}
}

/* ---- validation ---- */

static bool dns_subdomain(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'
		      || c == '.'))
			return false;
		if ((i == 0 || i == n - 1 || s[i - 1] == '.' || s[i + 1] == '.')
		    && !(islower((unsigned char)c) || isdigit((unsigned char)c)))
			return false;
	}
	return true;
}

static bool dns_label(const char *s)
{
	return dns_subdomain(s) && !strchr(s, '.') && strlen(s) <= 63;
}

static int invalid(struct response *r, const struct kind *k, const cJSON *obj,
		   const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int invalid(struct response *r, const struct kind *k, const cJSON *obj,
		   const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	resp_invalid(r, k, jstr(J(obj, "metadata", "name")), field, msg);
	return -1;
}

static int validate_containers(const struct kind *k, const cJSON *obj, const cJSON *spec,
			       const char *where, struct response *r)
{
	const cJSON *c;
	char field[160];
	int i = 0;
	struct hmap names = { 0 };
	int rc = 0;

	if (!cJSON_GetArraySize(J(spec, "containers"))) {
		snprintf(field, sizeof field, "%s.containers", where);
		return invalid(r, k, obj, field, "Required value");
	}
	cJSON_ArrayForEach(c, J(spec, "containers")) {
		const char *name = jstr(J(c, "name")), *image = jstr(J(c, "image"));

		if (!name || !*name) {
			snprintf(field, sizeof field, "%s.containers[%d].name", where, i);
			rc = invalid(r, k, obj, field, "Required value");
			break;
		}
		if (!dns_label(name)) {
			snprintf(field, sizeof field, "%s.containers[%d].name", where, i);
			rc = invalid(r, k, obj, field,
				     "Invalid value: \"%s\": a lowercase RFC 1123 label must "
				     "consist of lower case alphanumeric characters or '-', and "
				     "must start and end with an alphanumeric character", name);
			break;
		}
		if (hmap_get(&names, name)) {
			snprintf(field, sizeof field, "%s.containers[%d].name", where, i);
			rc = invalid(r, k, obj, field, "Duplicate value: \"%s\"", name);
			break;
		}
		hmap_put(&names, name, (void *)c);
		if (!image || !*image) {
			snprintf(field, sizeof field, "%s.containers[%d].image", where, i);
			rc = invalid(r, k, obj, field, "Required value");
			break;
		}
		i++;
	}
	hmap_free(&names);
	return rc;
}

/* One of a Service's ports, as the real apiserver checks it: with more than
 * one port each needs a name (a DNS label, unique among them). */
static int validate_service_port(const struct kind *k, const cJSON *obj, const cJSON *p, int i,
				 struct response *r)
{
	const char *name = jstr(J(p, "name"));
	long long port = jint(J(p, "port"), 0);
	const cJSON *q;
	char field[64];

	snprintf(field, sizeof field, "spec.ports[%d].name", i);
	if ((!name || !*name) && cJSON_GetArraySize(J(obj, "spec", "ports")) > 1)
		return invalid(r, k, obj, field, "Required value");
	if (name && *name && !dns_label(name))
		return invalid(r, k, obj, field, "Invalid value: \"%s\": a lowercase RFC 1123 "
			       "label must consist of lower case alphanumeric characters or '-', "
			       "and must start and end with an alphanumeric character", name);
	cJSON_ArrayForEach(q, J(obj, "spec", "ports")) {
		if (q == p)
			break;
		if (name && *name && jstr(J(q, "name")) && !strcmp(jstr(J(q, "name")), name))
			return invalid(r, k, obj, field, "Duplicate value: \"%s\"", name);
	}
	if (port < 1 || port > 65535) {
		snprintf(field, sizeof field, "spec.ports[%d].port", i);
		return invalid(r, k, obj, field,
			       "Invalid value: %lld: must be between 1 and 65535, inclusive", port);
	}
	return 0;
}

static int validate_intstr(const struct kind *k, const cJSON *obj, const cJSON *v,
			   const char *field, struct response *r)
{
	const char *s = jstr(v);
	char *end;
	double d;

	if (!v)
		return 0;
	if (!s) {
		if (jint(v, -1) < 0)
			return invalid(r, k, obj, field,
				       "Invalid value: %lld: must be greater than or equal to 0",
				       jint(v, -1));
		return 0;
	}
	d = strtod(s, &end);
	if (end == s || strcmp(end, "%") || d < 0 || strspn(s, "0123456789") != strlen(s) - 1)
		return invalid(r, k, obj, field, "Invalid value: \"%s\": a valid percent string "
			       "must be a numeric string followed by an ending '%%' (e.g. '1%%', "
			       "or '93%%', regex used for validation is '[0-9]+%%')", s);
	if (d > 100 && strstr(field, "maxUnavailable"))
		return invalid(r, k, obj, field, "Invalid value: \"%s\": must not be greater "
			       "than 100%%", s);
	return 0;
}

static int validate_workload(const struct kind *k, const cJSON *obj, const cJSON *old,
			     struct response *r)
{
	const cJSON *spec = J(obj, "spec"), *sel = J(spec, "selector");
	const cJSON *labels = J(spec, "template", "metadata", "labels");
	struct selector s;
	struct err err;
	int rc;

	if (!sel || (!cJSON_GetArraySize(J(sel, "matchLabels"))
		     && !cJSON_GetArraySize(J(sel, "matchExpressions"))))
		return invalid(r, k, obj, "spec.selector", "Required value");
	if (jint(J(spec, "replicas"), 0) < 0)
		return invalid(r, k, obj, "spec.replicas", "Invalid value: %lld: must be greater "
			       "than or equal to 0", jint(J(spec, "replicas"), 0));
	if (sel_from_label_selector(&s, sel, &err))
		return invalid(r, k, obj, "spec.selector", "Invalid value: %s", err.msg);
	rc = sel_match_labels(&s, labels);
	sel_free(&s);
	if (!rc) {
		char *l = labels ? jprint(labels) : xstrdup("{}");

		rc = invalid(r, k, obj, "spec.template.metadata.labels", "Invalid value: %s: "
			     "`selector` does not match template `labels`", l);
		free(l);
		return rc;
	}
	if (validate_containers(k, obj, J(spec, "template", "spec"), "spec.template.spec", r))
		return -1;
	if (old && !jequal(J(old, "spec", "selector"), sel)) {
		char *t = jprint(sel);

		rc = invalid(r, k, obj, "spec.selector", "Invalid value: %s: field is immutable",
			     t);
		free(t);
		return rc;
	}
	if (k->id == K_DEPLOYMENT) {
		const cJSON *st = J(spec, "strategy");
		const char *type = jstr(J(st, "type"));
		const cJSON *ru = J(st, "rollingUpdate");

		if (type && strcmp(type, "RollingUpdate") && strcmp(type, "Recreate"))
			return invalid(r, k, obj, "spec.strategy.type",
				       "Unsupported value: \"%s\": supported values: \"Recreate\", "
				       "\"RollingUpdate\"", type);
		if (type && !strcmp(type, "Recreate") && ru)
			return invalid(r, k, obj, "spec.strategy.rollingUpdate", "Forbidden: may "
				       "not be specified when strategy `type` is 'Recreate'");
		if (validate_intstr(k, obj, J(ru, "maxSurge"),
				    "spec.strategy.rollingUpdate.maxSurge", r)
		    || validate_intstr(k, obj, J(ru, "maxUnavailable"),
				       "spec.strategy.rollingUpdate.maxUnavailable", r))
			return -1;
		if (ru && intstr_scaled(J(ru, "maxSurge"), 100, true, 1) == 0
		    && intstr_scaled(J(ru, "maxUnavailable"), 100, false, 1) == 0)
			return invalid(r, k, obj, "spec.strategy.rollingUpdate.maxUnavailable",
				       "Invalid value: 0: may not be 0 when `maxSurge` is 0");
		if (J(spec, "progressDeadlineSeconds") && J(spec, "minReadySeconds")
		    && jint(J(spec, "progressDeadlineSeconds"), 0)
		       <= jint(J(spec, "minReadySeconds"), 0))
			return invalid(r, k, obj, "spec.progressDeadlineSeconds", "Invalid value: "
				       "%lld: must be greater than minReadySeconds",
				       jint(J(spec, "progressDeadlineSeconds"), 0));
	}
	return 0;
}

int defaults_validate(const struct kind *k, const cJSON *obj, const cJSON *old,
		      struct response *r)
{
	const char *name = jstr(J(obj, "metadata", "name"));

	if (!name || !*name)
		return invalid(r, k, obj, "metadata.name", "Required value: name or "
			       "generateName is required");
	if ((k->id == K_SERVICE || k->id == K_NAMESPACE) ? !dns_label(name) : !dns_subdomain(name))
		return invalid(r, k, obj, "metadata.name", "Invalid value: \"%s\": a lowercase "
			       "RFC 1123 %s must consist of lower case alphanumeric characters, "
			       "'-'%s, and must start and end with an alphanumeric character",
			       name, k->id == K_SERVICE || k->id == K_NAMESPACE ? "label"
								       : "subdomain",
			       k->id == K_SERVICE || k->id == K_NAMESPACE ? "" : " or '.'");
	if (stored_validate(k, obj, r))
		return -1;
	switch (k->id) {
	case K_DEPLOYMENT:
	case K_REPLICASET:
		return validate_workload(k, obj, old, r);
	case K_POD:
		if (validate_containers(k, obj, J(obj, "spec"), "spec", r))
			return -1;
		if (old && !jequal(J(old, "spec", "containers"), J(obj, "spec", "containers"))) {
			const cJSON *a, *b = J(obj, "spec", "containers")->child;

			/* Only images may change in a running pod's containers. */
			cJSON_ArrayForEach(a, J(old, "spec", "containers")) {
				cJSON *x, *y;
				bool same;

				if (!b)
					break;
				x = cJSON_Duplicate(a, 1);
				y = cJSON_Duplicate(b, 1);
				jdel(x, "image");
				jdel(y, "image");
				same = jequal(x, y);
				cJSON_Delete(x);
				cJSON_Delete(y);
				if (!same)
					return invalid(r, k, obj, "spec",
						       "Forbidden: pod updates may not change "
						       "fields other than "
						       "`spec.containers[*].image`, "
						       "`spec.initContainers[*].image`, "
						       "`spec.activeDeadlineSeconds`, "
						       "`spec.tolerations` (only additions to "
						       "existing tolerations) or "
						       "`spec.terminationGracePeriodSeconds`");
				b = b->next;
			}
			if (cJSON_GetArraySize(J(old, "spec", "containers"))
			    != cJSON_GetArraySize(J(obj, "spec", "containers")))
				return invalid(r, k, obj, "spec", "Forbidden: pod updates may not "
					       "add or remove containers");
		}
		return 0;
	case K_SERVICE: {
		const cJSON *p;
		int i = 0;
		const char *type = jstr(J(obj, "spec", "type"));

		if (type && strcmp(type, "ClusterIP") && strcmp(type, "NodePort")
		    && strcmp(type, "LoadBalancer") && strcmp(type, "ExternalName"))
			return invalid(r, k, obj, "spec.type",
				       "Unsupported value: \"%s\": supported values: "
				       "\"ClusterIP\", \"ExternalName\", \"LoadBalancer\", "
				       "\"NodePort\"", type);
		if (!cJSON_GetArraySize(J(obj, "spec", "ports"))
		    && !(type && !strcmp(type, "ExternalName"))
		    && jstr(J(obj, "spec", "clusterIP")) == NULL)
			return invalid(r, k, obj, "spec.ports", "Required value");
		cJSON_ArrayForEach(p, J(obj, "spec", "ports"))
			if (validate_service_port(k, obj, p, i++, r))
				return -1;
		if (old && jstr(J(old, "spec", "clusterIP")) && jstr(J(obj, "spec", "clusterIP"))
		    && strcmp(jstr(J(old, "spec", "clusterIP")), jstr(J(obj, "spec", "clusterIP"))))
			return invalid(r, k, obj, "spec.clusterIPs[0]",
				       "Invalid value: []string{\"%s\"}: may not change once set",
				       jstr(J(obj, "spec", "clusterIP")));
		return 0;
	}
	default:
		return 0;
	}
}

/* ---- templates ---- */

static cJSON *template_without_hash(const cJSON *t)
{
	cJSON *c = cJSON_Duplicate(t, 1);

	jdel(J(c, "metadata", "labels"), "pod-template-hash");
	return c;
}

char *template_canonical(const cJSON *tmpl)
{
	cJSON *c = template_without_hash(tmpl);
	struct strbuf sb = { 0 };

	jcanon(c, &sb);
	cJSON_Delete(c);
	return sb_steal(&sb);
}

bool template_equal_ignore_hash(const cJSON *a, const cJSON *b)
{
	cJSON *x = template_without_hash(a), *y = template_without_hash(b);
	struct strbuf sa = { 0 }, sb2 = { 0 };
	bool same;

	jcanon(x, &sa);
	jcanon(y, &sb2);
	same = !strcmp(sb_str(&sa), sb_str(&sb2));
	sb_free(&sa);
	sb_free(&sb2);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}

void template_hash(const cJSON *tmpl, long long collision_count, char out[16])
{
	cJSON *c = template_without_hash(tmpl);
	struct strbuf sb = { 0 };
	uint32_t h;
	char dec[16];
	size_t i;

	jcanon(c, &sb);
	h = fnv32a(sb_str(&sb), sb.len, FNV32A_INIT);
	if (collision_count > 0) {
		char cc[24];

		snprintf(cc, sizeof cc, "%lld", collision_count);
		h = fnv32a(cc, strlen(cc), h);
	}
	snprintf(dec, sizeof dec, "%u", h);
	for (i = 0; dec[i]; i++)
		out[i] = safe_alphabet[(unsigned char)dec[i] % (sizeof safe_alphabet - 1)];
	out[i] = 0;
	sb_free(&sb);
	cJSON_Delete(c);
}

int intstr_scaled(const cJSON *v, int total, bool round_up, int def)
{
	const char *s = jstr(v);
	double pct;
	char *end;

	if (!v || cJSON_IsNull(v))
		return def;
	if (!s)
		return (int)jint(v, def);
	pct = strtod(s, &end);
	if (end == s || !isfinite(pct))
		return def;
	if (*end == '%')
		pct = round_up ? ceil(pct * total / 100.0) : floor(pct * total / 100.0);
	/* Validation keeps these sane; the clamp keeps the cast defined. */
	if (!(pct >= 0))
		return 0;
	return pct >= INT_MAX ? INT_MAX : (int)pct;
}
