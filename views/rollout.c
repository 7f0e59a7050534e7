/* The rollout pane: the namespace's deployments; for the selected one, the
 * rolling update's budget, its conditions and practice checks, its replica
 * sets by revision and its pods grouped by revision, live from the watch.
 * Enter on a pod opens its detail (conditions, containers, events, the
 * previous container's log). Actions: r rollback (to the previous revision
 * or the replica set under the cursor), Space pause/resume, s scale,
 * R restart, d deploy an image, K kill a pod; :undo N, :ns, :ctx. Argo
 * Rollouts and Flagger Canaries are listed beside the deployments
 * (views/rollout_argo.c draws their lines); p, P, a, r, R and d act on a
 * selected Rollout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action/builder.h"
#include "action/gate.h"
#include "app/sources.h"
#include "store/argo.h"
#include "store/kube_budget.h"
#include "util/imgref.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/columns.h"
#include "views/driftrows.h"
#include "views/poddetail.h"
#include "views/rollout_argo.h"
#include "views/view.h"

enum row_kind { ROW_TEXT, ROW_DEPLOY, ROW_RS, ROW_POD, ROW_ARGO, ROW_FLAGGER };

enum { PROMPT_SCALE = 1, PROMPT_CONTAINER, PROMPT_IMAGE, PROMPT_FILTER };

enum { MAX_RS = 64, MAX_PODS = 512, MAX_ROWS = 4096, MAX_EVENTS = 8 };

/* One line of the pane, rebuilt every frame from the store. */
struct row {
	enum row_kind kind;
	const void *obj;
	int text;                   /* ROW_TEXT: which (enum text_row) */
	long rev;                   /* ROW_TEXT: the group's revision, the condition's index */
};

enum text_row {
	TEXT_DEPLOY_HEADER, TEXT_BUDGET, TEXT_CONDITIONS, TEXT_CHECKS, TEXT_RS_HEADER,
	TEXT_POD_HEADER, TEXT_POD_GROUP, TEXT_EMPTY, TEXT_NO_MATCH, TEXT_DRIFT,
	/* a selected Argo Rollout or Flagger Canary (views/rollout_argo.c) */
	TEXT_ARGO_SUMMARY, TEXT_ARGO_STEPS, TEXT_ARGO_BAR, TEXT_ARGO_MESSAGE, TEXT_ARGO_RUN,
	TEXT_ARGO_METRIC, TEXT_FLAGGER,
};

struct rollout_view {
	enum row_kind cursor_kind;  /* the cursor, by what it points at */
	char *cursor_name;
	int cursor;                 /* its row index last frame */
	int top;
	char *filter;
	/* an Argo Rollout or Flagger Canary selected instead of a deployment */
	char *argo, *flagger;
	/* pod detail */
	char *detail_pod;
	int detail_container;
	/* deploy: the container picked before the image prompt */
	char *deploy_container;
	struct row rows[MAX_ROWS];
	int nrows;
	uint64_t rows_version;      /* the store's version the rows were built from */
};

/* ---- small helpers */

static const char *ns_of(const struct view_ctx *c)
{
	return c->app->store.kube.namespace ? c->app->store.kube.namespace : "";
}

static const struct kube_deployment *selected(const struct view_ctx *c)
{
	return c->sel->deployment
		? store_kube_deployment(&c->app->store.kube, ns_of(c), c->sel->deployment) : NULL;
}

static bool matches(const struct rollout_view *v, const struct kube_deployment *d)
{
	return !v->filter || !*v->filter || strstr(d->meta.name, v->filter);
}

static bool name_matches(const struct rollout_view *v, const struct kube_meta *m)
{
	return !v->filter || !*v->filter || strstr(m->name, v->filter);
}

static const struct kube_rollout *selected_argo(const struct rollout_view *v,
					       const struct view_ctx *c)
{
	return v->argo ? store_kube_find(&c->app->store.kube, KUBE_ROLLOUTS, ns_of(c), v->argo)
		: NULL;
}

static const struct kube_flagger_canary *selected_flagger(const struct rollout_view *v,
							 const struct view_ctx *c)
{
	return v->flagger
		? store_kube_find(&c->app->store.kube, KUBE_CANARIES, ns_of(c), v->flagger) : NULL;
}

/* The condition column: what state the rollout is in, and its colour. */
static const char *condition_of(const struct kube_deployment *d, enum role *role)
{
	const struct kube_condition *prog = kube_deployment_condition(d, "Progressing");
	const struct kube_condition *avail = kube_deployment_condition(d, "Available");

	if (prog && prog->reason && !strcmp(prog->reason, "ProgressDeadlineExceeded")) {
		*role = ROLE_FAIL;
		return "DeadlineExceeded";
	}
	if (d->paused) {
		*role = ROLE_WARN;
		return "Paused";
	}
	if (avail && avail->status && !strcmp(avail->status, "False")) {
		*role = ROLE_WARN;
		return "Unavailable";
	}
	if (d->updated < d->replicas || d->status_replicas > d->updated
	    || d->available < d->updated || d->generation > d->observed_generation) {
		*role = ROLE_RUNNING;
		return "Progressing";
	}
	*role = ROLE_OK;
	return "Available";
}

/* ---- rows */

static void add(struct rollout_view *v, struct row r)
{
	if (v->nrows < MAX_ROWS)
		v->rows[v->nrows++] = r;
}

static void add_pod_groups(struct rollout_view *v, const struct store_kube *k,
			   const struct kube_replicaset *const *rss, size_t nrs)
{
	for (size_t i = 0, header = 0; i < nrs; i++) {
		const struct kube_pod *pods[MAX_PODS];
		size_t np = store_kube_pods_of(k, rss[i], pods, MAX_PODS);

		if (!np)
			continue;
		if (!header++)
			add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_POD_HEADER });
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_POD_GROUP, .obj = rss[i],
				     .rev = rss[i]->revision });
		for (size_t j = 0; j < np; j++)
			add(v, (struct row){ .kind = ROW_POD, .obj = pods[j] });
	}
}

/* A Rollout: summary, steps, the canary bar, the controller's message, its
 * replica sets, its analysis runs and their metrics, its pods by revision. */
static void build_argo_rows(struct rollout_view *v, const struct view_ctx *c,
			    const struct kube_rollout *ro)
{
	const struct store_kube *k = &c->app->store.kube;
	const struct kube_analysisrun *runs[16];
	const struct kube_replicaset *rss[KUBE_ROLLOUT_MAX_RS];
	struct kube_rollout_info in;
	size_t nruns;

	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_ARGO_SUMMARY, .obj = ro });
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_ARGO_STEPS, .obj = ro });
	if (!ro->blue_green)
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_ARGO_BAR, .obj = ro });
	if (argo_has_message(ro))
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_ARGO_MESSAGE, .obj = ro });
	store_argo_rollout_info(k, ro, &in);
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_RS_HEADER });
	for (size_t i = 0; i < in.nrs; i++) {
		rss[i] = in.rss[i].rs;
		add(v, (struct row){ .kind = ROW_RS, .obj = rss[i] });
	}
	nruns = store_argo_analysisruns_of(k, ro, runs, 16);
	for (size_t i = 0; i < nruns; i++) {
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_ARGO_RUN, .obj = runs[i] });
		for (size_t j = 0; j < runs[i]->nmetrics; j++)
			add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_ARGO_METRIC,
					     .obj = runs[i], .rev = (long)j });
	}
	add_pod_groups(v, k, rss, in.nrs);
}

static void build_rows(struct rollout_view *v, struct view_ctx *c)
{
	const struct store_kube *k = &c->app->store.kube;
	const struct kube_table *t = &k->tables[KUBE_DEPLOYMENTS];
	const struct kube_deployment *d = selected(c);
	const struct kube_replicaset *rss[MAX_RS];
	size_t nrs, shown = 0;

	size_t total = t->n;

	v->nrows = 0;
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_DEPLOY_HEADER });
	for (size_t i = 0; i < t->n; i++) {
		if (!matches(v, t->items[i]))
			continue;
		add(v, (struct row){ .kind = ROW_DEPLOY, .obj = t->items[i] });
		shown++;
	}
	/* Argo Rollouts and Flagger Canaries, where their CRDs are served */
	for (int res = KUBE_ROLLOUTS; res <= KUBE_CANARIES; res += KUBE_CANARIES - KUBE_ROLLOUTS) {
		const struct kube_table *ct = &k->tables[res];

		total += ct->n;
		for (size_t i = 0; i < ct->n; i++) {
			if (!name_matches(v, ct->items[i]))
				continue;
			add(v, (struct row){ .kind = res == KUBE_ROLLOUTS ? ROW_ARGO : ROW_FLAGGER,
					     .obj = ct->items[i] });
			shown++;
		}
	}
	if (!shown)
		add(v, (struct row){ .kind = ROW_TEXT,
				     .text = total ? TEXT_NO_MATCH : TEXT_EMPTY });
	if (selected_argo(v, c)) {
		build_argo_rows(v, c, selected_argo(v, c));
		return;
	}
	if (selected_flagger(v, c)) {
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_FLAGGER,
				     .obj = selected_flagger(v, c) });
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_FLAGGER,
				     .obj = selected_flagger(v, c), .rev = 1 });
		return;
	}
	if (!d)
		return;
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_BUDGET });
	/* one line per condition: a deadline's message is worth its width */
	for (size_t i = 0; i < (d->nconditions ? d->nconditions : 1); i++)
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_CONDITIONS, .rev = (long)i });
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_CHECKS });
	for (int i = 0, n = drift_rows_count(c, d); i < n; i++)
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_DRIFT, .rev = i });
	nrs = store_kube_replicasets_of(k, d, rss, MAX_RS);
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_RS_HEADER });
	for (size_t i = 0; i < nrs; i++)
		add(v, (struct row){ .kind = ROW_RS, .obj = rss[i] });
	add_pod_groups(v, k, rss, nrs);
}

static const char *row_name(const struct row *r)
{
	return r->kind == ROW_TEXT ? NULL : ((const struct kube_meta *)r->obj)->name;
}

static void set_cursor(struct rollout_view *v, struct view_ctx *c, int i);

/* Finds the cursor's row again after the rows were rebuilt. */
static void place_cursor(struct rollout_view *v, struct view_ctx *c)
{
	int first = -1;

	for (int i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_TEXT)
			continue;
		if (first < 0)
			first = i;
		if (v->cursor_name && v->rows[i].kind == v->cursor_kind
		    && !strcmp(row_name(&v->rows[i]), v->cursor_name)) {
			v->cursor = i;
			return;
		}
	}
	/* gone (a pod replaced): the nearest selectable row at or above */
	if (v->cursor >= v->nrows)
		v->cursor = v->nrows - 1;
	while (v->cursor > 0 && v->rows[v->cursor].kind == ROW_TEXT)
		v->cursor--;
	if (v->cursor < 0 || v->rows[v->cursor].kind == ROW_TEXT)
		v->cursor = first;
	if (v->cursor >= 0) {
		char *gone = v->cursor_kind == ROW_POD && v->cursor_name
			? xasprintf("pod/%s/%s/", ns_of(c), v->cursor_name) : NULL;
		bool log_gone = gone && c->sel->log_id
			&& !strncmp(c->sel->log_id, gone, strlen(gone));

		v->cursor_kind = v->rows[v->cursor].kind;
		free(v->cursor_name);
		v->cursor_name = xstrdup(row_name(&v->rows[v->cursor]));
		/* the gone pod's log leaves with it: the log pane shows the pod the
		 * cursor is on now, or nothing (any other log stays) */
		if (log_gone) {
			set_cursor(v, c, v->cursor);
			if (c->sel->log_id && !strncmp(c->sel->log_id, gone, strlen(gone)))
				ui_select(c->ui, &c->sel->log_id, NULL);
		}
		free(gone);
	}
}

/* ---- drawing one row */

static const struct column deploy_cols[] = {
	{ "NAME", 22, 0 }, { "READY", 7, 0 }, { "UP-TO-DATE", 10, 2 }, { "AVAILABLE", 9, 1 },
	{ "IMAGE", 14, 0 }, { "STRATEGY", 13, 4 }, { "REV", 4, 3 }, { "CONDITION", 16, 0 },
	{ "AGE", 6, 1 },
};
enum { NDCOLS = sizeof deploy_cols / sizeof *deploy_cols };

/* Where the deployment columns go, -1 for those the width leaves out. */
static void place_cols(const struct view_ctx *c, int *at)
{
	bool on[NDCOLS];

	columns_fit(deploy_cols, NDCOLS, c->width - 1, 1, on);
	columns_place(deploy_cols, NDCOLS, on, 1, 1, at);
}

/* One line of the list: cells in the deployments' columns; the AGE
 * column is the age of *created when given (a cell the clock's frame
 * redraws alone), else cells' text. */
static void draw_list_cells(struct view_ctx *c, int y, const char *const *cells,
			    const int64_t *created, enum role cond_role, enum role ready_role,
			    bool sel)
{
	enum role base = sel ? ROLE_SELECTION : ROLE_NORMAL;
	int at[NDCOLS];

	if (sel)
		draw_row_fill(c, y, ROLE_SELECTION);
	place_cols(c, at);
	for (int i = 0; i < NDCOLS; i++) {
		enum role role = base;

		if (at[i] < 0)
			continue;
		if (!sel && i == 7)
			role = cond_role;
		else if (!sel && i == 1)
			role = ready_role;
		if (i == NDCOLS - 1 && created)
			draw_age_cell(c, y, at[i], deploy_cols[i].width, role, *created);
		else
			draw_cell(c, y, at[i], deploy_cols[i].width, role, cells[i]);
	}
}

static void draw_deploy(struct view_ctx *c, int y, const struct kube_deployment *d, bool sel)
{
	char ready[24], upd[12], avail[12], tag[64], rev[16], strat[32];
	const char *cells[NDCOLS];
	enum role cond_role;
	const char *cond = condition_of(d, &cond_role);

	snprintf(ready, sizeof ready, "%d/%d", d->ready, d->replicas);
	snprintf(upd, sizeof upd, "%d", d->updated);
	snprintf(avail, sizeof avail, "%d", d->available);
	snprintf(rev, sizeof rev, "%ld", d->revision);
	if (d->recreate)
		snprintf(strat, sizeof strat, "Recreate");
	else
		snprintf(strat, sizeof strat, "Rolling %s/%s", d->max_surge, d->max_unavailable);
	cells[0] = d->meta.name;
	cells[1] = ready;
	cells[2] = upd;
	cells[3] = avail;
	cells[4] = cell_tag(d->images, tag, sizeof tag);
	cells[5] = strat;
	cells[6] = rev;
	cells[7] = cond;
	cells[8] = NULL;
	draw_list_cells(c, y, cells, &d->meta.created, cond_role,
			d->ready >= d->replicas ? ROLE_OK : ROLE_WARN, sel);
}

/* An Argo Rollout's or a Flagger Canary's line in the list. */
static void draw_progressive(struct view_ctx *c, int y, const struct row *r, bool sel)
{
	char bufs[ARGO_NCELLS][ARGO_CELL];
	const char *cells[ARGO_NCELLS];
	enum role cond_role, ready_role = ROLE_NORMAL;

	_Static_assert((int)ARGO_NCELLS == (int)NDCOLS, "the list's columns");
	if (r->kind == ROW_ARGO) {
		const struct kube_rollout *ro = r->obj;

		argo_rollout_cells(&c->app->store.kube, ro, bufs, &cond_role);
		ready_role = ro->ready >= ro->replicas ? ROLE_OK : ROLE_WARN;
	} else {
		argo_canary_cells(r->obj, bufs, &cond_role);
	}
	c->uses_clock = true;
	for (int i = 0; i < ARGO_NCELLS; i++)
		cells[i] = bufs[i];
	draw_list_cells(c, y, cells, NULL, cond_role, ready_role, sel);
}

static void draw_deploy_header(struct view_ctx *c, int y)
{
	int at[NDCOLS];

	place_cols(c, at);
	for (int i = 0; i < NDCOLS; i++)
		if (at[i] >= 0)
			draw_cell(c, y, at[i], deploy_cols[i].width, ROLE_MUTED,
				  deploy_cols[i].title);
}

/* [███▒▒░░] new 1/3 available · surge 1/1 · unavailable 0/0 */
static void draw_budget(struct view_ctx *c, int y, const struct kube_deployment *d)
{
	struct kube_budget b;
	int barw = 20, x = 0, r;

	store_kube_budget(&c->app->store.kube, d, &b);
	r = b.replicas;
	x += draw_text(c, y, x, ROLE_MUTED, "rollout [");
	for (int i = 0; i < barw; i++) {
		int slot = r ? (i * r) / barw : 0;
		enum role role = ROLE_MUTED;
		const char *glyph = "\xe2\x96\x91";     /* ░ old */

		if (r && slot < b.new_available) {
			role = ROLE_OK;
			glyph = "\xe2\x96\x88";         /* █ new and available */
		} else if (r && slot < b.updated) {
			role = ROLE_RUNNING;
			glyph = "\xe2\x96\x92";         /* ▒ new, not yet available */
		}
		x += draw_text(c, y, x, role, glyph);
	}
	x += draw_text(c, y, x, ROLE_MUTED, "] ");
	x += draw_textf(c, y, x, ROLE_NORMAL, "new %d/%d available", b.new_available, r);
	x += draw_text(c, y, x, ROLE_MUTED, " \xc2\xb7 surge ");
	x += draw_textf(c, y, x, b.surge_used > b.surge ? ROLE_FAIL
			: b.surge_used ? ROLE_WARN : ROLE_OK, "%d/%d", b.surge_used, b.surge);
	x += draw_text(c, y, x, ROLE_MUTED, " \xc2\xb7 unavailable ");
	x += draw_textf(c, y, x, b.unavailable_used > b.unavailable ? ROLE_FAIL
			: b.unavailable_used ? ROLE_WARN : ROLE_OK, "%d/%d", b.unavailable_used,
			b.unavailable);
	if (d->paused)
		draw_text(c, y, x, ROLE_WARN, "  PAUSED");
}

/* Condition i of d, with its message; ProgressDeadlineExceeded in the fail
 * colour. */
static void draw_condition(struct view_ctx *c, int y, const struct kube_deployment *d, size_t i)
{
	const struct kube_condition *k;
	bool deadline;
	enum role role;
	char age[16];
	int x;

	if (i >= d->nconditions) {
		draw_text(c, y, 0, ROLE_MUTED, "conditions: none reported yet");
		return;
	}
	k = &d->conditions[i];
	deadline = k->reason && !strcmp(k->reason, "ProgressDeadlineExceeded");
	role = deadline ? ROLE_FAIL : k->status && !strcmp(k->status, "True") ? ROLE_OK : ROLE_WARN;
	draw_age(c, k->last_update, age, sizeof age);
	x = draw_textf(c, y, 0, role, "%-12s %-6s %-26s", k->type, k->status ? k->status : "?",
		       k->reason ? k->reason : "");
	draw_textf(c, y, x + 1, deadline ? ROLE_FAIL : ROLE_MUTED, "%s (%s ago)",
		   k->message ? k->message : "", age);
}

/* The practice checks, in help order. */
static void draw_checks(struct view_ctx *c, int y, const struct kube_deployment *d)
{
	const struct kube_replicaset *rss[MAX_RS];
	size_t n = store_kube_replicasets_of(&c->app->store.kube, d, rss, MAX_RS);
	const struct {
		const char *name;
		bool ok;
	} checks[] = {
		{ "pinned tag", d->facts.image_pinned },
		{ "readiness", d->facts.readiness_probe },
		{ "preStop", d->facts.pre_stop },
		{ "bounds", d->bounds_deliberate },
		{ "requests", d->facts.requests },
		{ "history", d->revision_history_limit > 0 && (n > 1 || d->revision <= 1) },
	};
	int x = draw_text(c, y, 0, ROLE_MUTED, "checks");

	for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
		x += draw_textf(c, y, x, checks[i].ok ? ROLE_OK : ROLE_FAIL, "  %s %s",
				checks[i].ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97", checks[i].name);
}

/* Where the replica set and pod columns start (header and rows agree). */
enum { RS_X_REV = 4, RS_X_IMAGE = 9, RS_X_COUNTS = 24, RS_X_AGE = 37, RS_X_CAUSE = 44 };

static int pod_name_width(const struct view_ctx *c)
{
	return c->width >= 100 ? 32 : 26;
}

/* argo: a Rollout's replica sets show their role and health instead */
static void draw_rs_header(struct view_ctx *c, int y, bool argo)
{
	draw_text(c, y, RS_X_REV, ROLE_MUTED, "REV");
	draw_text(c, y, RS_X_IMAGE, ROLE_MUTED, "IMAGE");
	draw_text(c, y, RS_X_COUNTS, ROLE_MUTED, "DES/CUR/RDY");
	draw_text(c, y, RS_X_AGE, ROLE_MUTED, "AGE");
	draw_text(c, y, RS_X_CAUSE, ROLE_MUTED, argo ? "ROLE     HEALTH" : "CHANGE-CAUSE");
}

static void draw_pod_header(struct view_ctx *c, int y)
{
	int x = 4 + pod_name_width(c) + 1;

	draw_text(c, y, 4, ROLE_MUTED, "POD");
	draw_text(c, y, x, ROLE_MUTED, "STATUS");
	draw_text(c, y, x + 19, ROLE_MUTED, "READY");
	draw_text(c, y, x + 25, ROLE_MUTED, "RST");
	draw_text(c, y, x + 30, ROLE_MUTED, "AGE");
	draw_text(c, y, x + 37, ROLE_MUTED, "NODE");
}

static void draw_rs(struct view_ctx *c, int y, const struct kube_replicaset *rs,
		    const struct kube_deployment *d, bool sel)
{
	char tag[64], counts[48];
	enum role role = sel ? ROLE_SELECTION : rs->revision == d->revision ? ROLE_NORMAL
		: ROLE_MUTED;
	int x = 2;

	if (sel)
		draw_row_fill(c, y, ROLE_SELECTION);
	/* ▶ marks the revision the deployment is on */
	draw_text(c, y, x, role, rs->revision == d->revision ? "\xe2\x96\xb6" : " ");
	draw_textf(c, y, RS_X_REV, role, "%ld", rs->revision);
	draw_cell(c, y, RS_X_IMAGE, RS_X_COUNTS - RS_X_IMAGE - 1, role,
		  cell_tag(rs->images, tag, sizeof tag));
	snprintf(counts, sizeof counts, "%d/%d/%d", rs->replicas, rs->status_replicas, rs->ready);
	draw_cell(c, y, RS_X_COUNTS, RS_X_AGE - RS_X_COUNTS - 1, role, counts);
	draw_age_cell(c, y, RS_X_AGE, RS_X_CAUSE - RS_X_AGE - 1, role, rs->meta.created);
	draw_text(c, y, RS_X_CAUSE, sel ? role : ROLE_MUTED,
		  rs->change_cause ? rs->change_cause : "");
}

static void draw_pod(struct view_ctx *c, int y, const struct kube_pod *p, bool sel)
{
	char ready[16], restarts[16];
	enum role base = sel ? ROLE_SELECTION : ROLE_NORMAL;
	int x = 4, namew = pod_name_width(c);

	if (sel)
		draw_row_fill(c, y, ROLE_SELECTION);
	snprintf(ready, sizeof ready, "%u/%u", p->ready, p->total);
	snprintf(restarts, sizeof restarts, "%d", p->restarts);
	x += draw_cell(c, y, x, namew, base, p->meta.name) + 1;
	x += draw_cell(c, y, x, 18, sel ? base : pod_role(p), p->status) + 1;
	x += draw_cell(c, y, x, 5, base, ready) + 1;
	x += draw_cell(c, y, x, 4, sel ? base : p->restarts ? ROLE_WARN : base, restarts) + 1;
	x += draw_age_cell(c, y, x, 6, base, p->meta.created) + 1;
	draw_text(c, y, x, sel ? base : ROLE_MUTED, p->node ? p->node : "");
}

static void draw_row(struct rollout_view *v, struct view_ctx *c, int y, const struct row *r,
		     bool sel)
{
	const struct kube_deployment *d = selected(c);
	char tag[64];

	switch (r->kind) {
	case ROW_DEPLOY:
		draw_deploy(c, y, r->obj, sel);
		return;
	case ROW_ARGO:
	case ROW_FLAGGER:
		draw_progressive(c, y, r, sel);
		return;
	case ROW_RS:
		if (selected_argo(v, c))
			argo_draw_rs(c, y, selected_argo(v, c), r->obj, sel);
		else
			draw_rs(c, y, r->obj, d, sel);
		return;
	case ROW_POD:
		draw_pod(c, y, r->obj, sel);
		return;
	case ROW_TEXT:
		break;
	}
	switch ((enum text_row)r->text) {
	case TEXT_DEPLOY_HEADER:
		draw_deploy_header(c, y);
		break;
	case TEXT_BUDGET:
		draw_budget(c, y, d);
		break;
	case TEXT_CONDITIONS:
		draw_condition(c, y, d, (size_t)r->rev);
		break;
	case TEXT_CHECKS:
		draw_checks(c, y, d);
		break;
	case TEXT_DRIFT:
		drift_rows_draw(c, d, y, (int)r->rev);
		break;
	case TEXT_RS_HEADER:
		draw_rs_header(c, y, selected_argo(v, c) != NULL);
		break;
	case TEXT_POD_HEADER:
		draw_pod_header(c, y);
		break;
	case TEXT_POD_GROUP: {
		const struct kube_replicaset *rs = r->obj;

		draw_textf(c, y, 2, ROLE_TITLE, "rev %ld", r->rev);
		draw_textf(c, y, 10, ROLE_MUTED, "%s (%s)", rs->meta.name,
			   cell_tag(rs->images, tag, sizeof tag));
		break;
	}
	case TEXT_EMPTY:
		draw_textf(c, y, 1, ROLE_MUTED,
			   "no deployments in namespace %s (:ns NAME to change)",
			   *ns_of(c) ? ns_of(c) : "(all)");
		break;
	case TEXT_NO_MATCH:
		draw_textf(c, y, 1, ROLE_MUTED,
			   "no deployment matches '%s' (/ to change, Esc to clear)", v->filter);
		break;
	case TEXT_ARGO_SUMMARY:
		argo_draw_summary(c, y, r->obj);
		break;
	case TEXT_ARGO_STEPS:
		argo_draw_steps(c, y, r->obj);
		break;
	case TEXT_ARGO_BAR:
		argo_draw_bar(c, y, r->obj);
		break;
	case TEXT_ARGO_MESSAGE:
		argo_draw_message(c, y, r->obj);
		break;
	case TEXT_ARGO_RUN:
		argo_draw_run(c, y, r->obj);
		break;
	case TEXT_ARGO_METRIC:
		argo_draw_metric(c, y, &((const struct kube_analysisrun *)r->obj)->metrics[r->rev]);
		break;
	case TEXT_FLAGGER:
		c->uses_clock = true;
		argo_draw_flagger(c, y, (int)r->rev, r->obj);
		break;
	}
}

/* ---- pod detail */

static const struct kube_pod *detail_pod(const struct rollout_view *v, const struct view_ctx *c)
{
	return v->detail_pod
		? store_kube_find(&c->app->store.kube, KUBE_PODS, ns_of(c), v->detail_pod) : NULL;
}

/* The rows of the store as it is now, the cursor on the same object. The rows
 * point into the store, whose objects a watch event frees; a key can come
 * before the frame a store change waits for (STORE_FRAME_MS), so every entry
 * point that reads rows (draw, keys, prompts, commands, hints) syncs first:
 * draw always, the others through ensure_rows. */
static void sync_rows(struct rollout_view *v, struct view_ctx *c)
{
	if (v->argo && !selected_argo(v, c))
		xfree(&v->argo);
	if (v->flagger && !selected_flagger(v, c))
		xfree(&v->flagger);
	if ((!c->sel->deployment || !selected(c)) && !v->argo && !v->flagger) {
		/* nothing selected yet: the first deployment */
		const struct kube_table *t = &c->app->store.kube.tables[KUBE_DEPLOYMENTS];

		for (size_t i = 0; i < t->n; i++)
			if (matches(v, t->items[i])) {
				ui_select(c->ui, &c->sel->deployment,
					  ((struct kube_deployment *)t->items[i])->meta.name);
				break;
			}
		/* no deployment: the first Rollout, else the first Flagger Canary */
		for (int res = KUBE_ROLLOUTS; !c->sel->deployment && res <= KUBE_CANARIES
		     && !v->argo && !v->flagger; res += KUBE_CANARIES - KUBE_ROLLOUTS) {
			const struct kube_table *ct = &c->app->store.kube.tables[res];

			for (size_t i = 0; i < ct->n; i++)
				if (name_matches(v, ct->items[i])) {
					*(res == KUBE_ROLLOUTS ? &v->argo : &v->flagger) =
						xstrdup(((struct kube_meta *)ct->items[i])->name);
					break;
				}
		}
	}
	build_rows(v, c);
	place_cursor(v, c);
	v->rows_version = c->app->store.version;
}

/* Keys, prompts, commands and hints between two frames: rebuild only when
 * the store changed since the rows were built. */
static void ensure_rows(struct rollout_view *v, struct view_ctx *c)
{
	if (v->rows_version != c->app->store.version)
		sync_rows(v, c);
}

/* ---- draw */

static void rollout_draw(void *priv, struct view_ctx *c)
{
	struct rollout_view *v = priv;

	c->want_rows = 1;
	if (draw_source_notice(c, 0, SOURCE_KUBE))
		return;
	if (v->detail_pod) {
		c->want_rows = -1;
		pod_detail_draw(c, detail_pod(v, c), v->detail_pod, ns_of(c), &v->detail_container);
		return;
	}
	sync_rows(v, c);
	c->want_rows = v->nrows + 1;
	snprintf(c->subtitle, sizeof c->subtitle, "%s%s%s%s%s%s",
		 c->app->store.kube.context ? c->app->store.kube.context : "",
		 "/", *ns_of(c) ? ns_of(c) : "(all)",
		 v->filter ? "  filter: " : "", v->filter ? v->filter : "",
		 v->filter ? " (Esc clears)" : "");
	if (v->cursor < v->top)
		v->top = v->cursor;
	if (v->cursor >= v->top + c->height)
		v->top = v->cursor - c->height + 1;
	if (v->top < 0)
		v->top = 0;
	/* keep the deployments' header in view while the cursor is near the top */
	if (v->cursor >= 0 && v->cursor < c->height)
		v->top = 0;
	for (int y = 0; y < c->height && v->top + y < v->nrows; y++) {
		bool sel = c->focused && v->top + y == v->cursor;

		draw_row(v, c, y, &v->rows[v->top + y], sel);
		/* the cursor also as a glyph: visible without colour, and in dumps */
		if (sel)
			draw_text(c, y, 0, ROLE_SELECTION, "\xe2\x80\xba");
	}
}

/* ---- keys */

static void set_cursor(struct rollout_view *v, struct view_ctx *c, int i)
{
	const struct row *r;

	if (i < 0 || i >= v->nrows)
		return;
	r = &v->rows[i];
	v->cursor = i;
	v->cursor_kind = r->kind;
	free(v->cursor_name);
	v->cursor_name = xstrdup(row_name(r));
	if (r->kind == ROW_DEPLOY) {
		xfree(&v->argo);
		xfree(&v->flagger);
		ui_select(c->ui, &c->sel->deployment, row_name(r));
	}
	if (r->kind == ROW_ARGO || r->kind == ROW_FLAGGER) {
		char **slot = r->kind == ROW_ARGO ? &v->argo : &v->flagger;

		xfree(&v->argo);
		xfree(&v->flagger);
		*slot = xstrdup(row_name(r));
		ui_select(c->ui, &c->sel->deployment, NULL);
	}
	if (r->kind == ROW_POD) {
		const struct kube_pod *p = r->obj;

		if (p->ncontainers) {
			char *id = xasprintf("pod/%s/%s/%s", p->meta.namespace, p->meta.name,
					     p->containers[0].name);

			app_open_log(c->app, id);
			ui_select(c->ui, &c->sel->log_id, id);
			free(id);
		}
	}
}

static void move(struct rollout_view *v, struct view_ctx *c, int delta)
{
	int i = v->cursor;

	if (v->nrows == 0)
		return;
	for (int step = 0; step < (delta < 0 ? -delta : delta); step++) {
		int j = i + (delta < 0 ? -1 : 1);

		while (j >= 0 && j < v->nrows && v->rows[j].kind == ROW_TEXT)
			j += delta < 0 ? -1 : 1;
		if (j < 0 || j >= v->nrows)
			break;
		i = j;
	}
	set_cursor(v, c, i);
}

static const struct row *cursor_row(const struct rollout_view *v)
{
	return v->cursor >= 0 && v->cursor < v->nrows ? &v->rows[v->cursor] : NULL;
}

static void say(struct view_ctx *c, bool info, const char *action, const char *msg)
{
	app_message(c->app, info ? STATUS_INFO : STATUS_WARN, "%s: %s", action, msg);
}

/* The request for a on target name (in the namespace in use), from the
 * action's builder; sel has the rest of what is selected or asked. */
static struct action_req *build(struct view_ctx *c, enum action_id a, enum action_target target,
				const char *name, struct action_sel sel, bool *skipped,
				struct err *err)
{
	sel.target = target;
	sel.ns = ns_of(c);
	sel.name = name;
	return action_build(&c->app->rt, a, &sel, skipped, err);
}

static void rollback(struct view_ctx *c, const char *deploy, long rev)
{
	struct err err;
	bool skipped;
	struct action_req *req = build(c, ACTION_ROLLBACK, TARGET_DEPLOYMENT, deploy,
				       (struct action_sel){ .revision = rev }, &skipped, &err);

	if (!req)
		say(c, skipped, "rollback", err.msg);
	else
		gate_submit(&c->app->rt, req);
}

static void open_container_log(struct rollout_view *v, struct view_ctx *c)
{
	const struct kube_pod *p = detail_pod(v, c);
	const struct kube_container *k;
	char *id;

	if (!p || !p->ncontainers)
		return;
	if (v->detail_container >= p->ncontainers)
		v->detail_container = p->ncontainers - 1;
	k = &p->containers[v->detail_container];
	id = xasprintf("pod/%s/%s/%s", p->meta.namespace, p->meta.name, k->name);
	app_open_log(c->app, id);
	ui_select(c->ui, &c->sel->log_id, id);
	free(id);
	if (k->has_last) {
		id = xasprintf("pod/%s/%s/%s/previous", p->meta.namespace, p->meta.name, k->name);
		app_open_log(c->app, id);
		free(id);
	}
}

/* d: the image (or a tag) for target ("deploy/web", "rollout/web") asked,
 * and first which container when its template has several. */
static void start_deploy(struct rollout_view *v, struct view_ctx *c, const char *target,
			 const char *template_json)
{
	size_t n;
	char **cs = kube_template_containers(template_json, &n);
	char label[256];

	xfree(&v->deploy_container);
	if (n > 1) {
		struct strbuf names = { 0 };

		for (size_t i = 0; i < n; i++) {
			*strchr(cs[i], '=') = '\0';
			sb_printf(&names, "%s%s", i ? ", " : "", cs[i]);
		}
		snprintf(label, sizeof label, "%s container (%s): ", target, sb_str(&names));
		sb_free(&names);
		ui_prompt(c->ui, &rollout_view, PROMPT_CONTAINER, label, NULL);
	} else if (n == 1) {
		snprintf(label, sizeof label, "%s image or tag (now %s): ", target,
			 strchr(cs[0], '=') + 1);
		ui_prompt(c->ui, &rollout_view, PROMPT_IMAGE, label, NULL);
	}
	for (size_t i = 0; i < n; i++)
		free(cs[i]);
	free(cs);
}

/* A Rollout's pod template: its own, or its spec.workloadRef Deployment's. */
static const char *argo_template(struct view_ctx *c, const struct kube_rollout *ro)
{
	const struct kube_deployment *d = ro->workload_ref
		? store_kube_deployment(&c->app->store.kube, ns_of(c), ro->workload_ref) : NULL;

	return ro->workload_ref ? (d ? d->template_json : NULL) : ro->template_json;
}

static void set_filter(struct rollout_view *v, struct view_ctx *c, const char *text);

static int detail_action(struct rollout_view *v, struct view_ctx *c, enum action_id a)
{
	const struct kube_pod *p = detail_pod(v, c);
	struct action_req *req;
	struct err err;

	switch (a) {
	case ACTION_BACK:
		xfree(&v->detail_pod);
		return VIEW_HANDLED;
	case ACTION_DOWN:
	case ACTION_UP:
		if (p && p->ncontainers) {
			v->detail_container += a == ACTION_DOWN ? 1 : -1;
			if (v->detail_container < 0)
				v->detail_container = 0;
			open_container_log(v, c);
		}
		return VIEW_HANDLED;
	case ACTION_KILL_POD:
		if (!p)
			return VIEW_UNHANDLED;
		req = build(c, a, TARGET_POD, p->meta.name, (struct action_sel){ 0 }, NULL, &err);
		if (req)
			gate_submit(&c->app->rt, req);
		else
			say(c, false, "kill-pod", err.msg);
		return VIEW_HANDLED;
	default:
		return VIEW_UNHANDLED;
	}
}

/* The changes to a selected Argo Rollout, as the plugin makes them; a
 * Flagger Canary says what Flagger offers instead. VIEW_UNHANDLED for the
 * keys that act on any row (moving, a pod). */
static int progressive_action(struct rollout_view *v, struct view_ctx *c, enum action_id a,
			      const struct row *r)
{
	const struct kube_rollout *ro = selected_argo(v, c);
	struct action_req *req = NULL;
	struct err err;
	bool skipped = false;

	if (!ro) {
		if (a == ACTION_PROMOTE || a == ACTION_PROMOTE_FULL) {
			say(c, true, action_info(a)->name, argo_flagger_promote_text());
			return VIEW_HANDLED;
		}
		if (a == ACTION_ABORT || a == ACTION_ROLLBACK) {
			say(c, true, action_info(a)->name, argo_flagger_abort_text());
			return VIEW_HANDLED;
		}
		if (a == ACTION_PAUSE_RESUME || a == ACTION_SCALE || a == ACTION_RESTART
		    || a == ACTION_DEPLOY) {
			say(c, true, action_info(a)->name, "Flagger drives its own Deployments: "
			    "change the target deploy/ and Flagger analyses the new revision");
			return VIEW_HANDLED;
		}
		return VIEW_UNHANDLED;
	}
	switch (a) {
	case ACTION_PROMOTE:        /* on an aborted Rollout: retry */
	case ACTION_PROMOTE_FULL:
	case ACTION_ABORT:
	case ACTION_RESTART:
		req = build(c, a, TARGET_ROLLOUT, ro->meta.name, (struct action_sel){ 0 }, &skipped,
			    &err);
		break;
	case ACTION_ROLLBACK:
		req = build(c, a, TARGET_ROLLOUT, ro->meta.name, (struct action_sel){
				.revision = r && r->kind == ROW_RS && c->focused
					? ((const struct kube_replicaset *)r->obj)->revision : 0,
			    }, &skipped, &err);
		break;
	case ACTION_DEPLOY:
		/* the plugin's set image: a prompt, as for a deployment */
		if (!c->focused)
			return VIEW_UNHANDLED;
		{
			char target[300];

			snprintf(target, sizeof target, "rollout/%s", ro->meta.name);
			start_deploy(v, c, target, argo_template(c, ro));
		}
		return VIEW_HANDLED;
	case ACTION_PAUSE_RESUME: case ACTION_SCALE:
		say(c, true, action_info(a)->name, "not for Argo Rollouts here: p promotes, "
		    "P promotes fully, a aborts, r undoes, R restarts, d sets the image");
		return VIEW_HANDLED;
	default:
		return VIEW_UNHANDLED;
	}
	if (req)
		gate_submit(&c->app->rt, req);
	else
		say(c, skipped || strstr(err.msg, "already") || strstr(err.msg, "nothing"),
		    action_info(a)->name, err.msg);
	return VIEW_HANDLED;
}

static int rollout_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct rollout_view *v = priv;
	const struct kube_deployment *d;
	const struct row *r;
	struct action_req *req = NULL;
	struct err err;
	char buf[32];

	if (!c->app->rt.kube)
		return VIEW_UNHANDLED;
	ensure_rows(v, c);
	d = selected(c);
	r = cursor_row(v);
	if (v->detail_pod && c->focused && detail_action(v, c, a) == VIEW_HANDLED)
		return VIEW_HANDLED;
	if ((selected_argo(v, c) || selected_flagger(v, c))
	    && progressive_action(v, c, a, r) == VIEW_HANDLED)
		return VIEW_HANDLED;
	switch (a) {
	case ACTION_DOWN: case ACTION_UP: case ACTION_PAGE_DOWN: case ACTION_PAGE_UP:
	case ACTION_TOP: case ACTION_BOTTOM:
		if (!c->focused)
			return VIEW_UNHANDLED;
		if (a == ACTION_DOWN || a == ACTION_UP)
			move(v, c, a == ACTION_DOWN ? 1 : -1);
		else if (a == ACTION_PAGE_DOWN || a == ACTION_PAGE_UP)
			move(v, c, (a == ACTION_PAGE_DOWN ? 1 : -1)
				   * (c->height > 2 ? c->height - 1 : 1));
		else
			move(v, c, (a == ACTION_BOTTOM ? 1 : -1) * v->nrows);
		return VIEW_HANDLED;
	case ACTION_ZOOM:
		if (!c->focused || !r || r->kind != ROW_POD)
			return VIEW_UNHANDLED;
		free(v->detail_pod);
		v->detail_pod = xstrdup(row_name(r));
		v->detail_container = 0;
		open_container_log(v, c);
		return VIEW_HANDLED;
	case ACTION_SEARCH:
		if (!c->focused)
			return VIEW_UNHANDLED;
		ui_prompt(c->ui, &rollout_view, PROMPT_FILTER, "filter deployments: ", v->filter);
		return VIEW_HANDLED;
	case ACTION_BACK:
		if (!c->focused || !v->filter)
			return VIEW_UNHANDLED;
		set_filter(v, c, NULL);
		return VIEW_HANDLED;
	case ACTION_ROLLBACK:
		if (!d)
			return VIEW_UNHANDLED;
		rollback(c, d->meta.name, r && r->kind == ROW_RS && c->focused
			 ? ((const struct kube_replicaset *)r->obj)->revision : 0);
		return VIEW_HANDLED;
	case ACTION_PAUSE_RESUME:
		if (!d)
			return VIEW_UNHANDLED;
		req = build(c, a, TARGET_DEPLOYMENT, d->meta.name,
			    (struct action_sel){ .on = !d->paused }, NULL, &err);
		break;
	case ACTION_RESTART:
		if (!d)
			return VIEW_UNHANDLED;
		req = build(c, a, TARGET_DEPLOYMENT, d->meta.name, (struct action_sel){ 0 }, NULL,
			    &err);
		break;
	case ACTION_SCALE:
		if (!d)
			return VIEW_UNHANDLED;
		snprintf(buf, sizeof buf, "%d", d->replicas);
		{
			char label[300];

			snprintf(label, sizeof label, "scale deploy/%s to replicas: ",
				 d->meta.name);
			ui_prompt(c->ui, &rollout_view, PROMPT_SCALE, label, buf);
		}
		return VIEW_HANDLED;
	case ACTION_DEPLOY:
		/* the images pane deploys its selected tag; here, a prompt */
		if (!d || !c->focused)
			return VIEW_UNHANDLED;
		{
			char target[300];

			snprintf(target, sizeof target, "deploy/%s", d->meta.name);
			start_deploy(v, c, target, d->template_json);
		}
		return VIEW_HANDLED;
	case ACTION_KILL_POD:
		if (!r || r->kind != ROW_POD) {
			say(c, true, "kill-pod", "select a pod first (j/k in the rollout pane)");
			return VIEW_HANDLED;
		}
		req = build(c, a, TARGET_POD, row_name(r), (struct action_sel){ 0 }, NULL, &err);
		break;
	default:
		return VIEW_UNHANDLED;
	}
	if (req)
		gate_submit(&c->app->rt, req);
	else
		say(c, strstr(err.msg, "already") != NULL, action_info(a)->name, err.msg);
	return VIEW_HANDLED;
}

/* A filter that hides the selected deployment moves the selection (and the
 * cursor) to the first one it shows, so no action aims at a hidden one. */
static void select_first_match(struct rollout_view *v, struct view_ctx *c)
{
	const struct kube_table *t = &c->app->store.kube.tables[KUBE_DEPLOYMENTS];
	const struct kube_deployment *d = selected(c);

	if (d && matches(v, d))
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct kube_deployment *m = t->items[i];

		if (!matches(v, m))
			continue;
		ui_select(c->ui, &c->sel->deployment, m->meta.name);
		v->cursor_kind = ROW_DEPLOY;
		free(v->cursor_name);
		v->cursor_name = xstrdup(m->meta.name);
		return;
	}
	ui_select(c->ui, &c->sel->deployment, NULL);
}

/* The list narrows with each key typed; "" or NULL shows every deployment. */
static void set_filter(struct rollout_view *v, struct view_ctx *c, const char *text)
{
	free(v->filter);
	v->filter = text && *text ? xstrdup(text) : NULL;
	v->top = 0;
	select_first_match(v, c);
}

static void rollout_prompt_changed(void *priv, struct view_ctx *c, int id, const char *text)
{
	if (id == PROMPT_FILTER)
		set_filter(priv, c, text);
}

static void rollout_prompt_done(void *priv, struct view_ctx *c, int id, const char *text)
{
	struct rollout_view *v = priv;
	const struct kube_deployment *d;
	const struct kube_rollout *ro;
	struct action_req *req = NULL;
	struct err err;
	char target[300];

	ensure_rows(v, c);
	d = selected(c);
	ro = selected_argo(v, c);
	if (id == PROMPT_FILTER) {
		/* Esc (text NULL) clears the filter, as it does once the prompt is closed */
		set_filter(v, c, text);
		return;
	}
	if (!text || !*text || (!d && !ro))
		return;
	/* the prompt's target: the selected Rollout, else the deployment */
	snprintf(target, sizeof target, ro ? "rollout/%s" : "deploy/%s",
		 ro ? ro->meta.name : d->meta.name);
	if (id == PROMPT_SCALE) {
		char *end;
		long n = strtol(text, &end, 10);

		if (!d)
			return;
		if (end == text || *end || n < 0 || n > 100000) {
			say(c, false, "scale", "expected a number of replicas");
			return;
		}
		req = build(c, ACTION_SCALE, TARGET_DEPLOYMENT, d->meta.name,
			    (struct action_sel){ .replicas = (int)n }, NULL, &err);
	} else if (id == PROMPT_CONTAINER) {
		char label[400];

		free(v->deploy_container);
		v->deploy_container = xstrdup(text);
		snprintf(label, sizeof label, "%s container %s image or tag: ", target, text);
		ui_prompt(c->ui, &rollout_view, PROMPT_IMAGE, label, NULL);
		return;
	} else if (id == PROMPT_IMAGE) {
		req = build(c, ACTION_DEPLOY, ro ? TARGET_ROLLOUT : TARGET_DEPLOYMENT,
			    ro ? ro->meta.name : d->meta.name, (struct action_sel){
				.container = v->deploy_container, .image = text,
			    }, NULL, &err);
		xfree(&v->deploy_container);
		if (req && !strcmp(req->from, req->to)) {
			const char *eq = strchr(req->to, '=');

			app_message(c->app, STATUS_INFO, "deploy: %s already on %s", target,
				    eq ? eq + 1 : req->to);
			action_req_free(req);
			return;
		}
	}
	if (req)
		gate_submit(&c->app->rt, req);
	else if (id != PROMPT_CONTAINER)
		say(c, false, id == PROMPT_SCALE ? "scale" : "deploy", err.msg);
}

static int rollout_command(void *priv, struct view_ctx *c, const char *name, const char *arg)
{
	struct rollout_view *v = priv;
	struct err err;

	ensure_rows(v, c);
	if (!strcmp(name, "undo")) {
		char *end;
		long rev = strtol(arg, &end, 10);

		/* read-only says so first, whatever is selected (a :ns switch
		 * leaves nothing selected until the new list is in) */
		if (!*arg || *end || rev <= 0) {
			say(c, false, "undo",
			    "usage: :undo N (a revision number; see the replica sets)");
		} else if (gate_check(&c->app->rt, ACTION_ROLLBACK)) {
			/* refused, and said */
		} else if (selected_argo(v, c)) {
			struct action_req *req;
			bool skipped;

			req = build(c, ACTION_ROLLBACK, TARGET_ROLLOUT, v->argo,
				    (struct action_sel){ .revision = rev }, &skipped, &err);
			if (req)
				gate_submit(&c->app->rt, req);
			else
				say(c, skipped, "undo", err.msg);
		} else if (!selected(c)) {
			say(c, false, "undo", "select a deployment first");
		} else {
			rollback(c, c->sel->deployment, rev);
		}
		return VIEW_HANDLED;
	}
	if (strcmp(name, "ns") && strcmp(name, "ctx"))
		return VIEW_UNHANDLED;
	if (!*arg) {
		app_message(c->app, STATUS_INFO, "context %s, namespace %s",
			    c->app->store.kube.context ? c->app->store.kube.context : "(none)",
			    c->app->store.kube.namespace ? c->app->store.kube.namespace : "(none)");
		return VIEW_HANDLED;
	}
	if ((!strcmp(name, "ns") ? sources_set_namespace(c->app, arg, &err)
	     : sources_set_context(c->app, arg, &err)))
		app_message(c->app, STATUS_ERROR, "%s", err.msg);
	else {
		ui_select(c->ui, &c->sel->deployment, NULL);
		xfree(&v->detail_pod);
		xfree(&v->cursor_name);
		/* another namespace's names: a filter typed for this one would hide them */
		xfree(&v->filter);
		v->cursor = v->top = 0;
	}
	return VIEW_HANDLED;
}

static void rollout_init(void *priv, struct app *app)
{
	struct rollout_view *v = priv;

	v->cursor = -1;
}

static void rollout_destroy(void *priv)
{
	struct rollout_view *v = priv;

	free(v->cursor_name);
	free(v->filter);
	free(v->argo);
	free(v->flagger);
	free(v->detail_pod);
	free(v->deploy_container);
}

static void rollout_hints(void *priv, struct view_ctx *c, struct strbuf *out)
{
	struct rollout_view *v = priv;
	const struct kube_deployment *d;
	const struct row *r;

	if (!c->app->rt.kube)
		return;
	ensure_rows(v, c);
	d = selected(c);
	r = cursor_row(v);
	if (v->detail_pod) {
		view_hint(c, out, ACTION_KILL_POD, "kill \xe2\x86\x92 pod/%s", v->detail_pod);
		view_hint(c, out, ACTION_DOWN, "container");
		view_hint(c, out, ACTION_BACK, "back");
		return;
	}
	if (r && r->kind == ROW_POD) {
		view_hint(c, out, ACTION_KILL_POD, "kill \xe2\x86\x92 pod/%s", row_name(r));
		view_hint(c, out, ACTION_ZOOM, "detail");
	}
	if (selected_argo(v, c)) {
		const struct kube_rollout *ro = selected_argo(v, c);

		view_hint(c, out, ACTION_PROMOTE, "%s \xe2\x86\x92 rollout/%s",
			  ro->abort ? "retry" : "promote", ro->meta.name);
		view_hint(c, out, ACTION_PROMOTE_FULL, "promote fully");
		view_hint(c, out, ACTION_ABORT, "abort");
		if (r && r->kind == ROW_RS)
			view_hint(c, out, ACTION_ROLLBACK, "undo to rev %ld",
				  ((const struct kube_replicaset *)r->obj)->revision);
		else
			view_hint(c, out, ACTION_ROLLBACK, "undo");
		view_hint(c, out, ACTION_RESTART, "restart");
		view_hint(c, out, ACTION_DEPLOY, "set image");
		view_hint(c, out, ACTION_SEARCH, "filter");
		return;
	}
	if (!d)
		return;
	if (r && r->kind == ROW_RS)
		view_hint(c, out, ACTION_ROLLBACK, "rollback \xe2\x86\x92 deploy/%s to rev %ld",
			  d->meta.name, ((const struct kube_replicaset *)r->obj)->revision);
	else
		view_hint(c, out, ACTION_ROLLBACK, "rollback \xe2\x86\x92 deploy/%s", d->meta.name);
	view_hint(c, out, ACTION_DEPLOY, "deploy");
	view_hint(c, out, ACTION_PAUSE_RESUME, "%s", d->paused ? "resume" : "pause");
	view_hint(c, out, ACTION_SCALE, "scale");
	view_hint(c, out, ACTION_RESTART, "restart");
	view_hint(c, out, ACTION_SEARCH, "filter");
}

static const char *const rollout_help[] = {
	"j/k move over deployments, replica sets and pods; a pod's log shows in the log pane",
	"Enter on a pod: its conditions, containers, last termination, events, previous log",
	"r rolls back to the previous revision, or to the replica set under the cursor;",
	"  the dialog shows from/to revision and image and how the pod templates differ",
	"/ filters the deployments as you type, Esc clears; :ns NAME, :ctx NAME switch live; "
	":undo N",
	"budget bar: \xe2\x96\x88 new and available, \xe2\x96\x92 new not yet available, "
	"\xe2\x96\x91 old; surge and unavailable used/allowed",
	"checks: pinned tag   the image has a unique tag (not latest, not untagged) or a digest",
	"        readiness    every container has a readiness probe (no traffic before ready)",
	"        preStop      every container has a preStop hook (drains before SIGTERM)",
	"        bounds       maxSurge/maxUnavailable chosen, not left at 25%/25%",
	"        requests     every container requests cpu or memory",
	"        history      revisionHistoryLimit leaves an older revision to roll back to",
	"Argo Rollouts (rollout/NAME): step k of N, weight set vs actual, paused and why;",
	"  p promotes one step (retries an aborted one), P promotes fully, a aborts,",
	"  r undoes to the previous revision or the one under the cursor, R restarts,",
	"  d sets a container's image or tag (as kubectl argo rollouts set image)",
	"Flagger Canaries (canary/NAME): phase, weight, failed checks, last transition;",
	"  Flagger promotes and rolls back by its analysis: spec.skipAnalysis and its",
	"  confirm-promotion and rollback webhooks are the gates it offers",
	NULL,
};

const struct view rollout_view = {
	.name = "rollout",
	.title = "Rollout",
	.private_size = sizeof(struct rollout_view),
	.init = rollout_init,
	.destroy = rollout_destroy,
	.draw = rollout_draw,
	.action = rollout_action,
	.command = rollout_command,
	.prompt_done = rollout_prompt_done,
	.prompt_changed = rollout_prompt_changed,
	.hints = rollout_hints,
	.help = rollout_help,
};
