/* shipdeck images [--json]: the image tags pane's rows, for scripts — each
 * tag with its digest, the commit and build its name says it came from, its
 * provenance, size, growth over the previous build, creation time, aliases
 * and, with a kubeconfig, the deployments whose pods run it. Exit 1 when the
 * registry fails (or a tag cannot be read), 2 for configuration errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "app/sources.h"
#include "cmd/cmd.h"
#include "kube/client.h"
#include "kube/fetch.h"
#include "kube/source.h"
#include "registry/source.h"
#include "util/jsonout.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { MAX_ALIASES = 16, MAX_USES = 32 };

static const char *provenance_name(enum image_provenance p)
{
	switch (p) {
	case IMAGE_BUILD: return "build";
	case IMAGE_MUTABLE: return "mutable";
	case IMAGE_UNKNOWN: return "unknown";
	}
	return "unknown";
}

static cJSON *runs_json(struct app *app, const struct image_row *r)
{
	struct image_use uses[MAX_USES];
	size_t n = store_images_runs_on(&app->store.images, &app->store.kube, r, uses, MAX_USES);
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		cJSON *u = cJSON_CreateObject();

		cJSON_AddStringToObject(u, "namespace", uses[i].namespace);
		cJSON_AddStringToObject(u, "deployment", uses[i].deployment);
		cJSON_AddNumberToObject(u, "pods", uses[i].pods);
		cJSON_AddStringToObject(u, "by", uses[i].by_digest ? "digest" : "tag");
		cJSON_AddItemToArray(a, u);
	}
	return a;
}

static cJSON *row_json(struct app *app, const struct image_row *r, bool cluster)
{
	const struct store_images *im = &app->store.images;
	double growth_warn = app->project.size_growth_warn;
	cJSON *o = cJSON_CreateObject(), *aliases, *commit;
	const struct image_row *al[MAX_ALIASES];
	size_t nal = store_images_aliases(im, r, al, MAX_ALIASES);
	double share;

	cJSON_AddStringToObject(o, "tag", r->tag);
	json_add_str(o, "digest", r->digest);
	json_add_str(o, "mediaType", r->media_type);
	json_add_str(o, "platform", r->platform);
	cJSON_AddStringToObject(o, "provenance", provenance_name(r->provenance));
	if (r->build >= 0)
		cJSON_AddNumberToObject(o, "build", (double)r->build);
	else
		cJSON_AddNullToObject(o, "build");
	json_add_str(o, "sha", r->sha);
	if (r->commit) {
		commit = cJSON_AddObjectToObject(o, "commit");
		cJSON_AddStringToObject(commit, "sha", r->commit);
		cJSON_AddStringToObject(commit, "subject", r->subject ? r->subject : "");
		cJSON_AddStringToObject(commit, "author", r->author ? r->author : "");
		json_add_time(commit, "time", r->commit_time);
	} else {
		cJSON_AddNullToObject(o, "commit");
	}
	json_add_time(o, "created", r->created);
	if (r->size >= 0)
		cJSON_AddNumberToObject(o, "size", (double)r->size);
	else
		cJSON_AddNullToObject(o, "size");
	if (store_images_growth(im, r, &share)) {
		cJSON_AddNumberToObject(o, "sizeGrowth", share);
		cJSON_AddBoolToObject(o, "sizeWarning", share > growth_warn);
	} else {
		cJSON_AddNullToObject(o, "sizeGrowth");
		cJSON_AddBoolToObject(o, "sizeWarning", false);
	}
	aliases = cJSON_AddArrayToObject(o, "aliases");
	for (size_t i = 0; i < nal; i++)
		cJSON_AddItemToArray(aliases, cJSON_CreateString(al[i]->tag));
	if (cluster)
		cJSON_AddItemToObject(o, "runsOn", runs_json(app, r));
	else
		cJSON_AddNullToObject(o, "runsOn");
	json_add_str(o, "error", r->error);
	return o;
}

static void print_json(struct app *app, const char *error, bool cluster)
{
	const struct store_images *im = &app->store.images;
	cJSON *o = cJSON_CreateObject(), *tags;
	char *s;

	cJSON_AddStringToObject(o, "repository", app->project.image_name);
	cJSON_AddStringToObject(o, "template", app->project.image_tag);
	json_add_str(o, "error", error);
	tags = cJSON_AddArrayToObject(o, "tags");
	for (size_t i = 0; i < im->n; i++)
		cJSON_AddItemToArray(tags, row_json(app, &im->rows[i], cluster));
	s = cJSON_PrintUnformatted(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static void print_text(struct app *app, bool cluster)
{
	const struct store_images *im = &app->store.images;
	int64_t now = time_wall_ms() / 1000;

	printf("%-24s %-19s %-6s %-8s %-40s %-6s %-8s %-20s %s\n", "TAG", "DIGEST", "BUILD",
	       "COMMIT", "SUBJECT", "AGE", "SIZE", "RUNS ON", "NOTES");
	for (size_t i = 0; i < im->n; i++) {
		const struct image_row *r = &im->rows[i];
		char build[24] = "-", age[24] = "-", size[24], notes[1024], runs[256] = "-",
			*subject;
		struct image_use uses[MAX_USES];
		size_t nuses = cluster ? store_images_runs_on(im, &app->store.kube, r, uses,
							      MAX_USES) : 0;
		struct strbuf cut = { 0 }, runs_cut = { 0 };

		if (r->build >= 0)
			snprintf(build, sizeof build, "%ld", r->build);
		if (r->created > 0)
			time_human_duration(now - r->created, age, sizeof age);
		images_format_size(r->size, size, sizeof size);
		store_images_notes(im, r, app->project.size_growth_warn, notes, sizeof notes);
		subject = text_safe(r->subject ? r->subject : "-");
		text_fit(&cut, subject, 40, 1);
		for (size_t u = 0, len = 0; u < nuses && len < sizeof runs; u++)
			len += (size_t)snprintf(runs + len, sizeof runs - len, "%s%s%s×%d",
						u ? "," : "", uses[u].deployment,
						uses[u].by_digest ? "@" : "", uses[u].pods);
		/* × is one column and two bytes: pad by columns */
		text_fit(&runs_cut, runs, 20, 1);
		printf("%-24s %-19.19s %-6s %-8.7s %s %-6s %-8s %s %s\n", r->tag,
		       r->digest ? r->digest : "-", build, r->commit ? r->commit : "-",
		       sb_str(&cut), age, size, sb_str(&runs_cut), notes);
		sb_free(&cut);
		sb_free(&runs_cut);
		free(subject);
	}
}

/* With a kubeconfig: the deployments, replica sets and pods of the
 * namespace, for "runs on". False (after saying why on stderr) without one
 * or when the cluster cannot be read: the tags are still worth printing. */
static bool read_cluster(struct app *app)
{
	static const enum kube_resource kinds[] = { KUBE_DEPLOYMENTS, KUBE_REPLICASETS, KUBE_PODS };
	struct err err;
	int rc = kube_client_open(&app->rt, &app->rt.kube, &err);

	if (rc == 1)
		return false;
	if (rc) {
		fprintf(stderr, "shipdeck: runs on not known: %s\n", err.msg);
		return false;
	}
	kube_source_publish_target(app->rt.kube);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		struct store_event ev = { .domain = STORE_KUBE };
		void **objs = NULL;
		size_t n = 0;

		if (kube_fetch_list(app->rt.kube, kinds[i], app->rt.kube->namespace, NULL, &objs,
				    &n, &err)) {
			fprintf(stderr, "shipdeck: runs on not known: %s\n", err.msg);
			return false;
		}
		ev.kube = (struct kube_event){ .type = KUBE_EV_SYNC, .res = kinds[i], .objs = objs,
					       .nobjs = n };
		app_apply(app, &ev);
	}
	return true;
}

static int images_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = { { 0 } };
	const char *error = NULL;
	struct err err;
	int code = EXIT_OK;
	bool cluster;

	if (cmd_parse_flags(args, flags, "images", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc)
		return cmd_fail(EXIT_USAGE, "unexpected '%s': usage: shipdeck images [--json]",
				args->argv[0]);
	if (sources_open_repo(app, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (!app->project.image_name) {
		char hint[4600];

		return cmd_fail(EXIT_USAGE, "no registry: %s",
				cmd_project_hint(app, "image.name", hint, sizeof hint));
	}
	if (registry_source_start(&app->rt, true, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	while (!registry_source_finished(&app->rt, &error))
		if (loop_run_once(app->loop, -1) < 0)
			break;
	if (error)
		code = cmd_fail(EXIT_FAILED, "%s", error);
	for (size_t i = 0; i < app->store.images.n; i++) {
		const struct image_row *r = &app->store.images.rows[i];

		if (r->error)
			code = cmd_fail(EXIT_FAILED, "%s: %s", r->tag, r->error);
	}
	cluster = !error && read_cluster(app);
	if (app->opts.json)
		print_json(app, error, cluster);
	else if (!error)
		print_text(app, cluster);
	return code;
}

const struct cmd cmd_images = {
	.name = "images",
	.summary = "list the image tags with commit, build and where each runs",
	.usage = "images [--json]",
	.run = images_run,
};
