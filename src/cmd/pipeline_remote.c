/* shipdeck pipeline ls|logs|run|cancel --backend github|gitea|drone: the
 * remote CI backend without the console. The same source and actions as the
 * pipeline pane; the loop runs until the answers are in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "action/gate.h"
#include "ci/remote.h"
#include "cmd/cmd.h"
#include "cmd/pipeline_remote.h"
#include "util/jsonout.h"
#include "util/text.h"
#include "util/xalloc.h"

static void wait_idle(struct app *app)
{
	while (ci_remote_busy(&app->rt) && !loop_stopped(app->loop))
		loop_run_once(app->loop, -1);
}

static int start(struct app *app, enum ci_backend_kind kind)
{
	const struct ci_conf *conf = project_ci(&app->project, kind);
	struct err err = { 0 };

	if (!conf)
		return cmd_fail(EXIT_USAGE, "--backend %s: no ci: entry with backend: %s in %s",
				ci_backend_name(kind), ci_backend_name(kind),
				app->project.path ? app->project.path
				: ".shipdeck.yml (none found)");
	if (ci_remote_start(&app->rt, conf, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	wait_idle(app);
	if (app->store.ci.remote.error)
		return cmd_fail(EXIT_FAILED, "%s", app->store.ci.remote.error);
	return EXIT_OK;
}

static const struct ci_build *run_numbered(struct app *app, const char *word)
{
	char *end;
	long n = strtol(word, &end, 10);

	if (*end || end == word || n <= 0)
		return NULL;
	for (size_t i = 0; i < app->store.ci.remote.nruns; i++)
		if (app->store.ci.remote.runs[i]->number == n)
			return app->store.ci.remote.runs[i];
	return NULL;
}

/* A run as --json shows it: what the server said, in our words. */
static cJSON *run_json(const struct ci_build *b)
{
	cJSON *o = cJSON_CreateObject(), *steps;

	cJSON_AddNumberToObject(o, "number", b->number);
	cJSON_AddNumberToObject(o, "id", (double)b->remote_id);
	cJSON_AddStringToObject(o, "status", ci_status_name(b->status));
	json_add_str(o, "commit", b->commit);
	json_add_str(o, "title", b->subject);
	json_add_str(o, "branch", b->branch);
	json_add_str(o, "event", b->event);
	json_add_str(o, "user", b->user);
	json_add_str(o, "workflow", b->pipeline_file);
	json_add_str(o, "html_url", b->html_url);
	cJSON_AddNumberToObject(o, "created_ms", (double)b->created_ms);
	cJSON_AddNumberToObject(o, "started_ms", (double)b->started_ms);
	cJSON_AddNumberToObject(o, "finished_ms", (double)b->finished_ms);
	cJSON_AddNumberToObject(o, "duration_ms",
				(double)ci_span_ms(b->started_ms, b->finished_ms));
	steps = cJSON_AddArrayToObject(o, "steps");
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct ci_step *st = &b->steps[i];
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "key", st->key);
		cJSON_AddStringToObject(j, "name", st->name);
		json_add_str(j, "job", st->ndeps ? st->pipeline : NULL);
		cJSON_AddStringToObject(j, "status", ci_status_name(st->status));
		cJSON_AddNumberToObject(j, "started_ms", (double)st->started_ms);
		cJSON_AddNumberToObject(j, "finished_ms", (double)st->finished_ms);
		cJSON_AddItemToArray(steps, j);
	}
	return o;
}

static int remote_ls(struct app *app)
{
	const struct store_ci_remote *r = &app->store.ci.remote;

	if (app->opts.json) {
		cJSON *o = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(o, "runs");
		char *s;

		cJSON_AddStringToObject(o, "backend", r->backend);
		for (size_t i = 0; i < r->nruns; i++)
			cJSON_AddItemToArray(list, run_json(r->runs[i]));
		s = cJSON_PrintUnformatted(o);
		puts(s);
		cJSON_free(s);
		cJSON_Delete(o);
		return EXIT_OK;
	}
	printf("%s\n", r->backend);
	if (!r->nruns) {
		printf("no runs yet: a push to the repository starts one\n");
		return EXIT_OK;
	}
	printf("%-6s %-12s %-8s %-16s %-14s %-9s %s\n", "RUN", "STATUS", "COMMIT", "BRANCH",
	       "EVENT", "DURATION", "TITLE");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct ci_build *b = r->runs[i];
		char dur[32];
		char *subject = text_safe(b->subject ? b->subject : "");
		char *branch = text_safe(b->branch && *b->branch ? b->branch : "-");
		char *event = text_safe(b->trigger ? b->trigger : "-");

		ci_duration_format(ci_span_ms(b->started_ms, b->finished_ms), dur, sizeof dur);
		printf("%-6d %-12s %-8.7s %-16s %-14s %-9s %s\n", b->number,
		       ci_status_name(b->status), b->commit ? b->commit : "-", branch, event,
		       ci_status_done(b->status) && b->started_ms ? dur : "-", subject);
		free(subject);
		free(branch);
		free(event);
	}
	return EXIT_OK;
}

static int remote_logs(struct app *app, struct cmd_args *args)
{
	const struct ci_build *b;
	int64_t id;
	int printed = 0;
	cJSON *doc = NULL, *jobs = NULL;

	if (args->argc < 1 || args->argc > 2)
		return cmd_fail(EXIT_USAGE, "usage: shipdeck pipeline logs N [STEP] --backend B");
	if (!(b = run_numbered(app, args->argv[0])))
		return cmd_fail(EXIT_FAILED, "%s: no run %s among the newest",
				ci_remote_api(&app->rt)
				->repo, args->argv[0]);
	id = b->remote_id;
	ci_remote_follow(&app->rt, id);
	wait_idle(app);
	if (app->store.ci.remote.error)
		return cmd_fail(EXIT_FAILED, "%s", app->store.ci.remote.error);
	b = store_ci_remote_run(&app->store.ci, id);
	if (app->opts.json) {
		doc = cJSON_CreateObject();
		cJSON_AddNumberToObject(doc, "run", b ? b->number : 0);
		cJSON_AddStringToObject(doc, "status", b ? ci_status_name(b->status) : "");
		jobs = cJSON_AddArrayToObject(doc, "logs");
	}
	for (size_t i = 0; b && i < b->nsteps; i++) {
		const struct ci_step *s = &b->steps[i];
		char lid[300], key[256];
		const struct log_buffer *lb;
		bool drone = ci_remote_api(&app->rt)->kind == CI_BACKEND_DRONE;

		/* the step asked for by key or name; else every log there is:
		 * Actions logs a job whole, Drone each step */
		if (args->argc == 2 ? strcmp(s->key, args->argv[1])
		    && strcmp(s->name, args->argv[1])
				    : drone != (s->ndeps != 0))
			continue;
		snprintf(key, sizeof key, "%s", s->key);
		snprintf(lid, sizeof lid, "remote/%lld/%s", (long long)id, key);
		app_open_log(app, lid);
		wait_idle(app);
		/* a poll may have replaced the run meanwhile: look it up again */
		b = store_ci_remote_run(&app->store.ci, id);
		if (!b || !(s = ci_build_step(b, key)))
			break;
		lb = store_log_find(&app->store.logs, lid);
		if (doc) {
			cJSON *item = cJSON_CreateObject(), *lines;

			cJSON_AddStringToObject(item, "key", s->key);
			cJSON_AddStringToObject(item, "name", s->name);
			cJSON_AddStringToObject(item, "status", ci_status_name(s->status));
			lines = cJSON_AddArrayToObject(item, "lines");
			for (uint64_t k = 0; lb && k < lb->count; k++) {
				char *line = text_safe(log_buffer_line(lb, (size_t)k)->text);

				cJSON_AddItemToArray(lines, cJSON_CreateString(line));
				free(line);
			}
			cJSON_AddItemToArray(jobs, item);
		} else {
			printf("-- %s: %s\n", s->name, ci_status_name(s->status));
			for (uint64_t k = 0; lb && k < lb->count; k++) {
				char *line = text_safe(log_buffer_line(lb, (size_t)k)->text);

				printf("%s\n", line);
				free(line);
			}
		}
		printed++;
	}
	if (doc) {
		char *out = cJSON_PrintUnformatted(doc);

		puts(out);
		cJSON_free(out);
		cJSON_Delete(doc);
	}
	if (!printed && args->argc == 2)
		return cmd_fail(EXIT_FAILED, "run %s has no job or step '%s'", args->argv[0],
				args->argv[1]);
	return EXIT_OK;
}

static int remote_act(struct app *app, struct cmd_args *args, enum remote_op op,
		      const char *target)
{
	const struct ci_build *b;
	struct action_req *req;
	bool failed;

	if (args->argc != 1)
		return cmd_fail(EXIT_USAGE, "usage: shipdeck pipeline %s N --backend B",
				op == REMOTE_CANCEL ? "cancel" : "run");
	if (!(b = run_numbered(app, args->argv[0])))
		return cmd_fail(EXIT_FAILED, "%s: no run %s among the newest",
				ci_remote_api(&app->rt)
				->repo, args->argv[0]);
	if (!(req = ci_remote_action(&app->rt, op, b->remote_id, target)))
		return cmd_fail(EXIT_FAILED, "%s", app->store.status.message);
	gate_submit_unattended(&app->rt, req, NULL, NULL);
	while (app->rt.actions_running > 0 && !loop_stopped(app->loop))
		loop_run_once(app->loop, -1);
	failed = app->store.status.level == STATUS_ERROR;
	if (app->opts.json) {
		cJSON *o = cJSON_CreateObject();
		char *out;

		cJSON_AddNumberToObject(o, "run", atoi(args->argv[0]));
		cJSON_AddBoolToObject(o, "ok", !failed);
		cJSON_AddStringToObject(o, "message", app->store.status.message
					? app->store.status.message : "");
		out = cJSON_PrintUnformatted(o);
		puts(out);
		cJSON_free(out);
		cJSON_Delete(o);
	} else if (failed) {
		fprintf(stderr, "shipdeck: %s\n", app->store.status.message);
	} else {
		printf("%s\n", app->store.status.message);
	}
	return failed ? EXIT_FAILED : EXIT_OK;
}

int cmd_pipeline_remote(struct app *app, const char *word, struct cmd_args *args,
			enum ci_backend_kind kind)
{
	struct cmd_flag flags[] = { { .name = "--failed" },
				    { .name = "--promote", .takes_value = true },
				    { .name = NULL } };
	struct err err = { 0 };
	int code;
	bool mutating = !strcmp(word, "run") || !strcmp(word, "cancel");

	if (cmd_parse_flags(args, flags, "pipeline", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if ((flags[0].set || flags[1].set) && strcmp(word, "run"))
		return cmd_fail(EXIT_USAGE, "--failed and --promote go with pipeline run");
	/* refused before anything is asked of the server */
	if (mutating && app->opts.read_only)
		return cmd_fail(EXIT_READ_ONLY, "read-only: %s disabled",
				!strcmp(word, "cancel") ? "cancel"
				: flags[1].set ? "ci-promote" : "run-pipeline");
	if ((code = start(app, kind)))
		return code;
	if (!strcmp(word, "ls")) {
		if (args->argc)
			return cmd_fail(EXIT_USAGE, "pipeline ls: unexpected '%s'", args->argv[0]);
		return remote_ls(app);
	}
	if (!strcmp(word, "logs"))
		return remote_logs(app, args);
	if (!strcmp(word, "cancel"))
		return remote_act(app, args, REMOTE_CANCEL, NULL);
	if (!strcmp(word, "run"))
		return remote_act(app, args, flags[1].set ? REMOTE_PROMOTE
				  : flags[0].set ? REMOTE_RERUN_FAILED : REMOTE_RERUN,
				  flags[1].value);
	return cmd_fail(EXIT_USAGE, "pipeline %s: not for a remote backend (ls, logs, run, cancel)",
			word);
}
