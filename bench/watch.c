/* bench-watch: shipdeck's pod watch without a screen, for bench/run.
 *
 *   KUBECONFIG=F bench-watch [-n NS] [--quiet-ms MS] [--list-only]
 *
 * Lists and watches pods (every namespace unless -n) into the store, exactly
 * as the console's kube source does (kube/watch.c, store_apply), and prints
 *
 *   listed PODS RSS_KB              once the list is in the store
 *   events N LAST_US RSS_KB CPU_US  after MS (default 1000) without an event
 *
 * then exits (--list-only: after "listed"). N counts the store changes the watch made; LAST_US is the wall
 * clock (µs) when the last one was applied; CPU_US the CPU time used since
 * "listed". bench/run stops this process
 * (SIGSTOP) after "listed", makes a burst of events, and continues it: the
 * time from SIGCONT to LAST_US is how fast events are consumed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "app/app.h"
#include "kube/client.h"
#include "kube/source.h"
#include "kube/watch.h"

struct bench {
	struct app *app;
	struct kube_watch *w;
	int64_t quiet_ms;
	bool list_only;
	bool listed;
	uint64_t listed_version;
	uint64_t timer;
	int64_t last_us;
	int64_t listed_cpu_us;
};

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = 0;

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static int64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec
	       + ru.ru_stime.tv_usec;
}

static void on_quiet(void *ctx)
{
	struct bench *b = ctx;

	b->timer = 0;
	printf("events %llu %lld %ld %lld\n",
	       (unsigned long long)(b->app->store.version - b->listed_version),
	       (long long)b->last_us, rss_kb(), (long long)(cpu_us() - b->listed_cpu_us));
	fflush(stdout);
	loop_stop(b->app->loop);
}

static void on_changed(void *ctx)
{
	struct bench *b = ctx;

	if (!b->listed) {
		if (kube_watch_phase(b->w) != KUBE_LIST_WATCHING)
			return;
		b->listed = true;
		b->listed_version = b->app->store.version;
		b->listed_cpu_us = cpu_us();
		printf("listed %zu %ld\n", b->app->store.kube.tables[KUBE_PODS].n, rss_kb());
		fflush(stdout);
		if (b->list_only)
			loop_stop(b->app->loop);
		return;
	}
	b->last_us = wall_us();
	if (b->timer)
		loop_timer_cancel(b->app->loop, b->timer);
	b->timer = loop_timer_add(b->app->loop, b->quiet_ms, on_quiet, b);
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct bench b = { .quiet_ms = 1000 };
	struct app app;
	struct err err;
	const char *ns = "";
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			ns = argv[++i];
		} else if (!strcmp(argv[i], "--quiet-ms") && i + 1 < argc) {
			b.quiet_ms = atoll(argv[++i]);
		} else if (!strcmp(argv[i], "--list-only")) {
			b.list_only = true;
		} else {
			fprintf(stderr, "usage: bench-watch [-n NS] [--quiet-ms MS] [--list-only]\n");
			return 2;
		}
	}
	if (app_init(&app, &opts, &err)) {
		fprintf(stderr, "bench-watch: %s\n", err.msg);
		app_free(&app);
		return 2;
	}
	b.app = &app;
	rc = kube_client_open(&app.rt, &app.rt.kube, &err);
	if (rc) {
		fprintf(stderr, "bench-watch: %s\n", rc == 1 ? "no kubeconfig" : err.msg);
		app_free(&app);
		return 2;
	}
	kube_source_publish_target(app.rt.kube);
	b.w = kube_watch_start(app.rt.kube, &(struct kube_watch_opts){
		.res = KUBE_PODS, .namespace = ns, .changed = on_changed, .ctx = &b });
	loop_run(app.loop, NULL);
	kube_watch_stop(&b.w);
	kube_client_free(&app.rt.kube);
	app_free(&app);
	return 0;
}
