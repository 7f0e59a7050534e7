/* shipdeck deploy DEPLOY TAG|IMAGE [--container C] [--dry-run]: set a
 * container's image, through the gate (audited; refused in read-only). A
 * bare TAG keeps the container's repository. DEPLOY rollout/NAME: an Argo
 * Rollout's, as its plugin's set image (cmd/argo.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd/argo.h"
#include "cmd/kubecmd.h"
#include "kube/fetch.h"
#include "util/xalloc.h"

static void print_json(struct app *app, const char *name, bool dry_run, bool ok,
		       const char *from, const char *to, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "deployment", name);
	cJSON_AddStringToObject(o, "namespace", app->rt.kube->namespace);
	cJSON_AddStringToObject(o, "action", "deploy");
	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddBoolToObject(o, "dryRun", dry_run);
	cJSON_AddStringToObject(o, "from", from ? from : "");
	cJSON_AddStringToObject(o, "to", to ? to : "");
	cJSON_AddStringToObject(o, "message", message);
	s = cJSON_PrintUnformatted(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static int deploy_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = {
		{ .name = "--container", .takes_value = true },
		{ .name = "--dry-run" },
		{ 0 },
	};
	struct kubecmd_result r;
	struct action_req *req;
	const char *name;
	char *from, *to;
	struct err err;
	int rc;

	if (cmd_parse_flags(args, flags, "deploy", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc != 2)
		return cmd_fail(EXIT_USAGE,
				"usage: shipdeck deploy DEPLOY TAG|IMAGE [--container C] "
				"[--dry-run]");
	if (cmd_argo_rollout_name(args->argv[0])) {
		if (!*args->argv[1])
			return cmd_fail(EXIT_USAGE, "the tag or image is empty");
		if (!flags[1].set && gate_check(&app->rt, ACTION_DEPLOY))
			return cmd_fail(EXIT_READ_ONLY, "read-only: deploy disabled");
		return cmd_argo_set_image(app, cmd_argo_rollout_name(args->argv[0]), flags[0].value,
					  args->argv[1], flags[1].set);
	}
	name = kubecmd_deploy_arg(args->argv[0]);
	if (!name)
		return EXIT_USAGE;
	if (!*args->argv[1])
		return cmd_fail(EXIT_USAGE, "the tag or image is empty");
	if (!flags[1].set && gate_check(&app->rt, ACTION_DEPLOY))
		return cmd_fail(EXIT_READ_ONLY, "read-only: deploy disabled");
	rc = kubecmd_open(app);
	if (rc)
		return rc;
	rc = kube_fetch_deployment(app->rt.kube, app->rt.kube->namespace, name, &err);
	if (rc)
		return cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
	req = kube_req_set_image(&app->rt, app->rt.kube->namespace, name, flags[0].value,
				 args->argv[1], &err);
	if (!req)
		return cmd_fail(EXIT_FAILED, "%s", err.msg);
	from = xstrdup(req->from);
	to = xstrdup(req->to);
	if (!strcmp(from, to)) {
		/* nothing to change: no request, no new revision */
		const char *eq = strchr(to, '=');
		char *msg = xasprintf("deployment.apps/%s already on %s", name, eq ? eq + 1 : to);

		if (app->opts.json)
			print_json(app, name, false, true, from, to, msg);
		else
			printf("%s\n", msg);
		free(msg);
		action_req_free(req);
		rc = EXIT_OK;
	} else if (flags[1].set) {
		if (app->opts.json)
			print_json(app, name, true, true, from, to, "dry run: nothing changed");
		else
			printf("deployment.apps/%s would change (dry run)\n  from: %s\n  to:   "
			       "%s\n", name, from, to);
		action_req_free(req);
		rc = EXIT_OK;
	} else {
		rc = kubecmd_submit(app, req, &r);
		if (app->opts.json)
			print_json(app, name, false, rc == EXIT_OK, from, to, r.message);
		else if (rc == EXIT_OK)
			printf("%s (%s → %s)\n", r.message, from, to);
	}
	free(from);
	free(to);
	return rc;
}

const struct cmd cmd_deploy = {
	.name = "deploy",
	.summary = "set a deployment's (or rollout/NAME's) image to a tag or image",
	.usage = "deploy DEPLOY|rollout/NAME TAG|IMAGE [--container C] [--dry-run]",
	.run = deploy_run,
};
