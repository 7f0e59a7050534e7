/* shipdeck pipeline run|ls|logs|cancel: the local runner without the
 * console, for scripts and CI logs. run streams step states and log lines
 * (JSON lines with --json) and exits 0 only when the build passed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "action/gate.h"
#include "app/sources.h"
#include "ci/history.h"
#include "ci/logfile.h"
#include "ci/record.h"
#include "ci/runner.h"
#include "ci/source.h"
#include "cmd/cmd.h"
#include "cmd/pipeline_lint.h"
#include "cmd/pipeline_remote.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* How lines reach stdout: JSON strings, or text safe for a terminal (colours
 * kept only when stdout is one). */
struct out {
	bool json;
	unsigned text_flags;
};

static void out_init(struct out *o, const struct app *app)
{
	o->json = app->opts.json;
	o->text_flags = TEXT_KEEP_TAB | (isatty(STDOUT_FILENO) ? TEXT_KEEP_SGR : 0);
}

/* Printable ASCII and tabs need no sanitizing: most build output is that,
 * and the sanitizer's per-character work would dominate a flood. */
static bool plain_ascii(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
			return false;
	}
	return true;
}

static char *safe_line(const char *text, size_t len, unsigned flags)
{
	struct strbuf sb = { 0 };

	text_sanitize(text, len, &sb, flags);
	return sb_steal(&sb);
}

static void print_json(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

/* Opens the repository and its history (a build left running by a dead
 * shipdeck is settled as interrupted here, as the console does). */
static int open_ci(struct app *app)
{
	struct err err = { 0 };

	if (sources_open_repo(app, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (!app->repo_root)
		return cmd_fail(EXIT_USAGE, "no repository: run shipdeck inside a git repository "
				"or pass --repo DIR");
	if (ci_source_start(&app->rt, &err))
		return cmd_fail(EXIT_FAILED, "%s", err.msg);
	return EXIT_OK;
}

/* ---- run */

struct run_state {
	struct app *app;
	struct out out;
	int number;
	bool header;
	bool done;
	enum ci_status result;
};

static void print_header(struct run_state *st, const struct ci_build *b)
{
	if (st->header)
		return;
	st->header = true;
	if (st->out.json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "type", "build");
		cJSON_AddNumberToObject(o, "build", b->number);
		cJSON_AddStringToObject(o, "status", ci_status_name(b->status));
		cJSON_AddStringToObject(o, "commit", b->commit);
		cJSON_AddStringToObject(o, "subject", b->subject);
		cJSON_AddStringToObject(o, "branch", b->branch);
		cJSON_AddStringToObject(o, "image_tag", b->image_tag);
		cJSON_AddBoolToObject(o, "tests_only", b->tests_only);
		cJSON_AddStringToObject(o, "work_dir", b->work_dir);
		print_json(o);
	} else {
		char *subject = text_safe(b->subject);

		printf("build %d: %.7s \"%s\" on %s, image tag %s%s\n", b->number, b->commit,
		       subject, *b->branch ? b->branch : "(detached)", b->image_tag,
		       b->tests_only ? " (tests only)" : "");
		free(subject);
	}
}

static void on_step(void *ctx, const struct ci_build *b, const struct ci_step *s)
{
	struct run_state *st = ctx;
	char dur[32];

	print_header(st, b);
	ci_duration_format(ci_span_ms(s->started_ms, s->finished_ms), dur, sizeof dur);
	if (st->out.json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "type", "step");
		cJSON_AddNumberToObject(o, "build", b->number);
		cJSON_AddStringToObject(o, "step", s->key);
		cJSON_AddStringToObject(o, "status", ci_status_name(s->status));
		if (ci_status_done(s->status)) {
			if (s->exit_code >= 0)
				cJSON_AddNumberToObject(o, "exit_code", s->exit_code);
			else
				cJSON_AddNullToObject(o, "exit_code");
			cJSON_AddNumberToObject(o, "duration_ms",
						(double)ci_span_ms(s->started_ms, s->finished_ms));
			if (s->message)
				cJSON_AddStringToObject(o, "message", s->message);
		}
		print_json(o);
	} else if (s->status == CI_RUNNING) {
		printf("-- %s: running\n", s->key);
	} else if (s->status == CI_SKIPPED || (s->status == CI_CANCELLED && !s->started_ms)) {
		printf("-- %s: %s (%s)\n", s->key, ci_status_name(s->status),
		       s->message ? s->message : "not run");
	} else if (s->exit_code >= 0 && s->status != CI_PASSED) {
		printf("-- %s: %s (exit %d) in %s\n", s->key, ci_status_name(s->status),
		       s->exit_code, dur);
	} else if (s->signal) {
		printf("-- %s: %s (signal %d) in %s%s%s\n", s->key, ci_status_name(s->status),
		       s->signal, dur, s->message ? ": " : "", s->message ? s->message : "");
	} else {
		printf("-- %s: %s in %s%s%s\n", s->key, ci_status_name(s->status), dur,
		       s->message ? ": " : "", s->message ? s->message : "");
	}
	fflush(stdout);
}

static void on_lines(void *ctx, const struct ci_build *b, const struct ci_step *s,
		     uint64_t first, const char *text, size_t len)
{
	struct run_state *st = ctx;
	const char *p = text, *end = text + len;
	struct strbuf out = { 0 };

	print_header(st, b);
	for (uint64_t no = first; p < end; no++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (st->out.json) {
			char *line = safe_line(p, n, TEXT_KEEP_TAB);
			cJSON *o = cJSON_CreateObject();
			char *js;

			cJSON_AddStringToObject(o, "type", "log");
			cJSON_AddNumberToObject(o, "build", b->number);
			cJSON_AddStringToObject(o, "step", s->key);
			cJSON_AddNumberToObject(o, "line", (double)no);
			cJSON_AddStringToObject(o, "text", line);
			js = cJSON_PrintUnformatted(o);
			sb_puts(&out, js);
			sb_putc(&out, '\n');
			cJSON_free(js);
			cJSON_Delete(o);
			free(line);
		} else {
			sb_puts(&out, s->key);
			sb_puts(&out, " | ");
			if (plain_ascii(p, n))
				sb_append(&out, p, n);
			else
				text_sanitize(p, n, &out, st->out.text_flags);
			sb_putc(&out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	fwrite(out.s ? out.s : "", 1, out.len, stdout);
	fflush(stdout);
	sb_free(&out);
}

static void on_done(void *ctx, const struct ci_build *b)
{
	struct run_state *st = ctx;
	char dur[32];

	if (b->number != st->number && st->number)
		return;
	print_header(st, b);
	ci_duration_format(ci_span_ms(b->started_ms, b->finished_ms), dur, sizeof dur);
	if (st->out.json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "type", "build");
		cJSON_AddNumberToObject(o, "build", b->number);
		cJSON_AddStringToObject(o, "status", ci_status_name(b->status));
		cJSON_AddStringToObject(o, "image_tag", b->image_tag);
		cJSON_AddNumberToObject(o, "duration_ms",
					(double)ci_span_ms(b->started_ms, b->finished_ms));
		if (b->message)
			cJSON_AddStringToObject(o, "message", b->message);
		print_json(o);
	} else {
		printf("build %d %s in %s%s%s\n", b->number, ci_status_name(b->status), dur,
		       b->message ? ": " : "", b->message ? b->message : "");
	}
	fflush(stdout);
	st->done = true;
	st->result = b->status;
}

/* Ctrl-C cancels the build (TERM, then KILL): no step outlives the command. */
static void on_interrupt(void *ctx, int signo)
{
	struct run_state *st = ctx;
	char why[64];

	snprintf(why, sizeof why, "interrupted (%s)", strsignal(signo));
	if (st->app->rt.ci && st->number)
		ci_runner_cancel(st->app->rt.ci, st->number, why, NULL, NULL);
}

static int cmd_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = { { .name = "--tests" },
				    { .name = "--commit", .takes_value = true },
				    { .name = "--in-place" }, { .name = NULL } };
	struct run_state st = { 0 };
	struct ci_run_result result = { 0 };
	struct ci_hooks hooks = { .step = on_step, .lines = on_lines, .done = on_done, .ctx = &st };
	enum action_id action;
	struct err err = { 0 };
	int code;

	if (cmd_parse_flags(args, flags, "pipeline run", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc)
		return cmd_fail(EXIT_USAGE, "pipeline run: unexpected '%s'", args->argv[0]);
	action = flags[0].set ? ACTION_RUN_TESTS : ACTION_RUN_PIPELINE;
	if (app->opts.read_only)
		return cmd_fail(EXIT_READ_ONLY, "read-only: %s disabled",
				action_info(action)->name);
	if ((code = open_ci(app)))
		return code;
	st.app = app;
	out_init(&st.out, app);
	ci_runner_set_hooks(app->rt.ci, &hooks);
	loop_signal_watch(app->loop, SIGINT, on_interrupt, &st);
	loop_signal_watch(app->loop, SIGTERM, on_interrupt, &st);
	loop_signal_watch(app->loop, SIGHUP, on_interrupt, &st);
	gate_submit_unattended(&app->rt, ci_action_run(&app->rt, flags[0].set, flags[1].value,
						       flags[2].set, "cli", &result), NULL, NULL);
	if (!result.number) {
		const char *msg = app->store.status.message;

		return cmd_fail(result.config_error ? EXIT_USAGE : EXIT_FAILED, "%s",
				msg ? msg : "the build did not start");
	}
	st.number = result.number;
	loop_run(app->loop, &st.done);
	return st.result == CI_PASSED ? EXIT_OK : EXIT_FAILED;
}

/* ---- ls */

static int cmd_ls(struct app *app, struct cmd_args *args)
{
	const struct store_ci *ci = &app->store.ci;
	int code;

	if (args->argc)
		return cmd_fail(EXIT_USAGE, "pipeline ls: unexpected '%s'", args->argv[0]);
	if ((code = open_ci(app)))
		return code;
	if (app->opts.json) {
		cJSON *o = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(o, "builds");

		cJSON_AddStringToObject(o, "repo", app->repo_root);
		for (size_t i = 0; i < ci->nbuilds; i++)
			cJSON_AddItemToArray(list, ci_record_to_json(ci->builds[i]));
		print_json(o);
		return EXIT_OK;
	}
	if (!ci->nbuilds) {
		printf("no builds yet: shipdeck pipeline run\n");
		return EXIT_OK;
	}
	printf("%-6s %-12s %-8s %-16s %-14s %-9s %-20s %s\n", "BUILD", "STATUS", "COMMIT",
	       "BRANCH", "TRIGGER", "DURATION", "IMAGE TAG", "SUBJECT");
	for (size_t i = 0; i < ci->nbuilds; i++) {
		const struct ci_build *b = ci->builds[i];
		char dur[32], trigger[32];
		char *subject = text_safe(b->subject ? b->subject : "");
		char *branch = text_safe(b->branch && *b->branch ? b->branch : "-");

		ci_duration_format(ci_span_ms(b->started_ms, b->finished_ms), dur, sizeof dur);
		snprintf(trigger, sizeof trigger, "%s%s", b->trigger ? b->trigger : "-",
			 b->tests_only ? " tests" : "");
		printf("%-6d %-12s %-8.7s %-16s %-14s %-9s %-20s %s\n", b->number,
		       ci_status_name(b->status), b->commit ? b->commit : "-", branch, trigger,
		       ci_status_done(b->status) ? dur : "-", b->image_tag ? b->image_tag : "-",
		       subject);
		free(subject);
		free(branch);
	}
	return EXIT_OK;
}

/* ---- logs */

enum { LOG_BATCH = 4096 };

static void print_step_log(const struct ci_history *h, const struct ci_build *b,
			   const struct ci_step *s, const struct out *o, bool header,
			   bool *first_json)
{
	char *log = ci_history_log_path(h, b->number, s->key);
	char *times = ci_history_times_path(h, b->number, s->key);
	struct log_read_line *lines = xcalloc(LOG_BATCH, sizeof *lines);
	bool final = ci_status_done(s->status);
	struct log_reader rd;
	uint64_t at = 0;
	size_t got;

	log_reader_open(&rd, log, times);
	if (o->json) {
		cJSON *item = cJSON_CreateString(s->key);
		char *key = cJSON_PrintUnformatted(item);

		cJSON_Delete(item);

		printf("%s{\"step\":%s,\"status\":\"%s\",\"exit_code\":", *first_json ? "" : ",",
		       key, ci_status_name(s->status));
		if (s->exit_code >= 0)
			printf("%d", s->exit_code);
		else
			printf("null");
		printf(",\"lines\":[");
		cJSON_free(key);
		*first_json = false;
	} else if (header) {
		printf("-- %s: %s\n", s->key, ci_status_name(s->status));
	}
	while ((got = log_reader_lines(&rd, at, LOG_BATCH, final, lines)) > 0) {
		for (size_t i = 0; i < got; i++) {
			size_t len = strlen(lines[i].text);
			char *line = !o->json && plain_ascii(lines[i].text, len)
				? xstrdup(lines[i].text)
				: safe_line(lines[i].text, len,
					    o->json ? TEXT_KEEP_TAB : o->text_flags);

			if (o->json) {
				cJSON *str = cJSON_CreateString(line);
				char *js = cJSON_PrintUnformatted(str);

				printf("%s%s", at + i ? "," : "", js);
				cJSON_free(js);
				cJSON_Delete(str);
			} else {
				printf("%s%s\n", line, lines[i].cut ? " …" : "");
			}
			free(line);
		}
		log_read_lines_free(lines, got);
		at += got;
	}
	if (o->json)
		printf("]}");
	log_reader_close(&rd);
	free(lines);
	free(log);
	free(times);
}

static int parse_number(const char *word, int *n)
{
	char *end;
	long v = strtol(word, &end, 10);

	if (*end || end == word || v <= 0 || v > 1000000000)
		return -1;
	*n = (int)v;
	return 0;
}

static int cmd_logs(struct app *app, struct cmd_args *args)
{
	const struct ci_history *h;
	struct ci_build *b;
	struct out o;
	struct err err = { 0 };
	bool first_json = true;
	int n, code;

	if (args->argc < 1 || args->argc > 2 || parse_number(args->argv[0], &n))
		return cmd_fail(EXIT_USAGE, "usage: shipdeck pipeline logs N [STEP]");
	if ((code = open_ci(app)))
		return code;
	h = ci_runner_history(app->rt.ci);
	b = ci_history_read(h, n, &err);
	if (!b)
		return cmd_fail(EXIT_FAILED, "no build %d in this repository's history", n);
	ci_history_settle(h, b, false);
	if (args->argc == 2 && !ci_build_step(b, args->argv[1])) {
		struct strbuf names = { 0 };

		for (size_t i = 0; i < b->nsteps; i++)
			sb_printf(&names, "%s%s", i ? ", " : "", b->steps[i].key);
		code = cmd_fail(EXIT_FAILED, "build %d has no step '%s' (steps: %s)", n,
				args->argv[1], sb_str(&names));
		sb_free(&names);
		ci_build_free(b);
		return code;
	}
	out_init(&o, app);
	if (o.json)
		printf("{\"build\":%d,\"status\":\"%s\",\"steps\":[", b->number,
		       ci_status_name(b->status));
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct ci_step *s = &b->steps[i];

		if (args->argc == 2 && strcmp(s->key, args->argv[1]))
			continue;
		if (!s->started_ms && args->argc == 1)
			continue;   /* skipped steps have no log */
		print_step_log(h, b, s, &o, args->argc == 1, &first_json);
	}
	if (o.json)
		printf("]}\n");
	ci_build_free(b);
	return EXIT_OK;
}

/* ---- cancel */

static int cmd_cancel(struct app *app, struct cmd_args *args)
{
	struct ci_build *b;
	bool failed;
	int n, code;

	if (args->argc != 1 || parse_number(args->argv[0], &n))
		return cmd_fail(EXIT_USAGE, "usage: shipdeck pipeline cancel N");
	if (app->opts.read_only)
		return cmd_fail(EXIT_READ_ONLY, "read-only: cancel disabled");
	if ((code = open_ci(app)))
		return code;
	gate_submit_unattended(&app->rt, ci_action_cancel(&app->rt, n), NULL, NULL);
	while (app->rt.actions_running > 0 && !loop_stopped(app->loop))
		loop_run_once(app->loop, -1);
	failed = app->store.status.level == STATUS_ERROR;
	b = ci_history_read(ci_runner_history(app->rt.ci), n, NULL);
	if (app->opts.json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "build", n);
		if (b)
			cJSON_AddStringToObject(o, "status", ci_status_name(b->status));
		else
			cJSON_AddNullToObject(o, "status");
		cJSON_AddBoolToObject(o, "ok", !failed);
		cJSON_AddStringToObject(o, "message", app->store.status.message
					? app->store.status.message : "");
		print_json(o);
	} else if (failed) {
		fprintf(stderr, "shipdeck: %s\n", app->store.status.message);
	} else {
		printf("%s\n", app->store.status.message);
	}
	ci_build_free(b);
	return failed ? EXIT_FAILED : EXIT_OK;
}

/* --backend B (or --backend=B) taken out of args: -1 when absent, -2 when
 * its value is not a backend's name. */
static int take_backend(struct cmd_args *args, const char **bad)
{
	int kind = -1, out = 0;

	for (int i = 0; i < args->argc; i++) {
		const char *w = args->argv[i], *v = NULL;

		if (!strcmp(w, "--backend") && i + 1 < args->argc)
			v = args->argv[++i];
		else if (!strncmp(w, "--backend=", 10))
			v = w + 10;
		else if (!strcmp(w, "--backend"))
			v = "";
		if (!v) {
			args->argv[out++] = args->argv[i];
			continue;
		}
		kind = ci_backend_parse(v);
		if (kind < 0) {
			*bad = v;
			return -2;
		}
	}
	args->argc = out;
	return kind;
}

static int run(struct app *app, struct cmd_args *args)
{
	struct cmd_args rest;
	const char *word = args->argc ? args->argv[0] : "", *bad = NULL;
	int backend;

	rest = (struct cmd_args){ .argc = args->argc ? args->argc - 1 : 0, .argv = args->argv + 1 };
	backend = take_backend(&rest, &bad);
	if (backend == -2)
		return cmd_fail(EXIT_USAGE, "--backend: expected local, github, gitea or drone, "
				"found '%s'", bad);
	if (backend > 0 && strcmp(word, "lint")) {
		struct err err = { 0 };

		/* the project's ci: entries are in .shipdeck.yml */
		if (sources_open_repo(app, &err))
			return cmd_fail(EXIT_USAGE, "%s", err.msg);
		return cmd_pipeline_remote(app, word, &rest, (enum ci_backend_kind)backend);
	}
	if (!strcmp(word, "run"))
		return cmd_run(app, &rest);
	if (!strcmp(word, "ls"))
		return cmd_ls(app, &rest);
	if (!strcmp(word, "logs"))
		return cmd_logs(app, &rest);
	if (!strcmp(word, "cancel"))
		return cmd_cancel(app, &rest);
	if (!strcmp(word, "lint"))
		return cmd_pipeline_lint(app, &rest);
	return cmd_fail(EXIT_USAGE, "usage: shipdeck pipeline run [--tests] [--commit REV] "
			"[--in-place] | ls | logs N [STEP] | cancel N | lint [FILE]; "
			"remote: --backend github|gitea|drone (run N [--failed | --promote ENV])");
}

const struct cmd cmd_pipeline = {
	.name = "pipeline",
	.summary = "run the pipeline file locally, list builds, read logs, cancel, lint the file",
	.usage = "pipeline run [--tests] [--commit REV] [--in-place]\n"
		 "pipeline ls\n"
		 "pipeline logs N [STEP]\n"
		 "pipeline cancel N\n"
		 "pipeline lint [FILE]\n"
		 "pipeline ls|logs N [STEP]|cancel N --backend github|gitea|drone\n"
		 "pipeline run N [--failed | --promote ENV] --backend github|gitea|drone",
	.run = run,
};
