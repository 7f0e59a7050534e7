/* shipdeck chaos ls | run FILE [--dry-run] | show N: the repository's Chaos
 * Toolkit experiments, checked; one run with its blast radius resolved and
 * limited first, through the same gate and audit log as the console; a past
 * run's journal. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "action/audit.h"
#include "action/gate.h"
#include "app/sources.h"
#include "chaos/blast.h"
#include "chaos/experiment.h"
#include "chaos/journal.h"
#include "chaos/runner.h"
#include "cmd/kubecmd.h"
#include "kube/fetch.h"
#include "util/file.h"
#include "util/text.h"
#include "util/xalloc.h"

static const char usage[] =
	"shipdeck chaos ls                   the experiments in chaos.dir, checked, and past runs\n"
	"shipdeck chaos run FILE [--dry-run] run one with Chaos Toolkit (blast radius checked "
	"first)\n"
	"shipdeck chaos show N               run N: hypothesis before and after, method, rollbacks";

static int open_project(struct app *app)
{
	struct err err;

	if (sources_open_repo(app, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	return 0;
}

static void print_safe(const char *s)
{
	char *safe = text_safe(s);

	puts(safe);
	free(safe);
}

static cJSON *run_record(const char *root, int n)
{
	char *path = xasprintf("%s/%d/run.json", root, n);
	size_t len;
	char *data = file_exists(path) ? file_read_all(path, &len, NULL) : NULL;
	cJSON *o = data ? cJSON_ParseWithLength(data, len) : NULL;

	free(data);
	free(path);
	return cJSON_IsObject(o) ? o : (cJSON_Delete(o), NULL);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static int cmd_ls(struct app *app)
{
	char *dir, **paths = NULL, *tool = chaos_find_tool(), *root = chaos_runs_dir();
	size_t n = 0;
	struct err err;
	int code = EXIT_OK;
	cJSON *doc = cJSON_CreateObject(), *list, *runs;

	if ((code = open_project(app)))
		goto out;
	dir = chaos_experiments_dir(&app->rt);
	if (chaos_experiment_list(dir, &paths, &n, &err)) {
		free(dir);
		code = cmd_fail(EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	list = cJSON_AddArrayToObject(doc, "experiments");
	if (!app->opts.json) {
		if (!n)
			printf("no experiments in %s (chaos.dir of .shipdeck.yml)\n", dir);
		else
			printf("experiments in %s:\n", dir);
	}
	for (size_t i = 0; i < n; i++) {
		struct chaos_experiment x;
		cJSON *o = cJSON_CreateObject();
		const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];

		cJSON_AddStringToObject(o, "file", paths[i]);
		if (chaos_experiment_load(&x, paths[i], &err)) {
			cJSON_AddBoolToObject(o, "valid", false);
			cJSON_AddStringToObject(o, "error", err.msg);
			if (!app->opts.json) {
				char *line = xasprintf("  %-28s INVALID  %s", base, err.msg);

				print_safe(line);
				free(line);
			}
			code = EXIT_USAGE;
		} else {
			cJSON_AddBoolToObject(o, "valid", true);
			cJSON_AddStringToObject(o, "title", x.title);
			cJSON_AddStringToObject(o, "hypothesis", x.hypothesis);
			cJSON_AddNumberToObject(o, "probes", (double)x.nprobes);
			cJSON_AddNumberToObject(o, "method", (double)x.nmethod);
			cJSON_AddNumberToObject(o, "rollbacks", (double)x.nrollbacks);
			if (!app->opts.json) {
				char *line = xasprintf("  %-28s ok       %s (%zu probe%s, %zu "
						       "activit%s, %zu rollback%s)", base, x.title,
						       x.nprobes,
						       x.nprobes == 1 ? "" : "s", x.nmethod,
						       x.nmethod == 1 ? "y" : "ies", x.nrollbacks,
						       x.nrollbacks == 1 ? "" : "s");

				print_safe(line);
				free(line);
			}
			chaos_experiment_free(&x);
		}
		cJSON_AddItemToArray(list, o);
	}
	free(dir);
	runs = cJSON_AddArrayToObject(doc, "runs");
	for (int r = 1, misses = 0; misses < 50; r++) {
		cJSON *rec = run_record(root, r);

		if (!rec) {
			misses++;
			continue;
		}
		misses = 0;
		if (!app->opts.json) {
			char *line = xasprintf("run %d: %s  %s  %s", r, jstr(rec, "status"),
					       jstr(rec, "started"), jstr(rec, "title"));

			if (cJSON_GetArraySize(runs) == 0)
				printf("runs in %s:\n", root);
			print_safe(line);
			free(line);
		}
		cJSON_AddItemToArray(runs, rec);
	}
	if (tool)
		cJSON_AddStringToObject(doc, "chaos", tool);
	else
		cJSON_AddNullToObject(doc, "chaos");
	if (app->opts.json) {
		char *text = cJSON_Print(doc);

		puts(text);
		free(text);
	} else if (!tool) {
		printf("%s\n", chaos_install_hint);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(tool);
	free(root);
	cJSON_Delete(doc);
	return code;
}

static bool seen(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* Reads deployments, replica sets and pods of every namespace the method
 * acts in into the store, so the blast radius is resolved as the console
 * resolves it. */
static int fetch_cluster(struct app *app, const struct chaos_experiment *x)
{
	static const enum kube_resource kinds[] = { KUBE_DEPLOYMENTS, KUBE_REPLICASETS, KUBE_PODS };
	char *nss[32];
	size_t nns = 0;
	int code = EXIT_OK;

	for (size_t i = 0; i < x->nmethod && nns < 32; i++) {
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(x->method[i].arguments, "ns");
		const char *name = cJSON_IsString(ns) && *ns->valuestring ? ns->valuestring
			: "default";

		if (x->method[i].provider == CHAOS_PROVIDER_PYTHON
		    && !strncmp(x->method[i].module, "chaosk8s.", 9) && !seen(nss, nns, name))
			nss[nns++] = xstrdup(name);
	}
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds && !code; k++) {
		struct store_event ev = { .domain = STORE_KUBE };
		void **all = NULL;
		size_t nall = 0;

		for (size_t i = 0; i < nns && !code; i++) {
			void **objs = NULL;
			size_t n = 0;
			struct err err;
			int rc = kube_fetch_list(app->rt.kube, kinds[k], nss[i], NULL, &objs, &n,
						 &err);

			if (rc) {
				code = cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
				break;
			}
			all = xrealloc(all, (nall + n + 1) * sizeof *all);
			memcpy(all + nall, objs, n * sizeof *objs);
			nall += n;
			free(objs);
		}
		ev.kube = (struct kube_event){ .type = KUBE_EV_SYNC, .res = kinds[k], .objs = all,
					       .nobjs = nall };
		if (!all)
			ev.kube.objs = xcalloc(1, sizeof *all);
		app_apply(app, &ev);
	}
	for (size_t i = 0; i < nns; i++)
		free(nss[i]);
	return code;
}

static const char *current_ns(const struct app *app)
{
	const char *ns = app->store.kube.namespace;

	return ns && *ns ? ns : "default";
}

static void on_interrupt(void *ctx, int signo)
{
	(void)signo;
	chaos_run_interrupt(ctx);
}

static int cmd_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = { { .name = "--dry-run" }, { 0 } };
	struct chaos_experiment x = { 0 };
	struct chaos_blast b = { 0 };
	struct err err;
	int code, before;
	size_t printed = 0;
	char *log_id = NULL;
	bool loaded = false, resolved = false;

	if (cmd_parse_flags(args, flags, "chaos run", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc != 1)
		return cmd_fail(EXIT_USAGE, "usage: shipdeck chaos run FILE [--dry-run]");
	if ((code = open_project(app)))
		return code;
	if (chaos_experiment_load(&x, args->argv[0], &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	loaded = true;
	if (!flags[0].set && gate_check(&app->rt, ACTION_CHAOS_RUN)) {
		code = cmd_fail(EXIT_READ_ONLY, "read-only: %s disabled",
				action_info(ACTION_CHAOS_RUN)->name);
		goto out;
	}
	if ((code = kubecmd_open(app)) || (code = fetch_cluster(app, &x)))
		goto out;
	if (chaos_blast_resolve(&x, &app->store.kube, current_ns(app), &app->project.chaos, &b,
				&err)) {
		code = cmd_fail(EXIT_USAGE, "%s: %s", x.path, err.msg);
		goto out;
	}
	resolved = true;
	if (!app->opts.json) {
		printf("experiment: %s (%s)\n", x.title, x.path);
		printf("blast radius: %s\n", b.summary);
		for (size_t i = 0; i < b.nlines; i++)
			printf("  - %s\n", b.lines[i]);
	}
	if (b.refusal) {
		if (!flags[0].set)
			chaos_refuse(&app->rt, &x, &b);
		code = cmd_fail(EXIT_FAILED, "refused before anything ran: %s", b.refusal);
		goto out;
	}
	if (flags[0].set) {
		if (!app->opts.json)
			printf("dry run: nothing ran\n");
		code = EXIT_OK;
		goto out;
	}
	{
		char *tool = chaos_find_tool();

		if (!tool) {
			code = cmd_fail(EXIT_USAGE, "%s", chaos_install_hint);
			goto out;
		}
		free(tool);
	}
	loop_signal_watch(app->loop, SIGINT, on_interrupt, app);
	loop_signal_watch(app->loop, SIGTERM, on_interrupt, app);
	before = app->rt.actions_running;
	gate_submit(&app->rt, chaos_run_request(&app->rt, &x, &b));
	if (app->store.chaos.running)
		log_id = xasprintf("chaos/%d", app->store.chaos.number);
	while (app->rt.actions_running > before && !loop_stopped(app->loop)) {
		const struct log_buffer *lb;

		loop_run_once(app->loop, -1);
		lb = log_id ? store_log_find(&app->store.logs, log_id) : NULL;
		for (; lb && !app->opts.json && printed < log_buffer_total(lb); printed++) {
			const struct log_line *l = log_buffer_at(lb, printed);

			if (l)
				print_safe(l->text);
			fflush(stdout);
		}
	}
	if (!app->store.chaos.number || app->store.chaos.running) {
		code = cmd_fail(EXIT_FAILED, "%s",
				app->store.status.message ? app->store.status.message
				: "the experiment did not run");
		goto out;
	}
	if (app->opts.json) {
		char *root = chaos_runs_dir();
		cJSON *rec = run_record(root, app->store.chaos.number);
		char *text = rec ? cJSON_Print(rec) : NULL;

		if (text)
			puts(text);
		free(text);
		cJSON_Delete(rec);
		free(root);
	}
	code = app->store.chaos.status && !strcmp(app->store.chaos.status, "completed")
		? EXIT_OK : EXIT_FAILED;
out:
	free(log_id);
	if (resolved)
		chaos_blast_free(&b);
	if (loaded)
		chaos_experiment_free(&x);
	return code;
}

static int cmd_show(struct app *app, struct cmd_args *args)
{
	char *root = chaos_runs_dir(), *end, *path = NULL;
	long n = args->argc == 1 ? strtol(args->argv[0], &end, 10) : 0;
	cJSON *rec = NULL;
	struct chaos_journal j = { 0 };
	struct err err;
	int code = EXIT_OK;
	bool have_journal = false;

	if (args->argc != 1 || *end || n < 1) {
		code = cmd_fail(EXIT_USAGE, "usage: shipdeck chaos show N (a run number: shipdeck "
				"chaos ls)");
		goto out;
	}
	if (!(rec = run_record(root, (int)n))) {
		code = cmd_fail(EXIT_USAGE, "no chaos run %ld in %s", n, root);
		goto out;
	}
	path = xasprintf("%s/%ld/journal.json", root, n);
	have_journal = file_exists(path) && !chaos_journal_load(&j, path, &err);
	if (app->opts.json) {
		char *text;

		if (have_journal) {
			cJSON_AddItemToObject(rec, "journal", j.root);
			j.root = NULL;
		} else {
			cJSON_AddNullToObject(rec, "journal");
		}
		text = cJSON_Print(rec);
		puts(text);
		free(text);
	} else {
		char *line = xasprintf("run %ld: %s (%s)\nexperiment: %s\nblast radius: %s\n"
				       "started %s, ended %s", n, jstr(rec, "title"),
				       jstr(rec, "status"), jstr(rec, "experiment"),
				       jstr(rec, "blast_radius"), jstr(rec, "started"),
				       jstr(rec, "ended"));

		print_safe(line);
		free(line);
		if (have_journal)
			for (size_t i = 0; i < j.nlines; i++)
				print_safe(j.lines[i]);
		else
			printf("no journal in %s/%ld\n", root, n);
	}
	{
		const char *st = jstr(rec, "status");

		code = !strcmp(st, "completed") ? EXIT_OK : EXIT_FAILED;
	}
out:
	if (have_journal)
		chaos_journal_free(&j);
	cJSON_Delete(rec);
	free(path);
	free(root);
	return code;
}

static int run(struct app *app, struct cmd_args *args)
{
	const char *verb = args->argc ? args->argv[0] : NULL;
	struct cmd_args rest = { .argc = args->argc - 1, .argv = args->argv + 1 };

	if (verb && !strcmp(verb, "ls"))
		return rest.argc ? cmd_fail(EXIT_USAGE, "usage: shipdeck chaos ls") : cmd_ls(app);
	if (verb && !strcmp(verb, "run"))
		return cmd_run(app, &rest);
	if (verb && !strcmp(verb, "show"))
		return cmd_show(app, &rest);
	return cmd_fail(EXIT_USAGE, "usage:\n%s", usage);
}

const struct cmd cmd_chaos = {
	.name = "chaos",
	.usage = "chaos ls\n"
		 "chaos run FILE [--dry-run]\n"
		 "chaos show N",
	.summary = "Chaos Toolkit experiments: list, run inside a blast radius, show",
	.run = run,
};
