/* The remote APIs' URLs and methods: one table of shapes per family. */
#include "ci/remote_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ci/remote_parse.h"
#include "runtime/http.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

void remote_api_init(struct remote_api *a, const struct ci_conf *conf)
{
	a->kind = conf->backend;
	a->repo = xstrdup(conf->repo ? conf->repo : "");
	switch (conf->backend) {
	case CI_BACKEND_GITEA:
		a->root = xasprintf("%s/api/v1", conf->url);
		break;
	case CI_BACKEND_DRONE:
		a->root = xasprintf("%s/api", conf->url);
		break;
	case CI_BACKEND_GITHUB:
	case CI_BACKEND_LOCAL:
		/* GitHub Enterprise Server's root is HOST/api/v3: written in url */
		a->root = xstrdup(conf->url ? conf->url : "https://api.github.com");
		break;
	}
}

void remote_api_free(struct remote_api *a)
{
	free(a->root);
	free(a->repo);
	a->root = a->repo = NULL;
}

static bool is_drone(const struct remote_api *a)
{
	return a->kind == CI_BACKEND_DRONE;
}

char *remote_api_runs_url(const struct remote_api *a, int page)
{
	if (is_drone(a))
		return xasprintf("%s/repos/%s/builds?page=%d&per_page=%d", a->root, a->repo, page,
				 REMOTE_RUNS_PER_PAGE);
	return xasprintf("%s/repos/%s/actions/runs?page=%d&per_page=%d", a->root, a->repo, page,
			 REMOTE_RUNS_PER_PAGE);
}

char *remote_api_detail_url(const struct remote_api *a, const struct ci_build *b)
{
	if (is_drone(a))
		return xasprintf("%s/repos/%s/builds/%d", a->root, a->repo, b->number);
	return xasprintf("%s/repos/%s/actions/runs/%lld/jobs", a->root, a->repo,
			 (long long)b->remote_id);
}

char *remote_api_log_url(const struct remote_api *a, const struct ci_build *b,
			 const struct ci_step *s)
{
	if (is_drone(a))
		return xasprintf("%s/repos/%s/builds/%d/logs/%lld/%d", a->root, a->repo, b->number,
				 (long long)s->remote_job, s->remote_step);
	return xasprintf("%s/repos/%s/actions/jobs/%lld/logs", a->root, a->repo,
			 (long long)s->remote_job);
}

const char *remote_op_name(enum remote_op op)
{
	switch (op) {
	case REMOTE_RERUN: return "re-run";
	case REMOTE_RERUN_FAILED: return "re-run failed jobs";
	case REMOTE_CANCEL: return "cancel";
	case REMOTE_PROMOTE: return "promote";
	}
	return "?";
}

int remote_api_call(const struct remote_api *a, enum remote_op op, const struct ci_build *b,
		    const char *target, struct remote_call *out, struct err *err)
{
	const char *verb = NULL;

	out->url = NULL;
	out->method = "POST";
	if (is_drone(a)) {
		switch (op) {
		case REMOTE_RERUN:
			out->url = xasprintf("%s/repos/%s/builds/%d", a->root, a->repo, b->number);
			return 0;
		case REMOTE_CANCEL:
			out->method = "DELETE";
			out->url = xasprintf("%s/repos/%s/builds/%d", a->root, a->repo, b->number);
			return 0;
		case REMOTE_PROMOTE:
			if (!target || !*target)
				return err_set(err, "promote: name the target environment");
			for (const char *p = target; *p; p++)
				if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "0123456789-_.", *p))
					return err_set(err, "promote: '%s' is not an environment "
						       "name (letters, digits, - _ .)", target);
			out->url = xasprintf("%s/repos/%s/builds/%d/promote?target=%s", a->root,
					     a->repo, b->number, target);
			return 0;
		case REMOTE_RERUN_FAILED:
			return err_set(err,
				       "drone: no re-run of failed steps only (restart re-runs the "
				       "build)");
		}
	}
	switch (op) {
	case REMOTE_RERUN: verb = "rerun"; break;
	case REMOTE_RERUN_FAILED: verb = "rerun-failed-jobs"; break;
	case REMOTE_CANCEL: verb = "cancel"; break;
	case REMOTE_PROMOTE:
		return err_set(err, "%s: promote is Drone's (Actions deploys through a workflow)",
			       ci_backend_name(a->kind));
	}
	out->url = xasprintf("%s/repos/%s/actions/runs/%lld/%s", a->root, a->repo,
			     (long long)b->remote_id, verb);
	return 0;
}

/* Link: <https://…?page=2>; rel="next", <…>; rel="last" */
char *remote_link_next(const char *link)
{
	for (const char *p = link; p && (p = strchr(p, '<'));) {
		const char *end = strchr(p, '>'), *sep;

		if (!end)
			return NULL;
		sep = strchr(end, ',');
		{
			size_t span = sep ? (size_t)(sep - end) : strlen(end);
			char *params = xstrndup(end, span);
			bool next = strstr(params, "rel=\"next\"") || strstr(params, "rel=next");

			free(params);
			if (next)
				return xstrndup(p + 1, (size_t)(end - p - 1));
		}
		p = end;
	}
	return NULL;
}

bool remote_api_same_origin(const struct remote_api *a, const char *url)
{
	const char *p = strstr(a->root, "://");
	size_t n;

	if (!p || !url)
		return false;
	n = (size_t)(p + 3 - a->root) + strcspn(p + 3, "/?#");
	return !strncasecmp(url, a->root, n) && strchr("/?#", url[n]) && url[n];
}

enum ci_status remote_actions_status(const char *status, const char *conclusion)
{
	if (!status)
		return CI_PENDING;
	if (!strcmp(status, "in_progress"))
		return CI_RUNNING;
	if (strcmp(status, "completed"))
		return CI_PENDING;   /* queued, waiting, requested, pending */
	if (!conclusion)
		return CI_ERROR;
	if (!strcmp(conclusion, "success"))
		return CI_PASSED;
	if (!strcmp(conclusion, "failure") || !strcmp(conclusion, "timed_out")
	    || !strcmp(conclusion, "startup_failure"))
		return CI_FAILED;
	if (!strcmp(conclusion, "cancelled"))
		return CI_CANCELLED;
	if (!strcmp(conclusion, "skipped") || !strcmp(conclusion, "neutral"))
		return CI_SKIPPED;
	return CI_ERROR;     /* action_required, stale */
}

enum ci_status remote_drone_status(const char *status)
{
	static const struct { const char *word; enum ci_status st; } map[] = {
		{ "pending", CI_PENDING }, { "blocked", CI_PENDING },
		{ "waiting_on_dependencies", CI_PENDING }, { "running", CI_RUNNING },
		{ "success", CI_PASSED }, { "failure", CI_FAILED }, { "killed", CI_CANCELLED },
		{ "declined", CI_CANCELLED }, { "skipped", CI_SKIPPED }, { "error", CI_ERROR },
	};

	for (size_t i = 0; status && i < sizeof map / sizeof *map; i++)
		if (!strcmp(status, map[i].word))
			return map[i].st;
	return CI_ERROR;
}

int remote_api_parse_runs(const struct remote_api *a, const char *body, size_t len,
			  struct ci_build ***out, size_t *n, struct err *err)
{
	return is_drone(a) ? remote_drone_parse_builds(body, len, out, n, err)
			   : remote_actions_parse_runs(body, len, out, n, err);
}

int remote_api_parse_detail(const struct remote_api *a, const char *body, size_t len,
			    struct ci_build *b, struct err *err)
{
	return is_drone(a) ? remote_drone_parse_build(body, len, b, err)
			   : remote_actions_parse_jobs(body, len, b, err);
}

int remote_api_parse_log(const struct remote_api *a, const char *body, size_t len,
			 struct strbuf *out, struct err *err)
{
	if (is_drone(a))
		return remote_drone_parse_log(body, len, out, err);
	sb_append(out, body, len);
	return 0;
}

/* The one line a failed answer becomes: the URL and what to do. */
/* "<backend>: <what happened, what to do>: <METHOD URL>": what matters first,
 * so that a narrow pane still shows it. */
char *remote_api_failure(const struct remote_api *a, bool has_token, const char *token_from,
			 const char *method, const char *url, const struct http_response *resp)
{
	const char *name = ci_backend_name(a->kind);
	char *what, *line;

	if (!resp->status) {
		what = xasprintf("cannot reach the server (is it up?): %s",
				 resp->error[0] ? resp->error : "no answer");
	} else if (resp->status == 401) {
		what = xstrdup(has_token ? "401 Unauthorized: the token was refused (check it and "
					   "its scopes)"
			       : token_from ? "401 Unauthorized: no token (set the environment "
					      "variable ci.token_env names)"
			       : "401 Unauthorized: no token (set ci.token_env in .shipdeck.yml)");
	} else if ((resp->status == 403 || resp->status == 429) && resp->ratelimit_remaining
		   && !strcmp(resp->ratelimit_remaining, "0")) {
		time_t reset = resp->ratelimit_reset
			? (time_t)strtoll(resp->ratelimit_reset, NULL, 10)
						     : 0;
		char at[40] = "unknown";

		if (reset)
			time_format_rfc3339(reset, at, sizeof at);
		what = xasprintf("%ld rate limit reached: 0 requests left, resets at %s",
				 resp->status, at);
	} else if (resp->status == 404 && strcmp(method, "GET")) {
		what = xstrdup("404 Not Found: the server has no such run, or no such endpoint");
	} else if (resp->status == 404) {
		what = xasprintf("404 Not Found: no repository %s there, or no access with this "
				 "token (or no such endpoint)", a->repo);
	} else {
		/* the server's own message, if it sent one */
		const char *msg = NULL;
		cJSON *doc = resp->body ? cJSON_Parse(resp->body) : NULL;

		if (cJSON_IsObject(doc)) {
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, "message");

			if (!cJSON_IsString(m))
				m = cJSON_GetObjectItemCaseSensitive(doc, "error");
			msg = cJSON_IsString(m) ? m->valuestring : NULL;
		}
		what = xasprintf("HTTP %ld%s%.200s", resp->status, msg ? ": " : "", msg ? msg : "");
		cJSON_Delete(doc);
	}
	line = xasprintf("%s: %s: %s %s", name, what, method, url);
	free(what);
	return line;
}
