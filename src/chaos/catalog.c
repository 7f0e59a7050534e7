#include "chaos/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chaos/experiment.h"
#include "chaos/runner.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Past runs, newest first (at most 10): :chaos show N reads one back. */
static void list_runs(struct strbuf *sb)
{
	char *root = chaos_runs_dir();
	int shown = 0;

	for (int r = 999; r >= 1 && shown < 10; r--) {
		char *path = xasprintf("%s/%d/run.json", root, r);
		size_t len;
		char *data = file_exists(path) ? file_read_all(path, &len, NULL) : NULL;
		cJSON *o = data ? cJSON_ParseWithLength(data, len) : NULL;
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
		const cJSON *ti = cJSON_GetObjectItemCaseSensitive(o, "title");

		if (cJSON_IsString(st) && cJSON_IsString(ti)) {
			if (!shown++)
				sb_printf(sb, "runs in %s — :chaos show N reads one\n", root);
			sb_printf(sb, "  run %d: %s  %s\n", r, st->valuestring, ti->valuestring);
		}
		cJSON_Delete(o);
		free(data);
		free(path);
	}
	free(root);
}

static void list_experiments(struct rt *rt)
{
	char *dir = chaos_experiments_dir(rt), **paths = NULL, *tool = chaos_find_tool();
	struct strbuf sb = { 0 };
	size_t n = 0;
	struct err err;

	if (chaos_experiment_list(dir, &paths, &n, &err))
		sb_printf(&sb, "%s\n", err.msg);
	else if (!n)
		sb_printf(&sb, "no experiments in %s (chaos.dir of .shipdeck.yml)\n", dir);
	else
		sb_printf(&sb, "experiments in %s — :chaos N or :chaos FILE runs one\n", dir);
	for (size_t i = 0; i < n; i++) {
		struct chaos_experiment x;
		const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];

		if (chaos_experiment_load(&x, paths[i], &err)) {
			sb_printf(&sb, "%2zu  %-28s INVALID  %s\n", i + 1, base, err.msg);
		} else {
			sb_printf(&sb, "%2zu  %-28s ok       %s\n", i + 1, base, x.title);
			chaos_experiment_free(&x);
		}
		free(paths[i]);
	}
	free(paths);
	list_runs(&sb);
	if (tool)
		sb_printf(&sb, "engine: %s\n", tool);
	else
		sb_printf(&sb, "%s\n", chaos_install_hint);
	rt_log_put(rt, "chaos", xstrdup("chaos experiments"), sb_steal(&sb));
	free(tool);
	free(dir);
}

/* A past run's output (its journal's lines end it), from the state folder. */
static void read_back(struct rt *rt, const char *id, long n)
{
	char *root = chaos_runs_dir(), *path = xasprintf("%s/%ld/output.log", root, n), *data;
	size_t len;
	struct err err;

	if ((data = file_read_all(path, &len, &err))) {
		char title[64];

		snprintf(title, sizeof title, "chaos %ld (%s)", n, "from the state folder");
		rt_log_put(rt, id, xstrdup(title), data);
	} else {
		rt_message(rt, STATUS_ERROR, "chaos show %ld: %s", n, err.msg);
	}
	free(path);
	free(root);
}

static void open_log(void *ctx, struct rt *rt, const char *id)
{
	char *end;
	long n;

	(void)ctx;
	if (!strcmp(id, "chaos")) {
		list_experiments(rt);    /* asked again: read again */
		return;
	}
	if (strncmp(id, "chaos/", 6) || store_log_find(&rt->store->logs, id))
		return;
	n = strtol(id + 6, &end, 10);
	if (end != id + 6 && !*end && n >= 1)
		read_back(rt, id, n);
}

int chaos_catalog_start(struct rt *rt, struct err *err)
{
	(void)err;
	rt_log_provider(rt, "chaos", open_log, NULL);
	return 0;
}

char *chaos_experiment_path(const struct rt *rt, const char *arg)
{
	char *dir = chaos_experiments_dir(rt), *end, *path = NULL, **paths = NULL;
	long k = strtol(arg, &end, 10);
	size_t n = 0;

	if (end != arg && !*end) {
		if (!chaos_experiment_list(dir, &paths, &n, NULL) && k >= 1 && (size_t)k <= n)
			path = xstrdup(paths[k - 1]);
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	} else if (arg[0] == '/' || file_exists(arg)) {
		path = xstrdup(arg);
	} else {
		path = xasprintf("%s/%s", dir, arg);
	}
	free(dir);
	return path;
}
