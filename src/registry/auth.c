#include "registry/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "util/timefmt.h"
#include "util/xalloc.h"

enum { TOKEN_TIMEOUT_MS = 30000, CONNECT_TIMEOUT_MS = 5000 };

struct token_fetch {
	struct registry_auth *auth;
	uint64_t handle;            /* the HTTP request's id */
	char *scope;
	char *url;
	registry_token_fn fn;
	void *ctx;
	struct token_fetch *next;
};

void registry_auth_init(struct registry_auth *a, struct http *http, const struct http_tls *tls,
			struct registry_creds *creds, bool plain_http)
{
	memset(a, 0, sizeof *a);
	a->http = http;
	a->tls = tls;
	a->creds = *creds;
	memset(creds, 0, sizeof *creds);
	a->plain_http = plain_http;
}

static void fetch_free(struct token_fetch *f)
{
	free(f->scope);
	free(f->url);
	free(f);
}

static void unlink_fetch(struct registry_auth *a, struct token_fetch *f)
{
	for (struct token_fetch **pp = &a->fetches; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			return;
		}
	}
}

void registry_auth_free(struct registry_auth *a)
{
	while (a->fetches) {
		struct token_fetch *f = a->fetches;

		a->fetches = f->next;
		http_cancel(a->http, f->handle);
		fetch_free(f);
	}
	for (size_t i = 0; i < a->ntokens; i++) {
		free(a->tokens[i].scope);
		free(a->tokens[i].token);
	}
	free(a->tokens);
	registry_creds_free(&a->creds);
	free(a->realm);
	free(a->service);
	memset(a, 0, sizeof *a);
}

static bool url_is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

static bool url_is_loopback(const char *url)
{
	const char *host = strstr(url, "://");

	host = host ? host + 3 : url;
	return !strncmp(host, "127.", 4) || !strncmp(host, "localhost", 9)
		|| !strncmp(host, "[::1]", 5);
}

const char *registry_auth_cached(const struct registry_auth *a, const char *scope, int64_t now_ms)
{
	for (size_t i = 0; i < a->ntokens; i++)
		if (!strcmp(a->tokens[i].scope, scope))
			return now_ms < a->tokens[i].expires_ms ? a->tokens[i].token : NULL;
	return NULL;
}

void registry_auth_remember(struct registry_auth *a, const char *scope, const char *token,
			    int64_t expires_in_s, int64_t now_ms)
{
	struct registry_token *t = NULL;

	for (size_t i = 0; i < a->ntokens && !t; i++)
		if (!strcmp(a->tokens[i].scope, scope))
			t = &a->tokens[i];
	if (!t) {
		xgrow(&a->tokens, &a->cap, a->ntokens + 1, sizeof *a->tokens);
		t = &a->tokens[a->ntokens++];
		t->scope = xstrdup(scope);
		t->token = NULL;
	}
	free(t->token);
	t->token = xstrdup(token);
	/* a tenth early, so a request is not sent with a token about to lapse */
	t->expires_ms = now_ms + expires_in_s * 900;
}

void registry_auth_apply(struct registry_auth *a, const char *url, const char *scope,
			 struct http_request *req, char *header_buf, size_t header_size)
{
	const char *token;

	header_buf[0] = '\0';
	if (a->scheme == WWW_AUTH_BASIC && a->creds.user) {
		req->basic_user = a->creds.user;
		req->basic_password = a->creds.password;
		req->allow_basic_over_http = a->plain_http;
		return;
	}
	if (a->scheme != WWW_AUTH_BEARER)
		return;
	token = registry_auth_cached(a, scope, time_mono_ms());
	if (!token)
		return;
	if (url_is_https(url))
		req->bearer_token = token;
	else if (a->plain_http || url_is_loopback(url))
		/* runtime/http sends tokens over https only; the operator chose plain
		 * HTTP for this registry, as docker's insecure-registries does */
		snprintf(header_buf, header_size, "Authorization: Bearer %s", token);
}

int registry_token_parse(const char *body, size_t len, char **token, int64_t *expires_in,
			 const char *url, struct err *err)
{
	cJSON *root = cJSON_ParseWithLength(body ? body : "", len);
	const cJSON *t, *e;
	int rc = 0;

	*token = NULL;
	*expires_in = 60;
	t = cJSON_GetObjectItemCaseSensitive(root, "token");
	if (!cJSON_IsString(t) || !t->valuestring[0])
		t = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	if (!cJSON_IsString(t) || !t->valuestring[0]) {
		rc = err_set(err, "%s: the answer holds no token", url);
		goto out;
	}
	*token = xstrdup(t->valuestring);
	e = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	if (cJSON_IsNumber(e) && e->valuedouble >= 1 && e->valuedouble < 1e9)
		*expires_in = (int64_t)e->valuedouble;
out:
	cJSON_Delete(root);
	return rc;
}

static void on_token(void *ctx, const struct http_response *resp)
{
	struct token_fetch *f = ctx;
	struct registry_auth *a = f->auth;
	char *token = NULL;
	int64_t expires_in;
	struct err err = { 0 };
	const char *error = NULL;

	unlink_fetch(a, f);
	if (!resp->status) {
		snprintf(err.msg, sizeof err.msg, "token service %s is not reachable: %s", f->url,
			 resp->error);
		error = err.msg;
	} else if (resp->status == 401 || resp->status == 403) {
		snprintf(err.msg, sizeof err.msg, "%s: %ld: %s (credentials from %s)", f->url,
			 resp->status,
			 a->creds.user ? "wrong user or password" : "needs credentials",
			 a->creds.user ? a->creds.source : a->creds.hint ? a->creds.hint
			 : "nowhere");
		error = err.msg;
	} else if (resp->status != 200) {
		snprintf(err.msg, sizeof err.msg, "%s: token service answered %ld", f->url,
			 resp->status);
		error = err.msg;
	} else if (registry_token_parse(resp->body, resp->body_len, &token, &expires_in, f->url,
					&err)) {
		error = err.msg;
	} else {
		registry_auth_remember(a, f->scope, token, expires_in, time_mono_ms());
	}
	free(token);
	f->fn(f->ctx, error);
	fetch_free(f);
}

static char *escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *out = xstrdup(e ? e : "");

	curl_free(e);
	return out;
}

uint64_t registry_auth_fetch(struct registry_auth *a, const struct www_auth *ch, const char *scope,
			     registry_token_fn fn, void *ctx, struct err *err)
{
	struct token_fetch *f;
	char *svc = ch->service ? escape(ch->service) : NULL, *sc = escape(scope);
	struct http_request req = {
		.tls = a->tls,
		.timeout_ms = TOKEN_TIMEOUT_MS,
		.connect_timeout_ms = CONNECT_TIMEOUT_MS,
		.on_done = on_token,
	};

	a->scheme = WWW_AUTH_BEARER;
	free(a->realm);
	free(a->service);
	a->realm = xstrdup(ch->realm);
	a->service = ch->service ? xstrdup(ch->service) : NULL;
	f = xcalloc(1, sizeof *f);
	f->auth = a;
	f->scope = xstrdup(scope);
	f->fn = fn;
	f->ctx = ctx;
	f->url = xasprintf("%s%sscope=%s%s%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?", sc,
			   svc ? "&service=" : "", svc ? svc : "");
	free(svc);
	free(sc);
	req.url = f->url;
	req.ctx = f;
	/* the password goes to the token service only; the registry sees tokens */
	req.basic_user = a->creds.user;
	req.basic_password = a->creds.password;
	f->handle = http_start(a->http, &req, err);
	if (!f->handle) {
		err_prefix(err, "token service %s", ch->realm);
		fetch_free(f);
		return 0;
	}
	f->next = a->fetches;
	a->fetches = f;
	return f->handle;
}

void registry_auth_cancel(struct registry_auth *a, uint64_t handle)
{
	for (struct token_fetch *f = a->fetches; f; f = f->next) {
		if (f->handle == handle) {
			unlink_fetch(a, f);
			http_cancel(a->http, handle);
			fetch_free(f);
			return;
		}
	}
}
