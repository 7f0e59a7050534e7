/* The remote CI APIs as requests and answers, without I/O: which URL and
 * method each operation is, and how an answer becomes ci_build snapshots.
 *
 * github and gitea share one code path (Gitea's Actions API follows
 * GitHub's): they differ only in the API root — https://api.github.com (or
 * a GitHub Enterprise URL) and GITEA/api/v1. Drone has its own shapes
 * (/api/repos/{owner}/{name}/builds…). ci/remote.c sends them. */
#ifndef SHIPDECK_CI_REMOTE_API_H
#define SHIPDECK_CI_REMOTE_API_H

#include <stdbool.h>
#include <stddef.h>

#include "project/project.h"
#include "store/ci.h"
#include "util/err.h"
#include "util/strbuf.h"

/* Runs asked for per page (the pane shows the newest). */
enum { REMOTE_RUNS_PER_PAGE = 30 };

struct remote_api {
	enum ci_backend_kind kind;
	char *root;                 /* the API root every URL starts with */
	char *repo;                 /* "owner/name" */
};

enum remote_op {
	REMOTE_RERUN,               /* Actions: POST …/rerun; Drone: POST …/builds/N
				     * (restart) */
	REMOTE_RERUN_FAILED,        /* Actions: POST …/rerun-failed-jobs */
	REMOTE_CANCEL,              /* Actions: POST …/cancel; Drone: DELETE …/builds/N */
	REMOTE_PROMOTE,             /* Drone: POST …/builds/N/promote?target=T */
};

struct remote_call {
	const char *method;         /* static */
	char *url;                  /* caller frees */
};

/* conf: a github, gitea or drone entry (url and repo set, as project.c
 * guarantees). Free with remote_api_free. */
void remote_api_init(struct remote_api *a, const struct ci_conf *conf);
void remote_api_free(struct remote_api *a);

/* The runs (builds) list, newest first; page from 1. */
char *remote_api_runs_url(const struct remote_api *a, int page);
/* A run's jobs and steps (Actions) or stages and steps (Drone). */
char *remote_api_detail_url(const struct remote_api *a, const struct ci_build *b);
/* A step's log: the job's whole log (Actions, a redirect on GitHub), or the
 * step's lines (Drone). */
char *remote_api_log_url(const struct remote_api *a, const struct ci_build *b,
			 const struct ci_step *s);
/* -1 with err when the backend has no such operation (promote on Actions,
 * rerun-failed on Drone) or target is missing for promote. */
int remote_api_call(const struct remote_api *a, enum remote_op op, const struct ci_build *b,
		    const char *target, struct remote_call *out, struct err *err);
const char *remote_op_name(enum remote_op op);

/* The list answer → runs without steps (Actions) or with none yet (Drone
 * lists builds without stages). *out is allocated; -1 with err naming what
 * was wrong with the JSON. */
int remote_api_parse_runs(const struct remote_api *a, const char *body, size_t len,
			  struct ci_build ***out, size_t *n, struct err *err);
/* The detail answer → b's steps (replaced). A job (stage) is a step row of
 * its own, its steps follow it and depend on it. */
int remote_api_parse_detail(const struct remote_api *a, const char *body, size_t len,
			    struct ci_build *b, struct err *err);
/* The log answer → text lines (Drone's JSON lines joined). */
int remote_api_parse_log(const struct remote_api *a, const char *body, size_t len,
			 struct strbuf *out, struct err *err);

/* The one line a failed answer (or no answer: status 0) becomes, naming
 * the URL and what to do: 401 (token refused or missing: names the variable,
 * never the token), 404 (no such repository or endpoint), a rate limit with
 * its reset time, the server's own message otherwise. */
struct http_response;
char *remote_api_failure(const struct remote_api *a, bool has_token, const char *token_from,
			 const char *method, const char *url, const struct http_response *resp);

/* The next page's URL from a Link header (rel="next"), or NULL. */
char *remote_link_next(const char *link);
/* url is on the API root's origin (scheme, host and port): the only place a
 * Link is followed to, as the token goes with it. */
bool remote_api_same_origin(const struct remote_api *a, const char *url);

/* Actions "queued"/"in_progress"/"completed" + conclusion, or Drone's
 * status word → our status. */
enum ci_status remote_actions_status(const char *status, const char *conclusion);
enum ci_status remote_drone_status(const char *status);

#endif
