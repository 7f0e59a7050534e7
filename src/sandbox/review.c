#include "sandbox/review.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox/jsonx.h"
#include "util/xalloc.h"

static cJSON *strings1(const char *s)
{
	cJSON *a = cJSON_CreateArray();

	cJSON_AddItemToArray(a, cJSON_CreateString(s));
	return a;
}

/* "May I do this?": yes, always (spec: exactly one kind of attributes). The
 * API server validates the review before it knows its kind, so its message
 * names none, and it prints the values as Go does. */
static cJSON *access_status(const struct kind *k, const cJSON *spec, struct response *resp)
{
	const cJSON *nonres = J(spec, "nonResourceAttributes");
	bool res = cJSON_IsObject(J(spec, "resourceAttributes"));
	struct kind unnamed = *k;
	cJSON *status;

	unnamed.kind = "";
	if (res && cJSON_IsObject(nonres)) {
		char *value = xasprintf("Invalid value: {\"Path\":\"%s\",\"Verb\":\"%s\"}: cannot "
					"be specified in combination with resourceAttributes",
					jstr(J(nonres, "path")) ? jstr(J(nonres, "path")) : "",
					jstr(J(nonres, "verb")) ? jstr(J(nonres, "verb")) : "");

		resp_invalid(resp, &unnamed, "", "spec.nonResourceAttributes", value);
		free(value);
		return NULL;
	}
	if (!res && !cJSON_IsObject(nonres)) {
		resp_invalid(resp, &unnamed, "", "spec.resourceAttributes",
			     "Invalid value: null: exactly one of nonResourceAttributes or "
			     "resourceAttributes must be specified");
		return NULL;
	}
	status = cJSON_CreateObject();
	jset_bool(status, "allowed", true);
	jset_str(status, "reason", "shipdeck-sandbox authorizes every request");
	return status;
}

/* "What may I do here?": everything, as cluster-admin's one rule says. */
static cJSON *rules_status(void)
{
	cJSON *status = cJSON_CreateObject(), *rules = cJSON_CreateArray(), *rule;

	rule = cJSON_CreateObject();
	jset(rule, "verbs", strings1("*"));
	jset(rule, "apiGroups", strings1("*"));
	jset(rule, "resources", strings1("*"));
	cJSON_AddItemToArray(rules, rule);
	jset(status, "resourceRules", rules);
	rules = cJSON_CreateArray();
	rule = cJSON_CreateObject();
	jset(rule, "verbs", strings1("*"));
	jset(rule, "nonResourceURLs", strings1("*"));
	cJSON_AddItemToArray(rules, rule);
	jset(status, "nonResourceRules", rules);
	jset_bool(status, "incomplete", false);
	return status;
}

void review_answer(const struct kind *k, cJSON *obj, struct response *resp)
{
	const char *kind = jstr(J(obj, "kind")), *av = jstr(J(obj, "apiVersion"));
	cJSON *status;

	if ((kind && strcmp(kind, k->kind)) || (av && strcmp(av, k->api_version))) {
		resp_error(resp, 400, "BadRequest", "the object provided is not a %s of %s",
			   k->kind, k->api_version);
		cJSON_Delete(obj);
		return;
	}
	status = k->id == K_SSRR ? rules_status() : access_status(k, J(obj, "spec"), resp);
	if (!status) {
		cJSON_Delete(obj);
		return;
	}
	jset_str(obj, "kind", k->kind);
	jset_str(obj, "apiVersion", k->api_version);
	if (!cJSON_IsObject(J(obj, "metadata")))
		jset(obj, "metadata", cJSON_CreateObject());
	jdel(obj, "status");
	jset(obj, "status", status);
	resp_json(resp, 201, obj);
}
