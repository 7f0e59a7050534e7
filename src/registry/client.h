/* Requests to one repository of one registry (OCI distribution v2), on the
 * app's loop: the right credentials on each request, the 401 dance (basic,
 * or a bearer token fetched and retried once), redirects of blob downloads,
 * a bound on requests in flight, timeouts, and one-line messages that name
 * the URL for everything that can go wrong. */
#ifndef SHIPDECK_REGISTRY_CLIENT_H
#define SHIPDECK_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry/creds.h"
#include "runtime/http.h"

struct registry_client;

struct registry_client_conf {
	const char *base_url;       /* "http://127.0.0.1:5000" */
	const char *repository;     /* "app" */
	bool plain_http;            /* credentials may cross plain HTTP to this registry */
	bool insecure_skip_verify;
};

struct registry_reply {
	const char *url;            /* the URL last asked (after redirects) */
	long status;                /* 0 when no answer came */
	const struct http_response *resp;   /* NULL when no answer came */
	/* NULL on a 2xx answer; else one line naming the URL: not reachable,
	 * wrong password, unknown repository, "404 MANIFEST_UNKNOWN: …" */
	const char *error;
};

typedef void (*registry_done_fn)(void *ctx, const struct registry_reply *reply);

/* Takes creds (moved). Freed with registry_client_free, which cancels what
 * is under way without calling back — never from inside a done callback. */
struct registry_client *registry_client_new(struct loop *loop, struct http *http,
					    const struct registry_client_conf *conf,
					    struct registry_creds *creds);
void registry_client_free(struct registry_client **c);

/* GET or HEAD of path ("/v2/app/tags/list?n=100") or of an absolute URL on
 * the same registry (a Link's next page). accept is a whole header line or
 * NULL. done is called exactly once, later, from the loop. Returns a handle
 * (> 0) for registry_cancel. */
uint64_t registry_call(struct registry_client *c, const char *method, const char *path_or_url,
		       const char *accept, registry_done_fn done, void *ctx);
void registry_cancel(struct registry_client *c, uint64_t handle);

const char *registry_client_base(const struct registry_client *c);

#endif
