/* shipdeck canary start APP TAG | status APP | analyze APP | promote APP |
 * abort APP [--auto] [--timeout D]: the canary pane without the screen.
 * Changes go through the gate (audited, refused in read-only); analyze exits
 * 0 on PASS, 1 on FAIL, 3 on MARGINAL or without data. --auto (start,
 * analyze, promote) keeps analysing every interval and acts as the console's
 * automatic mode does, until the canary is promoted (0) or aborted (1);
 * --timeout gives up (3) with the canary where it stands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sources.h"
#include "cmd/argo.h"
#include "cmd/canary_show.h"
#include "cmd/kubecmd.h"
#include "kube/fetch.h"
#include "kube/source.h"
#include "metrics/analysis.h"
#include "metrics/canary_ctl.h"
#include "metrics/canary_ops.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { POLL_MS = 500, SYNC_LIMIT_MS = 30000, FINISH_LIMIT_MS = 300000 };

struct canary_cmd {
	struct app *app;
	const struct app_conf *conf;
	const char *sub;            /* start, status, analyze, promote, abort */
	const char *tag;
	int64_t timeout_ms;         /* 0: none */
	bool json;
};

/* Lists the namespace's deployments and services into the store. An exit
 * code. */
static int fetch(struct canary_cmd *c)
{
	static const enum kube_resource kinds[] = { KUBE_DEPLOYMENTS, KUBE_SERVICES };
	const char *ns = release_ns(&c->app->store.kube, c->conf);

	for (size_t k = 0; k < 2; k++) {
		struct store_event ev = { .domain = STORE_KUBE };
		struct err err;
		void **items;
		size_t n;
		int rc = kube_fetch_list(c->app->rt.kube, kinds[k], ns, NULL, &items, &n, &err);

		if (rc)
			return cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
		ev.kube = (struct kube_event){ .type = KUBE_EV_SYNC, .res = kinds[k], .objs = items,
					       .nobjs = n };
		app_apply(c->app, &ev);
	}
	return EXIT_OK;
}

static void read_release(struct canary_cmd *c, struct release *r)
{
	release_read(&c->app->store.kube, c->conf, release_ns(&c->app->store.kube, c->conf), r);
}

static int status(struct canary_cmd *c)
{
	struct release r;
	int rc = fetch(c);

	if (rc)
		return rc;
	read_release(c, &r);
	if (c->json)
		canary_json_put(canary_json_release(&r));
	else
		canary_print_release(stdout, &r);
	return EXIT_OK;
}

static void got_result(void *ctx, struct canary_result *res)
{
	*(struct canary_result **)ctx = res;
}

static int verdict_code(enum canary_verdict v)
{
	return v == CANARY_PASS ? EXIT_OK : v == CANARY_FAIL ? EXIT_FAILED : EXIT_MARGINAL;
}

static int analyze(struct canary_cmd *c)
{
	struct canary_result *res = NULL;
	struct analysis_run *run;
	struct release r;
	struct release_window w;
	double due;
	char why[600];
	struct err err;
	int rc = fetch(c);

	if (rc)
		return rc;
	if (!c->app->project.prometheus) {
		char hint[4600];

		return cmd_fail(EXIT_USAGE, "no Prometheus: %s",
				cmd_project_hint(c->app, "prometheus:", hint, sizeof hint));
	}
	read_release(c, &r);
	if (release_window(&r, (double)time_wall_ms() / 1000.0, true, &w, &due, why, sizeof why))
		return cmd_fail(EXIT_MARGINAL, "nothing to analyse for %s: %s", c->conf->name, why);
	run = analysis_start(c->app->http, c->app->project.prometheus, c->conf, r.ns, &w,
			     got_result, &res, &err);
	if (!run)
		res = analysis_error_result(c->conf, err.msg);
	while (!res && loop_run_once(c->app->loop, -1) >= 0)
		;
	if (!res)
		return cmd_fail(EXIT_FAILED, "the analysis did not finish");
	if (c->json)
		canary_json_put(canary_json_result(c->conf->name, res));
	else
		canary_print_result(stdout, c->conf->name, res);
	rc = res->error ? cmd_fail(EXIT_MARGINAL, "%s", res->error) : verdict_code(res->verdict);
	canary_result_free(res);
	return rc;
}

static void print_action(struct canary_cmd *c, const char *target, bool ok, const char *from,
			 const char *to, const char *message)
{
	cJSON *o;

	if (!c->json) {
		if (ok)
			printf("%s\n  from: %s\n  to:   %s\n", message, from ? from : "-",
			       to ? to : "-");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "app", c->conf->name);
	cJSON_AddStringToObject(o, "action", c->sub);
	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddStringToObject(o, "target", target ? target : "");
	cJSON_AddStringToObject(o, "from", from ? from : "");
	cJSON_AddStringToObject(o, "to", to ? to : "");
	cJSON_AddStringToObject(o, "message", message);
	canary_json_put(o);
}

/* The end of a promotion: wait for the stable's rolling update, then the
 * canary to 0. An exit code; *message says how it ended. */
static int finish_promotion(struct canary_cmd *c, char *message, size_t size)
{
	int64_t limit = c->timeout_ms ? c->timeout_ms : FINISH_LIMIT_MS;
	int64_t deadline = time_mono_ms() + limit;
	struct kubecmd_result res;
	struct action_req *req;
	struct err err;
	int rc;

	if (!c->json)
		printf("waiting for deploy/%s to roll out…\n", c->conf->name);
	for (;;) {
		rc = fetch(c);
		if (rc)
			return rc;
		req = canary_req_finish(&c->app->rt, c->conf->name, &err);
		if (req)
			break;
		if (err.msg[0])
			return cmd_fail(EXIT_FAILED, "%s", err.msg);
		if (time_mono_ms() > deadline)
			return cmd_fail(EXIT_FAILED,
					"deploy/%s has not rolled out in %llds: the canary keeps "
					"its pods until it has (run shipdeck canary promote %s "
					"again to wait more)", c->conf->name,
					(long long)(limit / 1000), c->conf->name);
		loop_run_once(c->app->loop, POLL_MS);
	}
	rc = kubecmd_submit(c->app, req, &res);
	snprintf(message, size, "%s", res.message);
	return rc;
}

/* start, promote, abort: one change through the gate. */
static int act(struct canary_cmd *c)
{
	struct kubecmd_result res = { 0 };
	struct action_req *req;
	struct release r;
	struct err err;
	char *target, *from, *to, message[1024];
	bool promote = !strcmp(c->sub, "promote");
	int rc = fetch(c);

	if (rc)
		return rc;
	read_release(c, &r);
	if (promote && r.phase == RELEASE_PROMOTING && !r.blue_green) {
		rc = finish_promotion(c, message, sizeof message);
		print_action(c, r.canary_name, rc == EXIT_OK, NULL, NULL, message);
		return rc;
	}
	req = !strcmp(c->sub, "start") ? canary_req_start(&c->app->rt, c->conf->name, c->tag, &err)
		: promote ? canary_req_promote(&c->app->rt, c->conf->name, NULL, &err)
		: canary_req_abort(&c->app->rt, c->conf->name, NULL, &err);
	if (!req) {
		print_action(c, NULL, false, NULL, NULL, err.msg);
		return cmd_fail(EXIT_FAILED, "%s %s: %s", c->sub, c->conf->name, err.msg);
	}
	target = xstrdup(req->target);
	from = req->from ? xstrdup(req->from) : NULL;
	to = req->to ? xstrdup(req->to) : NULL;
	rc = kubecmd_submit(c->app, req, &res);
	snprintf(message, sizeof message, "%s", res.message);
	if (rc == EXIT_OK && promote && !r.blue_green && r.weight < 100
	    && r.step + 1 < (int)c->conf->nsteps && c->conf->steps[r.step + 1] == 100) {
		if (!c->json)
			printf("%s\n", message);
		rc = finish_promotion(c, message, sizeof message);
	}
	print_action(c, target, rc == EXIT_OK, from, to, message);
	free(target);
	free(from);
	free(to);
	return rc;
}

/* ---- --auto: the console's controller, without the screen */

static void print_new(struct canary_cmd *c, unsigned *seen_analyses, unsigned *seen_decisions)
{
	const struct canary_app_state *st = store_canary_app(&c->app->store.canary, c->conf->name);
	char when[40];

	if (!st)
		return;
	if (st->analyses != *seen_analyses && st->last) {
		*seen_analyses = st->analyses;
		if (c->json) {
			cJSON *o = canary_json_result(c->conf->name, st->last);

			cJSON_AddStringToObject(o, "event", "analysis");
			canary_json_put(o);
		} else {
			printf("%s %s: %s\n",
			       time_format_rfc3339((time_t)(st->last->end_ms / 1000), when,
						   sizeof when),
			       canary_verdict_name(st->last->verdict),
			       st->last->summary ? st->last->summary : "");
		}
	}
	/* history is newest first: print what came since, oldest first */
	for (unsigned n = st->decisions - *seen_decisions; n > 0; n--) {
		const struct canary_decision *d;

		if (n > st->nhistory)
			continue;
		d = &st->history[n - 1];
		if (c->json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "event", "decision");
			cJSON_AddStringToObject(o, "time",
						time_format_rfc3339((time_t)(d->time_ms / 1000),
								    when, sizeof when));
			cJSON_AddStringToObject(o, "text", d->text);
			canary_json_put(o);
		} else {
			printf("  → %s\n", d->text);
		}
	}
	*seen_decisions = st->decisions;
	fflush(stdout);
}

static int wait_cluster(struct canary_cmd *c)
{
	int64_t deadline = time_mono_ms() + SYNC_LIMIT_MS;
	const struct source_status *s = &c->app->store.status.sources[SOURCE_KUBE];

	while (s->state != SOURCE_READY) {
		if (s->state == SOURCE_FAILED || time_mono_ms() > deadline)
			return cmd_fail(EXIT_USAGE, "%s", s->message ? s->message
					: "the cluster did not answer");
		loop_run_once(c->app->loop, POLL_MS);
	}
	return EXIT_OK;
}

static int auto_run(struct canary_cmd *c)
{
	struct app *app = c->app;
	struct kubecmd_result res;
	struct action_req *req;
	struct release r;
	struct err err;
	unsigned seen_a = 0, seen_d = 0;
	int64_t deadline = c->timeout_ms ? time_mono_ms() + c->timeout_ms : 0;
	int rc;

	if (c->conf->strategy == RELEASE_BLUE_GREEN)
		return cmd_fail(EXIT_USAGE,
				"--auto: a blue/green release switches by hand (promote); the "
				"console's A watches a switch and switches back on FAIL");
	if (!app->project.prometheus)
		return cmd_fail(EXIT_USAGE, "--auto: no Prometheus: set prometheus: in %s",
				app->project.path ? app->project.path : ".shipdeck.yml");
	rc = kube_source_start(&app->rt, &err);
	if (rc == 1)
		return cmd_fail(EXIT_USAGE,
				"no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or create "
				"~/.kube/config");
	if (rc)
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	rc = wait_cluster(c);
	if (rc)
		return rc;
	if (strcmp(c->sub, "analyze")) {
		req = !strcmp(c->sub, "start")
			? canary_req_start(&app->rt, c->conf->name, c->tag, &err)
			: canary_req_promote(&app->rt, c->conf->name, NULL, &err);
		if (!req)
			return cmd_fail(EXIT_FAILED, "%s %s: %s", c->sub, c->conf->name, err.msg);
		rc = kubecmd_submit(app, req, &res);
		if (rc)
			return rc;
		if (!c->json)
			printf("%s\n", res.message);
	}
	/* the watch brings what the change did */
	for (int64_t until = time_mono_ms() + SYNC_LIMIT_MS;;) {
		read_release(c, &r);
		if (r.phase == RELEASE_RUNNING || r.phase == RELEASE_PROMOTING)
			break;
		if (!strcmp(c->sub, "analyze") || time_mono_ms() > until)
			return cmd_fail(EXIT_FAILED,
					"nothing to analyse: no canary of %s runs (%s)",
					c->conf->name, r.problem[0] ? r.problem
					: release_phase_name(r.phase));
		loop_run_once(app->loop, POLL_MS);
	}
	req = canary_req_auto(&app->rt, c->conf->name, true, &err);
	if (!req)
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	gate_submit_unattended(&app->rt, req, NULL, NULL);
	if (canary_ctl_start(&app->rt, c->conf->name, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	for (;;) {
		loop_run_once(app->loop, POLL_MS);
		print_new(c, &seen_a, &seen_d);
		read_release(c, &r);
		if (r.phase == RELEASE_PROMOTED || r.phase == RELEASE_ABORTED)
			break;
		if (deadline && time_mono_ms() > deadline) {
			rc = cmd_fail(EXIT_MARGINAL,
				      "no decision in %llds: the canary of %s stays at %d%%",
				      (long long)(c->timeout_ms / 1000), c->conf->name, r.weight);
			break;
		}
	}
	/* the decision's own request may still be under way */
	while (app->rt.actions_running && !loop_stopped(app->loop))
		loop_run_once(app->loop, POLL_MS);
	print_new(c, &seen_a, &seen_d);
	/* the loop ran since: r's pointers into the store may be stale */
	read_release(c, &r);
	if (c->json) {
		cJSON *o = canary_json_release(&r);

		cJSON_AddStringToObject(o, "event", "end");
		canary_json_put(o);
	} else if (!deadline || r.phase == RELEASE_PROMOTED || r.phase == RELEASE_ABORTED) {
		printf("canary of %s %s\n", c->conf->name, release_phase_name(r.phase));
	}
	if (r.phase == RELEASE_PROMOTED)
		return EXIT_OK;
	return r.phase == RELEASE_ABORTED ? EXIT_FAILED : rc;
}

/* A Flagger Canary's status; -1 when there is none and !must (the
 * caller says what else it knows). */
static int flagger_status(struct app *app, const char *name, bool must)
{
	bool not_found;
	struct err err;
	int rc;

	if (must) {
		rc = kubecmd_open(app);
		if (rc)
			return rc;
	} else {
		/* quietly: without a cluster the caller's message is the one */
		if (kube_client_open(&app->rt, &app->rt.kube, &err))
			return -1;
		kube_source_publish_target(app->rt.kube);
	}
	rc = cmd_flagger_status(app, name, &not_found);
	if (not_found && must)
		return cmd_fail(EXIT_FAILED, "no Flagger Canary \"%s\" in namespace %s", name,
				app->rt.kube->namespace);
	return not_found ? -1 : rc;
}

static const char usage[] = "usage: shipdeck canary start APP TAG | status APP | analyze APP | "
			    "promote APP | abort APP [--auto] [--timeout D]";

static int canary_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = {
		{ .name = "--auto" },
		{ .name = "--timeout", .takes_value = true },
		{ 0 },
	};
	struct canary_cmd c = { .app = app, .json = app->opts.json };
	static const char *const subs[] = { "start", "status", "analyze", "promote", "abort" };
	static const enum action_id acts[] = { ACTION_CANARY_START, ACTION_NONE, ACTION_NONE,
					       ACTION_PROMOTE, ACTION_ABORT };
	enum action_id act_id = ACTION_NONE;
	struct err err;
	size_t k;
	int rc;

	if (cmd_parse_flags(args, flags, "canary", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc < 2)
		return cmd_fail(EXIT_USAGE, "%s", usage);
	for (k = 0; k < 5 && strcmp(args->argv[0], subs[k]); k++)
		;
	if (k == 5)
		return cmd_fail(EXIT_USAGE, "canary: unknown '%s' (%s)", args->argv[0], usage);
	c.sub = subs[k];
	act_id = acts[k];
	if (args->argc != (k == 0 ? 3 : 2))
		return cmd_fail(EXIT_USAGE, "%s", usage);
	c.tag = k == 0 ? args->argv[2] : NULL;
	if (flags[0].set && (k == 1 || k == 4))
		return cmd_fail(EXIT_USAGE, "--auto goes with start, analyze or promote");
	if (flags[1].set) {
		c.timeout_ms = time_parse_duration_ms(flags[1].value);
		if (c.timeout_ms <= 0)
			return cmd_fail(EXIT_USAGE,
					"--timeout: expected a duration like 90s or 5m, found '%s'",
					flags[1].value);
	}
	if (flags[0].set && act_id == ACTION_NONE)
		act_id = ACTION_AUTO_ANALYSIS;
	if (act_id != ACTION_NONE && gate_check(&app->rt, act_id))
		return cmd_fail(EXIT_READ_ONLY, "read-only: %s disabled",
				action_info(act_id)->name);
	if (k == 1 && !strncmp(args->argv[1], "canary/", 7))
		return flagger_status(app, args->argv[1] + 7, true);
	if (sources_open_repo(app, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	c.conf = project_app(&app->project, args->argv[1]);
	/* not one of ours: a Flagger Canary of that name, when there is one */
	if (!c.conf && k == 1 && (rc = flagger_status(app, args->argv[1], false)) >= 0)
		return rc;
	if (!c.conf && !app->project.path) {
		char hint[4600];

		return cmd_fail(EXIT_USAGE, "no apps: %s",
				cmd_project_hint(app, "apps:", hint, sizeof hint));
	}
	if (!c.conf) {
		struct release r;

		canary_release(&app->rt, args->argv[1], &r, &err);
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	}
	if (flags[0].set)
		return auto_run(&c);
	rc = kubecmd_open(app);
	if (rc)
		return rc;
	switch (k) {
	case 1: return status(&c);
	case 2: return analyze(&c);
	default: return act(&c);
	}
}

const struct cmd cmd_canary = {
	.name = "canary",
	.summary = "start, analyse, promote or abort a canary or blue/green release",
	.usage = "canary start APP TAG\n"
		 "canary status APP | canary/NAME   (NAME: a Flagger Canary)\n"
		 "canary analyze APP\n"
		 "canary promote APP\n"
		 "canary abort APP\n"
		 "canary start|analyze|promote APP --auto [--timeout D]",
	.run = canary_run,
};
