#include "ci/remote.h"
#include "ci/remote_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/file.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

/* ---- the token */

/* gh's hosts.yml: HOST: {oauth_token: …}. A gh that keeps the token in the
 * system keyring (gh ≥ 2.40 by default) leaves none there: then token_env. */
static char *gh_hosts_token(const char *host)
{
	const char *dir = getenv("GH_CONFIG_DIR");
	char *path = dir && *dir ? xasprintf("%s/hosts.yml", dir) : NULL, *tok = NULL;
	struct ydoc doc;
	struct err err;

	if (!path) {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

		path = xdg && *xdg ? xasprintf("%s/gh/hosts.yml", xdg)
				   : xasprintf("%s/.config/gh/hosts.yml", home ? home : "");
	}
	if (file_exists(path) && !ydoc_load_file(&doc, path, &err)) {
		const struct ynode *h = doc.n ? ynode_get(doc.roots[0], host) : NULL;
		const char *t = h ? ynode_str(ynode_get(h, "oauth_token")) : NULL;

		if (t && *t)
			tok = xstrdup(t);
		ydoc_free(&doc);
	}
	free(path);
	return tok;
}

char *ci_remote_token(const struct ci_conf *conf, const char **from)
{
	*from = NULL;
	if (conf->token_env) {
		const char *v = getenv(conf->token_env);

		*from = conf->token_env;
		return v && *v ? xstrdup(v) : NULL;
	}
	if (conf->backend == CI_BACKEND_GITHUB) {
		const char *u = strstr(conf->url, "://");
		char host[256];

		u = u ? u + 3 : conf->url;
		snprintf(host, sizeof host, "%.*s", (int)strcspn(u, "/:"), u);
		if (!strcmp(host, "api.github.com"))
			snprintf(host, sizeof host, "github.com");
		*from = "gh hosts.yml";
		return gh_hosts_token(host);
	}
	return NULL;
}

char *ci_remote_current_token(const struct rt *rt, const char **from)
{
	const struct ci_remote *r = rt->ci_remote;

	*from = r ? r->token_from : NULL;
	return r && r->token ? xstrdup(r->token) : NULL;
}

/* ---- one request */

static const char *const accept_json[] = { "Accept: application/json", NULL };

uint64_t remote_send(struct ci_remote *r, const char *method, const char *url,
		     const char *etag, http_done_fn done, void *ctx, struct err *err)
{
	char *inm = etag ? xasprintf("If-None-Match: %s", etag) : NULL;
	const char *headers[4] = { accept_json[0], NULL, NULL, NULL };
	struct http_request req = {
		.method = method, .url = url, .headers = headers,
		.bearer_token = r->token, .allow_token_to_loopback = true,
		.timeout_ms = REQ_TIMEOUT_MS, .connect_timeout_ms = REQ_CONNECT_MS,
		.on_done = done, .ctx = ctx,
	};
	uint64_t id;

	if (r->api.kind == CI_BACKEND_GITHUB)
		headers[1] = "X-GitHub-Api-Version: 2022-11-28";
	if (inm)
		headers[headers[1] ? 2 : 1] = inm;
	id = http_start(r->rt->http, &req, err);
	free(inm);
	return id;
}

char *remote_failure_line(const struct ci_remote *r, const char *method, const char *url,
			  const struct http_response *resp)
{
	return remote_api_failure(&r->api, r->token != NULL, r->token_from, method, url, resp);
}

/* ---- the store */

/* error: the line to show (taken), or NULL after a good answer; resp: that
 * answer (its rate limit is shown when the server counts one); runs: the
 * gathered pages replace the list. */
static void publish(struct ci_remote *r, char *error, const struct http_response *resp,
		    bool runs)
{
	struct store_event ev = { .domain = STORE_CI };

	ev.ci = (struct ci_event){ .type = CI_EV_REMOTE, .backend = xstrdup(r->label),
				   .remote_error = error,
				   .promotes = r->api.kind == CI_BACKEND_DRONE };
	if (resp && !error)
		ev.ci.as_of_ms = time_wall_ms();
	if (resp && resp->ratelimit_remaining && resp->ratelimit_reset) {
		time_t reset = (time_t)strtoll(resp->ratelimit_reset, NULL, 10);
		char at[40];

		time_format_rfc3339(reset, at, sizeof at);
		ev.ci.remote_notice = xasprintf("rate limit: %s left, resets %s",
						resp->ratelimit_remaining, at);
	}
	if (runs) {
		ev.ci.has_runs = true;
		ev.ci.runs = r->acc;
		ev.ci.nruns = r->nacc;
		r->acc = NULL;
		r->nacc = 0;
	}
	rt_apply(r->rt, &ev);
}

static void schedule(struct ci_remote *r, int64_t ms);
static void poll_list(void *ctx);
static void fetch_detail(struct ci_remote *r);

static bool something_moves(const struct store_ci *ci)
{
	for (size_t i = 0; i < ci->remote.nruns && i < 10; i++)
		if (!ci_status_done(ci->remote.runs[i]->status))
			return true;
	return false;
}

static void failed(struct ci_remote *r, char *line, const struct http_response *resp)
{
	int64_t wait = POLL_ACTIVE_MS << (r->errors < 4 ? r->errors : 4);

	r->errors++;
	if (wait > POLL_ERROR_MAX_MS)
		wait = POLL_ERROR_MAX_MS;
	if (resp && resp->ratelimit_remaining && !strcmp(resp->ratelimit_remaining, "0")
	    && resp->ratelimit_reset) {
		int64_t until = strtoll(resp->ratelimit_reset, NULL, 10) * 1000 - time_wall_ms();

		if (until > wait)
			wait = until < 3600 * 1000 ? until : 3600 * 1000;
	}
	publish(r, line, resp, false);
	schedule(r, wait);
}

static void list_done(void *ctx, const struct http_response *resp)
{
	struct ci_remote *r = ctx;
	char *url = remote_api_runs_url(&r->api, r->page), *next;
	struct ci_build **runs;
	size_t n;
	struct err err;

	r->list_req = 0;
	if (resp->status == 304) {
		free(url);
		r->errors = 0;
		publish(r, NULL, resp, false);
		fetch_detail(r);
		schedule(r, something_moves(&r->rt->store->ci) ? POLL_ACTIVE_MS : POLL_IDLE_MS);
		return;
	}
	if (resp->status != 200) {
		failed(r, remote_failure_line(r, "GET", url, resp), resp);
		free(url);
		return;
	}
	if (remote_api_parse_runs(&r->api, resp->body, resp->body_len, &runs, &n, &err)) {
		failed(r, xasprintf("%s: GET %s: %s", ci_backend_name(r->api.kind), url, err.msg),
		       NULL);
		free(url);
		return;
	}
	free(url);
	if (r->page == 1) {
		free(r->etag);
		r->etag = resp->etag ? xstrdup(resp->etag) : NULL;
	}
	r->acc = xrealloc(r->acc, (r->nacc + n + 1) * sizeof *r->acc);
	memcpy(r->acc + r->nacc, runs, n * sizeof *runs);
	r->nacc += n;
	free(runs);
	next = r->api.kind != CI_BACKEND_DRONE ? remote_link_next(resp->link) : NULL;
	/* the token goes with the request: a Link elsewhere is not followed */
	if (next && !remote_api_same_origin(&r->api, next))
		xfree(&next);
	/* Drone sends no Link: a full page means there may be more */
	if (!next && r->api.kind == CI_BACKEND_DRONE && n == REMOTE_RUNS_PER_PAGE)
		next = remote_api_runs_url(&r->api, r->page + 1);
	if (next && r->page < MAX_PAGES) {
		struct err e2;

		r->page++;
		r->list_req = remote_send(r, "GET", next, NULL, list_done, r, &e2);
		free(next);
		if (r->list_req)
			return;
	}
	free(next);
	r->errors = 0;
	publish(r, NULL, resp, true);
	fetch_detail(r);
	schedule(r, something_moves(&r->rt->store->ci) ? POLL_ACTIVE_MS : POLL_IDLE_MS);
}

static void poll_list(void *ctx)
{
	struct ci_remote *r = ctx;
	char *url;
	struct err err;

	r->timer = 0;
	if (r->list_req)
		return;
	for (size_t i = 0; i < r->nacc; i++)
		ci_build_free(r->acc[i]);
	r->nacc = 0;
	r->page = 1;
	url = remote_api_runs_url(&r->api, 1);
	r->list_req = remote_send(r, "GET", url, r->etag, list_done, r, &err);
	if (!r->list_req)
		failed(r, xasprintf("%s: GET %s: %s", ci_backend_name(r->api.kind), url, err.msg),
		       NULL);
	free(url);
}

static void schedule(struct ci_remote *r, int64_t ms)
{
	if (r->timer)
		loop_timer_cancel(r->rt->loop, r->timer);
	r->timer = loop_timer_add(r->rt->loop, ms, poll_list, r);
}

/* ---- the followed run's jobs and steps */

static const struct ci_build *followed(const struct ci_remote *r)
{
	const struct store_ci *ci = &r->rt->store->ci;
	const struct ci_build *b = r->follow ? store_ci_remote_run(ci, r->follow) : NULL;

	return b ? b : ci->remote.nruns ? ci->remote.runs[0] : NULL;
}

static void detail_done(void *ctx, const struct http_response *resp)
{
	struct ci_remote *r = ctx;
	const struct ci_build *b = followed(r);
	struct store_event ev = { .domain = STORE_CI };
	struct ci_build *copy;
	char *url;
	struct err err;

	r->detail_req = 0;
	if (!b)
		return;
	url = remote_api_detail_url(&r->api, b);
	if (resp->status == 304) {
		free(url);
		remote_refresh_log(r);
		return;
	}
	if (resp->status != 200) {
		publish(r, remote_failure_line(r, "GET", url, resp), resp, false);
		free(url);
		return;
	}
	copy = ci_build_dup(b);
	if (remote_api_parse_detail(&r->api, resp->body, resp->body_len, copy, &err)) {
		publish(r, xasprintf("%s: GET %s: %s", ci_backend_name(r->api.kind), url, err.msg),
			NULL, false);
		ci_build_free(copy);
		free(url);
		return;
	}
	free(url);
	free(r->detail_etag);
	r->detail_etag = resp->etag ? xstrdup(resp->etag) : NULL;
	r->detail_etag_of = copy->remote_id;
	ev.ci = (struct ci_event){ .type = CI_EV_REMOTE_RUN, .build = copy };
	rt_apply(r->rt, &ev);
	remote_refresh_log(r);
}

static void fetch_detail(struct ci_remote *r)
{
	const struct ci_build *b = followed(r);
	char *url;
	struct err err;

	if (!b || r->detail_req)
		return;
	url = remote_api_detail_url(&r->api, b);
	/* an unchanged list keeps its steps: ask again only with the ETag */
	r->detail_req = remote_send(r, "GET", url, r->detail_etag_of == b->remote_id && b->nsteps
			     ? r->detail_etag : NULL, detail_done, r, &err);
	if (!r->detail_req)
		publish(r, xasprintf("%s: GET %s: %s", ci_backend_name(r->api.kind), url, err.msg),
			NULL, false);
	free(url);
}

void ci_remote_follow(struct rt *rt, int64_t remote_id)
{
	struct ci_remote *r = rt->ci_remote;

	if (!r || r->follow == remote_id)
		return;
	r->follow = remote_id;
	if (r->detail_req) {
		http_cancel(rt->http, r->detail_req);
		r->detail_req = 0;
	}
	fetch_detail(r);
}

/* The pipeline pane asks for "remote-run/<id>" of the run it shows. */
static void want_run(void *ctx, struct rt *rt, const char *id)
{
	ci_remote_follow(rt, strtoll(id + strlen("remote-run/"), NULL, 10));
}

void ci_remote_poll_now(struct rt *rt)
{
	if (rt->ci_remote)
		schedule(rt->ci_remote, 0);
}

bool ci_remote_busy(const struct rt *rt)
{
	const struct ci_remote *r = rt->ci_remote;

	return r && (r->list_req || r->detail_req || r->log_req);
}

const struct remote_api *ci_remote_api(const struct rt *rt)
{
	return rt->ci_remote ? &rt->ci_remote->api : NULL;
}

/* ---- start, stop */

int ci_remote_start(struct rt *rt, const struct ci_conf *conf, struct err *err)
{
	struct ci_remote *r;

	if (conf->backend == CI_BACKEND_LOCAL)
		return err_set(err, "ci: backend local is the local runner, not a remote one");
	r = xcalloc(1, sizeof *r);
	r->rt = rt;
	r->conf.backend = conf->backend;
	r->conf.url = xstrdup(conf->url);
	r->conf.repo = xstrdup(conf->repo);
	r->conf.token_env = conf->token_env ? xstrdup(conf->token_env) : NULL;
	remote_api_init(&r->api, &r->conf);
	r->token = ci_remote_token(&r->conf, &r->token_from);
	r->label = xasprintf("%s %s %s", ci_backend_name(conf->backend), conf->url, conf->repo);
	rt->ci_remote = r;
	rt_log_provider(rt, "remote/", remote_open_log, NULL);
	rt_detail_provider(rt, "remote-run/", want_run, NULL);
	publish(r, NULL, NULL, false);
	poll_list(r);
	return 0;
}

void ci_remote_stop(struct rt *rt)
{
	struct ci_remote *r = rt->ci_remote;

	if (!r)
		return;
	if (r->timer)
		loop_timer_cancel(rt->loop, r->timer);
	{
		uint64_t reqs[] = { r->list_req, r->detail_req, r->log_req };

		for (size_t i = 0; i < sizeof reqs / sizeof *reqs; i++)
			if (reqs[i])
				http_cancel(rt->http, reqs[i]);
	}
	for (size_t i = 0; i < r->nacc; i++)
		ci_build_free(r->acc[i]);
	free(r->acc);
	remote_api_free(&r->api);
	free(r->conf.url);
	free(r->conf.repo);
	free(r->conf.token_env);
	if (r->token)
		memset(r->token, 0, strlen(r->token));
	free(r->token);
	free(r->label);
	free(r->etag);
	free(r->detail_etag);
	free(r->log_id);
	free(r->log_url);
	free(r);
	rt->ci_remote = NULL;
}
