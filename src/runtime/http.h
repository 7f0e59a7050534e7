/* Asynchronous HTTP on libcurl's multi interface, driven by the app loop.
 * Every source (kube, registry, metrics) sends its requests through here, so
 * the read-only gate lives here too: with read-only set, nothing but GET and
 * HEAD can leave the program, whatever a caller asks for. */
#ifndef SHIPDECK_RUNTIME_HTTP_H
#define SHIPDECK_RUNTIME_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/loop.h"
#include "util/err.h"

struct http;

struct http_tls {
	const char *ca_file;          /* or ca_pem: PEM bytes in memory */
	const char *ca_pem;
	size_t ca_pem_len;
	const char *cert_file;        /* client certificate, file or PEM bytes */
	const char *cert_pem;
	size_t cert_pem_len;
	const char *key_file;
	const char *key_pem;
	size_t key_pem_len;
	bool insecure_skip_verify;    /* honoured only when set explicitly */
};

struct http_response {
	long status;                  /* 0 when no answer came (see error) */
	char *body;                   /* NUL-terminated; NULL for streamed requests */
	size_t body_len;
	char *content_type;
	char *link;                   /* Link header, for pagination */
	char *www_authenticate;
	char *retry_after;
	char *location;
	char *docker_content_digest;
	char *etag;                   /* for If-None-Match polling */
	char *ratelimit_remaining;    /* X-RateLimit-Remaining / -Reset (GitHub) */
	char *ratelimit_reset;
	char error[256];              /* transport error, "" when an answer came */
};

/* Called with each piece of a streamed body, as it arrives. Return false to
 * abort the transfer. */
typedef bool (*http_data_fn)(void *ctx, const char *data, size_t len);
/* Called once when the request ends (answered, failed or cancelled). The
 * response is freed after the callback returns. */
typedef void (*http_done_fn)(void *ctx, const struct http_response *resp);

struct http_request {
	const char *method;           /* "GET" when NULL */
	const char *url;
	const char *const *headers;   /* "Name: value", NULL-terminated */
	const char *body;
	size_t body_len;
	const char *bearer_token;     /* sent only over https */
	const char *basic_user;       /* sent only over https, or to a loopback host */
	const char *basic_password;
	const struct http_tls *tls;
	long timeout_ms;              /* whole transfer; 0: none (watches) */
	long connect_timeout_ms;      /* default 10 s */
	long stall_timeout_ms;        /* abort when no byte arrives for this long; 0: none */
	bool allow_basic_over_http;   /* a registry configured plain_http */
	bool allow_token_to_loopback; /* the bearer token may go over plain HTTP when the
				       * host is a loopback address (a local CI server) */
	http_data_fn on_data;         /* NULL: the body is collected into resp->body */
	http_done_fn on_done;
	void *ctx;
};

/* Allocated by http_new, freed by http_free (cancels everything under way
 * without calling on_done). */
struct http *http_new(struct loop *loop);
void http_free(struct http **http);

void http_set_read_only(struct http *http, bool read_only);
bool http_read_only(const struct http *http);

/* Caps every request's whole-transfer and connect timeouts at ms (0: no
 * cap), and gives one-shot requests without a timeout that one. Tests set it
 * through SHIPDECK_NET_TIMEOUT to see hanging servers dealt with in seconds;
 * watches ask the server to end them within the cap (kube/watch.c). */
void http_set_timeout_cap(struct http *http, long ms);
long http_timeout_cap(const struct http *http);

/* Starts a request. Returns its id (> 0), or 0 with err when it is refused
 * before anything is sent (read-only gate, credentials over plain HTTP, bad
 * URL). The request's strings are copied. */
uint64_t http_start(struct http *http, const struct http_request *req, struct err *err);
/* Stops a request; its on_done is not called. */
void http_cancel(struct http *http, uint64_t id);
/* Lets curl do now what is due (a request just started goes on the wire)
 * instead of at the loop's next turn: for a caller about to be busy a while
 * who wants the server to work meanwhile. Not from inside an on_data. */
void http_flush(struct http *http);
/* The ctx a request under way was started with (NULL when it is not under
 * way): a caller that cancels frees what its ctx owns. */
void *http_request_ctx(const struct http *http, uint64_t id);
/* Requests under way (watches included). */
size_t http_active(const struct http *http);
/* Requests under way that are not streams: "busy" for the idle test hook. */
size_t http_active_oneshot(const struct http *http);

/* Runs the loop until this one request is done and copies its response into
 * *resp (caller frees with http_response_free). For headless commands. */
int http_request_sync(struct http *http, struct loop *loop, const struct http_request *req,
		      struct http_response *resp, struct err *err);
void http_response_free(struct http_response *resp);

/* Every request sent and refused, by method, for tests and the audit of
 * read-only mode. */
struct http_stats {
	uint64_t sent_get, sent_other, refused;
};
struct http_stats http_stats(const struct http *http);

/* True for "GET" and "HEAD". */
bool http_method_is_safe(const char *method);

#endif
