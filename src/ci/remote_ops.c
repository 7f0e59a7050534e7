/* The remote CI backend's actions: re-run, re-run failed jobs, cancel and
 * promote, as action requests for the gate (read-only refusal, confirm,
 * audit). The request is built only in run, after the gate said yes; the
 * HTTP layer refuses it again under --read-only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/remote.h"
#include "util/xalloc.h"

struct op_data {
	struct rt *rt;
	struct action_req *req;
	enum remote_op op;
	struct ci_build *run;       /* a copy: the list may change meanwhile */
	char *target;
	char *url;
	const char *method;
	uint64_t http_id;
};

static void op_data_free(void *p)
{
	struct op_data *d = p;

	if (d->http_id)
		http_cancel(d->rt->http, d->http_id);
	ci_build_free(d->run);
	free(d->target);
	free(d->url);
	free(d);
}

static void op_done(void *ctx, const struct http_response *resp)
{
	struct action_req *req = ctx;
	struct op_data *d = req->data;
	const struct remote_api *api = ci_remote_api(d->rt);
	const char *name = api ? ci_backend_name(api->kind) : "ci";
	bool ok = resp->status >= 200 && resp->status < 300;
	char *msg;

	d->http_id = 0;
	req->status = resp->status;
	req->unreachable = !resp->status;
	if (ok) {
		msg = xasprintf("%s asked (%s %s: %ld)", remote_op_name(d->op), d->method, d->url,
				resp->status);
	} else {
		/* the failure's line without its backend prefix, which msg has */
		const char *from;
		char *token = ci_remote_current_token(d->rt, &from);
		char *line = api ? remote_api_failure(api, token != NULL, from, d->method, d->url,
						      resp)
			: xasprintf("%s: %s %s: HTTP %ld", name, d->method, d->url, resp->status);
		size_t skip = strlen(name) + 2;

		free(token);
		/* the gate puts the target (backend, run) before it */
		msg = xstrdup(strlen(line) > skip ? line + skip : line);
		free(line);
	}
	ci_remote_poll_now(d->rt);
	gate_finish(d->rt, req, ok, msg);
	free(msg);
}

static int op_run(struct rt *rt, struct action_req *req, struct err *err)
{
	struct op_data *d = req->data;
	const struct remote_api *api = ci_remote_api(rt);
	struct remote_call call;
	char *token;
	const char *from;
	struct http_request hr = { .timeout_ms = 15000, .connect_timeout_ms = 5000,
				   .allow_token_to_loopback = true, .on_done = op_done,
				   .ctx = req };
	static const char *const headers[] = { "Accept: application/json", NULL };

	if (!api)
		return err_set(err, "no remote CI backend");
	if (remote_api_call(api, d->op, d->run, d->target, &call, err))
		return -1;
	d->url = call.url;
	d->method = call.method;
	token = ci_remote_current_token(rt, &from);
	hr.method = call.method;
	hr.url = d->url;
	hr.headers = headers;
	hr.bearer_token = token;
	d->http_id = http_start(rt->http, &hr, err);
	if (token)
		memset(token, 0, strlen(token));
	free(token);
	return d->http_id ? 0 : -1;
}

struct action_req *ci_remote_action(struct rt *rt, enum remote_op op, int64_t remote_id,
				    const char *target)
{
	const struct ci_build *b = store_ci_remote_run(&rt->store->ci, remote_id);
	const struct remote_api *api = ci_remote_api(rt);
	static const enum action_id ids[] = {
		[REMOTE_RERUN] = ACTION_RUN_PIPELINE, [REMOTE_RERUN_FAILED] = ACTION_RUN_PIPELINE,
		[REMOTE_CANCEL] = ACTION_CANCEL, [REMOTE_PROMOTE] = ACTION_CI_PROMOTE,
	};
	struct action_req *req;
	struct op_data *d;
	char *what;

	if (!b || !api) {
		rt_message(rt, STATUS_WARN, "%s: no such run", remote_op_name(op));
		return NULL;
	}
	what = xasprintf("%s run #%d", ci_backend_name(api->kind), b->number);
	req = action_req_new(ids[op], what);
	free(what);
	req->from = xstrdup(ci_status_name(b->status));
	switch (op) {
	case REMOTE_RERUN: req->to = xstrdup("a new attempt of every job"); break;
	case REMOTE_RERUN_FAILED: req->to = xstrdup("a new attempt of the failed jobs"); break;
	case REMOTE_CANCEL: req->to = xstrdup("cancelled"); break;
	case REMOTE_PROMOTE: req->to = xasprintf("a promotion to %s", target ? target : "?"); break;
	}
	req->question = op == REMOTE_PROMOTE
		? xasprintf("Promote build #%d (%.7s %s) to %s?", b->number,
			    b->commit ? b->commit : "", b->subject ? b->subject : "", target)
		: xasprintf("%s run #%d (%.7s %s)?", op == REMOTE_CANCEL ? "Cancel" : "Re-run",
			    b->number, b->commit ? b->commit : "", b->subject ? b->subject : "");
	d = xcalloc(1, sizeof *d);
	d->rt = rt;
	d->req = req;
	d->op = op;
	d->run = ci_build_dup(b);
	d->target = target ? xstrdup(target) : NULL;
	req->data = d;
	req->data_free = op_data_free;
	req->run = op_run;
	return req;
}
