/* What an API handler answers: a status, a body or a stream, and helpers that
 * make the Kubernetes `Status` objects clients understand. */
#ifndef SHIPDECK_SANDBOX_RESPONSE_H
#define SHIPDECK_SANDBOX_RESPONSE_H

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "sandbox/kinds.h"
#include "util/strbuf.h"

/* A streamed body (watch, log follow). read() returns bytes written into buf,
 * 0 at the end, -1 to abort the connection. It may block; it is called on
 * the connection's own thread without the sandbox lock. */
struct stream {
	ssize_t (*read)(void *ctx, char *buf, size_t max);
	void (*free)(void *ctx);
	void *ctx;
};

struct response {
	int status;
	const char *content_type;   /* static string */
	char *body;                 /* owned */
	size_t len;
	struct stream stream;       /* used when stream.read is set */
};

void resp_free(struct response *r);
/* Takes json, serialises it as the body. */
void resp_json(struct response *r, int status, cJSON *json);
void resp_text(struct response *r, int status, const char *content_type, const char *text);
/* Takes the text in body (left empty) as the body. */
void resp_take(struct response *r, int status, const char *content_type, struct strbuf *body);

/* A Status failure: code, reason ("NotFound", "Conflict", ...), message. */
void resp_error(struct response *r, int code, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A Status failure naming the object, as the API server words it. */
void resp_error_obj(struct response *r, int code, const char *reason, const struct kind *k,
		    const char *name, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void resp_not_found(struct response *r, const struct kind *k, const char *name);
void resp_conflict(struct response *r, const struct kind *k, const char *name);
void resp_invalid(struct response *r, const struct kind *k, const char *name,
		  const char *field, const char *msg);
/* A Status object (not a response), e.g. for the in-stream watch ERROR. */
cJSON *status_new(int code, const char *reason, const char *message);

#endif
