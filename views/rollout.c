/* The rollout pane: the namespace's deployments; for the selected one, the
 * rolling update's budget, its conditions and practice checks, its replica
 * sets by revision and its pods grouped by revision, live from the watch.
 * Enter on a pod opens its detail (conditions, containers, events, the
 * previous container's log). Actions: r rollback (to the previous revision
 * or the replica set under the cursor), Space pause/resume, s scale,
 * R restart, d deploy an image, K kill a pod; :undo N, :ns, :ctx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kube/rollout_ops.h"
#include "kube/source.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/view.h"

enum row_kind { ROW_TEXT, ROW_DEPLOY, ROW_RS, ROW_POD };

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
	TEXT_POD_HEADER, TEXT_POD_GROUP, TEXT_EMPTY, TEXT_NO_MATCH,
};

struct rollout_view {
	enum row_kind cursor_kind;  /* the cursor, by what it points at */
	char *cursor_name;
	int cursor;                 /* its row index last frame */
	int top;
	char *filter;
	/* pod detail */
	char *detail_pod;
	int detail_container;
	/* deploy: the container picked before the image prompt */
	char *deploy_container;
	struct row rows[MAX_ROWS];
	int nrows;
};

/* ---- small helpers */

static const char *ns_of(const struct view_ctx *c)
{
	return c->app->store.kube.namespace ? c->app->store.kube.namespace : "";
}

static const char *tag_of(const char *images, char *buf, size_t size)
{
	const char *end, *slash, *colon;
	size_t len;

	if (!images || !*images)
		return "-";
	end = strstr(images, ", ");
	len = end ? (size_t)(end - images) : strlen(images);
	snprintf(buf, size, "%.*s", (int)len, images);
	slash = strrchr(buf, '/');
	colon = strrchr(slash ? slash : buf, ':');
	if (colon && colon[1])
		memmove(buf, colon + 1, strlen(colon + 1) + 1);
	else if (slash)
		memmove(buf, slash + 1, strlen(slash + 1) + 1);
	if (end && strlen(buf) + 3 < size)
		strcat(buf, " +");
	return buf;
}

static void age_text(int64_t t, char *buf, size_t size)
{
	if (!t)
		snprintf(buf, size, "-");
	else
		time_human_duration((int64_t)time(NULL) - t, buf, size);
}

/* maxSurge / maxUnavailable against replicas: a percentage rounds up for
 * surge and down for unavailable, as the controller does. */
static int resolve_bound(const char *v, int replicas, bool round_up)
{
	size_t n;

	if (!v)
		return 0;
	n = strlen(v);
	if (n && v[n - 1] == '%') {
		long pct = atol(v);

		return (int)(round_up ? (pct * replicas + 99) / 100 : pct * replicas / 100);
	}
	return atoi(v);
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

static enum role pod_role(const struct kube_pod *p)
{
	if (p->deleting)
		return ROLE_MUTED;
	if (p->status && (strstr(p->status, "BackOff") || strstr(p->status, "Err")
			  || !strcmp(p->status, "Failed") || strstr(p->status, "ExitCode")))
		return ROLE_FAIL;
	if (p->ready == p->total && p->total)
		return ROLE_OK;
	if (p->phase && !strcmp(p->phase, "Running"))
		return ROLE_WARN;
	return ROLE_PENDING;
}

/* ---- rows */

static void add(struct rollout_view *v, struct row r)
{
	if (v->nrows < MAX_ROWS)
		v->rows[v->nrows++] = r;
}

static void build_rows(struct rollout_view *v, const struct view_ctx *c)
{
	const struct store_kube *k = &c->app->store.kube;
	const struct kube_table *t = &k->tables[KUBE_DEPLOYMENTS];
	const struct kube_deployment *d = selected(c);
	const struct kube_replicaset *rss[MAX_RS];
	size_t nrs, shown = 0;

	v->nrows = 0;
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_DEPLOY_HEADER });
	for (size_t i = 0; i < t->n; i++) {
		if (!matches(v, t->items[i]))
			continue;
		add(v, (struct row){ .kind = ROW_DEPLOY, .obj = t->items[i] });
		shown++;
	}
	if (!shown)
		add(v, (struct row){ .kind = ROW_TEXT,
				     .text = t->n ? TEXT_NO_MATCH : TEXT_EMPTY });
	if (!d)
		return;
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_BUDGET });
	/* one line per condition: a deadline's message is worth its width */
	for (size_t i = 0; i < (d->nconditions ? d->nconditions : 1); i++)
		add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_CONDITIONS, .rev = (long)i });
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_CHECKS });
	nrs = store_kube_replicasets_of(k, d, rss, MAX_RS);
	add(v, (struct row){ .kind = ROW_TEXT, .text = TEXT_RS_HEADER });
	for (size_t i = 0; i < nrs; i++)
		add(v, (struct row){ .kind = ROW_RS, .obj = rss[i] });
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

static const char *row_name(const struct row *r)
{
	return r->kind == ROW_TEXT ? NULL : ((const struct kube_meta *)r->obj)->name;
}

/* Finds the cursor's row again after the rows were rebuilt. */
static void place_cursor(struct rollout_view *v)
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
		v->cursor_kind = v->rows[v->cursor].kind;
		free(v->cursor_name);
		v->cursor_name = xstrdup(row_name(&v->rows[v->cursor]));
	}
}

/* ---- drawing one row */

struct col {
	const char *title;
	int width;
	int priority;               /* dropped first when narrow: higher numbers */
};

static const struct col deploy_cols[] = {
	{ "NAME", 22, 0 }, { "READY", 7, 0 }, { "UP-TO-DATE", 10, 2 }, { "AVAILABLE", 9, 1 },
	{ "IMAGE", 14, 0 }, { "STRATEGY", 13, 4 }, { "REV", 4, 3 }, { "CONDITION", 16, 0 },
	{ "AGE", 6, 1 },
};
enum { NDCOLS = sizeof deploy_cols / sizeof *deploy_cols };

/* Which deployment columns fit in width: the lowest priority go first. */
static void fit_cols(int width, bool *on)
{
	int total = 0, worst;

	for (int i = 0; i < NDCOLS; i++) {
		on[i] = true;
		total += deploy_cols[i].width + 1;
	}
	while (total > width) {
		worst = -1;
		for (int i = 0; i < NDCOLS; i++)
			if (on[i] && deploy_cols[i].priority
			    && (worst < 0 || deploy_cols[i].priority > deploy_cols[worst].priority))
				worst = i;
		if (worst < 0)
			break;
		on[worst] = false;
		total -= deploy_cols[worst].width + 1;
	}
}

static void draw_deploy(struct view_ctx *c, int y, const struct kube_deployment *d, bool sel)
{
	char ready[24], upd[12], avail[12], tag[64], rev[16], age[16], strat[32];
	const char *cells[NDCOLS];
	enum role cond_role, base = sel ? ROLE_SELECTION : ROLE_NORMAL;
	const char *cond = condition_of(d, &cond_role);
	bool on[NDCOLS];
	int x = 1;

	snprintf(ready, sizeof ready, "%d/%d", d->ready, d->replicas);
	snprintf(upd, sizeof upd, "%d", d->updated);
	snprintf(avail, sizeof avail, "%d", d->available);
	snprintf(rev, sizeof rev, "%ld", d->revision);
	if (d->recreate)
		snprintf(strat, sizeof strat, "Recreate");
	else
		snprintf(strat, sizeof strat, "Rolling %s/%s", d->max_surge, d->max_unavailable);
	age_text(d->meta.created, age, sizeof age);
	c->uses_clock = true;
	cells[0] = d->meta.name;
	cells[1] = ready;
	cells[2] = upd;
	cells[3] = avail;
	cells[4] = tag_of(d->images, tag, sizeof tag);
	cells[5] = strat;
	cells[6] = rev;
	cells[7] = cond;
	cells[8] = age;
	if (sel)
		draw_row_fill(c, y, ROLE_SELECTION);
	fit_cols(c->width - 1, on);
	for (int i = 0; i < NDCOLS; i++) {
		enum role role = base;

		if (!on[i])
			continue;
		if (!sel && i == 7)
			role = cond_role;
		else if (!sel && i == 1)
			role = d->ready >= d->replicas ? ROLE_OK : ROLE_WARN;
		x += draw_cell(c, y, x, deploy_cols[i].width, role, cells[i]) + 1;
	}
}

static void draw_deploy_header(struct view_ctx *c, int y)
{
	bool on[NDCOLS];
	int x = 1;

	fit_cols(c->width - 1, on);
	for (int i = 0; i < NDCOLS; i++)
		if (on[i])
			x += draw_cell(c, y, x, deploy_cols[i].width, ROLE_MUTED, deploy_cols[i].title) + 1;
}

/* [███▒▒░░] new 1/3 available · surge 1/1 · unavailable 0/0 */
static void draw_budget(struct view_ctx *c, int y, const struct kube_deployment *d)
{
	const struct kube_replicaset *newrs = store_kube_revision(&c->app->store.kube, d,
								  d->revision);
	int r = d->replicas, new_avail = newrs ? newrs->available : 0;
	int surge = d->recreate ? 0 : resolve_bound(d->max_surge, r, true);
	int unavail = d->recreate ? r : resolve_bound(d->max_unavailable, r, false);
	int surge_used = d->status_replicas > r ? d->status_replicas - r : 0;
	int unavail_used = r > d->available ? r - d->available : 0;
	int barw = 20, x = 0;

	if (!d->recreate && !surge && !unavail)
		unavail = 1;
	if (new_avail > d->updated)
		new_avail = d->updated;
	x += draw_text(c, y, x, ROLE_MUTED, "rollout [");
	for (int i = 0; i < barw; i++) {
		int slot = r ? (i * r) / barw : 0;
		enum role role = ROLE_MUTED;
		const char *glyph = "\xe2\x96\x91";     /* ░ old */

		if (r && slot < new_avail) {
			role = ROLE_OK;
			glyph = "\xe2\x96\x88";         /* █ new and available */
		} else if (r && slot < d->updated) {
			role = ROLE_RUNNING;
			glyph = "\xe2\x96\x92";         /* ▒ new, not yet available */
		}
		x += draw_text(c, y, x, role, glyph);
	}
	x += draw_text(c, y, x, ROLE_MUTED, "] ");
	x += draw_textf(c, y, x, ROLE_NORMAL, "new %d/%d available", new_avail, r);
	x += draw_text(c, y, x, ROLE_MUTED, " \xc2\xb7 surge ");
	x += draw_textf(c, y, x, surge_used > surge ? ROLE_FAIL : surge_used ? ROLE_WARN : ROLE_OK,
			"%d/%d", surge_used, surge);
	x += draw_text(c, y, x, ROLE_MUTED, " \xc2\xb7 unavailable ");
	x += draw_textf(c, y, x, unavail_used > unavail ? ROLE_FAIL
			: unavail_used ? ROLE_WARN : ROLE_OK, "%d/%d", unavail_used, unavail);
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
	age_text(k->last_update, age, sizeof age);
	c->uses_clock = true;
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

static void draw_rs_header(struct view_ctx *c, int y)
{
	draw_text(c, y, RS_X_REV, ROLE_MUTED, "REV");
	draw_text(c, y, RS_X_IMAGE, ROLE_MUTED, "IMAGE");
	draw_text(c, y, RS_X_COUNTS, ROLE_MUTED, "DES/CUR/RDY");
	draw_text(c, y, RS_X_AGE, ROLE_MUTED, "AGE");
	draw_text(c, y, RS_X_CAUSE, ROLE_MUTED, "CHANGE-CAUSE");
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
	char tag[64], age[16], counts[48];
	enum role role = sel ? ROLE_SELECTION : rs->revision == d->revision ? ROLE_NORMAL : ROLE_MUTED;
	int x = 2;

	if (sel)
		draw_row_fill(c, y, ROLE_SELECTION);
	age_text(rs->meta.created, age, sizeof age);
	/* ▶ marks the revision the deployment is on */
	draw_text(c, y, x, role, rs->revision == d->revision ? "\xe2\x96\xb6" : " ");
	draw_textf(c, y, RS_X_REV, role, "%ld", rs->revision);
	draw_cell(c, y, RS_X_IMAGE, RS_X_COUNTS - RS_X_IMAGE - 1, role,
		  tag_of(rs->images, tag, sizeof tag));
	snprintf(counts, sizeof counts, "%d/%d/%d", rs->replicas, rs->status_replicas, rs->ready);
	draw_cell(c, y, RS_X_COUNTS, RS_X_AGE - RS_X_COUNTS - 1, role, counts);
	draw_cell(c, y, RS_X_AGE, RS_X_CAUSE - RS_X_AGE - 1, role, age);
	draw_text(c, y, RS_X_CAUSE, sel ? role : ROLE_MUTED, rs->change_cause ? rs->change_cause : "");
}

static void draw_pod(struct view_ctx *c, int y, const struct kube_pod *p, bool sel)
{
	char ready[16], restarts[16], age[16];
	enum role base = sel ? ROLE_SELECTION : ROLE_NORMAL;
	int x = 4, namew = pod_name_width(c);

	if (sel)
		draw_row_fill(c, y, ROLE_SELECTION);
	snprintf(ready, sizeof ready, "%u/%u", p->ready, p->total);
	snprintf(restarts, sizeof restarts, "%d", p->restarts);
	age_text(p->meta.created, age, sizeof age);
	x += draw_cell(c, y, x, namew, base, p->meta.name) + 1;
	x += draw_cell(c, y, x, 18, sel ? base : pod_role(p), p->status) + 1;
	x += draw_cell(c, y, x, 5, base, ready) + 1;
	x += draw_cell(c, y, x, 4, sel ? base : p->restarts ? ROLE_WARN : base, restarts) + 1;
	x += draw_cell(c, y, x, 6, base, age) + 1;
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
	case ROW_RS:
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
	case TEXT_RS_HEADER:
		draw_rs_header(c, y);
		break;
	case TEXT_POD_HEADER:
		draw_pod_header(c, y);
		break;
	case TEXT_POD_GROUP: {
		const struct kube_replicaset *rs = r->obj;

		draw_textf(c, y, 2, ROLE_TITLE, "rev %ld", r->rev);
		draw_textf(c, y, 10, ROLE_MUTED, "%s (%s)", rs->meta.name,
			   tag_of(rs->images, tag, sizeof tag));
		break;
	}
	case TEXT_EMPTY:
		draw_textf(c, y, 1, ROLE_MUTED, "no deployments in namespace %s (:ns NAME to change)",
			   *ns_of(c) ? ns_of(c) : "(all)");
		break;
	case TEXT_NO_MATCH:
		draw_textf(c, y, 1, ROLE_MUTED, "no deployment matches '%s' (/ to change)", v->filter);
		break;
	}
}

/* ---- pod detail */

static const struct kube_pod *detail_pod(const struct rollout_view *v, const struct view_ctx *c)
{
	return v->detail_pod
		? store_kube_find(&c->app->store.kube, KUBE_PODS, ns_of(c), v->detail_pod) : NULL;
}

static const char *state_name(const struct kube_container *k)
{
	switch (k->state) {
	case KUBE_CS_WAITING: return "waiting";
	case KUBE_CS_RUNNING: return "running";
	case KUBE_CS_TERMINATED: return "terminated";
	}
	return "unknown";
}

static void draw_detail(struct rollout_view *v, struct view_ctx *c)
{
	const struct kube_pod *p = detail_pod(v, c);
	const struct kube_event_obj *evs[MAX_EVENTS];
	char age[16], when[16];
	size_t nev;
	int y = 0, x;

	if (!p) {
		draw_textf(c, 0, 1, ROLE_MUTED, "pod %s is gone (Esc to go back)", v->detail_pod);
		return;
	}
	c->uses_clock = true;
	snprintf(c->subtitle, sizeof c->subtitle, "pod %s", p->meta.name);
	age_text(p->meta.created, age, sizeof age);
	x = draw_textf(c, y, 0, ROLE_TITLE, "pod %s", p->meta.name);
	draw_textf(c, y++, x, pod_role(p), "  %s  ready %u/%u  restarts %d  age %s  node %s",
		   p->status ? p->status : "?", p->ready, p->total, p->restarts, age,
		   p->node ? p->node : "-");
	x = draw_text(c, y, 0, ROLE_MUTED, "conditions");
	{
		static const struct {
			unsigned bit;
			const char *name;
		} conds[] = {
			{ KUBE_POD_SCHEDULED, "PodScheduled" }, { KUBE_POD_INITIALIZED, "Initialized" },
			{ KUBE_POD_CONTAINERS_READY, "ContainersReady" }, { KUBE_POD_READY, "Ready" },
		};

		for (size_t i = 0; i < sizeof conds / sizeof *conds; i++) {
			bool on = p->conditions & conds[i].bit;

			x += draw_textf(c, y, x, on ? ROLE_OK : ROLE_FAIL, "  %s %s",
					on ? "\xe2\x9c\x93" : "\xe2\x9c\x97", conds[i].name);
		}
		if (p->ready_message)
			draw_textf(c, y, x, ROLE_MUTED, "  (%s)", p->ready_message);
		y++;
	}
	if (v->detail_container >= p->ncontainers)
		v->detail_container = p->ncontainers ? p->ncontainers - 1 : 0;
	draw_textf(c, y++, 0, ROLE_TITLE, "containers%s", p->ncontainers > 1
		   ? "  (j/k picks the one whose log shows)" : "");
	for (uint16_t i = 0; i < p->ncontainers; i++) {
		const struct kube_container *k = &p->containers[i];
		bool sel = i == v->detail_container;
		enum role role = k->ready ? ROLE_OK : k->state == KUBE_CS_WAITING ? ROLE_WARN : ROLE_FAIL;

		if (sel)
			draw_row_fill(c, y, ROLE_SELECTION);
		x = draw_textf(c, y, 1, sel ? ROLE_SELECTION : ROLE_NORMAL, "%s %s  %s", sel ? ">" : " ",
			       k->name, k->image ? k->image : "");
		x += 1;
		x += draw_textf(c, y, x, sel ? ROLE_SELECTION : role, "  %s%s%s  ready %s  restarts %d",
				state_name(k), k->reason ? " " : "", k->reason ? k->reason : "",
				k->ready ? "yes" : "no", k->restarts);
		if (k->state == KUBE_CS_TERMINATED)
			x += draw_textf(c, y, x, sel ? ROLE_SELECTION : ROLE_FAIL, "  exit %d", k->exit_code);
		y++;
		if (k->message)
			draw_textf(c, y++, 5, ROLE_MUTED, "%s", k->message);
		if (k->has_last) {
			age_text(k->last_finished, when, sizeof when);
			draw_textf(c, y++, 5, ROLE_FAIL, "last termination: %s, exit code %d, %s ago",
				   k->last_reason ? k->last_reason : "?", k->last_exit_code, when);
		}
	}
	nev = store_kube_events_about(&c->app->store.kube, ns_of(c), "Pod", p->meta.name, evs,
				      MAX_EVENTS);
	draw_text(c, y++, 0, ROLE_TITLE, nev ? "events (newest first)" : "events: none");
	for (size_t i = 0; i < nev && y < c->height; i++) {
		age_text(evs[i]->last, when, sizeof when);
		draw_textf(c, y++, 1, evs[i]->type && !strcmp(evs[i]->type, "Warning") ? ROLE_WARN
			   : ROLE_NORMAL, "%-6s %-8s %-18s %s", when, evs[i]->type ? evs[i]->type : "",
			   evs[i]->reason ? evs[i]->reason : "", evs[i]->message ? evs[i]->message : "");
	}
	if (p->ncontainers && p->containers[v->detail_container].has_last && y + 1 < c->height) {
		const struct kube_container *k = &p->containers[v->detail_container];
		char *id = xasprintf("pod/%s/%s/%s/previous", ns_of(c), p->meta.name, k->name);
		const struct log_buffer *b = store_log_find(&c->app->store.logs, id);
		int room = c->height - y - 1;

		draw_textf(c, y++, 0, ROLE_TITLE, "previous container's log (%s)", k->name);
		if (!b || !b->count) {
			draw_text(c, y++, 1, ROLE_MUTED, b && b->closed ? "(empty)" : "loading\xe2\x80\xa6");
		} else {
			size_t first = b->count > (size_t)room ? b->count - (size_t)room : 0;

			for (size_t i = first; i < b->count && y < c->height; i++)
				draw_ansi(c, y++, 1, log_buffer_line(b, i)->text, 0);
		}
		free(id);
	}
}

/* ---- draw */

static void rollout_draw(void *priv, struct view_ctx *c)
{
	struct rollout_view *v = priv;

	if (draw_source_notice(c, 0, SOURCE_KUBE))
		return;
	if (v->detail_pod) {
		draw_detail(v, c);
		return;
	}
	if (!c->sel->deployment || !selected(c)) {
		/* nothing selected yet: the first deployment */
		const struct kube_table *t = &c->app->store.kube.tables[KUBE_DEPLOYMENTS];

		for (size_t i = 0; i < t->n; i++)
			if (matches(v, t->items[i])) {
				ui_select(c->ui, &c->sel->deployment,
					  ((struct kube_deployment *)t->items[i])->meta.name);
				break;
			}
	}
	build_rows(v, c);
	place_cursor(v);
	snprintf(c->subtitle, sizeof c->subtitle, "%s%s%s%s%s",
		 c->app->store.kube.context ? c->app->store.kube.context : "",
		 "/", *ns_of(c) ? ns_of(c) : "(all)",
		 v->filter && *v->filter ? "  filter: " : "", v->filter && *v->filter ? v->filter : "");
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
	if (r->kind == ROW_DEPLOY)
		ui_select(c->ui, &c->sel->deployment, row_name(r));
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

static void rollback(struct view_ctx *c, const char *deploy, long rev)
{
	struct err err;
	bool skipped;
	struct action_req *req = kube_req_rollback(c->app, ns_of(c), deploy, rev, &skipped,
						   &err);

	if (!req)
		say(c, skipped, "rollback", err.msg);
	else
		gate_submit(c->app, req);
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

static void start_deploy(struct rollout_view *v, struct view_ctx *c,
			 const struct kube_deployment *d)
{
	size_t n;
	char **cs = kube_template_containers(d->template_json, &n);
	char label[256];

	xfree(&v->deploy_container);
	if (n > 1) {
		struct strbuf names = { 0 };

		for (size_t i = 0; i < n; i++) {
			*strchr(cs[i], '=') = '\0';
			sb_printf(&names, "%s%s", i ? ", " : "", cs[i]);
		}
		snprintf(label, sizeof label, "deploy/%s container (%s): ", d->meta.name, sb_str(&names));
		sb_free(&names);
		ui_prompt(c->ui, &rollout_view, PROMPT_CONTAINER, label, NULL);
	} else if (n == 1) {
		snprintf(label, sizeof label, "deploy/%s image or tag (now %s): ", d->meta.name,
			 strchr(cs[0], '=') + 1);
		ui_prompt(c->ui, &rollout_view, PROMPT_IMAGE, label, NULL);
	}
	for (size_t i = 0; i < n; i++)
		free(cs[i]);
	free(cs);
}

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
		req = kube_req_kill_pod(c->app, ns_of(c), p->meta.name, &err);
		if (req)
			gate_submit(c->app, req);
		else
			say(c, false, "kill-pod", err.msg);
		return VIEW_HANDLED;
	default:
		return VIEW_UNHANDLED;
	}
}

static int rollout_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct rollout_view *v = priv;
	const struct kube_deployment *d = selected(c);
	const struct row *r = cursor_row(v);
	struct action_req *req = NULL;
	struct err err;
	char buf[32];

	if (!c->app->kube)
		return VIEW_UNHANDLED;
	if (v->detail_pod && c->focused && detail_action(v, c, a) == VIEW_HANDLED)
		return VIEW_HANDLED;
	switch (a) {
	case ACTION_DOWN: case ACTION_UP: case ACTION_PAGE_DOWN: case ACTION_PAGE_UP:
	case ACTION_TOP: case ACTION_BOTTOM:
		if (!c->focused)
			return VIEW_UNHANDLED;
		if (a == ACTION_DOWN || a == ACTION_UP)
			move(v, c, a == ACTION_DOWN ? 1 : -1);
		else if (a == ACTION_PAGE_DOWN || a == ACTION_PAGE_UP)
			move(v, c, (a == ACTION_PAGE_DOWN ? 1 : -1) * (c->height > 2 ? c->height - 1 : 1));
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
	case ACTION_ROLLBACK:
		if (!d)
			return VIEW_UNHANDLED;
		rollback(c, d->meta.name, r && r->kind == ROW_RS && c->focused
			 ? ((const struct kube_replicaset *)r->obj)->revision : 0);
		return VIEW_HANDLED;
	case ACTION_PAUSE_RESUME:
		if (!d)
			return VIEW_UNHANDLED;
		req = kube_req_pause(c->app, ns_of(c), d->meta.name, !d->paused, &err);
		break;
	case ACTION_RESTART:
		if (!d)
			return VIEW_UNHANDLED;
		req = kube_req_restart(c->app, ns_of(c), d->meta.name, &err);
		break;
	case ACTION_SCALE:
		if (!d)
			return VIEW_UNHANDLED;
		snprintf(buf, sizeof buf, "%d", d->replicas);
		{
			char label[300];

			snprintf(label, sizeof label, "scale deploy/%s to replicas: ", d->meta.name);
			ui_prompt(c->ui, &rollout_view, PROMPT_SCALE, label, buf);
		}
		return VIEW_HANDLED;
	case ACTION_DEPLOY:
		/* the images pane deploys its selected tag; here, a prompt */
		if (!d || !c->focused)
			return VIEW_UNHANDLED;
		start_deploy(v, c, d);
		return VIEW_HANDLED;
	case ACTION_KILL_POD:
		if (!r || r->kind != ROW_POD) {
			say(c, true, "kill-pod", "select a pod first (j/k in the rollout pane)");
			return VIEW_HANDLED;
		}
		req = kube_req_kill_pod(c->app, ns_of(c), row_name(r), &err);
		break;
	default:
		return VIEW_UNHANDLED;
	}
	if (req)
		gate_submit(c->app, req);
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

static void rollout_prompt_done(void *priv, struct view_ctx *c, int id, const char *text)
{
	struct rollout_view *v = priv;
	const struct kube_deployment *d = selected(c);
	struct action_req *req = NULL;
	struct err err;

	if (id == PROMPT_FILTER) {
		if (text) {
			free(v->filter);
			v->filter = *text ? xstrdup(text) : NULL;
			v->top = 0;
			select_first_match(v, c);
		}
		return;
	}
	if (!text || !*text || !d)
		return;
	if (id == PROMPT_SCALE) {
		char *end;
		long n = strtol(text, &end, 10);

		if (end == text || *end || n < 0 || n > 100000) {
			say(c, false, "scale", "expected a number of replicas");
			return;
		}
		req = kube_req_scale(c->app, ns_of(c), d->meta.name, (int)n, &err);
	} else if (id == PROMPT_CONTAINER) {
		char label[300];

		free(v->deploy_container);
		v->deploy_container = xstrdup(text);
		snprintf(label, sizeof label, "deploy/%s container %s image or tag: ", d->meta.name,
			 text);
		ui_prompt(c->ui, &rollout_view, PROMPT_IMAGE, label, NULL);
		return;
	} else if (id == PROMPT_IMAGE) {
		req = kube_req_set_image(c->app, ns_of(c), d->meta.name, v->deploy_container, text,
					 &err);
		xfree(&v->deploy_container);
	}
	if (req)
		gate_submit(c->app, req);
	else if (id != PROMPT_CONTAINER)
		say(c, false, id == PROMPT_SCALE ? "scale" : "deploy", err.msg);
}

static int rollout_command(void *priv, struct view_ctx *c, const char *name, const char *arg)
{
	struct rollout_view *v = priv;
	struct err err;

	if (!strcmp(name, "undo")) {
		char *end;
		long rev = strtol(arg, &end, 10);

		if (!*arg || *end || rev <= 0) {
			say(c, false, "undo", "usage: :undo N (a revision number; see the replica sets)");
		} else if (!selected(c)) {
			say(c, false, "undo", "select a deployment first");
		} else if (!gate_check(c->app, ACTION_ROLLBACK)) {
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
	if ((!strcmp(name, "ns") ? kube_source_set_namespace(c->app, arg, &err)
	     : kube_source_set_context(c->app, arg, &err)))
		app_message(c->app, STATUS_ERROR, "%s", err.msg);
	else {
		ui_select(c->ui, &c->sel->deployment, NULL);
		xfree(&v->detail_pod);
		xfree(&v->cursor_name);
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
	free(v->detail_pod);
	free(v->deploy_container);
}

static const char *const rollout_help[] = {
	"j/k move over deployments, replica sets and pods; a pod's log shows in the log pane",
	"Enter on a pod: its conditions, containers, last termination, events, previous log",
	"r rolls back to the previous revision, or to the replica set under the cursor;",
	"  the dialog shows from/to revision and image and how the pod templates differ",
	"/ filters the deployments by name; :ns NAME and :ctx NAME switch live; :undo N",
	"budget bar: \xe2\x96\x88 new and available, \xe2\x96\x92 new not yet available, "
	"\xe2\x96\x91 old; surge and unavailable used/allowed",
	"checks: pinned tag   the image has a unique tag (not latest, not untagged) or a digest",
	"        readiness    every container has a readiness probe (no traffic before ready)",
	"        preStop      every container has a preStop hook (drains before SIGTERM)",
	"        bounds       maxSurge/maxUnavailable chosen, not left at 25%/25%",
	"        requests     every container requests cpu or memory",
	"        history      revisionHistoryLimit leaves an older revision to roll back to",
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
	.help = rollout_help,
};
