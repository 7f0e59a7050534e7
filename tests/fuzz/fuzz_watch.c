/* A watch stream from a hostile API server, through the same code as the
 * console: the line framing, each line's event JSON read as each kind, the
 * objects applied to the store (as watch events, then as one list), the
 * lookups the rollout pane makes, and the release model the canary pane
 * reads from them (a canary app and a blue/green app) with every plan it
 * can make. Checked: chunking never changes the lines seen; the store's
 * tables stay sorted without repeats; a plan holds requests. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/status.h"
#include "kube/watch.h"
#include "metrics/release.h"
#include "project/project.h"
#include "store/argo.h"
#include "store/kube.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct lines {
	struct strbuf all;          /* each line, then '\n' */
	size_t n;
};

static bool collect(void *ctx, const char *line, size_t len)
{
	struct lines *l = ctx;

	sb_append(&l->all, line, len);
	sb_putc(&l->all, '\n');
	l->n++;
	return true;
}

/* Feeds data in chunks of `step` bytes (0: at once). */
static bool frame(const uint8_t *data, size_t size, size_t step, size_t max_line,
		  struct lines *out)
{
	struct kube_lines lf = { .max_line = max_line };
	bool ok = true;

	for (size_t off = 0; off < size && ok;) {
		size_t n = step && size - off > step ? step : size - off;

		ok = kube_lines_feed(&lf, (const char *)data + off, n, collect, out);
		off += n;
	}
	kube_lines_free(&lf);
	return ok;
}

static void check_sorted(const struct store_kube *k)
{
	for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
		const struct kube_table *t = &k->tables[r];

		for (size_t i = 1; i < t->n; i++) {
			const struct kube_meta *a = t->items[i - 1], *b = t->items[i];
			int c = strcmp(a->namespace, b->namespace);

			if (c > 0 || (!c && strcmp(a->name, b->name) >= 0))
				abort();
		}
	}
}

/* What the rollout pane asks of the store. */
static void browse(const struct store_kube *k)
{
	const struct kube_table *deps = &k->tables[KUBE_DEPLOYMENTS];
	const struct kube_replicaset *rs[16];
	const struct kube_pod *pods[16];
	const struct kube_event_obj *evs[8];
	char msg[512];

	for (size_t i = 0; i < deps->n; i++) {
		const struct kube_deployment *d = deps->items[i];
		size_t nrs = store_kube_replicasets_of(k, d, rs, 16);

		(void)kube_rollout_status(d, msg, sizeof msg);
		(void)kube_deployment_condition(d, "Progressing");
		(void)store_kube_revision(k, d, d->revision - 1);
		for (size_t j = 0; j < nrs; j++) {
			size_t np = store_kube_pods_of(k, rs[j], pods, 16);

			for (size_t p = 0; p < np; p++)
				(void)store_kube_events_about(k, pods[p]->meta.namespace, "Pod",
							      pods[p]->meta.name, evs, 8);
		}
	}
}

/* What the rollout pane and rollout status ask of an Argo Rollout. */
static void browse_argo(const struct store_kube *k)
{
	const struct kube_table *ros = &k->tables[KUBE_ROLLOUTS];
	const struct kube_analysisrun *runs[8];

	for (size_t i = 0; i < ros->n; i++) {
		const struct kube_rollout *ro = ros->items[i];
		struct kube_rollout_info in;

		store_argo_rollout_info(k, ro, &in);
		if (!in.phase || !in.message || in.nrs > KUBE_ROLLOUT_MAX_RS
		    || (in.has_step && in.nsteps != (int32_t)ro->nsteps))
			abort();
		(void)store_argo_analysisruns_of(k, ro, runs, 8);
		(void)store_argo_revision(k, ro, 1);
	}
}

static void check_plan(int rc, struct release_plan *p)
{
	if (rc == 0) {
		if (!p->ncalls || p->ncalls > RELEASE_MAX_CALLS || !p->target)
			abort();
		for (size_t i = 0; i < p->ncalls; i++)
			if (!p->calls[i].method || !p->calls[i].path || p->calls[i].path[0] != '/')
				abort();
		release_plan_free(p);
	}
}

/* What the canary pane and automatic mode do with the apps' releases. */
static void releases(const struct store_kube *k)
{
	static const char apps[] = "apps:\n"
		"  shop: {strategy: canary, steps: [25, 50, 100], interval: 10s}\n"
		"  pay: {strategy: blue-green, interval: 10s}\n";
	struct project proj;
	struct err err;

	if (project_parse(&proj, ".shipdeck.yml", apps, sizeof apps - 1, &err))
		abort();
	for (size_t i = 0; i < proj.napps; i++) {
		struct release r;
		struct release_plan p;
		struct release_window w;
		double due;
		char why[256];

		release_read(k, &proj.apps[i], "default", &r);
		check_plan(release_plan_start(&r, "2.0", NULL, 1000, &p, &err), &p);
		check_plan(release_plan_promote(&r, 1000, &p, &err), &p);
		check_plan(release_plan_abort(&r, 1000, &p, &err), &p);
		check_plan(release_plan_finish(&r, 1000, &p, &err), &p);
		(void)release_window(&r, 2000.0, true, &w, &due, why, sizeof why);
		(void)release_decide(&r, release_stalled_verdict(&r, CANARY_FAIL, why, sizeof why), 3);
		(void)release_phase_name(r.phase);
	}
	project_free(&proj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lines whole = { 0 }, chunked = { 0 }, small = { 0 };
	struct store_kube k, listed;
	struct json_arena json = { 0 };
	void **objs[KUBE_RESOURCE_COUNT] = { 0 };
	size_t nobjs[KUBE_RESOURCE_COUNT] = { 0 };
	bool ok_whole, ok_chunked;
	const char *p, *end;

	ok_whole = frame(data, size, 0, 0, &whole);
	ok_chunked = frame(data, size, 1 + size % 13, 0, &chunked);
	if (ok_whole != ok_chunked || whole.n != chunked.n || whole.all.len != chunked.all.len
	    || (whole.all.len && memcmp(whole.all.s, chunked.all.s, whole.all.len)))
		abort();
	(void)frame(data, size, 7, 64, &small);

	store_kube_init(&k);
	store_kube_init(&listed);
	p = whole.all.len ? whole.all.s : "";
	end = p + whole.all.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
			struct kube_watch_event e;
			struct kube_event ev = { .res = (enum kube_resource)r };

			kube_watch_event_parse(&json, (enum kube_resource)r, p, (size_t)(nl - p), &e);
			if (e.kind == KUBE_WATCH_ERROR && !e.message)
				abort();
			if ((e.kind == KUBE_WATCH_UPSERT || e.kind == KUBE_WATCH_DELETE) && e.obj) {
				ev.type = e.kind == KUBE_WATCH_DELETE ? KUBE_EV_DELETE : KUBE_EV_UPSERT;
				ev.obj = e.obj;
				e.obj = NULL;
				store_kube_apply(&k, &ev);
				/* and the same object again, as a list would carry it */
				kube_watch_event_free((enum kube_resource)r, &e);
				kube_watch_event_parse(&json, (enum kube_resource)r, p, (size_t)(nl - p), &e);
				objs[r] = realloc(objs[r], (nobjs[r] + 1) * sizeof *objs[r]);
				if (!objs[r])
					abort();
				objs[r][nobjs[r]++] = e.obj;
				e.obj = NULL;
			}
			kube_watch_event_free((enum kube_resource)r, &e);
		}
		p = nl + 1;
	}
	check_sorted(&k);
	browse(&k);
	browse_argo(&k);
	releases(&k);
	for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
		struct kube_event ev = { .type = KUBE_EV_SYNC, .res = (enum kube_resource)r,
					 .objs = objs[r], .nobjs = nobjs[r] };

		store_kube_apply(&listed, &ev);
	}
	check_sorted(&listed);
	browse(&listed);
	store_kube_free(&k);
	store_kube_free(&listed);
	json_arena_free(&json);
	sb_free(&whole.all);
	sb_free(&chunked.all);
	sb_free(&small.all);
	return 0;
}
