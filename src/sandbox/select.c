#include "sandbox/select.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/jsonx.h"
#include "util/xalloc.h"

static void req_add_value(struct sel_req *r, const char *v, size_t len)
{
	r->values = xrealloc(r->values, (r->nvalues + 1) * sizeof *r->values);
	r->values[r->nvalues++] = xstrndup(v, len);
}

static struct sel_req *req_new(struct selector *sel, const char *key, size_t len,
			       enum sel_op op)
{
	struct sel_req *r;

	sel->reqs = xrealloc(sel->reqs, (sel->n + 1) * sizeof *sel->reqs);
	r = &sel->reqs[sel->n++];
	*r = (struct sel_req){ .key = xstrndup(key, len), .op = op };
	return r;
}

void sel_free(struct selector *sel)
{
	for (size_t i = 0; i < sel->n; i++) {
		for (size_t j = 0; j < sel->reqs[i].nvalues; j++)
			free(sel->reqs[i].values[j]);
		free(sel->reqs[i].values);
		free(sel->reqs[i].key);
	}
	free(sel->reqs);
	memset(sel, 0, sizeof *sel);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool key_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '/';
}

static bool value_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* One requirement at *pp; leaves *pp after it. */
static int parse_label_req(struct selector *sel, const char **pp, struct err *err)
{
	const char *p = skip_ws(*pp), *key, *v;
	size_t klen;
	bool negate = false;
	struct sel_req *r;
	enum sel_op op;

	if (*p == '!') {
		negate = true;
		p = skip_ws(p + 1);
	}
	key = p;
	while (key_char(*p))
		p++;
	klen = (size_t)(p - key);
	if (!klen)
		return err_set(err, "unable to parse requirement: missing label key");
	p = skip_ws(p);
	if (negate || *p == ',' || !*p) {
		req_new(sel, key, klen, negate ? SEL_NOT_EXISTS : SEL_EXISTS);
		*pp = p;
		return 0;
	}
	if (!strncmp(p, "==", 2)) {
		op = SEL_EQ;
		p += 2;
	} else if (!strncmp(p, "!=", 2)) {
		op = SEL_NE;
		p += 2;
	} else if (*p == '=') {
		op = SEL_EQ;
		p++;
	} else if (*p == '>' || *p == '<') {
		op = *p == '>' ? SEL_GT : SEL_LT;
		p++;
	} else if (!strncmp(p, "in", 2) && (p[2] == ' ' || p[2] == '(')) {
		op = SEL_IN;
		p += 2;
	} else if (!strncmp(p, "notin", 5) && (p[5] == ' ' || p[5] == '(')) {
		op = SEL_NOTIN;
		p += 5;
	} else {
		return err_set(err, "unable to parse requirement: found '%.20s', expected: "
			       "in, notin, =, ==, !=, gt, lt", p);
	}
	r = req_new(sel, key, klen, op);
	p = skip_ws(p);
	if (op == SEL_IN || op == SEL_NOTIN) {
		if (*p != '(')
			return err_set(err, "unable to parse requirement: expected '(' after '%s'",
				       op == SEL_IN ? "in" : "notin");
		p++;
		for (;;) {
			p = skip_ws(p);
			v = p;
			while (value_char(*p))
				p++;
			req_add_value(r, v, (size_t)(p - v));
			p = skip_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == ')') {
				p++;
				break;
			}
			return err_set(err, "unable to parse requirement: expected ',' or ')'");
		}
	} else {
		v = p;
		while (value_char(*p))
			p++;
		req_add_value(r, v, (size_t)(p - v));
		if ((op == SEL_GT || op == SEL_LT)
		    && (p == v || strspn(v, "0123456789") != (size_t)(p - v)))
			return err_set(err,
				       "unable to parse requirement: for 'gt', 'lt' operators, "
				       "exactly one integer value is required");
	}
	*pp = skip_ws(p);
	return 0;
}

int sel_parse_labels(struct selector *sel, const char *text, struct err *err)
{
	const char *p = text ? text : "";

	memset(sel, 0, sizeof *sel);
	p = skip_ws(p);
	while (*p) {
		if (parse_label_req(sel, &p, err))
			goto fail;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p) {
			err_set(err, "unable to parse requirement: unexpected '%.20s'", p);
			goto fail;
		}
	}
	return 0;
fail:
	sel_free(sel);
	return -1;
}

static bool field_supported(const struct kind *k, const char *f)
{
	static const char *const pod_fields[] = {
		"spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
		"spec.serviceAccountName", "status.phase", "status.podIP",
		"status.nominatedNodeName", NULL };
	static const char *const event_fields[] = {
		"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
		"involvedObject.uid", "involvedObject.apiVersion",
		"involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
		"reportingComponent", "source", "type", NULL };
	const char *const *list = k->id == K_POD ? pod_fields
		: k->id == K_EVENT ? event_fields : NULL;

	if (!strcmp(f, "metadata.name") || !strcmp(f, "metadata.namespace"))
		return true;
	if (k->id == K_NAMESPACE && !strcmp(f, "status.phase"))
		return true;
	for (; list && *list; list++)
		if (!strcmp(*list, f))
			return true;
	return false;
}

int sel_parse_fields(struct selector *sel, const struct kind *k, const char *text,
		     struct err *err)
{
	const char *p = text ? text : "";

	memset(sel, 0, sizeof *sel);
	while (*p) {
		const char *end = strchr(p, ','), *op;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *term = xstrndup(p, len), *key;
		struct sel_req *r;
		enum sel_op o = SEL_EQ;
		size_t klen;

		if ((op = strstr(term, "!="))) {
			o = SEL_NE;
			klen = (size_t)(op - term);
			op += 2;
		} else if ((op = strstr(term, "=="))) {
			klen = (size_t)(op - term);
			op += 2;
		} else if ((op = strchr(term, '='))) {
			klen = (size_t)(op - term);
			op += 1;
		} else {
			err_set(err, "invalid selector: '%s'; can't understand '%s'", text, term);
			free(term);
			goto fail;
		}
		key = xstrndup(term, klen);
		if (!field_supported(k, key)) {
			err_set(err, "field label not supported: %s", key);
			free(key);
			free(term);
			goto fail;
		}
		r = req_new(sel, key, klen, o);
		req_add_value(r, op, strlen(op));
		free(key);
		free(term);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
fail:
	sel_free(sel);
	return -1;
}

int sel_from_label_selector(struct selector *sel, const cJSON *ls, struct err *err)
{
	const cJSON *it;

	memset(sel, 0, sizeof *sel);
	if (!cJSON_IsObject(ls)) {
		sel->nothing = true;
		return 0;
	}
	cJSON_ArrayForEach(it, J(ls, "matchLabels")) {
		struct sel_req *r;

		if (!jstr(it))
			goto bad;
		r = req_new(sel, it->string, strlen(it->string), SEL_EQ);
		req_add_value(r, it->valuestring, strlen(it->valuestring));
	}
	cJSON_ArrayForEach(it, J(ls, "matchExpressions")) {
		const char *key = jstr(J(it, "key")), *op = jstr(J(it, "operator"));
		const cJSON *v;
		struct sel_req *r;
		enum sel_op o;

		if (!key || !op)
			goto bad;
		if (!strcmp(op, "In"))
			o = SEL_IN;
		else if (!strcmp(op, "NotIn"))
			o = SEL_NOTIN;
		else if (!strcmp(op, "Exists"))
			o = SEL_EXISTS;
		else if (!strcmp(op, "DoesNotExist"))
			o = SEL_NOT_EXISTS;
		else
			goto bad;
		r = req_new(sel, key, strlen(key), o);
		cJSON_ArrayForEach(v, J(it, "values"))
			if (jstr(v))
				req_add_value(r, v->valuestring, strlen(v->valuestring));
	}
	if (!sel->n)
		sel->nothing = false;
	return 0;
bad:
	sel_free(sel);
	return err_set(err, "invalid label selector");
}

static bool req_match(const struct sel_req *r, const char *have)
{
	bool in = false;

	for (size_t i = 0; have && i < r->nvalues; i++)
		if (!strcmp(r->values[i], have))
			in = true;
	switch (r->op) {
	case SEL_EQ:
	case SEL_IN:
		return in;
	case SEL_NE:
	case SEL_NOTIN:
		return !in;
	case SEL_EXISTS:
		return have != NULL;
	case SEL_NOT_EXISTS:
		return have == NULL;
	case SEL_GT:
	case SEL_LT:
		if (!have || !r->nvalues || strspn(have, "0123456789") != strlen(have) || !*have)
			return false;
		return r->op == SEL_GT ? atoll(have) > atoll(r->values[0])
				       : atoll(have) < atoll(r->values[0]);
	}
	return false;
}

bool sel_match_labels(const struct selector *sel, const cJSON *labels)
{
	if (sel->nothing)
		return false;
	for (size_t i = 0; i < sel->n; i++)
		if (!req_match(&sel->reqs[i], jstr(J(labels, sel->reqs[i].key))))
			return false;
	return true;
}

/* The value of a dotted field path; numbers and booleans as text. */
static const char *field_value(const cJSON *obj, const char *path, char *buf, size_t size)
{
	const cJSON *cur = obj;
	const char *p = path;

	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		char *key = xstrndup(p, len);

		cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, key) : NULL;
		free(key);
		p += len;
		if (*p == '.')
			p++;
	}
	if (jstr(cur))
		return cur->valuestring;
	if (cJSON_IsNumber(cur)) {
		snprintf(buf, size, "%lld", jint(cur, 0));
		return buf;
	}
	if (cJSON_IsBool(cur))
		return cJSON_IsTrue(cur) ? "true" : "false";
	if (!strcmp(path, "source") && J(obj, "source", "component"))
		return jstr(J(obj, "source", "component"));
	return "";
}

bool sel_match_fields(const struct selector *sel, const cJSON *obj)
{
	for (size_t i = 0; i < sel->n; i++) {
		char buf[32];
		const char *have = field_value(obj, sel->reqs[i].key, buf, sizeof buf);

		if (!req_match(&sel->reqs[i], have))
			return false;
	}
	return true;
}

const char *sel_field_name(const struct selector *sel)
{
	for (size_t i = 0; i < sel->n; i++)
		if (!strcmp(sel->reqs[i].key, "metadata.name") && sel->reqs[i].op == SEL_EQ)
			return sel->reqs[i].values[0];
	return NULL;
}

void sel_label_selector_string(const cJSON *ls, struct strbuf *out)
{
	const cJSON *it;
	bool first = true;

	cJSON_ArrayForEach(it, J(ls, "matchLabels")) {
		sb_printf(out, "%s%s=%s", first ? "" : ",", it->string,
			  jstr(it) ? it->valuestring : "");
		first = false;
	}
	cJSON_ArrayForEach(it, J(ls, "matchExpressions")) {
		const char *key = jstr(J(it, "key")), *op = jstr(J(it, "operator"));
		const cJSON *v;

		if (!key || !op)
			continue;
		sb_puts(out, first ? "" : ",");
		first = false;
		if (!strcmp(op, "Exists")) {
			sb_puts(out, key);
			continue;
		}
		if (!strcmp(op, "DoesNotExist")) {
			sb_printf(out, "!%s", key);
			continue;
		}
		sb_printf(out, "%s %s (", key, !strcmp(op, "In") ? "in" : "notin");
		cJSON_ArrayForEach(v, J(it, "values"))
			sb_printf(out, "%s%s", v == J(it, "values")->child ? "" : ",",
				  jstr(v) ? v->valuestring : "");
		sb_putc(out, ')');
	}
}
