/* shipdeck rollout status|watch|undo rollout/NAME, and canary status of a
 * Flagger Canary. status waits while the Rollout is Progressing and ends
 * on Healthy or Paused (exit 0) or Degraded (exit 1); watch prints a line
 * (a JSON line with --json) on every change until Healthy or Degraded. */
#include "cmd/argo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cmd/kubecmd.h"
#include "kube/argo_ops.h"
#include "kube/discover.h"
#include "kube/fetch.h"
#include "kube/watch.h"
#include "store/argo.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { MAX_RUNS = 32, MAX_PODS = 256 };

const char *cmd_argo_rollout_name(const char *word)
{
	static const char *const kinds[] = { "rollout/", "rollouts/", "ro/",
					     "rollouts.argoproj.io/" };

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		size_t n = strlen(kinds[i]);

		if (!strncmp(word, kinds[i], n))
			return word[n] ? word + n : NULL;
	}
	return NULL;
}

static const char *ns_of(struct app *app)
{
	return app->rt.kube->namespace;
}

static void sync_into(struct app *app, enum kube_resource res, void **items, size_t n)
{
	struct store_event ev = { .domain = STORE_KUBE };

	ev.kube = (struct kube_event){ .type = KUBE_EV_SYNC, .res = res, .objs = items,
				       .nobjs = n };
	app_apply(app, &ev);
}

/* Lists res in the namespace into the store: an exit code. */
static int list_into(struct app *app, enum kube_resource res, const char *query)
{
	void **items;
	size_t n;
	struct err err;
	int rc = kube_fetch_list(app->rt.kube, res, ns_of(app), query, &items, &n, &err);

	if (rc)
		return cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
	sync_into(app, res, items, n);
	return EXIT_OK;
}

/* Whether the cluster serves res; an exit code after saying why not. */
static int served(struct app *app, enum kube_resource res, const char *what, bool quiet)
{
	struct err err;
	bool yes;
	int rc = kube_discover_sync(app->rt.kube, res, &yes, &err);

	if (rc)
		return cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
	if (!yes)
		return quiet ? EXIT_FAILED : cmd_fail(EXIT_FAILED, "the cluster serves no %s (%s)",
						      what, kube_resource_group(res));
	return EXIT_OK;
}

static int fetch(struct app *app, const char *name, bool *have_runs)
{
	char *fs = kube_query_escape(name), *q = xasprintf("fieldSelector=metadata.name%%3D%s", fs);
	int rc = served(app, KUBE_ROLLOUTS, "Argo Rollouts", false);

	free(fs);
	if (!rc)
		rc = list_into(app, KUBE_ROLLOUTS, q);
	free(q);
	if (!rc && !store_kube_find(&app->store.kube, KUBE_ROLLOUTS, ns_of(app), name))
		rc = cmd_fail(EXIT_FAILED, "rollout \"%s\" not found in namespace %s", name,
			      ns_of(app));
	if (!rc)
		rc = list_into(app, KUBE_REPLICASETS, NULL);
	if (!rc)
		rc = list_into(app, KUBE_PODS, NULL);
	*have_runs = !rc && !served(app, KUBE_ANALYSISRUNS, "AnalysisRuns", true);
	if (!rc && *have_runs)
		rc = list_into(app, KUBE_ANALYSISRUNS, NULL);
	return rc;
}

static const struct kube_rollout *rollout(struct app *app, const char *name)
{
	return store_kube_find(&app->store.kube, KUBE_ROLLOUTS, ns_of(app), name);
}

/* "a, b" → ["a","b"] */
static cJSON *strings_json(const char *joined)
{
	cJSON *a = cJSON_CreateArray();
	const char *p = joined;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		char *s = xstrndup(p, n);

		cJSON_AddItemToArray(a, cJSON_CreateString(s));
		free(s);
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return a;
}

static int pods_ready(const struct store_kube *k, const struct kube_replicaset *rs, int *ready)
{
	const struct kube_pod *pods[MAX_PODS];
	size_t n = store_kube_pods_of(k, rs, pods, MAX_PODS);

	*ready = 0;
	for (size_t i = 0; i < n; i++)
		*ready += (pods[i]->conditions & KUBE_POD_READY) != 0;
	return (int)n;
}

static cJSON *runs_json(struct app *app, const struct kube_rollout *ro)
{
	const struct kube_analysisrun *runs[MAX_RUNS];
	size_t n = store_argo_analysisruns_of(&app->store.kube, ro, runs, MAX_RUNS);
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateObject(), *ms = NULL;

		cJSON_AddStringToObject(r, "name", runs[i]->meta.name);
		cJSON_AddNumberToObject(r, "revision", (double)runs[i]->revision);
		cJSON_AddStringToObject(r, "phase", runs[i]->phase ? runs[i]->phase : "");
		if (runs[i]->message)
			cJSON_AddStringToObject(r, "message", runs[i]->message);
		ms = cJSON_AddArrayToObject(r, "metrics");
		for (size_t j = 0; j < runs[i]->nmetrics; j++) {
			const struct kube_analysis_metric *m = &runs[i]->metrics[j];
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", m->name);
			cJSON_AddStringToObject(o, "phase", m->phase ? m->phase : "");
			cJSON_AddNumberToObject(o, "count", m->count);
			cJSON_AddNumberToObject(o, "successful", m->successful);
			cJSON_AddNumberToObject(o, "failed", m->failed);
			cJSON_AddNumberToObject(o, "inconclusive", m->inconclusive);
			cJSON_AddNumberToObject(o, "error", m->errors);
			cJSON_AddStringToObject(o, "values", m->values ? m->values : "");
			if (m->message)
				cJSON_AddStringToObject(o, "message", m->message);
			cJSON_AddItemToArray(ms, o);
		}
		cJSON_AddItemToArray(arr, r);
	}
	return arr;
}

/* One Rollout with what the plugin's `get rollout` shows: status and
 * message, strategy, step, weights, images, replicas, and each replica
 * set by revision with its role. */
static cJSON *rollout_json(struct app *app, const struct kube_rollout *ro)
{
	struct kube_rollout_info in;
	cJSON *o = cJSON_CreateObject(), *reps, *rss;

	store_argo_rollout_info(&app->store.kube, ro, &in);
	cJSON_AddStringToObject(o, "rollout", ro->meta.name);
	cJSON_AddStringToObject(o, "namespace", ro->meta.namespace);
	cJSON_AddStringToObject(o, "status", in.phase);
	cJSON_AddStringToObject(o, "message", in.message);
	cJSON_AddStringToObject(o, "strategy", ro->blue_green ? "BlueGreen" : "Canary");
	if (in.has_step) {
		cJSON_AddNumberToObject(o, "step", in.step);
		cJSON_AddNumberToObject(o, "steps", in.nsteps);
	}
	if (!ro->blue_green) {
		cJSON_AddNumberToObject(o, "setWeight", in.set_weight);
		cJSON_AddNumberToObject(o, "actualWeight", in.actual_weight);
	}
	cJSON_AddBoolToObject(o, "paused", ro->paused || ro->pause_reasons);
	cJSON_AddItemToObject(o, "pauseReasons", strings_json(ro->pause_reasons));
	cJSON_AddBoolToObject(o, "aborted", ro->abort);
	cJSON_AddItemToObject(o, "images", strings_json(ro->images));
	reps = cJSON_AddObjectToObject(o, "replicas");
	cJSON_AddNumberToObject(reps, "desired", ro->replicas);
	cJSON_AddNumberToObject(reps, "current", ro->status_replicas);
	cJSON_AddNumberToObject(reps, "updated", ro->updated);
	cJSON_AddNumberToObject(reps, "ready", ro->ready);
	cJSON_AddNumberToObject(reps, "available", ro->available);
	cJSON_AddStringToObject(o, "stableRS", in.stable ? in.stable->meta.name : "");
	cJSON_AddStringToObject(o, "canaryRS", in.canary ? in.canary->meta.name : "");
	rss = cJSON_AddArrayToObject(o, "replicaSets");
	for (size_t i = 0; i < in.nrs; i++) {
		const struct kube_rollout_rs *e = &in.rss[i];
		cJSON *r = cJSON_CreateObject();
		int ready, npods = pods_ready(&app->store.kube, e->rs, &ready);

		cJSON_AddStringToObject(r, "name", e->rs->meta.name);
		cJSON_AddNumberToObject(r, "revision", (double)e->rs->revision);
		cJSON_AddStringToObject(r, "role", kube_rs_role_name(e->role));
		if (ro->blue_green)
			cJSON_AddBoolToObject(r, "stable", e->stable);
		cJSON_AddStringToObject(r, "status", e->health);
		cJSON_AddNumberToObject(r, "replicas", e->rs->replicas);
		cJSON_AddNumberToObject(r, "available", e->rs->available);
		cJSON_AddNumberToObject(r, "pods", npods);
		cJSON_AddNumberToObject(r, "podsReady", ready);
		cJSON_AddItemToObject(r, "images", strings_json(e->rs->images));
		cJSON_AddItemToArray(rss, r);
	}
	cJSON_AddItemToObject(o, "analysisRuns", runs_json(app, ro));
	return o;
}

static void put_json(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
	fflush(stdout);
}

/* "Paused — CanaryPauseStep · canary step 1/4 · weight 25% (actual 25%)" */
static char *summary(struct app *app, const struct kube_rollout *ro)
{
	struct kube_rollout_info in;
	char *s, *safe;

	store_argo_rollout_info(&app->store.kube, ro, &in);
	if (ro->blue_green)
		s = xasprintf("%s%s%s \xc2\xb7 blue/green \xc2\xb7 active %s \xc2\xb7 preview %s",
			      in.phase, *in.message ? " \xe2\x80\x94 " : "", in.message,
			      ro->active_hash ? ro->active_hash : "-",
			      ro->preview_hash ? ro->preview_hash : "-");
	else if (in.has_step)
		s = xasprintf("%s%s%s \xc2\xb7 canary step %d/%d \xc2\xb7 weight %d%% (actual "
			      "%d%%)",
			      in.phase, *in.message ? " \xe2\x80\x94 " : "", in.message, in.step,
			      in.nsteps, in.set_weight, in.actual_weight);
	else
		s = xasprintf("%s%s%s \xc2\xb7 canary \xc2\xb7 weight %d%% (actual %d%%)", in.phase,
			      *in.message ? " \xe2\x80\x94 " : "", in.message, in.set_weight,
			      in.actual_weight);
	safe = text_safe(s);
	free(s);
	return safe;
}

static void print_text(struct app *app, const struct kube_rollout *ro)
{
	struct kube_rollout_info in;
	const struct kube_analysisrun *runs[MAX_RUNS];
	struct kubecmd_table t = { .ncols = 7 };
	char *line = summary(app, ro);
	size_t nruns;

	store_argo_rollout_info(&app->store.kube, ro, &in);
	printf("rollout/%s (namespace %s): %s\n", ro->meta.name, ro->meta.namespace, line);
	free(line);
	printf("replicas: desired %d, current %d, updated %d, ready %d, available %d\n",
	       ro->replicas, ro->status_replicas, ro->updated, ro->ready, ro->available);
	kubecmd_table_row(&t, (const char *const[]){ "REVISION", "REPLICASET", "ROLE", "STATUS",
						     "REPLICAS", "AVAILABLE", "IMAGES" });
	for (size_t i = 0; i < in.nrs; i++) {
		const struct kube_rollout_rs *e = &in.rss[i];
		char rev[24], reps[24], avail[24];

		snprintf(rev, sizeof rev, "%ld", e->rs->revision);
		snprintf(reps, sizeof reps, "%d", e->rs->replicas);
		snprintf(avail, sizeof avail, "%d", e->rs->available);
		kubecmd_table_row(&t, (const char *const[]){
			rev, e->rs->meta.name, *kube_rs_role_name(e->role)
			? kube_rs_role_name(e->role) : "-", e->health, reps, avail,
			e->rs->images ? e->rs->images : "" });
	}
	kubecmd_table_print(&t, stdout);
	kubecmd_table_free(&t);
	nruns = store_argo_analysisruns_of(&app->store.kube, ro, runs, MAX_RUNS);
	for (size_t i = 0; i < nruns; i++) {
		char *msg = text_safe(runs[i]->message ? runs[i]->message : "");

		printf("analysis %s (revision %ld): %s%s%s\n", runs[i]->meta.name,
		       runs[i]->revision,
		       runs[i]->phase ? runs[i]->phase : "Pending", *msg ? " \xe2\x80\x94 " : "",
		       msg);
		free(msg);
		for (size_t j = 0; j < runs[i]->nmetrics; j++) {
			const struct kube_analysis_metric *m = &runs[i]->metrics[j];
			char *vals = text_safe(m->values ? m->values : "");

			printf("  %s: %s, %d measured, %d ok, %d failed: %s\n", m->name,
			       m->phase ? m->phase : "", m->count, m->successful, m->failed, vals);
			free(vals);
		}
	}
	fflush(stdout);
}

/* ---- status and watch */

struct follow {
	struct app *app;
	const char *name;
	bool watch;                 /* a line per change, until Healthy or Degraded */
	bool keep;                  /* --follow: on past the end */
	char *last;                 /* the last line printed (JSON without its time) */
	const char *phase;          /* of the last look */
	bool timed_out;
};

static bool settled(const struct follow *f)
{
	if (!f->phase)
		return false;
	if (!strcmp(f->phase, "Healthy") || !strcmp(f->phase, "Degraded"))
		return !f->keep;
	return !f->watch && !strcmp(f->phase, "Paused");
}

static void look(void *ctx)
{
	struct follow *f = ctx;
	const struct kube_rollout *ro = rollout(f->app, f->name);
	struct kube_rollout_info in;
	char *line, clock[40];
	time_t now = time(NULL);

	if (!ro)
		return;
	store_argo_rollout_info(&f->app->store.kube, ro, &in);
	f->phase = in.phase;
	if (!f->watch)
		return;
	if (f->app->opts.json) {
		cJSON *o = rollout_json(f->app, ro);
		char *s = cJSON_PrintUnformatted(o);

		line = xstrdup(s);
		cJSON_free(s);
		if (f->last && !strcmp(f->last, line)) {
			free(line);
			cJSON_Delete(o);
			return;
		}
		time_format_rfc3339(now, clock, sizeof clock);
		cJSON_AddStringToObject(o, "time", clock);
		put_json(o);
	} else {
		struct tm tm;
		char *sum = summary(f->app, ro);

		line = xasprintf("%s \xc2\xb7 stable %s \xc2\xb7 canary %s", sum,
				 in.stable ? in.stable->meta.name : "-",
				 in.canary ? in.canary->meta.name : "-");
		free(sum);
		if (f->last && !strcmp(f->last, line)) {
			free(line);
			return;
		}
		localtime_r(&now, &tm);
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
		printf("%s rollout/%s %s\n", clock, f->name, line);
		fflush(stdout);
	}
	free(f->last);
	f->last = line;
}

static void on_timeout(void *ctx)
{
	((struct follow *)ctx)->timed_out = true;
}

static int follow(struct app *app, const char *name, bool watch, bool keep, const char *timeout)
{
	static const enum kube_resource kinds[] = { KUBE_ROLLOUTS, KUBE_REPLICASETS, KUBE_PODS,
						    KUBE_ANALYSISRUNS };
	struct follow f = { .app = app, .name = name, .watch = watch, .keep = keep };
	struct kube_watch *w[4] = { 0 };
	char *fs = xasprintf("metadata.name=%s", name);
	int64_t timeout_ms = 0;
	uint64_t timer = 0;
	bool have_runs;
	int rc;

	if (timeout && (timeout_ms = time_parse_duration_ms(timeout)) < 0) {
		free(fs);
		return cmd_fail(EXIT_USAGE, "--timeout '%s': expected a duration like 90s or 5m",
				timeout);
	}
	rc = fetch(app, name, &have_runs);
	if (rc) {
		free(fs);
		return rc;
	}
	look(&f);
	if (!settled(&f)) {
		for (size_t i = 0; i < 4; i++) {
			if (kinds[i] == KUBE_ANALYSISRUNS && !have_runs)
				continue;
			/* pods count only in watch's lines */
			if (kinds[i] == KUBE_PODS && !watch)
				continue;
			w[i] = kube_watch_start(app->rt.kube, &(struct kube_watch_opts){
				.res = kinds[i], .namespace = ns_of(app),
				.field_selector = kinds[i] == KUBE_ROLLOUTS ? fs : NULL,
				.changed = look, .ctx = &f });
		}
		if (timeout_ms > 0)
			timer = loop_timer_add(app->loop, timeout_ms, on_timeout, &f);
		while (!settled(&f) && !f.timed_out && !loop_stopped(app->loop))
			loop_run_once(app->loop, -1);
		if (timer && !f.timed_out)
			loop_timer_cancel(app->loop, timer);
		for (size_t i = 0; i < 4; i++)
			kube_watch_stop(&w[i]);
	}
	free(fs);
	free(f.last);
	if (!watch) {
		const struct kube_rollout *ro = rollout(app, name);

		if (ro && app->opts.json) {
			cJSON *o = rollout_json(app, ro);

			if (f.timed_out)
				cJSON_AddBoolToObject(o, "timedOut", true);
			put_json(o);
		} else if (ro) {
			print_text(app, ro);
		}
	}
	if (f.timed_out && !settled(&f))
		return cmd_fail(EXIT_FAILED, "timed out waiting for rollout/%s (status %s)", name,
				f.phase ? f.phase : "unknown");
	if (f.phase && !strcmp(f.phase, "Degraded")) {
		const struct kube_rollout *ro = rollout(app, name);

		return cmd_fail(EXIT_FAILED, "rollout/%s is degraded: %s", name,
				ro && ro->message ? ro->message : "");
	}
	return EXIT_OK;
}

/* The --json answer of a change to rollout NAME: what was asked (ACTION),
 * whether it took, FROM and TO (NULL: not known), whether it was a dry run
 * (only where one can be asked for: DRY_RUN NULL) and the message. */
static void put_change_json(struct app *app, const char *name, const char *action, bool ok,
			    const char *from, const char *to, const bool *dry_run,
			    const char *message)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "rollout", name);
	cJSON_AddStringToObject(o, "namespace", ns_of(app));
	cJSON_AddStringToObject(o, "action", action);
	cJSON_AddBoolToObject(o, "ok", ok);
	if (dry_run)
		cJSON_AddBoolToObject(o, "dryRun", *dry_run);
	if (from)
		cJSON_AddStringToObject(o, "from", from);
	if (to)
		cJSON_AddStringToObject(o, "to", to);
	cJSON_AddStringToObject(o, "message", message);
	put_json(o);
}

/* ---- undo */

static int undo(struct app *app, const char *name, const char *to_rev, bool dry_run)
{
	struct kubecmd_result r;
	struct action_req *req;
	struct err err;
	long rev = 0;
	bool skipped, have_runs;
	int rc, code;
	char *from, *to;

	if ((rc = kubecmd_revision(to_rev, &rev)))
		return rc;
	rc = fetch(app, name, &have_runs);
	if (rc)
		return rc;
	req = kube_req_argo_undo(&app->rt, ns_of(app), name, rev, &skipped, &err);
	if (!req) {
		if (!skipped)
			return cmd_fail(EXIT_FAILED, "%s", err.msg);
		if (app->opts.json)
			put_change_json(app, name, "rollback", true, NULL, NULL, NULL, err.msg);
		else
			printf("rollout '%s' %s\n", name, err.msg);
		return EXIT_OK;
	}
	from = xstrdup(req->from);
	to = xstrdup(req->to);
	if (dry_run) {
		printf("rollout '%s' would be undone (dry run)\n  from: %s\n  to:   %s\n", name,
		       from, to);
		for (size_t i = 0; i < req->ndetails; i++)
			printf("    %s\n", req->details[i]);
		action_req_free(req);
		code = EXIT_OK;
	} else {
		code = kubecmd_submit(app, req, &r);
		if (app->opts.json)
			put_change_json(app, name, "rollback", code == EXIT_OK, from, to, NULL,
					r.message);
		else if (code == EXIT_OK)
			puts(r.message);
	}
	free(from);
	free(to);
	return code;
}

/* ---- restart */

static int restart(struct app *app, const char *name)
{
	struct kubecmd_result r;
	struct action_req *req;
	struct err err;
	bool have_runs;
	int rc = fetch(app, name, &have_runs);

	if (rc)
		return rc;
	req = kube_req_argo_restart(&app->rt, ns_of(app), name, &err);
	if (!req)
		return cmd_fail(EXIT_FAILED, "%s", err.msg);
	rc = kubecmd_submit(app, req, &r);
	if (app->opts.json)
		put_change_json(app, name, "restart", rc == EXIT_OK, NULL, NULL, NULL, r.message);
	else if (rc == EXIT_OK)
		puts(r.message);
	return rc;
}

/* ---- set image */

int cmd_argo_set_image(struct app *app, const char *name, const char *container,
		       const char *image, bool dry_run)
{
	const struct kube_rollout *ro;
	struct kubecmd_result r;
	struct action_req *req;
	struct err err;
	bool have_runs;
	char *from, *to;
	int rc = kubecmd_open(app);

	if (!rc)
		rc = fetch(app, name, &have_runs);
	ro = rc ? NULL : rollout(app, name);
	/* a template held by a Deployment (spec.workloadRef): that one too */
	if (ro && ro->workload_ref)
		rc = kube_fetch_deployment(app->rt.kube, ns_of(app), ro->workload_ref, &err) == 0
			? 0
			: cmd_fail(EXIT_FAILED, "%s", err.msg);
	if (rc)
		return rc;
	req = kube_req_argo_set_image(&app->rt, ns_of(app), name, container, image, &err);
	if (!req)
		return cmd_fail(EXIT_FAILED, "%s", err.msg);
	from = xstrdup(req->from);
	to = xstrdup(req->to);
	if (!strcmp(from, to) || dry_run) {
		/* nothing to change, or asked not to: no request */
		const char *eq = strchr(to, '=');
		char *msg = dry_run ? xstrdup("dry run: nothing changed")
			: xasprintf("rollout \"%s\" already on %s", name, eq ? eq + 1 : to);

		if (app->opts.json)
			put_change_json(app, name, "deploy", true, from, to, &dry_run, msg);
		else if (dry_run)
			printf("rollout \"%s\" would change (dry run)\n  from: %s\n  to:   %s\n",
			       name, from, to);
		else
			puts(msg);
		free(msg);
		action_req_free(req);
		rc = EXIT_OK;
	} else {
		rc = kubecmd_submit(app, req, &r);
		if (app->opts.json)
			put_change_json(app, name, "deploy", rc == EXIT_OK, from, to, &dry_run,
					r.message);
		else if (rc == EXIT_OK)
			printf("%s (%s → %s)\n", r.message, from, to);
	}
	free(from);
	free(to);
	return rc;
}

int cmd_argo_rollout(struct app *app, const char *verb, const char *name,
		     const char *timeout, const char *to_revision, bool dry_run)
{
	int rc = kubecmd_open(app);

	if (rc)
		return rc;
	if (!strcmp(verb, "status"))
		return follow(app, name, false, false, timeout);
	if (!strcmp(verb, "watch"))
		return follow(app, name, true, false, timeout);
	if (!strcmp(verb, "undo"))
		return undo(app, name, to_revision, dry_run);
	if (!strcmp(verb, "restart"))
		return restart(app, name);
	return cmd_fail(EXIT_USAGE, "rollout %s: not for Argo Rollouts (status, watch, undo, "
			"restart)", verb);
}

/* ---- Flagger */

static cJSON *flagger_json(const struct kube_flagger_canary *c)
{
	cJSON *o = cJSON_CreateObject();
	char when[40] = "";

	if (c->last_transition)
		time_format_rfc3339((time_t)c->last_transition, when, sizeof when);
	cJSON_AddStringToObject(o, "canary", c->meta.name);
	cJSON_AddStringToObject(o, "namespace", c->meta.namespace);
	cJSON_AddStringToObject(o, "controller", "flagger");
	cJSON_AddStringToObject(o, "target", c->target ? c->target : "");
	cJSON_AddStringToObject(o, "strategy", c->blue_green ? "blue-green" : "canary");
	cJSON_AddStringToObject(o, "phase", c->phase ? c->phase : "");
	cJSON_AddNumberToObject(o, "weight", c->weight);
	cJSON_AddNumberToObject(o, "failedChecks", c->failed_checks);
	cJSON_AddNumberToObject(o, "threshold", c->threshold);
	cJSON_AddNumberToObject(o, "iterations", c->done_iterations);
	cJSON_AddNumberToObject(o, "iterationsWanted", c->iterations);
	cJSON_AddStringToObject(o, "lastTransition", when);
	cJSON_AddStringToObject(o, "message", c->message ? c->message : "");
	return o;
}

int cmd_flagger_status(struct app *app, const char *name, bool *not_found)
{
	char *fs = kube_query_escape(name), *q = xasprintf("fieldSelector=metadata.name%%3D%s", fs);
	const struct kube_flagger_canary *c;
	struct err err;
	bool yes;
	int rc;

	*not_found = false;
	free(fs);
	rc = kube_discover_sync(app->rt.kube, KUBE_CANARIES, &yes, &err);
	if (rc == 2) {
		free(q);
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	}
	if (rc || !yes) {
		free(q);
		*not_found = true;
		return EXIT_FAILED;
	}
	rc = list_into(app, KUBE_CANARIES, q);
	free(q);
	if (rc)
		return rc;
	c = store_kube_find(&app->store.kube, KUBE_CANARIES, ns_of(app), name);
	if (!c) {
		*not_found = true;
		return EXIT_FAILED;
	}
	if (app->opts.json) {
		put_json(flagger_json(c));
	} else {
		char *msg = text_safe(c->message ? c->message : "");
		char when[40] = "-";

		if (c->last_transition)
			time_format_rfc3339((time_t)c->last_transition, when, sizeof when);
		printf("canary/%s (Flagger, namespace %s): %s \xc2\xb7 %s of deploy/%s\n",
		       c->meta.name, c->meta.namespace, c->phase ? c->phase : "(no phase yet)",
		       c->blue_green ? "blue/green" : "canary", c->target ? c->target : "?");
		printf("weight %d%% \xc2\xb7 failed checks %d/%d \xc2\xb7 iterations %d/%d "
		       "\xc2\xb7 last transition %s\n", c->weight, c->failed_checks, c->threshold,
		       c->done_iterations, c->iterations, when);
		if (*msg)
			printf("%s\n", msg);
		free(msg);
	}
	return EXIT_OK;
}
