/* shipdeck pipeline lint [FILE]: the pipeline file parsed and planned as a
 * build would plan it, nothing run. Each pipeline with its services and
 * steps in plan order, and what the local runner would ignore. Exit 0 when
 * it loads, 2 with the file:line:col message when not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/sources.h"
#include "ci/pipeline_file.h"
#include "ci/plan.h"
#include "cmd/cmd.h"
#include "cmd/pipeline_lint.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

static const char *step_kind(const struct ci_plan_step *s)
{
	return s->def->service ? "service" : s->def->detach ? "detached" : "step";
}

static cJSON *strings_json(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static cJSON *step_json(const struct ci_plan *plan, const struct ci_plan_step *s)
{
	cJSON *o = cJSON_CreateObject(), *deps = cJSON_CreateArray(), *vars;

	cJSON_AddStringToObject(o, "name", s->def->name);
	cJSON_AddStringToObject(o, "key", s->key);
	cJSON_AddStringToObject(o, "kind", step_kind(s));
	if (s->def->image)
		cJSON_AddStringToObject(o, "image", s->def->image);
	else
		cJSON_AddNullToObject(o, "image");
	cJSON_AddNumberToObject(o, "commands", (double)s->def->ncommands);
	cJSON_AddBoolToObject(o, "needs_image", s->needs_image);
	cJSON_AddBoolToObject(o, "ignore_failure", s->def->ignore_failure);
	for (size_t d = 0; d < s->ndeps; d++)
		cJSON_AddItemToArray(deps, cJSON_CreateString(plan->steps[s->deps[d]].key));
	cJSON_AddItemToObject(o, "depends_on", deps);
	vars = cJSON_CreateArray();
	for (size_t k = 0; k < s->def->nsettings; k++) {
		const struct ci_env *e = &s->def->settings[k];
		cJSON *v = cJSON_CreateObject();

		cJSON_AddStringToObject(v, "name", e->name);
		if (e->secret)
			cJSON_AddStringToObject(v, "from_secret", e->secret);
		else
			cJSON_AddStringToObject(v, "value", e->value);
		cJSON_AddItemToArray(vars, v);
	}
	cJSON_AddItemToObject(o, "plugin_env", vars);
	return o;
}

static void print_json(const struct ci_file *f, const struct ci_plan *plan)
{
	cJSON *o = cJSON_CreateObject(), *ps = cJSON_CreateArray();
	char *s;

	cJSON_AddStringToObject(o, "file", f->path);
	for (size_t i = 0; i < plan->npipelines; i++) {
		const struct ci_pipeline_def *pd = plan->pipelines[i].def;
		cJSON *p = cJSON_CreateObject(), *steps = cJSON_CreateArray();

		cJSON_AddStringToObject(p, "name", pd->name);
		cJSON_AddStringToObject(p, "type", pd->type);
		cJSON_AddBoolToObject(p, "legacy", pd->legacy);
		cJSON_AddItemToObject(p, "depends_on", strings_json(pd->depends_on, pd->ndeps));
		for (size_t k = 0; k < plan->n; k++)
			if (plan->steps[k].def && plan->steps[k].pipeline == i)
				cJSON_AddItemToArray(steps, step_json(plan, &plan->steps[k]));
		cJSON_AddItemToObject(p, "steps", steps);
		cJSON_AddItemToObject(p, "ignored", strings_json(pd->notices, pd->nnotices));
		cJSON_AddItemToArray(ps, p);
	}
	cJSON_AddItemToObject(o, "pipelines", ps);
	cJSON_AddItemToObject(o, "notices", strings_json(f->notices, f->nnotices));
	s = cJSON_Print(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static void print_step(const struct ci_plan *plan, const struct ci_plan_step *s, size_t no)
{
	struct strbuf sb = { 0 };
	char *line;

	sb_printf(&sb, "  %2zu %-20s %-8s", no, s->key, step_kind(s));
	if (s->needs_image)
		sb_printf(&sb, " needs image %s", s->def->image);
	else if (s->def->image)
		sb_printf(&sb, " %s (runs on this host)", s->def->image);
	if (s->ndeps) {
		sb_puts(&sb, " · after ");
		for (size_t d = 0; d < s->ndeps; d++)
			sb_printf(&sb, "%s%s", d ? ", " : "", plan->steps[s->deps[d]].key);
	}
	if (s->def->ignore_failure)
		sb_puts(&sb, " · failure: ignore");
	line = text_safe(sb_str(&sb));
	puts(line);
	free(line);
	sb_free(&sb);
}

static void print_text(const struct ci_file *f, const struct ci_plan *plan)
{
	char *path = text_safe(f->path);

	printf("%s: %zu pipeline%s\n", path, plan->npipelines, plan->npipelines == 1 ? "" : "s");
	free(path);
	for (size_t i = 0; i < plan->npipelines; i++) {
		const struct ci_pipeline_def *pd = plan->pipelines[i].def;
		size_t no = 0;
		char *name = text_safe(pd->name);

		printf("pipeline %s (type: %s%s)", name, pd->type, pd->legacy ? ", Drone 0.8" : "");
		for (size_t d = 0; d < pd->ndeps; d++)
			printf("%s%s", d ? ", " : " after ", pd->depends_on[d]);
		putchar('\n');
		free(name);
		for (size_t k = 0; k < plan->n; k++)
			if (plan->steps[k].def && plan->steps[k].pipeline == i)
				print_step(plan, &plan->steps[k], ++no);
		for (size_t k = 0; k < pd->nnotices; k++) {
			char *line = text_safe(pd->notices[k]);

			printf("  ! %s\n", line);
			free(line);
		}
	}
	for (size_t k = 0; k < f->nnotices; k++) {
		char *line = text_safe(f->notices[k]);

		printf("! %s\n", line);
		free(line);
	}
}

int cmd_pipeline_lint(struct app *app, struct cmd_args *args)
{
	struct ci_file f = { 0 };
	struct ci_plan plan = { 0 };
	struct ci_plan_opts po = { .all = true };
	struct err err = { 0 };
	char *path = NULL, *data = NULL;
	const char *shown;
	size_t len = 0;
	int code = EXIT_USAGE;

	if (args->argc > 1)
		return cmd_fail(EXIT_USAGE, "pipeline lint: unexpected '%s'", args->argv[1]);
	if (args->argc == 1) {
		path = xstrdup(args->argv[0]);
		shown = path;
	} else {
		if (sources_open_repo(app, &err))
			return cmd_fail(EXIT_USAGE, "%s", err.msg);
		if (!app->repo_root)
			return cmd_fail(EXIT_USAGE, "pipeline lint: no FILE and no repository (run "
					"it inside a git repository, or pass --repo DIR or a "
					"FILE)");
		path = xasprintf("%s/%s", app->repo_root, app->project.pipeline_file);
		shown = app->project.pipeline_file;
	}
	if (!(data = file_read_all(path, &len, &err))) {
		cmd_fail(EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	if (ci_file_parse(&f, shown, data, len, &err) || ci_plan_make(&plan, &f, &po, &err)) {
		if (app->opts.json) {
			cJSON *o = cJSON_CreateObject();
			char *s;

			cJSON_AddStringToObject(o, "file", shown);
			cJSON_AddStringToObject(o, "error", err.msg);
			s = cJSON_PrintUnformatted(o);
			puts(s);
			cJSON_free(s);
			cJSON_Delete(o);
		}
		cmd_fail(EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	if (app->opts.json)
		print_json(&f, &plan);
	else
		print_text(&f, &plan);
	code = EXIT_OK;
out:
	ci_plan_free(&plan);
	ci_file_free(&f);
	free(data);
	free(path);
	return code;
}
