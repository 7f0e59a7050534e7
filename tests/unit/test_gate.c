/* The gate without a cluster or a screen: read-only refusal, the confirm
 * dialog's hook, the write-ahead audit (an intent on disk before run is
 * called, then the result with the same id), unattended submits and their
 * completion, what happens when the log cannot be written, and the action
 * builders (the one for the action and target is asked, the app wires one
 * for each mutating action). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "action/audit.h"
#include "action/builder.h"
#include "action/gate.h"
#include "app/app.h"
#include "app/sources.h"
#include "tap.h"
#include "util/file.h"
#include "util/xalloc.h"

static struct app app;
static char *path;

/* What run saw and did. */
static int runs;
static char *log_at_run;            /* the audit log when run was called */
static struct action_req *running;  /* the request run was given */
static int run_fails;               /* run returns -1 this many times */

static int fake_run(struct rt *a, struct action_req *req, struct err *err)
{
	size_t len;
	struct err ferr;

	runs++;
	free(log_at_run);
	log_at_run = file_exists(path) ? file_read_all(path, &len, &ferr) : xstrdup("");
	if (run_fails) {
		run_fails--;
		return err_set(err, "no cluster: start with --kubeconfig");
	}
	running = req;
	(void)a;
	return 0;
}

static struct action_req *rollback(void)
{
	struct action_req *req = action_req_new(ACTION_ROLLBACK, "deploy/web");

	req->from = xstrdup("revision 3 (web:bad1)");
	req->to = xstrdup("revision 2 (web:1.4)");
	req->question = xstrdup("Roll back deploy/web to revision 2?");
	req->run = fake_run;
	return req;
}

/* The dialog's hook: keeps the request, as the console's dialog does. */
static struct action_req *asked;
static int asks;

static void confirm(struct rt *a, struct action_req *req)
{
	(void)a;
	asks++;
	asked = req;
}

static struct action_outcome heard;
static char heard_message[256];
static int hears;

static void on_done(void *ctx, const struct action_outcome *o)
{
	hears++;
	heard = *o;
	snprintf(heard_message, sizeof heard_message, "%s", o->message ? o->message : "");
	heard.message = heard_message;
	*(int *)ctx += 1;
}

/* The audit log's records; caller frees with cJSON_Delete. */
static cJSON *records(void)
{
	cJSON *all = cJSON_CreateArray();
	size_t len = 0;
	struct err err;
	char *data = file_exists(path) ? file_read_all(path, &len, &err) : NULL;

	for (char *line = data, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		cJSON_AddItemToArray(all, cJSON_Parse(line));
	}
	free(data);
	return all;
}

static const char *rec(const cJSON *all, int i, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(all, i),
								      key));
}

static int nrecords(void)
{
	cJSON *all = records();
	int n = cJSON_GetArraySize(all);

	cJSON_Delete(all);
	return n;
}

static const char *message(void)
{
	return app.store.status.message ? app.store.status.message : "";
}

static void reset(void)
{
	unlink(path);
	runs = asks = hears = run_fails = 0;
	running = asked = NULL;
	app.opts.read_only = false;
	app.rt.confirm = NULL;
}

static void test_read_only(void)
{
	int ctx = 0;

	reset();
	app.opts.read_only = true;
	tap_ok(gate_check(&app.rt, ACTION_ROLLBACK) == -1, "read-only: a mutating action is refused");
	tap_is_str(message(), "read-only: rollback disabled", "and says so");
	tap_ok(gate_check(&app.rt, ACTION_DOWN) == 0, "read-only: moving around is not");
	tap_ok(gate_check(&app.rt, ACTION_COMMAND) == 0, "nor the command line");
	gate_submit(&app.rt, rollback());
	tap_is_int(runs, 0, "read-only submit: run is never called");
	tap_ok(!file_exists(path), "read-only submit: nothing is written to the audit log");
	app.rt.confirm = confirm;
	gate_submit(&app.rt, rollback());
	tap_is_int(asks, 0, "read-only: no dialog opens");
	gate_submit_unattended(&app.rt, rollback(), on_done, &ctx);
	tap_is_int(runs, 0, "read-only unattended: run is never called");
	tap_is_int(ctx, 1, "read-only unattended: the completion hears once");
	tap_ok(!heard.ok && !heard.sent, "… that it failed and nothing was sent");
	tap_is_str(heard.message, "read-only: rollback disabled", "… and why");
	tap_ok(!file_exists(path), "read-only unattended: no record");
	tap_is_int(app.rt.actions_running, 0, "nothing counted as running");
}

static void test_confirm(void)
{
	cJSON *all;
	char id[24];

	reset();
	app.rt.confirm = confirm;
	gate_submit(&app.rt, rollback());
	tap_is_int(asks, 1, "a destructive action opens the dialog");
	tap_is_int(runs, 0, "and does not run before the answer");
	tap_ok(!file_exists(path), "nor is recorded");
	gate_answer(&app.rt, asked, false);
	tap_is_int(runs, 0, "no: it never runs");
	all = records();
	tap_is_int(cJSON_GetArraySize(all), 1, "no: one record");
	tap_is_str(rec(all, 0, "phase"), "result", "no: a result, no intent (nothing was sent)");
	tap_is_str(rec(all, 0, "result"), "cancelled", "no: cancelled");
	tap_is_str(rec(all, 0, "message"), "not confirmed", "no: not confirmed");
	tap_ok(rec(all, 0, "id") && strlen(rec(all, 0, "id")) == 16, "no: the record has an id");
	cJSON_Delete(all);
	tap_is_str(message(), "rollback deploy/web: cancelled", "no: the status bar says cancelled");

	reset();
	app.rt.confirm = confirm;
	gate_submit(&app.rt, rollback());
	gate_answer(&app.rt, asked, true);
	tap_is_int(runs, 1, "yes: it runs");
	tap_ok(log_at_run && strstr(log_at_run, "\"phase\":\"intent\""),
	       "yes: the intent was on disk when run was called");
	tap_ok(log_at_run && !strstr(log_at_run, "\"phase\":\"result\""), "… and no result yet");
	tap_is_int(app.rt.actions_running, 1, "running while the request is under way");
	snprintf(id, sizeof id, "%s", running->id);
	running->status = 200;
	gate_finish(&app.rt, running, true, "deployment.apps/web rolled back");
	tap_is_int(app.rt.actions_running, 0, "finished");
	all = records();
	tap_is_int(cJSON_GetArraySize(all), 2, "yes: an intent and a result");
	tap_is_str(rec(all, 0, "phase"), "intent", "first the intent");
	tap_is_str(rec(all, 0, "action"), "rollback", "intent: action");
	tap_is_str(rec(all, 0, "target"), "deploy/web", "intent: target");
	tap_is_str(rec(all, 0, "from"), "revision 3 (web:bad1)", "intent: from");
	tap_is_str(rec(all, 0, "to"), "revision 2 (web:1.4)", "intent: to");
	tap_is_str(rec(all, 0, "user"), "ops", "intent: user");
	tap_ok(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(all, 0), "result")),
	       "intent: no result yet (null)");
	tap_is_str(rec(all, 0, "id"), id, "intent: the request's id");
	tap_is_str(rec(all, 1, "phase"), "result", "then the result");
	tap_is_str(rec(all, 1, "id"), id, "result: the same id");
	tap_is_str(rec(all, 1, "result"), "ok", "result: ok");
	tap_is_str(rec(all, 1, "message"), "deployment.apps/web rolled back", "result: message");
	tap_is_str(rec(all, 1, "from"), "revision 3 (web:bad1)", "result: from kept");
	tap_is_int(cJSON_GetArraySize(cJSON_GetArrayItem(all, 1)), 12, "twelve fields");
	cJSON_Delete(all);
	tap_is_str(message(), "rollback deploy/web: deployment.apps/web rolled back",
		   "the status bar has the result");

	/* an action that changes but needs no dialog, and an unattended one */
	reset();
	app.rt.confirm = confirm;
	{
		struct action_req *req = action_req_new(ACTION_RUN_PIPELINE, "HEAD");

		req->run = fake_run;
		gate_submit(&app.rt, req);
		tap_is_int(asks, 0, "run-pipeline: mutating, no dialog");
		tap_is_int(runs, 1, "run-pipeline: runs at once");
		gate_finish(&app.rt, running, true, "build 1 started");
	}
	reset();
	app.rt.confirm = confirm;
	{
		struct action_req *req = rollback();
		int ctx = 0;

		gate_submit_unattended(&app.rt, req, on_done, &ctx);
		tap_is_int(asks, 0, "unattended: no dialog even in the console");
		tap_is_int(runs, 1, "unattended: runs at once");
		tap_is_int(ctx, 0, "unattended: the completion waits for the answer");
		running->status = 409;
		gate_finish(&app.rt, running, false, "the server refused (HTTP 409)");
		tap_is_int(ctx, 1, "unattended: the completion hears once");
		tap_ok(!heard.ok && heard.sent && heard.status == 409, "… failed, sent, HTTP 409");
		tap_is_str(heard.message, "the server refused (HTTP 409)", "… with the message");
	}
	all = records();
	tap_is_str(rec(all, 1, "result"), "failed", "a failure is recorded as failed");
	cJSON_Delete(all);
}

static void test_run_fails(void)
{
	cJSON *all;
	int ctx = 0;

	reset();
	run_fails = 1;
	gate_submit_unattended(&app.rt, rollback(), on_done, &ctx);
	tap_is_int(ctx, 1, "run cannot start: the completion hears at once");
	tap_ok(!heard.ok && !heard.sent, "… failed, not sent");
	tap_is_int(app.rt.actions_running, 0, "nothing left running");
	all = records();
	tap_is_int(cJSON_GetArraySize(all), 2, "its intent and a failed result");
	tap_is_str(rec(all, 1, "result"), "failed", "failed");
	tap_is_str(rec(all, 1, "message"), "no cluster: start with --kubeconfig", "with why");
	tap_ok(rec(all, 0, "id") && rec(all, 1, "id") && !strcmp(rec(all, 0, "id"), rec(all, 1, "id")),
	       "paired by id");
	cJSON_Delete(all);
	tap_is_str(message(), "rollback deploy/web: no cluster: start with --kubeconfig",
		   "the status bar says why");
}

static void test_cannot_record(void)
{
	char *good = path;
	int ctx = 0;

	reset();
	path = xstrdup("/dev/full");
	app.rt.audit_path = path;
	gate_submit_unattended(&app.rt, rollback(), on_done, &ctx);
	tap_is_int(runs, 0, "no room for the intent: run is never called");
	tap_is_int(ctx, 1, "the completion hears");
	tap_ok(!heard.ok && !heard.sent, "… failed, not sent");
	tap_ok(strstr(heard.message, "not done: it cannot be recorded: audit log: /dev/full") != NULL,
	       "… because it cannot be recorded");
	tap_ok(strstr(message(), "rollback deploy/web: not done: it cannot be recorded") != NULL,
	       "the status bar says so");
	tap_is_int(app.rt.actions_running, 0, "nothing running");
	free(path);
	path = good;
	app.rt.audit_path = path;

	/* the intent fits, the result does not: the change is made, the hole said */
	reset();
	gate_submit(&app.rt, rollback());
	tap_is_int(runs, 1, "the intent written: it runs");
	app.rt.audit_path = "/dev/full";
	gate_finish(&app.rt, running, true, "deployment.apps/web rolled back");
	app.rt.audit_path = path;
	tap_ok(strstr(message(), "rollback deploy/web: deployment.apps/web rolled back; and not "
		      "recorded: audit log: /dev/full") != NULL,
	       "a result that cannot be written is not hidden by done");
	tap_is_int(nrecords(), 1, "the intent stays: outcome unknown to a reader");
}

static void test_note_and_ids(void)
{
	struct action_req *hold = action_req_new(ACTION_AUTO_ANALYSIS, "app/shop");
	cJSON *all;

	reset();
	hold->from = xstrdup("MARGINAL → hold");
	gate_note(&app.rt, hold, "hold", "automatic: MARGINAL: score 80");
	all = records();
	tap_is_int(cJSON_GetArraySize(all), 1, "a hold: one record");
	tap_is_str(rec(all, 0, "phase"), "result", "a hold: a result (nothing is sent)");
	tap_is_str(rec(all, 0, "result"), "hold", "a hold: hold");
	tap_is_str(rec(all, 0, "action"), "auto-analysis", "a hold: its action");
	tap_is_str(rec(all, 0, "message"), "automatic: MARGINAL: score 80", "a hold: its numbers");
	cJSON_Delete(all);
	tap_is_int(runs, 0, "a hold runs nothing");

	reset();
	gate_submit(&app.rt, rollback());
	gate_finish(&app.rt, running, true, NULL);
	gate_submit(&app.rt, rollback());
	gate_finish(&app.rt, running, true, NULL);
	all = records();
	tap_is_int(cJSON_GetArraySize(all), 4, "two actions: four records");
	tap_ok(rec(all, 0, "id") && rec(all, 2, "id") && strcmp(rec(all, 0, "id"), rec(all, 2, "id")),
	       "each action its own id");
	tap_is_str(rec(all, 3, "id"), rec(all, 2, "id"), "the second pair shares its id");
	tap_is_str(rec(all, 3, "message"), NULL, "no message: null");
	cJSON_Delete(all);
	tap_is_str(message(), "rollback deploy/web: done", "no message: done");
}

/* Builders: the one for the action and the selection's target is asked,
 * with the selection as the view passed it. */
static const struct action_sel *built_sel;
static enum action_target built_for;

static struct action_req *build_deploy(struct rt *rt, const struct action_sel *sel,
				       bool *skipped, struct err *err)
{
	built_sel = sel;
	built_for = TARGET_DEPLOYMENT;
	return rollback();
}

static struct action_req *build_rollout(struct rt *rt, const struct action_sel *sel,
					bool *skipped, struct err *err)
{
	built_sel = sel;
	built_for = TARGET_ROLLOUT;
	*skipped = true;
	err_set(err, "skipped rollback (current template already matches revision %ld)",
		sel->revision);
	return NULL;
}

static int planned;
static const char *planned_refusal;

static void on_planned(void *ctx, struct action_req *req, const char *refusal,
		       const char *noop)
{
	planned++;
	planned_refusal = refusal;
	action_req_free(req);
	(void)ctx;
	(void)noop;
}

static void plan_env(struct rt *rt, const struct action_sel *sel, action_planned_fn done,
		     void *ctx)
{
	done(ctx, rollback(), NULL, NULL);
}

static const struct action_builder fake_builders[] = {
	{ ACTION_ROLLBACK, TARGET_DEPLOYMENT, .build = build_deploy },
	{ ACTION_ROLLBACK, TARGET_ROLLOUT, .build = build_rollout },
	{ ACTION_PROMOTE_IMAGE, TARGET_ENVIRONMENT, .plan = plan_env },
	{ 0 },
};

static void test_builders(void)
{
	struct action_sel sel = { .target = TARGET_DEPLOYMENT, .ns = "shop", .name = "web" };
	struct action_req *req;
	struct err err;
	bool skipped = true;

	req = action_build(&app.rt, ACTION_ROLLBACK, &sel, &skipped, &err);
	tap_ok(!req && !skipped, "no builder added: nothing built, not skipped");
	tap_is_str(err.msg, "rollback: not available here", "no builder: says so");
	action_plan(&app.rt, ACTION_PROMOTE_IMAGE, &sel, on_planned, NULL);
	tap_ok(planned == 1 && planned_refusal, "no planner: refused at once");

	action_builders_add(&app.rt, fake_builders);
	req = action_build(&app.rt, ACTION_ROLLBACK, &sel, &skipped, &err);
	tap_ok(req && built_for == TARGET_DEPLOYMENT && built_sel == &sel,
	       "the deployment's builder gets the selection");
	action_req_free(req);
	sel.target = TARGET_ROLLOUT;
	sel.revision = 2;
	req = action_build(&app.rt, ACTION_ROLLBACK, &sel, &skipped, &err);
	tap_ok(!req && skipped && built_for == TARGET_ROLLOUT, "same key, a Rollout: its builder");
	tap_ok(strstr(err.msg, "revision 2") != NULL, "the builder's reason comes back");
	req = action_build(&app.rt, ACTION_ROLLBACK, &sel, NULL, &err);
	tap_ok(!req, "skipped may be NULL");
	sel.target = TARGET_POD;
	tap_ok(!action_build(&app.rt, ACTION_ROLLBACK, &sel, NULL, &err),
	       "no builder for the target: nothing built");
	sel.target = TARGET_ENVIRONMENT;
	action_plan(&app.rt, ACTION_PROMOTE_IMAGE, &sel, on_planned, NULL);
	tap_ok(planned == 2 && !planned_refusal, "a planner answers through done");
	app.rt.nbuilders = 0;

	/* the app's wiring: each mutating action of the list has a builder (the
	 * canary pane's, one for a release) */
	sources_wire(&app);
	for (int a = 0; a < ACTION_COUNT; a++) {
		const struct action_info *in = action_info((enum action_id)a);
		bool canary = in->pane && !strcmp(in->pane, "canary");
		bool found = false;

		if (!(in->flags & ACT_MUTATING))
			continue;
		for (int t = 0; t < app.rt.nbuilders; t++)
			for (const struct action_builder *b = app.rt.builders[t]; b->build || b->plan;
			     b++)
				found |= b->action == a && (!canary || b->target == TARGET_RELEASE);
		tap_ok(found, in->name);
	}
	app.rt.nbuilders = 0;
	memset(&app.rt.hooks, 0, sizeof app.rt.hooks);
}

int main(void)
{
	char dir[] = "/tmp/shipdeck-gate.XXXXXX";

	tap_ok(mkdtemp(dir) != NULL, "temp dir");
	path = xasprintf("%s/state/shipdeck/audit.jsonl", dir);
	store_init(&app.store);
	app.rt.store = &app.store;
	app.rt.opts = &app.opts;
	app.rt.user = "ops";
	app.rt.audit_path = path;
	test_read_only();
	test_confirm();
	test_run_fails();
	test_cannot_record();
	test_note_and_ids();
	test_builders();
	store_free(&app.store);
	free(log_at_run);
	unlink(path);
	free(path);
	return tap_done();
}
