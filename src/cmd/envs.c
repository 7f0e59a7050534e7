/* The environments' headless commands:
 *   shipdeck promote APP --from ENV [--to ENV] [--dry-run]
 *   shipdeck drift APP [--json]
 * promote: exit 0 promoted (or already there), 1 refused or failed, 2
 * configuration, 4 read-only. drift: 0 no drift, 1 drift, 2 an environment
 * that cannot be read or a bad configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/sources.h"
#include "cmd/kubecmd.h"
#include "env/promote.h"
#include "env/source.h"
#include "registry/source.h"
#include "store/envs.h"
#include "util/text.h"
#include "util/xalloc.h"

/* Reads the repository's settings and every environment once. */
static int read_envs(struct app *app, const char *cmd)
{
	struct err err;
	char hint[4600];
	int rc;

	if (sources_open_repo(app, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (!app->project.nenvs)
		return cmd_fail(EXIT_USAGE, "%s: no environments: %s", cmd,
				cmd_project_hint(app, "environments", hint, sizeof hint));
	rc = env_source_start(&app->rt, 0, &err);
	if (rc)
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	while (!env_source_finished(&app->rt))
		if (loop_run_once(app->loop, -1) < 0)
			break;
	return EXIT_OK;
}

struct planned {
	bool done;
	struct action_req *req;
	char *refusal, *noop;
};

static void on_planned(void *ctx, struct action_req *req, const char *refusal, const char *noop)
{
	struct planned *p = ctx;

	p->done = true;
	p->req = req;
	p->refusal = refusal ? xstrdup(refusal) : NULL;
	p->noop = noop ? xstrdup(noop) : NULL;
}

static void promote_json(const char *app_name, const char *from, const char *to, bool ok,
			 bool dry_run, const struct action_req *req, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "app", app_name);
	cJSON_AddStringToObject(o, "action", "promote");
	cJSON_AddStringToObject(o, "fromEnvironment", from);
	if (to)
		cJSON_AddStringToObject(o, "toEnvironment", to);
	else
		cJSON_AddNullToObject(o, "toEnvironment");
	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddBoolToObject(o, "dryRun", dry_run);
	if (req) {
		cJSON_AddStringToObject(o, "target", req->target);
		cJSON_AddStringToObject(o, "from", req->from);
		cJSON_AddStringToObject(o, "to", req->to);
	}
	cJSON_AddStringToObject(o, "message", message ? message : "");
	s = cJSON_PrintUnformatted(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static int promote_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = {
		{ .name = "--from", .takes_value = true },
		{ .name = "--to", .takes_value = true },
		{ .name = "--dry-run" },
		{ 0 },
	};
	struct planned p = { 0 };
	struct kubecmd_result r;
	const char *app_name, *to;
	struct err err;
	int rc;

	if (cmd_parse_flags(args, flags, "promote", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc != 1 || !flags[0].value)
		return cmd_fail(EXIT_USAGE, "usage: shipdeck promote APP --from ENV [--to ENV] "
				"[--dry-run]");
	app_name = args->argv[0];
	if (!flags[2].set && gate_check(&app->rt, ACTION_PROMOTE_IMAGE))
		return cmd_fail(EXIT_READ_ONLY, "read-only: promote-image disabled");
	rc = read_envs(app, "promote");
	if (rc)
		return rc;
	if (registry_source_start(&app->rt, false, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	env_promote_plan(&app->rt, app_name, flags[0].value, flags[1].value, on_planned, &p);
	while (!p.done && loop_run_once(app->loop, -1) >= 0)
		;
	to = flags[1].value;
	if (!to && project_env(&app->project, flags[0].value)
	    && project_env_next(&app->project, project_env(&app->project, flags[0].value)))
		to = project_env_next(&app->project,
				      project_env(&app->project, flags[0].value))->name;
	if (p.refusal || p.noop) {
		if (app->opts.json)
			promote_json(app_name, flags[0].value, to, !p.refusal, flags[2].set, NULL,
				     p.refusal ? p.refusal : p.noop);
		else if (p.noop)
			printf("%s\n", p.noop);
		rc = p.refusal ? cmd_fail(EXIT_FAILED, "promote %s: %s", app_name, p.refusal)
			: EXIT_OK;
	} else if (flags[2].set) {
		if (app->opts.json)
			promote_json(app_name, flags[0].value, to, true, true, p.req,
				     "dry run: nothing changed");
		else
			printf("%s would change (dry run)\n  from: %s\n  to:   %s\n", p.req->target,
			       p.req->from, p.req->to);
		action_req_free(p.req);
		rc = EXIT_OK;
	} else {
		char *target = xstrdup(p.req->target), *from = xstrdup(p.req->from);
		char *dest = xstrdup(p.req->to);

		rc = kubecmd_submit(app, p.req, &r);
		if (app->opts.json) {
			struct action_req shown = { .target = target, .from = from, .to = dest };

			promote_json(app_name, flags[0].value, to, rc == EXIT_OK, false, &shown,
				     r.message);
		} else if (rc == EXIT_OK) {
			printf("%s (%s → %s)\n", r.message, flags[0].value, to);
		}
		free(target);
		free(from);
		free(dest);
	}
	free(p.refusal);
	free(p.noop);
	return rc;
}

static void drift_text(const struct drift *d)
{
	printf("drift of %s across", d->app);
	for (size_t k = 0; k < d->nenvs; k++)
		printf("%s %s", k ? "," : "", d->envs[k]);
	printf(": %zu field%s differ%s", d->n, d->n == 1 ? "" : "s", d->n == 1 ? "s" : "");
	if (d->expected)
		printf(" (%zu expected difference%s not shown)", d->expected,
		       d->expected == 1 ? "" : "s");
	putchar('\n');
	for (size_t k = 0; k < d->nmissing; k++) {
		char *safe = text_safe(d->missing[k]);

		printf("! %s\n", safe);
		free(safe);
	}
	for (size_t i = 0; i < d->n; i++) {
		char *f = text_safe(d->items[i].field);

		printf("%s\n", f);
		free(f);
		for (size_t k = 0; k < d->nenvs; k++) {
			char *v = text_safe(d->items[i].values[k] ? d->items[i].values[k]
					    : "(absent)");

			printf("  %-10s %s\n", d->envs[k], v);
			free(v);
		}
	}
}

static void drift_json(const struct drift *d)
{
	cJSON *o = cJSON_CreateObject(), *envs, *items, *missing;
	char *s;

	cJSON_AddStringToObject(o, "app", d->app);
	envs = cJSON_AddArrayToObject(o, "environments");
	for (size_t k = 0; k < d->nenvs; k++)
		cJSON_AddItemToArray(envs, cJSON_CreateString(d->envs[k]));
	items = cJSON_AddArrayToObject(o, "drift");
	for (size_t i = 0; i < d->n; i++) {
		cJSON *it = cJSON_CreateObject(), *vals;

		cJSON_AddStringToObject(it, "field", d->items[i].field);
		vals = cJSON_AddObjectToObject(it, "values");
		for (size_t k = 0; k < d->nenvs; k++) {
			if (d->items[i].values[k])
				cJSON_AddStringToObject(vals, d->envs[k], d->items[i].values[k]);
			else
				cJSON_AddNullToObject(vals, d->envs[k]);
		}
		cJSON_AddItemToArray(items, it);
	}
	cJSON_AddNumberToObject(o, "expected", (double)d->expected);
	missing = cJSON_AddArrayToObject(o, "problems");
	for (size_t k = 0; k < d->nmissing; k++)
		cJSON_AddItemToArray(missing, cJSON_CreateString(d->missing[k]));
	s = cJSON_PrintUnformatted(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static int drift_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = { { 0 } };
	const struct drift *d;
	struct err err;
	bool unreadable = false;
	int rc;

	if (cmd_parse_flags(args, flags, "drift", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc != 1)
		return cmd_fail(EXIT_USAGE, "usage: shipdeck drift APP [--json]");
	rc = read_envs(app, "drift");
	if (rc)
		return rc;
	/* the pass compared every app an environment lists */
	d = store_envs_drift(&app->store.envs, args->argv[0]);
	if (!d)
		return cmd_fail(EXIT_USAGE,
				"no environment lists app '%s' (environments: in .shipdeck.yml)",
				args->argv[0]);
	for (size_t e = 0; e < app->store.envs.n; e++)
		if (app->store.envs.envs[e].error)
			unreadable = true;
	if (app->opts.json)
		drift_json(d);
	else
		drift_text(d);
	return unreadable ? EXIT_USAGE : d->n || d->nmissing ? EXIT_FAILED : EXIT_OK;
}

const struct cmd cmd_promote = {
	.name = "promote",
	.summary = "promote what an environment runs to the next one, by digest",
	.usage = "promote APP --from ENV [--to ENV] [--dry-run]",
	.run = promote_run,
};

const struct cmd cmd_drift = {
	.name = "drift",
	.summary = "how an app's pod templates differ across its environments",
	.usage = "drift APP [--json]",
	.run = drift_run,
};
