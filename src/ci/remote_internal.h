/* Inside the remote CI source: remote.c (token, polling, runs and their
 * detail) and remote_log.c (step logs) share this. */
#ifndef SHIPDECK_CI_REMOTE_INTERNAL_H
#define SHIPDECK_CI_REMOTE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ci/remote_api.h"
#include "runtime/http.h"
#include "runtime/rt.h"

/* Polling: often while something runs or waits, seldom when all is done,
 * backing off after errors; every request has a deadline. */
enum {
	POLL_ACTIVE_MS = 2000, POLL_IDLE_MS = 5000, POLL_ERROR_MAX_MS = 30000,
	REQ_TIMEOUT_MS = 15000, REQ_CONNECT_MS = 5000, MAX_PAGES = 2,
	MAX_LOG_BYTES = 4 << 20,
};

struct ci_remote {
	struct rt *rt;
	struct ci_conf conf;        /* copied */
	struct remote_api api;
	char *token;                /* never printed */
	const char *token_from;
	char *label;                /* "gitea http://127.0.0.1:3000 me/app" */
	uint64_t list_req, detail_req, log_req, timer;
	int page;                   /* the list page under way */
	struct ci_build **acc;      /* runs gathered over the pages of this poll */
	size_t nacc;
	char *etag;                 /* of the list's first page */
	char *detail_etag;
	int64_t detail_etag_of;
	int64_t follow;             /* remote_id of the run whose steps are shown; 0: newest */
	int errors;                 /* in a row, for the backoff */
	char *log_id;               /* the log buffer shown, refreshed while its step runs */
	char *log_url;
	bool log_redirected;
};

/* A request to the server with the token and the headers every request
 * has; etag: If-None-Match, or NULL. 0 with err when refused. */
uint64_t remote_send(struct ci_remote *r, const char *method, const char *url,
		     const char *etag, http_done_fn done, void *ctx, struct err *err);
/* remote_api_failure with this source's token state. */
char *remote_failure_line(const struct ci_remote *r, const char *method, const char *url,
			  const struct http_response *resp);

/* remote_log.c: the log provider of "remote/" and the refresh after a poll. */
void remote_open_log(void *ctx, struct rt *rt, const char *id);
void remote_refresh_log(struct ci_remote *r);

#endif
