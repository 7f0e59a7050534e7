#include "metrics/prometheus.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

struct pending {
	prom_done_fn done;
	void *ctx;
	char *url;                  /* without the query, for messages */
};

void prom_result_free(struct prom_result *res)
{
	for (size_t i = 0; i < res->nseries; i++) {
		free(res->series[i].metric);
		free(res->series[i].t);
		free(res->series[i].v);
	}
	free(res->series);
	memset(res, 0, sizeof *res);
}

/* A sample is [time, "value"]. */
static int parse_sample(const cJSON *s, double *t, double *v)
{
	const cJSON *ts = cJSON_GetArrayItem(s, 0), *vs = cJSON_GetArrayItem(s, 1);
	char *end;

	if (!cJSON_IsArray(s) || cJSON_GetArraySize(s) != 2 || !cJSON_IsNumber(ts)
	    || !cJSON_IsString(vs))
		return -1;
	*t = ts->valuedouble;
	*v = strtod(vs->valuestring, &end);   /* also reads NaN, +Inf, -Inf */
	return *end ? -1 : 0;
}

static int parse_series(const cJSON *item, struct prom_series *s, struct err *err)
{
	const cJSON *metric = cJSON_GetObjectItemCaseSensitive(item, "metric");
	const cJSON *values = cJSON_GetObjectItemCaseSensitive(item, "values");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(item, "value");
	size_t i = 0;

	s->metric = metric ? cJSON_PrintUnformatted(metric) : xstrdup("{}");
	if (cJSON_IsArray(values)) {
		const cJSON *v;

		s->n = (size_t)cJSON_GetArraySize(values);
		s->t = xcalloc(s->n, sizeof *s->t);
		s->v = xcalloc(s->n, sizeof *s->v);
		cJSON_ArrayForEach(v, values) {
			if (parse_sample(v, &s->t[i], &s->v[i]))
				return err_set(err, "a malformed sample in a matrix");
			i++;
		}
		return 0;
	}
	if (value) {
		s->n = 1;
		s->t = xcalloc(1, sizeof *s->t);
		s->v = xcalloc(1, sizeof *s->v);
		if (parse_sample(value, s->t, s->v))
			return err_set(err, "a malformed sample in a vector");
		return 0;
	}
	return err_set(err, "a series without values");
}

int prom_parse(const char *body, size_t len, struct prom_result *res, struct err *err)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *status, *data, *type, *result, *item;
	int rc = -1;

	memset(res, 0, sizeof *res);
	if (!root) {
		/* body holds len bytes, not necessarily a NUL after them */
		err_set(err, "not JSON (%.*s%s)", (int)(len < 60 ? len : 60), body ? body : "",
			len > 60 ? "…" : "");
		return -1;
	}
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsString(status)) {
		err_set(err, "no status in the answer");
		goto out;
	}
	if (strcmp(status->valuestring, "success")) {
		const cJSON *et = cJSON_GetObjectItemCaseSensitive(root, "errorType");
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");

		err_set(err, "%s: %s", cJSON_IsString(et) ? et->valuestring : "error",
			cJSON_IsString(e) ? e->valuestring : "no message");
		goto out;
	}
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
	result = cJSON_GetObjectItemCaseSensitive(data, "result");
	if (!cJSON_IsString(type) || !result) {
		err_set(err, "no data.resultType or data.result in the answer");
		goto out;
	}
	if (!strcmp(type->valuestring, "scalar")) {
		res->nseries = 1;
		res->series = xcalloc(1, sizeof *res->series);
		res->series[0] = (struct prom_series){ .metric = xstrdup("{}"), .n = 1,
						       .t = xcalloc(1, sizeof(double)),
						       .v = xcalloc(1, sizeof(double)) };
		if (parse_sample(result, res->series[0].t, res->series[0].v)) {
			err_set(err, "a malformed scalar");
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (strcmp(type->valuestring, "vector") && strcmp(type->valuestring, "matrix")) {
		err_set(err, "unexpected result type '%s'", type->valuestring);
		goto out;
	}
	if (!cJSON_IsArray(result)) {
		err_set(err, "data.result is not a list");
		goto out;
	}
	res->series = xcalloc((size_t)cJSON_GetArraySize(result) + 1, sizeof *res->series);
	cJSON_ArrayForEach(item, result) {
		if (parse_series(item, &res->series[res->nseries++], err))
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	if (rc)
		prom_result_free(res);
	return rc;
}

static void on_done(void *ctx, const struct http_response *resp)
{
	struct pending *p = ctx;
	struct prom_result res = { 0 };
	struct err err = { 0 };
	char *msg = NULL;

	if (!resp->status)
		msg = xasprintf("prometheus %s: %s", p->url, resp->error);
	else if (prom_parse(resp->body ? resp->body : "", resp->body_len, &res, &err))
		msg = xasprintf("prometheus %s: HTTP %ld: %s", p->url, resp->status, err.msg);
	else if (resp->status != 200)
		msg = xasprintf("prometheus %s: HTTP %ld", p->url, resp->status);
	p->done(p->ctx, msg ? NULL : &res, msg);
	free(msg);
	prom_result_free(&res);
	free(p->url);
	free(p);
}

static uint64_t get(struct http *http, const char *base_url, const char *path,
		    const char *params, long timeout_ms, prom_done_fn done, void *ctx,
		    struct err *err)
{
	struct pending *p = xcalloc(1, sizeof *p);
	size_t blen = strlen(base_url);
	char *url;
	uint64_t id;

	while (blen && base_url[blen - 1] == '/')
		blen--;
	p->url = xasprintf("%.*s%s", (int)blen, base_url, path);
	p->done = done;
	p->ctx = ctx;
	url = xasprintf("%s?%s", p->url, params);
	id = http_start(http, &(struct http_request){
		.url = url,
		.timeout_ms = timeout_ms ? timeout_ms : 10000,
		.connect_timeout_ms = 3000,
		.on_done = on_done,
		.ctx = p,
	}, err);
	free(url);
	if (!id) {
		err_prefix(err, "prometheus %s", p->url);
		free(p->url);
		free(p);
	}
	return id;
}

void prom_cancel(struct http *http, uint64_t id)
{
	struct pending *p = id ? http_request_ctx(http, id) : NULL;

	if (!p)
		return;
	http_cancel(http, id);
	free(p->url);
	free(p);
}

static char *escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *copy = xstrdup(e);

	curl_free(e);
	return copy;
}

uint64_t prom_query_range(struct http *http, const char *base_url, const char *query,
			  double start, double end, double step, long timeout_ms,
			  prom_done_fn done, void *ctx, struct err *err)
{
	char *q = escape(query);
	char *params = xasprintf("query=%s&start=%.3f&end=%.3f&step=%.3f", q, start, end, step);
	uint64_t id = get(http, base_url, "/api/v1/query_range", params, timeout_ms, done, ctx,
			  err);

	free(q);
	free(params);
	return id;
}

uint64_t prom_query(struct http *http, const char *base_url, const char *query,
		    long timeout_ms, prom_done_fn done, void *ctx, struct err *err)
{
	char *q = escape(query);
	char *params = xasprintf("query=%s", q);
	uint64_t id = get(http, base_url, "/api/v1/query", params, timeout_ms, done, ctx, err);

	free(q);
	free(params);
	return id;
}

static void put_escaped(struct strbuf *sb, const char *v)
{
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			sb_putc(sb, '\\');
		sb_putc(sb, *v);
	}
}

char *promql_expand(const char *tmpl, const char *namespace, const char *deployment,
		    const char *interval)
{
	static const char *const names[] = { "{namespace}", "{deployment}", "{interval}" };
	const char *values[] = { namespace, deployment, interval };
	struct strbuf sb = { 0 };

	for (const char *p = tmpl; *p;) {
		int k;

		for (k = 0; k < 3; k++)
			if (!strncmp(p, names[k], strlen(names[k])))
				break;
		if (k < 3) {
			put_escaped(&sb, values[k] ? values[k] : "");
			p += strlen(names[k]);
		} else {
			sb_putc(&sb, *p++);
		}
	}
	return sb_steal(&sb);
}
