#include "registry/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "registry/auth.h"
#include "registry/www_auth.h"
#include "util/xalloc.h"

enum {
	MAX_IN_FLIGHT = 4,          /* polite to a shared registry, enough for a local one */
	REQUEST_TIMEOUT_MS = 30000,
	CONNECT_TIMEOUT_MS = 5000,
	MAX_REDIRECTS = 5,
};

struct call {
	struct registry_client *client;
	uint64_t handle;
	char *method;
	char *url;
	char *accept;
	char *scope;                /* bearer scope this call needs */
	registry_done_fn done;
	void *ctx;
	uint64_t http_id;           /* the request in flight, 0 when none */
	uint64_t token_id;          /* the token request it waits for, 0 when none */
	bool sent;                  /* has left the queue */
	bool retried_auth;          /* answered a 401 with fresh credentials once */
	bool foreign;               /* redirected to another host: no credentials */
	int redirects;
	struct call *next;
};

struct registry_client {
	struct loop *loop;
	uint64_t pump_timer;        /* queued calls start from the loop, never inside
				     * registry_call */
	struct http *http;
	struct http_tls tls;
	char *base;
	char *repository;
	char *scope;                /* "repository:app:pull" */
	struct registry_auth auth;
	struct call *calls;         /* in order of arrival */
	uint64_t next_handle;
	int in_flight;
};

static void pump(struct registry_client *c);

struct registry_client *registry_client_new(struct loop *loop, struct http *http,
					    const struct registry_client_conf *conf,
					    struct registry_creds *creds)
{
	struct registry_client *c = xcalloc(1, sizeof *c);

	c->loop = loop;
	c->http = http;
	c->tls.insecure_skip_verify = conf->insecure_skip_verify;
	c->base = xstrdup(conf->base_url);
	c->repository = xstrdup(conf->repository);
	c->scope = xasprintf("repository:%s:pull", conf->repository);
	registry_auth_init(&c->auth, http, &c->tls, creds, conf->plain_http);
	return c;
}

static void call_free(struct call *call)
{
	free(call->method);
	free(call->url);
	free(call->accept);
	free(call->scope);
	free(call);
}

static void unlink_call(struct registry_client *c, struct call *call)
{
	for (struct call **pp = &c->calls; *pp; pp = &(*pp)->next) {
		if (*pp == call) {
			*pp = call->next;
			return;
		}
	}
}

/* Forgets a call without calling back. */
static void drop(struct registry_client *c, struct call *call)
{
	unlink_call(c, call);
	if (call->http_id)
		http_cancel(c->http, call->http_id);
	if (call->token_id)
		registry_auth_cancel(&c->auth, call->token_id);
	if (call->sent)
		c->in_flight--;
	call_free(call);
}

void registry_client_free(struct registry_client **cp)
{
	struct registry_client *c = *cp;

	if (!c)
		return;
	while (c->calls)
		drop(c, c->calls);
	if (c->pump_timer)
		loop_timer_cancel(c->loop, c->pump_timer);
	registry_auth_free(&c->auth);
	free(c->base);
	free(c->repository);
	free(c->scope);
	free(c);
	*cp = NULL;
}

/* The registry's {"errors":[{"code","message"}]} body: the first entry. */
static void error_body(const struct http_response *resp, char *code, size_t csize, char *msg,
		       size_t msize)
{
	cJSON *root = resp && resp->body ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "errors"),
						0);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(first, "code");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(first, "message");

	code[0] = msg[0] = '\0';
	if (cJSON_IsString(c))
		snprintf(code, csize, "%s", c->valuestring);
	if (cJSON_IsString(m))
		snprintf(msg, msize, "%s", m->valuestring);
	cJSON_Delete(root);
}

/* Calls back and forgets the call. */
static void finish(struct registry_client *c, struct call *call, const struct http_response *resp,
		   const char *error)
{
	char code[64] = "", msg[256] = "", line[1024];
	struct registry_reply r = {
		.url = call->url,
		.status = resp ? resp->status : 0,
		.resp = resp,
		.error = error,
	};

	if (!error && resp && (resp->status < 200 || resp->status > 299)) {
		error_body(resp, code, sizeof code, msg, sizeof msg);
		if (!strcmp(code, "NAME_UNKNOWN") || (resp->status == 404 && !code[0]
						       && strstr(call->url, "/tags/list")))
			snprintf(line, sizeof line, "%s: unknown repository '%s' (%ld%s%s%s%s)",
				 call->url, c->repository, resp->status, code[0] ? " " : "", code,
				 msg[0] ? ": " : "", msg);
		else
			snprintf(line, sizeof line, "%s: %ld%s%s%s%s", call->url, resp->status,
				 code[0] ? " " : "", code, msg[0] ? ": " : "", msg);
		r.error = line;
	}
	unlink_call(c, call);
	if (call->sent)
		c->in_flight--;
	call->done(call->ctx, &r);
	call_free(call);
	pump(c);
}

static void send_call(struct registry_client *c, struct call *call);

static void on_token(void *ctx, const char *error)
{
	struct call *call = ctx;

	call->token_id = 0;
	if (error) {
		finish(call->client, call, NULL, error);
		return;
	}
	send_call(call->client, call);
}

/* A 401: learn the scheme and retry once with credentials, or say why not. */
static void answer_401(struct registry_client *c, struct call *call,
		       const struct http_response *resp)
{
	struct www_auth ch;
	char line[1024];
	struct err err;

	if (www_auth_parse(resp->www_authenticate, &ch)) {
		snprintf(line, sizeof line,
			 "%s: 401 without a usable WWW-Authenticate challenge ('%s')",
			 call->url, resp->www_authenticate ? resp->www_authenticate : "");
		finish(c, call, resp, line);
		return;
	}
	if (call->retried_auth || (ch.scheme == WWW_AUTH_BASIC && !c->auth.creds.user)) {
		if (c->auth.creds.user)
			snprintf(line, sizeof line, "%s: 401: wrong user or password (credentials "
				 "from %s)%s%s", call->url, c->auth.creds.source,
				 ch.error ? ": " : "", ch.error ? ch.error : "");
		else
			snprintf(line, sizeof line, "%s: 401: the registry needs credentials: %s",
				 call->url, c->auth.creds.hint ? c->auth.creds.hint : "none found");
		www_auth_free(&ch);
		finish(c, call, resp, line);
		return;
	}
	call->retried_auth = true;
	if (ch.scheme == WWW_AUTH_BASIC) {
		c->auth.scheme = WWW_AUTH_BASIC;
		www_auth_free(&ch);
		send_call(c, call);
		return;
	}
	/* a scope in the challenge is what this request needs; else the repository's */
	if (ch.scope) {
		free(call->scope);
		call->scope = xstrdup(ch.scope);
	}
	call->token_id = registry_auth_fetch(&c->auth, &ch, call->scope, on_token, call, &err);
	www_auth_free(&ch);
	if (!call->token_id)
		finish(c, call, NULL, err.msg);
}

static char *redirect_target(const char *from, const char *location)
{
	const char *p;

	if (strstr(location, "://"))
		return xstrdup(location);
	p = strstr(from, "://");
	p = p ? p + 3 : from;
	p += strcspn(p, "/");
	return xasprintf("%.*s%s%s", (int)(p - from), from, location[0] == '/' ? "" : "/",
			 location);
}

static bool same_origin(const char *a, const char *b)
{
	const char *pa = strstr(a, "://"), *pb = strstr(b, "://");
	size_t la, lb;

	if (!pa || !pb)
		return false;
	la = (size_t)(pa + 3 - a) + strcspn(pa + 3, "/?#");
	lb = (size_t)(pb + 3 - b) + strcspn(pb + 3, "/?#");
	return la == lb && !strncasecmp(a, b, la);
}

static void on_http_done(void *ctx, const struct http_response *resp)
{
	struct call *call = ctx;
	struct registry_client *c = call->client;
	char line[1024];

	call->http_id = 0;
	if (!resp->status) {
		snprintf(line, sizeof line, "registry %s is not reachable: %s", call->url,
			 resp->error[0] ? resp->error : "no answer");
		finish(c, call, NULL, line);
		return;
	}
	if (resp->status == 401 && !call->foreign) {
		answer_401(c, call, resp);
		return;
	}
	if (resp->status >= 300 && resp->status <= 399 && resp->location
	    && call->redirects < MAX_REDIRECTS) {
		char *to = redirect_target(call->url, resp->location);

		/* blob storage elsewhere (S3, a CDN) gets no registry credentials */
		call->foreign = call->foreign || !same_origin(call->url, to);
		call->redirects++;
		free(call->url);
		call->url = to;
		send_call(c, call);
		return;
	}
	finish(c, call, resp, NULL);
}

static void send_call(struct registry_client *c, struct call *call)
{
	char auth_header[8192];
	const char *headers[3];
	int nh = 0;
	struct http_request req = {
		.method = call->method,
		.url = call->url,
		.headers = headers,
		.tls = &c->tls,
		.timeout_ms = REQUEST_TIMEOUT_MS,
		.connect_timeout_ms = CONNECT_TIMEOUT_MS,
		.on_done = on_http_done,
		.ctx = call,
	};
	struct err err;

	auth_header[0] = '\0';
	if (!call->foreign)
		registry_auth_apply(&c->auth, call->url, call->scope, &req, auth_header,
				    sizeof auth_header);
	if (call->accept)
		headers[nh++] = call->accept;
	if (auth_header[0])
		headers[nh++] = auth_header;
	headers[nh] = NULL;
	call->http_id = http_start(c->http, &req, &err);
	if (!call->http_id)
		finish(c, call, NULL, err.msg);
}

/* Starts queued calls while there is room. A call may finish at once (a
 * refused request), which pumps again; hence the loop restarts each time. */
static void pump(struct registry_client *c)
{
	struct call *call;

	while (c->in_flight < MAX_IN_FLIGHT) {
		for (call = c->calls; call && call->sent; call = call->next)
			;
		if (!call)
			return;
		call->sent = true;
		c->in_flight++;
		send_call(c, call);
	}
}

static void on_pump(void *ctx)
{
	struct registry_client *c = ctx;

	c->pump_timer = 0;
	pump(c);
}

uint64_t registry_call(struct registry_client *c, const char *method, const char *path_or_url,
		       const char *accept, registry_done_fn done, void *ctx)
{
	struct call *call = xcalloc(1, sizeof *call), **tail;

	call->client = c;
	call->handle = ++c->next_handle;
	call->method = xstrdup(method ? method : "GET");
	call->url = strstr(path_or_url, "://") ? xstrdup(path_or_url)
		: xasprintf("%s%s", c->base, path_or_url);
	call->accept = accept ? xstrdup(accept) : NULL;
	call->scope = xstrdup(c->scope);
	call->done = done;
	call->ctx = ctx;
	for (tail = &c->calls; *tail; tail = &(*tail)->next)
		;
	*tail = call;
	if (!c->pump_timer)
		c->pump_timer = loop_timer_add(c->loop, 0, on_pump, c);
	return call->handle;
}

void registry_cancel(struct registry_client *c, uint64_t handle)
{
	for (struct call *call = c->calls; call; call = call->next) {
		if (call->handle == handle) {
			drop(c, call);
			pump(c);
			return;
		}
	}
}

const char *registry_client_base(const struct registry_client *c)
{
	return c->base;
}
