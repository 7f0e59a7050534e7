/* shipdeck get deployments|pods [-A]: kubectl's table (or --json), for
 * scripts and the benchmark. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cmd/kubecmd.h"
#include "kube/fetch.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static void age(int64_t created, char *buf, size_t size)
{
	if (!created)
		snprintf(buf, size, "<unknown>");
	else
		time_human_duration((int64_t)time(NULL) - created, buf, size);
}

static void created_text(int64_t created, char *buf, size_t size)
{
	time_format_rfc3339((time_t)created, buf, size);
}

static void deployments(void **objs, size_t n, bool all, cJSON *items,
			struct kubecmd_table *t)
{
	for (size_t i = 0; i < n; i++) {
		const struct kube_deployment *d = objs[i];
		char ready[32], upd[16], avail[16], a[32], when[40];

		snprintf(ready, sizeof ready, "%d/%d", d->ready, d->replicas);
		snprintf(upd, sizeof upd, "%d", d->updated);
		snprintf(avail, sizeof avail, "%d", d->available);
		age(d->meta.created, a, sizeof a);
		if (items) {
			cJSON *o = cJSON_CreateObject();

			created_text(d->meta.created, when, sizeof when);
			cJSON_AddStringToObject(o, "namespace", d->meta.namespace);
			cJSON_AddStringToObject(o, "name", d->meta.name);
			cJSON_AddNumberToObject(o, "replicas", d->replicas);
			cJSON_AddNumberToObject(o, "ready", d->ready);
			cJSON_AddNumberToObject(o, "updated", d->updated);
			cJSON_AddNumberToObject(o, "available", d->available);
			cJSON_AddNumberToObject(o, "revision", (double)d->revision);
			cJSON_AddStringToObject(o, "images", d->images ? d->images : "");
			cJSON_AddBoolToObject(o, "paused", d->paused);
			cJSON_AddStringToObject(o, "created", when);
			cJSON_AddItemToArray(items, o);
		} else if (all) {
			kubecmd_table_row(t, (const char *const[]){ d->meta.namespace, d->meta.name,
								    ready, upd, avail, a });
		} else {
			kubecmd_table_row(t, (const char *const[]){ d->meta.name, ready, upd, avail,
								    a });
		}
	}
}

static void pods(void **objs, size_t n, bool all, cJSON *items, struct kubecmd_table *t)
{
	for (size_t i = 0; i < n; i++) {
		const struct kube_pod *p = objs[i];
		char ready[32], restarts[16], a[32], when[40];

		snprintf(ready, sizeof ready, "%u/%u", p->ready, p->total);
		snprintf(restarts, sizeof restarts, "%d", p->restarts);
		age(p->meta.created, a, sizeof a);
		if (items) {
			cJSON *o = cJSON_CreateObject();

			created_text(p->meta.created, when, sizeof when);
			cJSON_AddStringToObject(o, "namespace", p->meta.namespace);
			cJSON_AddStringToObject(o, "name", p->meta.name);
			cJSON_AddStringToObject(o, "ready", ready);
			cJSON_AddStringToObject(o, "status", p->status ? p->status : "");
			cJSON_AddNumberToObject(o, "restarts", p->restarts);
			cJSON_AddStringToObject(o, "node", p->node ? p->node : "");
			cJSON_AddStringToObject(o, "created", when);
			cJSON_AddItemToArray(items, o);
		} else if (all) {
			kubecmd_table_row(t, (const char *const[]){ p->meta.namespace, p->meta.name,
								    ready, p->status, restarts,
								    a });
		} else {
			kubecmd_table_row(t, (const char *const[]){ p->meta.name, ready, p->status,
								    restarts, a });
		}
	}
}

static int get_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = {
		{ .name = "-A" },
		{ .name = "--all-namespaces" },
		{ 0 },
	};
	struct kubecmd_table t = { 0 };
	enum kube_resource res;
	void **objs = NULL;
	size_t n = 0;
	struct err err;
	cJSON *doc = NULL, *items = NULL;
	bool all;
	int rc;

	if (cmd_parse_flags(args, flags, "get", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	all = flags[0].set || flags[1].set;
	if (args->argc != 1)
		return cmd_fail(EXIT_USAGE, "usage: shipdeck get deployments|pods [-A]");
	if (!strcmp(args->argv[0], "deployments") || !strcmp(args->argv[0], "deployment")
	    || !strcmp(args->argv[0], "deploy"))
		res = KUBE_DEPLOYMENTS;
	else if (!strcmp(args->argv[0], "pods") || !strcmp(args->argv[0], "pod")
		 || !strcmp(args->argv[0], "po"))
		res = KUBE_PODS;
	else
		return cmd_fail(EXIT_USAGE, "unknown kind '%s' (deployments or pods)",
				args->argv[0]);
	rc = kubecmd_open(app);
	if (rc)
		return rc;
	rc = kube_fetch_list(app->rt.kube, res, all ? "" : app->rt.kube->namespace, NULL, &objs, &n,
			     &err);
	if (rc)
		return cmd_fail(rc == 2 ? EXIT_USAGE : EXIT_FAILED, "%s", err.msg);
	if (app->opts.json) {
		doc = cJSON_CreateObject();
		items = cJSON_AddArrayToObject(doc, "items");
	} else {
		t.ncols = 5 + (all ? 1 : 0);
		if (res == KUBE_DEPLOYMENTS)
			kubecmd_table_row(&t, all
				? (const char *const[]){ "NAMESPACE", "NAME", "READY", "UP-TO-DATE",
							 "AVAILABLE", "AGE" }
				: (const char *const[]){ "NAME", "READY", "UP-TO-DATE", "AVAILABLE",
							 "AGE" });
		else
			kubecmd_table_row(&t, all
				? (const char *const[]){ "NAMESPACE", "NAME", "READY", "STATUS",
							 "RESTARTS", "AGE" }
				: (const char *const[]){ "NAME", "READY", "STATUS", "RESTARTS",
							 "AGE" });
	}
	if (res == KUBE_DEPLOYMENTS)
		deployments(objs, n, all, items, &t);
	else
		pods(objs, n, all, items, &t);
	if (doc) {
		char *s = cJSON_PrintUnformatted(doc);

		puts(s);
		cJSON_free(s);
		cJSON_Delete(doc);
	} else if (n) {
		kubecmd_table_print(&t, stdout);
	} else if (all) {
		fprintf(stderr, "No resources found\n");
	} else {
		fprintf(stderr, "No resources found in %s namespace.\n", app->rt.kube->namespace);
	}
	kubecmd_table_free(&t);
	for (size_t i = 0; i < n; i++)
		kube_object_free(res, objs[i]);
	free(objs);
	return EXIT_OK;
}

const struct cmd cmd_get = {
	.name = "get",
	.summary = "list deployments or pods as a plain table (or --json)",
	.usage = "get deployments|pods [-A]",
	.run = get_run,
};
