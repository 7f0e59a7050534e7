/* How requests to one registry are authorised: anonymous until a 401 says
 * otherwise; then basic (user and password on every request) or the bearer
 * flow — a token from the challenge's realm (with the user and password when
 * there are any) for a scope such as "repository:app:pull", kept per scope
 * until its expires_in runs out. */
#ifndef SHIPDECK_REGISTRY_AUTH_H
#define SHIPDECK_REGISTRY_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry/creds.h"
#include "registry/www_auth.h"
#include "runtime/http.h"

struct registry_token {
	char *scope;
	char *token;
	int64_t expires_ms;         /* monotonic */
};

struct registry_auth {
	struct http *http;
	const struct http_tls *tls;
	struct registry_creds creds;
	bool plain_http;            /* the operator allows credentials over plain HTTP here */
	enum www_auth_scheme scheme;   /* learnt from the last 401 */
	char *realm, *service;         /* of the bearer challenge */
	struct registry_token *tokens;
	size_t ntokens, cap;
	struct token_fetch *fetches;   /* token requests under way */
};

/* Takes creds (moved: the caller's struct is cleared). tls may be NULL and
 * must outlive auth. */
void registry_auth_init(struct registry_auth *a, struct http *http, const struct http_tls *tls,
			struct registry_creds *creds, bool plain_http);
/* Cancels token requests under way (their callbacks are not called). */
void registry_auth_free(struct registry_auth *a);

/* Fills req's credentials for url: basic fields, or the bearer token cached
 * for scope (as req->bearer_token over https, else as a header written into
 * header_buf — plain HTTP only to loopback or a plain_http registry). */
void registry_auth_apply(struct registry_auth *a, const char *url, const char *scope,
			 struct http_request *req, char *header_buf, size_t header_size);

/* The cached token for scope, NULL when there is none or it has expired. */
const char *registry_auth_cached(const struct registry_auth *a, const char *scope, int64_t now_ms);
void registry_auth_remember(struct registry_auth *a, const char *scope, const char *token,
			    int64_t expires_in_s, int64_t now_ms);

/* The token endpoint's answer: {"token"|"access_token": …, "expires_in": N}.
 * expires_in defaults to 60 s as the distribution spec says. */
int registry_token_parse(const char *body, size_t len, char **token, int64_t *expires_in,
			 const char *url, struct err *err);

/* error is NULL when a token for the scope is now cached. */
typedef void (*registry_token_fn)(void *ctx, const char *error);

/* Asks ch's realm for a token for scope. Returns a handle (> 0) for
 * registry_auth_cancel, or 0 with err when no request could be sent. */
uint64_t registry_auth_fetch(struct registry_auth *a, const struct www_auth *ch, const char *scope,
			     registry_token_fn fn, void *ctx, struct err *err);
void registry_auth_cancel(struct registry_auth *a, uint64_t handle);

#endif
