/* shipdeck rollout status|history|watch|undo|pause|resume|restart DEPLOY:
 * kubectl's rollout commands, with the same words and exit codes, plus a
 * line-per-change watch for CI logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd/argo.h"
#include "cmd/kubecmd.h"
#include "kube/fetch.h"
#include "kube/status.h"
#include "kube/undo.h"
#include "kube/watch.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static const char *ns_of(struct app *app)
{
	return app->rt.kube->namespace;
}

/* Reads the deployment (and its replica sets); an exit code. */
static int fetch(struct app *app, const char *name)
{
	struct err err;
	int rc = kube_fetch_deployment(app->rt.kube, ns_of(app), name, &err);

	if (rc)
		return cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
	return EXIT_OK;
}

/* The namespace's pods, so that watch starts by showing them. */
static int fetch_pods(struct app *app)
{
	void **items;
	size_t n;
	struct err err;
	int rc = kube_fetch_list(app->rt.kube, KUBE_PODS, ns_of(app), NULL, &items, &n, &err);

	if (rc)
		return cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		struct store_event ev = { .domain = STORE_KUBE };

		ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_PODS,
					       .obj = items[i] };
		app_apply(app, &ev);
	}
	free(items);
	return EXIT_OK;
}

static const struct kube_deployment *deployment(struct app *app, const char *name)
{
	return store_kube_deployment(&app->store.kube, ns_of(app), name);
}

static void print_json(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
	fflush(stdout);
}

/* ---- history */

static int history(struct app *app, const char *name)
{
	const struct kube_replicaset *rss[256];
	const struct kube_deployment *d;
	struct kubecmd_table t = { .ncols = 2 };
	size_t n;
	int rc = fetch(app, name);

	if (rc)
		return rc;
	d = deployment(app, name);
	n = store_kube_replicasets_of(&app->store.kube, d, rss, 256);
	if (app->opts.json) {
		cJSON *o = cJSON_CreateObject(), *revs;

		cJSON_AddStringToObject(o, "deployment", name);
		cJSON_AddStringToObject(o, "namespace", ns_of(app));
		revs = cJSON_AddArrayToObject(o, "revisions");
		for (size_t i = n; i-- > 0;) {
			cJSON *r = cJSON_CreateObject();

			cJSON_AddNumberToObject(r, "revision", (double)rss[i]->revision);
			cJSON_AddStringToObject(r, "replicaSet", rss[i]->meta.name);
			cJSON_AddStringToObject(r, "images", rss[i]->images ? rss[i]->images : "");
			if (rss[i]->change_cause)
				cJSON_AddStringToObject(r, "changeCause", rss[i]->change_cause);
			else
				cJSON_AddNullToObject(r, "changeCause");
			cJSON_AddBoolToObject(r, "current", rss[i]->revision == d->revision);
			cJSON_AddItemToArray(revs, r);
		}
		print_json(o);
		return EXIT_OK;
	}
	printf("deployment.apps/%s \n", name);
	kubecmd_table_row(&t, (const char *const[]){ "REVISION", "CHANGE-CAUSE" });
	for (size_t i = n; i-- > 0;) {
		char rev[24];

		snprintf(rev, sizeof rev, "%ld", rss[i]->revision);
		kubecmd_table_row(&t, (const char *const[]){
			rev, rss[i]->change_cause && *rss[i]->change_cause ? rss[i]->change_cause
									   : "<none>" });
	}
	/* kubectl pads this table by 2, not 3 as in get */
	for (size_t r = 0; r < t.nrows; r++)
		printf("%-10s%s\n", t.cells[r * 2], t.cells[r * 2 + 1]);
	putchar('\n');
	kubecmd_table_free(&t);
	return EXIT_OK;
}

/* ---- status and watch: a watch on the deployment (and for watch, its
 * replica sets and pods) until the rollout is done, failed or timed out */

struct follow {
	struct app *app;
	const char *name;
	bool pods;                  /* watch: print pod changes too */
	char last[512];             /* last status message printed */
	char *last_deploy_line;
	char **pod_lines;           /* "name\tstate" of the last print, sorted */
	size_t npod_lines;
	enum kube_rollout_state state;
	bool have_state;
	bool timed_out;
};

/* The time of a line: HH:MM:SS for people, RFC 3339 in JSON. */
static void clock_text(const struct app *app, char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	if (app->opts.json) {
		time_format_rfc3339(now, buf, size);
		return;
	}
	localtime_r(&now, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

static long pod_revision(struct app *app, const struct kube_pod *p)
{
	const struct kube_replicaset *rs = p->owner
		? store_kube_find(&app->store.kube, KUBE_REPLICASETS, p->meta.namespace, p->owner)
		: NULL;

	return rs ? rs->revision : 0;
}

static bool pod_of(struct app *app, const struct kube_pod *p, const struct kube_deployment *d)
{
	const struct kube_replicaset *rs = p->owner
		? store_kube_find(&app->store.kube, KUBE_REPLICASETS, p->meta.namespace, p->owner)
		: NULL;

	return rs && rs->owner && !strcmp(rs->owner, d->meta.name);
}

static void print_pod(struct follow *f, const struct kube_pod *p, const char *change)
{
	char now[40];

	clock_text(f->app, now, sizeof now);
	if (f->app->opts.json) {
		cJSON *o = cJSON_CreateObject();
		char ready[32];

		snprintf(ready, sizeof ready, "%u/%u", p->ready, p->total);
		cJSON_AddStringToObject(o, "time", now);
		cJSON_AddStringToObject(o, "kind", "pod");
		cJSON_AddStringToObject(o, "change", change);
		cJSON_AddStringToObject(o, "name", p->meta.name);
		cJSON_AddNumberToObject(o, "revision", (double)pod_revision(f->app, p));
		cJSON_AddStringToObject(o, "status", p->status ? p->status : "");
		cJSON_AddStringToObject(o, "ready", ready);
		cJSON_AddNumberToObject(o, "restarts", p->restarts);
		print_json(o);
		return;
	}
	printf("%s pod %s %s rev %ld %s ready %u/%u restarts %d\n", now, p->meta.name, change,
	       pod_revision(f->app, p), p->status ? p->status : "", p->ready, p->total,
	       p->restarts);
	fflush(stdout);
}

/* Pod lines that changed since the last look, as "added/changed/deleted". */
static void pods_diff(struct follow *f, const struct kube_deployment *d)
{
	const struct kube_table *t = &f->app->store.kube.tables[KUBE_PODS];
	char **now = xcalloc(t->n + 1, sizeof *now);
	size_t n = 0, i = 0, j = 0;

	for (size_t k = 0; k < t->n; k++) {
		const struct kube_pod *p = t->items[k];

		if (pod_of(f->app, p, d))
			now[n++] = xasprintf("%s\t%s %u/%u %d", p->meta.name,
					     p->status ? p->status : "",
					     p->ready, p->total, p->restarts);
	}
	/* both lists are sorted by pod name (the store's order) */
	while (i < f->npod_lines || j < n) {
		size_t la = i < f->npod_lines ? strcspn(f->pod_lines[i], "\t") : 0;
		size_t lb = j < n ? strcspn(now[j], "\t") : 0;
		int c = i >= f->npod_lines ? 1 : j >= n ? -1
			: strncmp(f->pod_lines[i], now[j], la > lb ? la : lb);
		char *name;

		if (c < 0) {
			name = xstrndup(f->pod_lines[i], la);
			if (f->app->opts.json) {
				cJSON *o = cJSON_CreateObject();
				char clock[40];

				clock_text(f->app, clock, sizeof clock);
				cJSON_AddStringToObject(o, "time", clock);
				cJSON_AddStringToObject(o, "kind", "pod");
				cJSON_AddStringToObject(o, "change", "deleted");
				cJSON_AddStringToObject(o, "name", name);
				print_json(o);
			} else {
				char clock[40];

				clock_text(f->app, clock, sizeof clock);
				printf("%s pod %s deleted\n", clock, name);
				fflush(stdout);
			}
			free(name);
			i++;
		} else {
			name = xstrndup(now[j], lb);
			if (c > 0 || strcmp(f->pod_lines[i], now[j]))
				print_pod(f, store_kube_find(&f->app->store.kube, KUBE_PODS,
							     d->meta.namespace, name),
					  c > 0 ? "added" : "changed");
			free(name);
			if (c == 0)
				i++;
			j++;
		}
	}
	for (size_t k = 0; k < f->npod_lines; k++)
		free(f->pod_lines[k]);
	free(f->pod_lines);
	f->pod_lines = now;
	f->npod_lines = n;
}

static void print_deploy(struct follow *f, const struct kube_deployment *d, const char *msg)
{
	char clock[40], *line;

	line = xasprintf("rev %ld ready %d/%d up-to-date %d available %d%s", d->revision, d->ready,
			 d->replicas, d->updated, d->available, d->paused ? " paused" : "");
	if (f->last_deploy_line && !strcmp(line, f->last_deploy_line) && !strcmp(msg, f->last)) {
		free(line);
		return;
	}
	free(f->last_deploy_line);
	f->last_deploy_line = line;
	clock_text(f->app, clock, sizeof clock);
	if (f->app->opts.json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "time", clock);
		cJSON_AddStringToObject(o, "kind", "deployment");
		cJSON_AddStringToObject(o, "name", d->meta.name);
		cJSON_AddNumberToObject(o, "revision", (double)d->revision);
		cJSON_AddNumberToObject(o, "replicas", d->replicas);
		cJSON_AddNumberToObject(o, "ready", d->ready);
		cJSON_AddNumberToObject(o, "updated", d->updated);
		cJSON_AddNumberToObject(o, "available", d->available);
		cJSON_AddBoolToObject(o, "paused", d->paused);
		cJSON_AddStringToObject(o, "message", msg);
		print_json(o);
		return;
	}
	printf("%s deploy/%s %s  %s\n", clock, d->meta.name, line, msg);
	fflush(stdout);
}

static void follow_check(void *ctx)
{
	struct follow *f = ctx;
	const struct kube_deployment *d = deployment(f->app, f->name);
	char msg[512];

	if (!d)
		return;
	f->state = kube_rollout_status(d, msg, sizeof msg);
	f->have_state = true;
	if (f->pods) {
		print_deploy(f, d, msg);
		pods_diff(f, d);
	} else if (strcmp(msg, f->last) && !f->app->opts.json && f->state != KUBE_ROLLOUT_FAILED) {
		puts(msg);
		fflush(stdout);
	}
	snprintf(f->last, sizeof f->last, "%s", msg);
}

static void on_timeout(void *ctx)
{
	struct follow *f = ctx;

	f->timed_out = true;
}

/* keep: go on past the end of a rollout, for the next one (watch --follow),
 * until the timeout or a signal. */
static int follow(struct app *app, const char *name, bool pods, bool keep, const char *timeout)
{
	struct follow f = { .app = app, .name = name, .pods = pods };
	struct kube_watch *w[3] = { 0 };
	char *fs = xasprintf("metadata.name=%s", name);
	int64_t timeout_ms = 0;
	uint64_t timer = 0;
	int rc;

	if (timeout && (timeout_ms = time_parse_duration_ms(timeout)) < 0) {
		free(fs);
		return cmd_fail(EXIT_USAGE, "--timeout '%s': expected a duration like 90s or 5m",
				timeout);
	}
	rc = fetch(app, name);
	if (!rc && pods)
		rc = fetch_pods(app);
	if (rc) {
		free(fs);
		return rc;
	}
	follow_check(&f);
	if (f.state == KUBE_ROLLOUT_WAITING || keep) {
		w[0] = kube_watch_start(app->rt.kube, &(struct kube_watch_opts){
			.res = KUBE_DEPLOYMENTS, .namespace = ns_of(app), .field_selector = fs,
			.changed = follow_check, .ctx = &f });
		if (pods) {
			w[1] = kube_watch_start(app->rt.kube, &(struct kube_watch_opts){
				.res = KUBE_REPLICASETS, .namespace = ns_of(app),
				.changed = follow_check, .ctx = &f });
			w[2] = kube_watch_start(app->rt.kube, &(struct kube_watch_opts){
				.res = KUBE_PODS, .namespace = ns_of(app),
				.changed = follow_check, .ctx = &f });
		}
		if (timeout_ms > 0)
			timer = loop_timer_add(app->loop, timeout_ms, on_timeout, &f);
		while ((f.state == KUBE_ROLLOUT_WAITING || keep) && !f.timed_out
		       && !loop_stopped(app->loop))
			loop_run_once(app->loop, -1);
		if (timer && !f.timed_out)
			loop_timer_cancel(app->loop, timer);
		for (int i = 0; i < 3; i++)
			kube_watch_stop(&w[i]);
	}
	if (app->opts.json && !pods) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "deployment", name);
		cJSON_AddStringToObject(o, "namespace", ns_of(app));
		cJSON_AddStringToObject(o, "status", f.timed_out ? "timeout"
					: f.state == KUBE_ROLLOUT_DONE ? "complete" : "failed");
		cJSON_AddStringToObject(o, "message", f.last);
		print_json(o);
	}
	free(fs);
	free(f.last_deploy_line);
	for (size_t k = 0; k < f.npod_lines; k++)
		free(f.pod_lines[k]);
	free(f.pod_lines);
	if (f.timed_out && f.state == KUBE_ROLLOUT_WAITING)
		return cmd_fail(EXIT_FAILED, "timed out waiting for the condition");
	if (f.state == KUBE_ROLLOUT_FAILED)
		return app->opts.json ? EXIT_FAILED : cmd_fail(EXIT_FAILED, "%s", f.last);
	return EXIT_OK;
}

/* ---- undo, pause, resume, restart */

static int report(struct app *app, const char *action, const char *name,
		  const struct action_req *req, int code, const struct kubecmd_result *r)
{
	if (app->opts.json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "deployment", name);
		cJSON_AddStringToObject(o, "namespace", ns_of(app));
		cJSON_AddStringToObject(o, "action", action);
		cJSON_AddBoolToObject(o, "ok", code == EXIT_OK);
		if (req && req->from)
			cJSON_AddStringToObject(o, "from", req->from);
		if (req && req->to)
			cJSON_AddStringToObject(o, "to", req->to);
		cJSON_AddStringToObject(o, "message", r->message);
		print_json(o);
	} else if (code == EXIT_OK) {
		puts(r->message);
	}
	return code;
}

/* Runs req; from/to are copied first for the report (the gate frees req). */
static int submit(struct app *app, const char *action, const char *name,
		  struct action_req *req, struct kubecmd_result *r)
{
	struct action_req shown = { .from = req->from ? xstrdup(req->from) : NULL,
				    .to = req->to ? xstrdup(req->to) : NULL };
	int code = kubecmd_submit(app, req, r);

	code = report(app, action, name, &shown, code, r);
	free(shown.from);
	free(shown.to);
	return code;
}

static int undo(struct app *app, const char *name, const char *to_rev, bool dry_run)
{
	struct kubecmd_result r;
	struct action_req *req;
	struct err err;
	long rev = 0;
	bool skipped;
	int rc;

	if ((rc = kubecmd_revision(to_rev, &rev)))
		return rc;
	rc = fetch(app, name);
	if (rc)
		return rc;
	req = kube_req_rollback(&app->rt, ns_of(app), name, rev, &skipped, &err);
	if (!req) {
		if (!skipped)
			return cmd_fail(EXIT_FAILED, "%s", err.msg);
		snprintf(r.message, sizeof r.message, "deployment.apps/%s %s", name, err.msg);
		return report(app, "rollback", name, NULL, EXIT_OK, &r);
	}
	if (dry_run) {
		if (app->opts.json) {
			cJSON *o = cJSON_CreateObject(), *diff = NULL;

			cJSON_AddStringToObject(o, "deployment", name);
			cJSON_AddStringToObject(o, "namespace", ns_of(app));
			cJSON_AddStringToObject(o, "action", "rollback");
			cJSON_AddBoolToObject(o, "dryRun", true);
			cJSON_AddStringToObject(o, "from", req->from);
			cJSON_AddStringToObject(o, "to", req->to);
			diff = cJSON_AddArrayToObject(o, "diff");
			for (size_t i = 0; i < req->ndetails; i++)
				cJSON_AddItemToArray(diff, cJSON_CreateString(req->details[i]));
			print_json(o);
		} else {
			printf("deployment.apps/%s would roll back (dry run)\n  from: %s\n  to:   "
			       "%s\n", name, req->from, req->to);
			for (size_t i = 0; i < req->ndetails; i++)
				printf("    %s\n", req->details[i]);
		}
		action_req_free(req);
		return EXIT_OK;
	}
	return submit(app, "rollback", name, req, &r);
}

static int simple(struct app *app, const char *verb, const char *name)
{
	enum action_id action = !strcmp(verb, "restart") ? ACTION_RESTART : ACTION_PAUSE_RESUME;
	struct kubecmd_result r;
	struct action_req *req;
	struct err err;
	int rc;

	rc = fetch(app, name);
	if (rc)
		return rc;
	if (action == ACTION_RESTART)
		req = kube_req_restart(&app->rt, ns_of(app), name, &err);
	else
		req = kube_req_pause(&app->rt, ns_of(app), name, !strcmp(verb, "pause"), &err);
	if (!req) {
		/* kubectl: pausing a paused deployment is no error */
		if (action == ACTION_PAUSE_RESUME && strstr(err.msg, "is already")) {
			snprintf(r.message, sizeof r.message, "%s", err.msg);
			return report(app, verb, name, NULL, EXIT_OK, &r);
		}
		return cmd_fail(EXIT_FAILED, "%s", err.msg);
	}
	return submit(app, verb, name, req, &r);
}

/* Mutating verbs stop in read-only mode before any request (a dry-run undo
 * changes nothing): the exit code, or 0 to go on. */
static int refuse_read_only(struct app *app, const char *verb, bool dry_run)
{
	if (!strcmp(verb, "undo") && !dry_run && gate_check(&app->rt, ACTION_ROLLBACK))
		return cmd_fail(EXIT_READ_ONLY, "read-only: rollback disabled");
	if ((!strcmp(verb, "pause") || !strcmp(verb, "resume"))
	    && gate_check(&app->rt, ACTION_PAUSE_RESUME))
		return cmd_fail(EXIT_READ_ONLY, "read-only: pause-resume disabled");
	if (!strcmp(verb, "restart") && gate_check(&app->rt, ACTION_RESTART))
		return cmd_fail(EXIT_READ_ONLY, "read-only: restart disabled");
	return 0;
}

static int rollout_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = {
		{ .name = "--timeout", .takes_value = true },
		{ .name = "--to-revision", .takes_value = true },
		{ .name = "--dry-run" },
		{ .name = "--follow" },
		{ .name = "--no-follow" },
		{ 0 },
	};
	bool keep;
	const char *verb, *name;
	struct err err;
	int rc;

	if (cmd_parse_flags(args, flags, "rollout", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc != 2)
		return cmd_fail(EXIT_USAGE,
				"usage: shipdeck rollout "
				"status|history|watch|undo|pause|resume|restart DEPLOY");
	verb = args->argv[0];
	if (strcmp(verb, "status") && strcmp(verb, "history") && strcmp(verb, "watch")
	    && strcmp(verb, "undo") && strcmp(verb, "pause") && strcmp(verb, "resume")
	    && strcmp(verb, "restart"))
		return cmd_fail(EXIT_USAGE, "unknown rollout command '%s' (status, history, watch, "
				"undo, pause, resume, restart)", verb);
	if ((flags[1].set || flags[2].set) && strcmp(verb, "undo"))
		return cmd_fail(EXIT_USAGE, "%s is only for rollout undo",
				flags[1].set ? "--to-revision" : "--dry-run");
	if ((flags[3].set || flags[4].set) && strcmp(verb, "watch"))
		return cmd_fail(EXIT_USAGE, "%s is only for rollout watch",
				flags[3].set ? "--follow" : "--no-follow");
	if (flags[3].set && flags[4].set)
		return cmd_fail(EXIT_USAGE, "--follow and --no-follow: give one");
	/* a person at a terminal watches for the next rollout too; a script
	 * (piped, or --json) gets the end of this one, unless it asks */
	keep = flags[3].set || (!flags[4].set && !app->opts.json && isatty(STDOUT_FILENO));
	if (flags[0].set && strcmp(verb, "status") && strcmp(verb, "watch"))
		return cmd_fail(EXIT_USAGE, "--timeout is only for rollout status and watch");
	name = cmd_argo_rollout_name(args->argv[1]);
	if (name) {
		if (strcmp(verb, "status") && strcmp(verb, "watch") && strcmp(verb, "undo")
		    && strcmp(verb, "restart"))
			return cmd_fail(EXIT_USAGE, "rollout %s: not for Argo Rollouts (status, "
					"watch, undo, restart)", verb);
		if (flags[3].set)
			return cmd_fail(EXIT_USAGE, "--follow is only for deployments");
		if ((rc = refuse_read_only(app, verb, flags[2].set)))
			return rc;
		return cmd_argo_rollout(app, verb, name, flags[0].value, flags[1].value,
					flags[2].set);
	}
	name = kubecmd_deploy_arg(args->argv[1]);
	if (!name)
		return EXIT_USAGE;
	if ((rc = refuse_read_only(app, verb, flags[2].set)))
		return rc;
	rc = kubecmd_open(app);
	if (rc)
		return rc;
	if (!strcmp(verb, "status"))
		return follow(app, name, false, false, flags[0].value);
	if (!strcmp(verb, "watch"))
		return follow(app, name, true, keep, flags[0].value);
	if (!strcmp(verb, "history"))
		return history(app, name);
	if (!strcmp(verb, "undo"))
		return undo(app, name, flags[1].value, flags[2].set);
	return simple(app, verb, name);
}

const struct cmd cmd_rollout = {
	.name = "rollout",
	.summary = "watch, inspect and undo rolling updates",
	.usage = "rollout status|history|watch DEPLOY [--timeout D]\n"
		 "rollout watch DEPLOY [--follow | --no-follow]   (on past each rollout: the "
		 "default in a terminal, without --json)\n"
		 "rollout undo DEPLOY [--to-revision N] [--dry-run]\n"
		 "rollout status|watch rollout/NAME [--timeout D]   (Argo Rollouts)\n"
		 "rollout undo rollout/NAME [--to-revision N] [--dry-run]\n"
		 "rollout pause|resume|restart DEPLOY",
	.run = rollout_run,
};
