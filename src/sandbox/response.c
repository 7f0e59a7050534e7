#include "sandbox/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/jsonx.h"
#include "util/xalloc.h"

void resp_free(struct response *r)
{
	free(r->body);
	if (r->stream.free)
		r->stream.free(r->stream.ctx);
	memset(r, 0, sizeof *r);
}

void resp_json(struct response *r, int status, cJSON *json)
{
	free(r->body);
	r->status = status;
	r->content_type = "application/json";
	r->body = jprint(json);
	r->len = strlen(r->body);
	cJSON_Delete(json);
}

void resp_take(struct response *r, int status, const char *content_type, struct strbuf *body)
{
	free(r->body);
	r->status = status;
	r->content_type = content_type;
	r->len = body->len;
	r->body = sb_steal(body);
}

void resp_text(struct response *r, int status, const char *content_type, const char *text)
{
	free(r->body);
	r->status = status;
	r->content_type = content_type;
	r->body = xstrdup(text);
	r->len = strlen(text);
}

cJSON *status_new(int code, const char *reason, const char *message)
{
	cJSON *s = cJSON_CreateObject();

	jset_str(s, "kind", "Status");
	jset_str(s, "apiVersion", "v1");
	jset(s, "metadata", cJSON_CreateObject());
	jset_str(s, "status", "Failure");
	jset_str(s, "message", message);
	if (reason && *reason)
		jset_str(s, "reason", reason);
	jset_int(s, "code", code);
	return s;
}

static void error_v(struct response *r, int code, const char *reason, const struct kind *k,
		    const char *name, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static void error_v(struct response *r, int code, const char *reason, const struct kind *k,
		    const char *name, const char *fmt, va_list ap)
{
	char msg[2048];
	cJSON *s;

	vsnprintf(msg, sizeof msg, fmt, ap);
	s = status_new(code, reason, msg);
	if (k) {
		cJSON *d = cJSON_CreateObject();

		if (name)
			jset_str(d, "name", name);
		if (k->group[0])
			jset_str(d, "group", k->group);
		jset_str(d, "kind", k->plural);
		jdel(s, "code");
		jset(s, "details", d);
		jset_int(s, "code", code);
	}
	resp_json(r, code, s);
}

void resp_error(struct response *r, int code, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_v(r, code, reason, NULL, NULL, fmt, ap);
	va_end(ap);
}

void resp_error_obj(struct response *r, int code, const char *reason, const struct kind *k,
		    const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_v(r, code, reason, k, name, fmt, ap);
	va_end(ap);
}

void resp_not_found(struct response *r, const struct kind *k, const char *name)
{
	char res[64];

	resp_error_obj(r, 404, "NotFound", k, name, "%s \"%s\" not found",
		       kind_resource_name(k, res, sizeof res), name);
}

void resp_conflict(struct response *r, const struct kind *k, const char *name)
{
	char res[64];

	resp_error_obj(r, 409, "Conflict", k, name,
		       "Operation cannot be fulfilled on %s \"%s\": the object has been "
		       "modified; please apply your changes to the latest version and try again",
		       kind_resource_name(k, res, sizeof res), name);
}

void resp_invalid(struct response *r, const struct kind *k, const char *name,
		  const char *field, const char *msg)
{
	char full[2048];
	cJSON *s, *d, *causes, *cause;

	snprintf(full, sizeof full, "%s%s%s \"%s\" is invalid: %s: %s", k->kind,
		 k->group[0] ? "." : "", k->group, name ? name : "", field, msg);
	s = status_new(422, "Invalid", full);
	jdel(s, "code");
	d = cJSON_CreateObject();
	if (name)
		jset_str(d, "name", name);
	if (k->group[0])
		jset_str(d, "group", k->group);
	jset_str(d, "kind", k->kind);
	causes = cJSON_CreateArray();
	cause = cJSON_CreateObject();
	jset_str(cause, "reason", strncmp(msg, "Required", 8) ? "FieldValueInvalid"
							       : "FieldValueRequired");
	jset_str(cause, "message", msg);
	jset_str(cause, "field", field);
	cJSON_AddItemToArray(causes, cause);
	jset(d, "causes", causes);
	jset(s, "details", d);
	jset_int(s, "code", 422);
	resp_json(r, 422, s);
}
