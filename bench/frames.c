/* bench-frames: frame times of the console drawing into memory, for
 * bench/run.
 *
 *   KUBECONFIG=F bench-frames --repo DIR [--frames N] [--size COLSxLINES]
 *                             [--only KIND]
 *
 * The console as `shipdeck --repo DIR` opens it (the real sources: the
 * cluster's list+watch into the store, the repository's pipeline history),
 * drawing into an in-memory screen (newterm on /dev/null, as script mode
 * does) of 200×50. Once every list is in and nothing is under way, it times
 * ui_draw — the panes drawn and the screen sent to the terminal — for N
 * frames of each kind:
 *
 *   full     clearok: every cell sent again, as after a resize or ^L
 *   watch    one watch event: a deployment's ready count changes
 *   key      j / k in the rollout pane (the cursor moves one row)
 *   log      j in the log pane, paging a 1,000,000-line log from disk
 *
 * and prints "frames KIND N P50_US P99_US MAX_US" for each (--only: that
 * kind alone, to profile it with callgrind --toggle-collect=timed_draw). The
 * time to apply the event or key is not in the figure: only the frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "app/sources.h"
#include "kube/client.h"
#include "kube/objects.h"
#include "util/timefmt.h"
#include "views/ui_internal.h"

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void report(const char *kind, int64_t *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_i64);
	printf("frames %s %d %lld %lld %lld\n", kind, n, (long long)t[n / 2],
	       (long long)t[(n * 99 + 99) / 100 - 1], (long long)t[n - 1]);
	fflush(stdout);
}

__attribute__((noinline)) static int64_t timed_draw(struct ui *ui)
{
	int64_t t0 = mono_us();

	ui_draw(ui);
	return mono_us() - t0;
}

/* Runs the loop, drawing as the console does, until every list is in and
 * the store has been still for quiet_ms (or limit_ms passed). */
static bool settle(struct ui *ui, int64_t quiet_ms, int64_t limit_ms)
{
	struct app *app = ui->app;
	int64_t start = time_mono_ms(), still = start;
	uint64_t seen = app->store.version;

	while (time_mono_ms() - start < limit_ms) {
		if (ui->dirty || ui->drawn_version != app->store.version)
			ui_draw(ui);
		loop_run_once(app->loop, 10);
		if (seen != app->store.version || !app_idle(app)) {
			seen = app->store.version;
			still = time_mono_ms();
		} else if (app->store.status.sources[SOURCE_KUBE].state == SOURCE_READY
			   && time_mono_ms() - still >= quiet_ms) {
			return true;
		}
	}
	return false;
}

/* The first deployment's JSON, to replay as watch events. */
static cJSON *fetch_deployment(struct app *app, const char **name)
{
	const struct kube_table *t = &app->store.kube.tables[KUBE_DEPLOYMENTS];
	const struct kube_deployment *d;
	struct http_response resp;
	struct err err;
	cJSON *json = NULL;
	char *path;

	if (!t->n)
		return NULL;
	d = t->items[0];
	*name = d->meta.name;
	path = kube_path(KUBE_DEPLOYMENTS, d->meta.namespace, d->meta.name);
	if (!kube_call_sync(app->rt.kube, &(struct kube_call){ .path = path }, &resp, &err)
	    && resp.status == 200)
		json = cJSON_ParseWithLength(resp.body, resp.body_len);
	http_response_free(&resp);
	free(path);
	return json;
}

static void watch_event(struct app *app, cJSON *json, int i)
{
	cJSON *status = cJSON_GetObjectItem(json, "status");
	cJSON *meta = cJSON_GetObjectItem(json, "metadata");
	int replicas = (int)kube_json_int(json, "spec.replicas", 1);
	char rv[32];
	struct store_event ev = { .domain = STORE_KUBE };

	snprintf(rv, sizeof rv, "%d", 900000000 + i);
	cJSON_ReplaceItemInObject(meta, "resourceVersion", cJSON_CreateString(rv));
	cJSON_ReplaceItemInObject(status, "readyReplicas",
				  cJSON_CreateNumber(i % 2 ? replicas - 1 : replicas));
	ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = KUBE_DEPLOYMENTS,
				       .obj = kube_object_parse(KUBE_DEPLOYMENTS, json) };
	app_apply(app, &ev);
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct app app;
	struct err err;
	struct ui *ui;
	const char *size = "200x50", *name = NULL, *only = NULL;
	int n = 300, j = keyc_parse("j"), k = keyc_parse("k");
	int64_t *t;
	cJSON *deploy;
	char cols[16], lines[16];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repo") && i + 1 < argc) {
			opts.repo = argv[++i];
		} else if (!strcmp(argv[i], "--frames") && i + 1 < argc) {
			n = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			size = argv[++i];
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else {
			fprintf(stderr, "usage: bench-frames --repo DIR [--frames N] "
				"[--size COLSxLINES] [--only KIND]\n");
			return 2;
		}
	}
	if (n < 1 || sscanf(size, "%15[0-9]x%15[0-9]", cols, lines) != 2) {
		fprintf(stderr, "bench-frames: bad --frames or --size\n");
		return 2;
	}
	/* script mode's terminal: an in-memory screen of a fixed size; the
	 * script itself is empty, this program drives the frames */
	setenv("COLUMNS", cols, 1);
	setenv("LINES", lines, 1);
	setenv("SHIPDECK_SCRIPT", "/dev/null", 1);
	unsetenv("SHIPDECK_FRAME_LOG");
	if (app_init(&app, &opts, &err) || sources_start(&app, &err)
	    || !(ui = ui_open(&app, &err))) {
		fprintf(stderr, "bench-frames: %s\n", err.msg);
		return 2;
	}
	if (!settle(ui, 500, 60000)) {
		fprintf(stderr, "bench-frames: the cluster's lists did not come in within 60 s\n");
		return 1;
	}
	deploy = fetch_deployment(&app, &name);
	if (!deploy) {
		fprintf(stderr, "bench-frames: no deployment to change\n");
		return 1;
	}
	printf("store %zu pods %zu deployments\n", app.store.kube.tables[KUBE_PODS].n,
	       app.store.kube.tables[KUBE_DEPLOYMENTS].n);
	t = calloc((size_t)n, sizeof *t);

	ui_draw(ui);
	if (!only || !strcmp(only, "full")) {
		for (int i = 0; i < n; i++) {
			clearok(curscr, TRUE);
			t[i] = timed_draw(ui);
		}
		report("full", t, n);
	}
	if (!only || !strcmp(only, "watch")) {
		for (int i = 0; i < n; i++) {
			watch_event(&app, deploy, i);
			t[i] = timed_draw(ui);
		}
		report("watch", t, n);
	}
	if (!only || !strcmp(only, "key")) {
		for (int i = 0; i < n; i++) {
			ui_dispatch_key(ui, i % 2 ? k : j);
			t[i] = timed_draw(ui);
		}
		report("key", t, n);
	}
	if (!only || !strcmp(only, "log")) {
		/* the log pane, at the top of the log: each j pages from disk */
		ui_dispatch_key(ui, keyc_parse("2"));
		ui_dispatch_key(ui, keyc_parse("g"));
		ui_draw(ui);
		for (int i = 0; i < n; i++) {
			ui_dispatch_key(ui, j);
			t[i] = timed_draw(ui);
		}
		report("log", t, n);
	}

	free(t);
	cJSON_Delete(deploy);
	ui_close(&ui);
	sources_stop(&app);
	app_free(&app);
	return 0;
}
