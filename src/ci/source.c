#include "ci/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/cancel.h"
#include "ci/pipeline_file.h"
#include "ci/runner.h"
#include "ci/runner_internal.h"
#include "git/commit.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* How often a cancel asked of another process looks whether it happened. */
enum { CANCEL_POLL_MS = 100, CANCEL_SLACK_MS = 5000 };

static void open_log(void *ctx, struct rt *rt, const char *id)
{
	(void)ctx;
	if (rt->ci)
		ci_runner_open_log(rt->ci, id);
}

/* The pipeline file as it is in the work tree: its problems are shown in the
 * pane before anyone runs it (a build reads the file of its commit). */
static void check_work_tree_file(struct rt *rt)
{
	struct store_event ev = { .domain = STORE_CI };
	char *path = xasprintf("%s/%s", rt->repo_root, rt->project->pipeline_file), *data;
	struct ci_file f;
	struct err err = { 0 };
	struct strbuf notes = { 0 };
	size_t len;
	bool bad = true;

	data = file_read_all(path, &len, &err);
	if (data && !ci_file_parse(&f, rt->project->pipeline_file, data, len, &err)) {
		/* the pipeline's name first when there are several; `image` is
		 * left to the build's rule ("docker steps run on this host") */
		for (size_t i = 0; i < f.n; i++)
			for (size_t k = 0; k < f.pipelines[i].nnotices; k++)
				if (strncmp(f.pipelines[i].notices[k], "`image`:", 8))
					sb_printf(&notes, "%s%s%s\n",
						  f.n > 1 ? f.pipelines[i].name : "",
						  f.n > 1 ? ": " : "", f.pipelines[i].notices[k]);
		for (size_t k = 0; k < f.nnotices; k++)
			sb_printf(&notes, "%s\n", f.notices[k]);
		ci_file_free(&f);
		bad = false;
	}
	ev.ci = (struct ci_event){ .type = CI_EV_PIPELINE, .pipeline_file = path,
				   .pipeline_error = bad ? xstrdup(err.msg) : NULL,
				   .pipeline_notices = notes.len ? sb_steal(&notes) : NULL };
	rt_apply(rt, &ev);
	free(data);
}

static void load_history(struct rt *rt, struct ci_runner *r)
{
	int *nums = NULL;
	size_t n = ci_history_numbers(&r->hist, &nums), bad = 0;
	struct err err;

	for (size_t i = 0; i < n && i < CI_HISTORY_LOAD; i++) {
		struct store_event ev = { .domain = STORE_CI };
		struct ci_build *b = ci_history_read(&r->hist, nums[i], &err);

		if (!b) {
			/* a folder without build.json: a build that died before its record */
			if (!bad++)
				rt_message(rt, STATUS_WARN, "build history: %s", err.msg);
			continue;
		}
		/* a build whose owner died is settled; in read-only mode only on screen */
		ci_history_settle(&r->hist, b, !rt->opts->read_only);
		if (!ci_status_done(b->status))
			watch_build(r, b->number);
		ev.ci = (struct ci_event){ .type = CI_EV_BUILD, .build = b };
		rt_apply(rt, &ev);
	}
	free(nums);
}

int ci_source_start(struct rt *rt, struct err *err)
{
	struct ci_runner *r = ci_runner_new(rt, err);

	if (!r)
		return -1;
	rt->ci = r;
	check_work_tree_file(rt);
	history_watch_start(r);
	load_history(rt, r);
	rt_log_provider(rt, "build/", open_log, NULL);
	rt_source_state(rt, SOURCE_CI, SOURCE_READY, 0, NULL);
	return 0;
}

void ci_source_stop(struct rt *rt)
{
	ci_runner_free(&rt->ci);
}

/* ---- run-pipeline, run-tests */

struct run_data {
	bool tests_only, in_place;
	char *rev, *trigger;
	struct ci_run_result *result;
};

static void run_data_free(void *p)
{
	struct run_data *d = p;

	free(d->rev);
	free(d->trigger);
	free(d);
}

static int run_build(struct rt *rt, struct action_req *req, struct err *err)
{
	struct run_data *d = req->data;
	struct ci_run_opts o = { .rev = d->rev, .tests_only = d->tests_only,
				 .in_place = d->in_place, .trigger = d->trigger };
	bool config_error = false;
	char *msg;
	int n;

	if (!rt->ci)
		return err_set(err, "no pipeline: add %s to the repository",
			       rt->project->pipeline_file);
	if (ci_runner_start(rt->ci, &o, &n, &config_error, err)) {
		if (d->result)
			d->result->config_error = config_error;
		return -1;
	}
	if (d->result)
		d->result->number = n;
	msg = xasprintf("build %d started", n);
	gate_finish(rt, req, true, msg);
	free(msg);
	return 0;
}

struct action_req *ci_action_run(struct rt *rt, bool tests_only, const char *rev,
				 bool in_place, const char *trigger,
				 struct ci_run_result *result)
{
	struct action_req *req;
	struct run_data *d = xcalloc(1, sizeof *d);
	struct commit_info ci;
	char *target;

	if (rt->repo_root && !commit_info_read(&ci, rt->repo_root, rev, NULL)) {
		target = xasprintf("%s %.7s%s%s", rev ? rev : "HEAD", ci.sha,
				   *ci.branch ? " on " : "", ci.branch);
		commit_info_free(&ci);
	} else {
		target = xstrdup(rev ? rev : "HEAD");
	}
	req = action_req_new(tests_only ? ACTION_RUN_TESTS : ACTION_RUN_PIPELINE, target);
	free(target);
	req->to = xstrdup(tests_only ? "a build of the test steps" : "a build of the pipeline");
	d->tests_only = tests_only;
	d->in_place = in_place;
	d->rev = rev ? xstrdup(rev) : NULL;
	d->trigger = xstrdup(trigger);
	d->result = result;
	req->data = d;
	req->data_free = run_data_free;
	req->run = run_build;
	return req;
}

/* ---- cancel */

struct cancel_data {
	struct rt *rt;
	struct action_req *req;
	int number;
	uint64_t timer;
	int64_t deadline;
};

static void cancel_data_free(void *p)
{
	struct cancel_data *d = p;

	if (d->timer)
		loop_timer_cancel(d->rt->loop, d->timer);
	free(d);
}

static void cancelled_here(void *ctx, const struct ci_build *b)
{
	struct action_req *req = ctx;
	struct cancel_data *d = req->data;
	char *msg = xasprintf("build %d %s", b->number, ci_status_name(b->status));

	gate_finish(d->rt, req, true, msg);
	free(msg);
}

/* Another process was asked: done once its build.json says so. */
static void poll_remote(void *ctx)
{
	struct action_req *req = ctx;
	struct cancel_data *d = req->data;
	struct ci_build *b = ci_history_read(ci_runner_history(d->rt->ci), d->number, NULL);
	char *msg;

	d->timer = 0;
	if (b && ci_status_done(b->status)) {
		msg = xasprintf("build %d %s", b->number, ci_status_name(b->status));
		ci_build_free(b);
		gate_finish(d->rt, req, true, msg);
		free(msg);
		return;
	}
	ci_build_free(b);
	if (time_mono_ms() > d->deadline) {
		msg = xasprintf("build %d: its owner did not stop it in time", d->number);
		gate_finish(d->rt, req, false, msg);
		free(msg);
		return;
	}
	d->timer = loop_timer_add(d->rt->loop, CANCEL_POLL_MS, poll_remote, req);
}

static int run_cancel(struct rt *rt, struct action_req *req, struct err *err)
{
	struct cancel_data *d = req->data;
	enum ci_remote_cancel what;
	char *why, *msg;

	if (!rt->ci)
		return err_set(err, "no pipeline in this repository");
	if (ci_runner_owns(rt->ci, d->number)) {
		why = xasprintf("cancelled by %s", rt->user ? rt->user : "the operator");
		ci_runner_cancel(rt->ci, d->number, why, cancelled_here, req);
		free(why);
		return 0;
	}
	if (ci_cancel_remote(ci_runner_history(rt->ci), d->number, &what, err))
		return -1;
	switch (what) {
	case CI_CANCEL_NOT_RUNNING:
		return err_set(err, "build %d is not running", d->number);
	case CI_CANCEL_SETTLED:
		msg = xasprintf("build %d: its shipdeck was gone; marked interrupted and its "
				"processes stopped", d->number);
		gate_finish(rt, req, true, msg);
		free(msg);
		return 0;
	case CI_CANCEL_ASKED:
		break;
	}
	d->deadline = time_mono_ms() + CI_CANCEL_GRACE_MS + CANCEL_SLACK_MS;
	d->timer = loop_timer_add(rt->loop, CANCEL_POLL_MS, poll_remote, req);
	return 0;
}

struct action_req *ci_action_cancel(struct rt *rt, int number)
{
	const struct ci_build *b = store_ci_build(&rt->store->ci, number);
	struct cancel_data *d = xcalloc(1, sizeof *d);
	char target[32];
	struct action_req *req;

	snprintf(target, sizeof target, "build %d", number);
	req = action_req_new(ACTION_CANCEL, target);
	if (b) {
		const char *running = NULL;

		for (size_t i = 0; i < b->nsteps && !running; i++)
			if (b->steps[i].status == CI_RUNNING)
				running = b->steps[i].key;
		req->from = running ? xasprintf("%s, step %s running", ci_status_name(b->status),
						running)
				    : xstrdup(ci_status_name(b->status));
		req->question = xasprintf("Cancel build %d (%.7s %s)?", number,
					  b->commit ? b->commit : "", b->subject ? b->subject : "");
	}
	req->to = xasprintf("cancelled: running steps get TERM, then KILL after %ds",
			    CI_CANCEL_GRACE_MS / 1000);
	d->rt = rt;
	d->req = req;
	d->number = number;
	req->data = d;
	req->data_free = cancel_data_free;
	req->run = run_cancel;
	return req;
}
