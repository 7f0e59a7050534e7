/* shipdeck images [--json]: the image tags pane's rows, for scripts — each
 * tag with its digest, the commit and build its name says it came from, its
 * provenance, size, growth over the previous build, creation time and
 * aliases. Exit 1 when the registry fails (or a tag cannot be read), 2 for
 * configuration errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "app/sources.h"
#include "cmd/cmd.h"
#include "registry/source.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { MAX_ALIASES = 16 };

static const char *provenance_name(enum image_provenance p)
{
	switch (p) {
	case IMAGE_BUILD: return "build";
	case IMAGE_MUTABLE: return "mutable";
	case IMAGE_UNKNOWN: return "unknown";
	}
	return "unknown";
}

static void add_str_or_null(cJSON *o, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(o, key, value);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_time_or_null(cJSON *o, const char *key, int64_t t)
{
	char buf[32];

	if (t > 0)
		cJSON_AddStringToObject(o, key, time_format_rfc3339((time_t)t, buf, sizeof buf));
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *row_json(const struct store_images *im, const struct image_row *r,
		       double growth_warn)
{
	cJSON *o = cJSON_CreateObject(), *aliases, *commit;
	const struct image_row *al[MAX_ALIASES];
	size_t nal = store_images_aliases(im, r, al, MAX_ALIASES);
	double share;

	cJSON_AddStringToObject(o, "tag", r->tag);
	add_str_or_null(o, "digest", r->digest);
	add_str_or_null(o, "mediaType", r->media_type);
	add_str_or_null(o, "platform", r->platform);
	cJSON_AddStringToObject(o, "provenance", provenance_name(r->provenance));
	if (r->build >= 0)
		cJSON_AddNumberToObject(o, "build", (double)r->build);
	else
		cJSON_AddNullToObject(o, "build");
	add_str_or_null(o, "sha", r->sha);
	if (r->commit) {
		commit = cJSON_AddObjectToObject(o, "commit");
		cJSON_AddStringToObject(commit, "sha", r->commit);
		cJSON_AddStringToObject(commit, "subject", r->subject ? r->subject : "");
		cJSON_AddStringToObject(commit, "author", r->author ? r->author : "");
		add_time_or_null(commit, "time", r->commit_time);
	} else {
		cJSON_AddNullToObject(o, "commit");
	}
	add_time_or_null(o, "created", r->created);
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
	add_str_or_null(o, "error", r->error);
	return o;
}

static void print_json(struct app *app, const char *error)
{
	const struct store_images *im = &app->store.images;
	cJSON *o = cJSON_CreateObject(), *tags;
	char *s;

	cJSON_AddStringToObject(o, "repository", app->project.image_name);
	cJSON_AddStringToObject(o, "template", app->project.image_tag);
	add_str_or_null(o, "error", error);
	tags = cJSON_AddArrayToObject(o, "tags");
	for (size_t i = 0; i < im->n; i++)
		cJSON_AddItemToArray(tags, row_json(im, &im->rows[i], app->project.size_growth_warn));
	s = cJSON_Print(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

/* What a person should notice about a row, in a few words. */
static void row_notes(const struct store_images *im, const struct image_row *r, double warn,
		      char *buf, size_t size)
{
	const struct image_row *al[MAX_ALIASES];
	size_t nal = store_images_aliases(im, r, al, MAX_ALIASES), len = 0;
	double share;

	buf[0] = '\0';
#define NOTE(...) do { \
		if (len < size) \
			len += (size_t)snprintf(buf + len, size - len, "%s", len ? "; " : ""); \
		if (len < size) \
			len += (size_t)snprintf(buf + len, size - len, __VA_ARGS__); \
	} while (0)
	if (r->provenance == IMAGE_MUTABLE)
		NOTE("mutable: not a version");
	else if (r->provenance == IMAGE_UNKNOWN)
		NOTE("unknown provenance: not %s", im->tag_template ? im->tag_template : "the template");
	else if (r->sha && !r->commit)
		NOTE("commit %s not in this repository", r->sha);
	for (size_t i = 0; i < nal; i++)
		NOTE("= %s", al[i]->tag);
	if (store_images_growth(im, r, &share) && share > warn)
		NOTE("grew %.0f%% over build %ld", share * 100,
		     store_images_previous_build(im, r)->build);
	if (r->error)
		NOTE("%s", r->error);
#undef NOTE
}

static void print_text(struct app *app)
{
	const struct store_images *im = &app->store.images;
	int64_t now = time_wall_ms() / 1000;

	printf("%-24s %-19s %-6s %-8s %-40s %-6s %-8s %s\n", "TAG", "DIGEST", "BUILD", "COMMIT",
	       "SUBJECT", "AGE", "SIZE", "NOTES");
	for (size_t i = 0; i < im->n; i++) {
		const struct image_row *r = &im->rows[i];
		char build[24] = "-", age[24] = "-", size[24], notes[1024], *subject;
		struct strbuf cut = { 0 };

		if (r->build >= 0)
			snprintf(build, sizeof build, "%ld", r->build);
		if (r->created > 0)
			time_human_duration(now - r->created, age, sizeof age);
		images_format_size(r->size, size, sizeof size);
		row_notes(im, r, app->project.size_growth_warn, notes, sizeof notes);
		subject = text_safe(r->subject ? r->subject : "-");
		text_fit(&cut, subject, 40, 1);
		printf("%-24s %-19.19s %-6s %-8.7s %s %-6s %-8s %s\n", r->tag,
		       r->digest ? r->digest : "-", build, r->commit ? r->commit : "-", sb_str(&cut),
		       age, size, notes);
		sb_free(&cut);
		free(subject);
	}
}

static int images_run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = { { 0 } };
	const char *error = NULL;
	struct err err;
	int code = EXIT_OK;

	if (cmd_parse_flags(args, flags, "images", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc)
		return cmd_fail(EXIT_USAGE, "unexpected '%s': usage: shipdeck images [--json]",
				args->argv[0]);
	if (sources_open_repo(app, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (!app->project.image_name)
		return cmd_fail(EXIT_USAGE, "no registry: set image.name in %s",
				app->project.path ? app->project.path : ".shipdeck.yml");
	if (registry_source_start(app, true, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	while (!registry_source_finished(app, &error))
		if (loop_run_once(app->loop, -1) < 0)
			break;
	if (error)
		code = cmd_fail(EXIT_FAILED, "%s", error);
	for (size_t i = 0; i < app->store.images.n; i++) {
		const struct image_row *r = &app->store.images.rows[i];

		if (r->error)
			code = cmd_fail(EXIT_FAILED, "%s: %s", r->tag, r->error);
	}
	if (app->opts.json)
		print_json(app, error);
	else if (!error)
		print_text(app);
	return code;
}

const struct cmd cmd_images = {
	.name = "images",
	.summary = "list the image tags with commit, build and where each runs",
	.usage = "images [--json]",
	.run = images_run,
};
