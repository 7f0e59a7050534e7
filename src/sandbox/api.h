/* The Kubernetes REST API of the sandbox: discovery, CRUD, list, watch,
 * patch, subresources and pod logs. The HTTP layer (server.c) turns each
 * request into a struct request and sends back the struct response. */
#ifndef SHIPDECK_SANDBOX_API_H
#define SHIPDECK_SANDBOX_API_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "sandbox/response.h"
#include "sandbox/sandbox.h"
#include "sandbox/select.h"
#include "sandbox/table.h"
#include "util/err.h"

struct qparam {
	char *key, *value;
};

struct request {
	const char *method;
	char *path;                 /* percent-decoded, without the query */
	char *query;                /* raw, "" when none */
	struct qparam *params;      /* decoded */
	size_t nparams;
	const char *content_type;   /* NULL when absent */
	const char *accept;
	const char *body;
	size_t body_len;
	int client_fd;              /* for noticing a client that went away */
};

/* Splits a raw "path?query" into req->path, req->query and req->params. */
void request_parse_uri(struct request *req, const char *uri);
void request_free(struct request *req);
const char *req_param(const struct request *req, const char *key);

/* Answers one request; takes and releases the sandbox lock itself. */
void api_handle(struct sandbox *sb, const struct request *req, struct response *resp);

/* Creates an object as a POST would (for --manifests); lock held. */
int api_create_object(struct sandbox *sb, cJSON *obj, struct err *err);

/* Parses a JSON or YAML request body into one object. NULL with a 400. */
cJSON *api_parse_body(const char *body, size_t len, bool yaml, struct response *resp);

/* Discovery and OpenAPI documents (discovery.c); false if not such a path. */
bool discovery_handle(struct sandbox *sb, const struct request *req, struct response *resp);

/* watch.c: starts a watch stream (lock held). */
struct watch_opts {
	const struct kind *kind;
	char *ns;                   /* NULL: all namespaces */
	struct selector labels, fields;
	bool table;
	enum table_object incl;
	bool bookmarks;
	bool have_rv;               /* resourceVersion given and not "0" */
	unsigned long long rv;
	long long timeout_s;        /* 0: none */
	int client_fd;
};

void watchstream_start(struct sandbox *sb, struct watch_opts *opts, struct response *resp);

/* podlogs.c: GET .../pods/NAME/log (lock held). */
void podlogs_handle(struct sandbox *sb, struct obj *pod, const struct request *req,
		    struct response *resp);

/* True when the peer closed its end of fd (a gone watch or log client). */
bool client_gone(int fd);

#endif
