/* The pipeline pane: the builds of the local runner (number, commit and
 * subject, branch, trigger, status, duration, image tag) and the selected
 * build's steps as a DAG with their state, live while they run. The log pane
 * follows the step that matters (the running one, else the failed one)
 * until the operator picks a step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/gate.h"
#include "ci/dag.h"
#include "ci/source.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/view.h"

struct pipeline_view {
	int build;                  /* selected build; 0: the newest */
	bool in_steps;              /* the cursor is in the steps (Enter), not the builds */
	size_t step;                /* cursor in the steps, in drawing order */
	bool step_pinned;           /* picked by the operator: stop following */
	size_t top;                 /* first build row shown */
	char *pushed_log;           /* the log id this pane last put in the log pane */
};

static const char *const spinner[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };

static void icon_of(enum ci_status st, bool ignored, const char **icon, enum role *role)
{
	switch (st) {
	case CI_PENDING: *icon = "○"; *role = ROLE_PENDING; return;
	case CI_RUNNING:
		*icon = spinner[(time_wall_ms() / 1000) % 10];
		*role = ROLE_RUNNING;
		return;
	case CI_PASSED: *icon = "✓"; *role = ROLE_OK; return;
	case CI_FAILED: *icon = "✗"; *role = ignored ? ROLE_WARN : ROLE_FAIL; return;
	case CI_SKIPPED: *icon = "–"; *role = ROLE_MUTED; return;
	case CI_CANCELLED: *icon = "⊘"; *role = ROLE_WARN; return;
	case CI_INTERRUPTED: *icon = "!"; *role = ROLE_WARN; return;
	case CI_ERROR: case CI_STATUS_COUNT: break;
	}
	*icon = "✗";
	*role = ROLE_FAIL;
}

static const struct ci_build *selected_build(struct pipeline_view *v, const struct store_ci *ci,
					     size_t *index)
{
	for (size_t i = 0; i < ci->nbuilds; i++) {
		if (!v->build || ci->builds[i]->number == v->build) {
			*index = i;
			return ci->builds[i];
		}
	}
	*index = 0;
	return ci->nbuilds ? ci->builds[0] : NULL;
}

static int64_t elapsed(int64_t start, int64_t end, bool running, struct view_ctx *c)
{
	if (!start)
		return -1;
	if (running) {
		c->uses_clock = true;
		return time_wall_ms() - start;
	}
	return end >= start ? end - start : 0;
}

/* ---- the steps: drawing order and depth */

struct step_layout {
	size_t *order;              /* indices into b->steps, dependencies first */
	int *depth;
	bool chain;                 /* each step after the one before: no indent needed */
};

static size_t key_index(const struct ci_build *b, const char *key)
{
	for (size_t i = 0; i < b->nsteps; i++)
		if (!strcmp(b->steps[i].key, key))
			return i;
	return b->nsteps;
}

static void layout_steps(const struct ci_build *b, struct step_layout *l)
{
	struct ci_graph g = { .n = b->nsteps };
	size_t n = b->nsteps ? b->nsteps : 1;

	l->order = xcalloc(n, sizeof *l->order);
	l->depth = xcalloc(n, sizeof *l->depth);
	g.deps = xcalloc(n, sizeof *g.deps);
	g.ndeps = xcalloc(n, sizeof *g.ndeps);
	l->chain = true;
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct ci_step *s = &b->steps[i];

		g.deps[i] = xcalloc(s->ndeps + 1, sizeof **g.deps);
		for (size_t d = 0; d < s->ndeps; d++) {
			size_t k = key_index(b, s->depends_on[d]);

			if (k < b->nsteps)
				g.deps[i][g.ndeps[i]++] = k;
		}
		if (i ? g.ndeps[i] != 1 || g.deps[i][0] != i - 1 : g.ndeps[i] != 0)
			l->chain = false;
	}
	if (ci_graph_order(&g, l->order) || ci_graph_depths(&g, l->depth))
		for (size_t i = 0; i < b->nsteps; i++) {
			l->order[i] = i;
			l->depth[i] = 0;
		}
	for (size_t i = 0; i < b->nsteps; i++)
		free(g.deps[i]);
	free(g.deps);
	free(g.ndeps);
}

static void layout_free(struct step_layout *l)
{
	free(l->order);
	free(l->depth);
}

/* The step the log pane should show: the operator's pick, else the one
 * running, else the first that failed, else the last that ran. */
static size_t focus_step(struct pipeline_view *v, const struct ci_build *b,
			 const struct step_layout *l)
{
	size_t pick = b->nsteps;

	if (v->step_pinned && v->step < b->nsteps)
		return l->order[v->step];
	for (size_t k = 0; k < b->nsteps; k++) {
		const struct ci_step *s = &b->steps[l->order[k]];

		if (s->status == CI_RUNNING)
			pick = l->order[k];
	}
	for (size_t k = 0; pick == b->nsteps && k < b->nsteps; k++)
		if (b->steps[l->order[k]].status == CI_FAILED && !b->steps[l->order[k]].ignore_failure)
			pick = l->order[k];
	for (size_t k = b->nsteps; pick == b->nsteps && k-- > 0;)
		if (b->steps[l->order[k]].started_ms)
			pick = l->order[k];
	return pick < b->nsteps ? pick : 0;
}

/* Puts the step's log in the log pane when this pane's choice changed (a
 * log the operator opened elsewhere stays until then). */
static void push_log(struct pipeline_view *v, struct view_ctx *c, const struct ci_build *b,
		     const struct ci_step *s)
{
	char id[300];

	snprintf(id, sizeof id, "build/%d/%s", b->number, s->key);
	if (v->pushed_log && !strcmp(v->pushed_log, id))
		return;
	free(v->pushed_log);
	v->pushed_log = xstrdup(id);
	app_open_log(c->app, id);
	ui_select(c->ui, &c->sel->log_id, id);
}

/* ---- drawing */

struct cols {
	int icon, num, status, sha, subject, branch, trigger, dur, tag;
};

static void fit_columns(struct cols *k, int w)
{
	*k = (struct cols){ .icon = 2, .num = 6, .status = 12, .sha = 8, .dur = 8,
			    .trigger = 15 };
	if (w >= 110) {
		k->branch = 14;
		k->tag = 22;
	} else if (w >= 90) {
		k->branch = 12;
		k->tag = 16;
	} else {
		/* narrow: the icon's colour says the status */
		k->status = 0;
		k->branch = 10;
		k->tag = 13;
	}
	k->subject = w - 1 - k->icon - k->num - k->status - k->sha - k->branch - k->trigger
		- k->dur - k->tag;
	if (k->subject < 8) {
		k->subject += k->tag;
		k->tag = 0;
	}
}

/* A column: its text cut to width - 1, so one space always separates it from
 * the next. */
static void cell(struct view_ctx *c, int y, int *x, int width, enum role role, const char *text)
{
	if (width <= 0)
		return;
	draw_cell(c, y, *x, width - 1, role, text);
	*x += width;
}

static void draw_build_row(struct view_ctx *c, int y, const struct ci_build *b, bool selected,
			   bool cursor, const struct cols *k)
{
	const char *icon;
	enum role role, text = cursor ? ROLE_SELECTION : ROLE_NORMAL;
	enum role muted = cursor ? ROLE_SELECTION : ROLE_MUTED;
	char num[16], dur[32], trigger[40], sha[8];
	int64_t ms = elapsed(b->started_ms, b->finished_ms, b->status == CI_RUNNING, c);
	int x = 1;

	icon_of(b->status, false, &icon, &role);
	if (cursor)
		draw_row_fill(c, y, ROLE_SELECTION);
	if (cursor || selected)
		draw_text(c, y, 0, cursor ? ROLE_SELECTION : ROLE_TITLE, "›");
	snprintf(num, sizeof num, "#%d", b->number);
	snprintf(sha, sizeof sha, "%.7s", b->commit ? b->commit : "");
	snprintf(trigger, sizeof trigger, "%s%s", b->trigger ? b->trigger : "",
		 b->tests_only ? "·tests" : "");
	if (ms >= 0)
		ci_duration_format(ms, dur, sizeof dur);
	else
		snprintf(dur, sizeof dur, "-");
	cell(c, y, &x, k->icon, cursor ? ROLE_SELECTION : role, icon);
	cell(c, y, &x, k->num, text, num);
	cell(c, y, &x, k->status, cursor ? ROLE_SELECTION : role, ci_status_name(b->status));
	cell(c, y, &x, k->sha, muted, sha);
	cell(c, y, &x, k->subject, text, b->subject ? b->subject : "");
	cell(c, y, &x, k->branch, text, b->branch && *b->branch ? b->branch : "-");
	cell(c, y, &x, k->trigger, muted, trigger);
	cell(c, y, &x, k->dur, text, dur);
	cell(c, y, &x, k->tag, muted, b->image_tag ? b->image_tag : "");
}

static void draw_step_row(struct view_ctx *c, int y, const struct ci_build *b, size_t i,
			  const struct step_layout *l, size_t row, bool cursor, bool shown)
{
	const struct ci_step *s = &b->steps[i];
	const char *icon;
	enum role role, text = cursor ? ROLE_SELECTION : ROLE_NORMAL;
	char right[96], dur[32];
	int64_t ms = elapsed(s->started_ms, s->finished_ms, s->status == CI_RUNNING, c);
	int indent = l->chain ? 0 : 2 * (l->depth[i] > 4 ? 4 : l->depth[i]);
	int x, right_w;
	bool after_prev = row > 0 && s->ndeps == 1
		&& !strcmp(s->depends_on[0], b->steps[l->order[row - 1]].key);

	icon_of(s->status, s->ignore_failure, &icon, &role);
	if (cursor)
		draw_row_fill(c, y, ROLE_SELECTION);
	if (cursor || shown)
		draw_text(c, y, 0, cursor ? ROLE_SELECTION : ROLE_TITLE, "›");
	x = 1 + indent;
	x += draw_text(c, y, x, cursor ? ROLE_SELECTION : role, icon);
	x += draw_textf(c, y, x, text, " %s", s->name);
	if (!l->chain && s->ndeps && !after_prev) {
		char deps[200] = "";
		size_t n = 0;

		for (size_t d = 0; d < s->ndeps && n < sizeof deps; d++)
			n += (size_t)snprintf(deps + n, sizeof deps - n, "%s%s", d ? ", " : "",
					      s->depends_on[d]);
		x += draw_textf(c, y, x, cursor ? ROLE_SELECTION : ROLE_MUTED, "  ← %s", deps);
	}
	if (s->image && c->width >= 70)
		x += draw_textf(c, y, x, cursor ? ROLE_SELECTION : ROLE_MUTED, "  %s", s->image);
	if (ms >= 0)
		ci_duration_format(ms, dur, sizeof dur);
	else
		dur[0] = '\0';
	if (s->status == CI_FAILED && s->signal)
		snprintf(right, sizeof right, "signal %d%s", s->signal,
			 s->ignore_failure ? ", ignored" : "");
	else if (s->status == CI_FAILED && s->exit_code >= 0)
		snprintf(right, sizeof right, "exit %d%s", s->exit_code,
			 s->ignore_failure ? ", ignored" : "");
	else if (s->status == CI_FAILED)
		snprintf(right, sizeof right, "not started");
	else if (s->status == CI_PASSED && s->signal)
		snprintf(right, sizeof right, "stopped");   /* a service, after the steps */
	else if (s->status == CI_PASSED)
		snprintf(right, sizeof right, "exit 0");
	else
		snprintf(right, sizeof right, "%s", ci_status_name(s->status));
	right_w = 25;
	if (x < c->width - right_w) {
		draw_cell(c, y, c->width - right_w, 16, cursor ? ROLE_SELECTION : role, right);
		draw_cell(c, y, c->width - 9, 8, text, dur);
	}
}

/* The file's error, or what the local runner ignores of it: a few lines,
 * the rest counted (shipdeck pipeline lint lists them all). */
static void draw_notice_lines(struct view_ctx *c, int *y, const struct store_ci *ci)
{
	enum { MAX_NOTICES = 3 };
	const char *p = ci->pipeline_notices;
	size_t total = 0, shown = 0;

	if (ci->pipeline_error) {
		draw_text(c, (*y)++, 1, ROLE_FAIL, ci->pipeline_error);
		return;
	}
	for (const char *q = p; q && *q; q++)
		total += *q == '\n';
	while (p && *p && *y < c->height / 2) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[400];

		if (shown == MAX_NOTICES && total > MAX_NOTICES + 1) {
			snprintf(line, sizeof line, "… and %zu more ignored keys: shipdeck pipeline lint "
				 "lists them", total - shown);
			draw_text(c, (*y)++, 1, ROLE_MUTED, line);
			break;
		}
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
		draw_text(c, (*y)++, 1, ROLE_WARN, line);
		shown++;
		p = nl ? nl + 1 : p + len;
	}
}

static void pipeline_draw(void *priv, struct view_ctx *c)
{
	struct pipeline_view *v = priv;
	const struct store_ci *ci = &c->app->store.ci;
	const struct ci_build *b;
	struct step_layout l;
	struct cols k;
	size_t sel, rows, shown_step;
	int y = 0;

	if (draw_source_notice(c, 0, SOURCE_CI))
		return;
	draw_notice_lines(c, &y, ci);
	b = selected_build(v, ci, &sel);
	if (!b) {
		draw_notice(c, y, ROLE_MUTED, "no builds yet: b runs the pipeline on HEAD, "
			    "t runs the test steps");
		return;
	}
	snprintf(c->subtitle, sizeof c->subtitle, "%zu build%s", ci->nbuilds,
		 ci->nbuilds == 1 ? "" : "s");
	fit_columns(&k, c->width);
	/* the builds take a third of the pane, the steps the rest; a short pane
	 * keeps one build, its rule and a step */
	rows = c->height >= 9 ? (size_t)(c->height / 3 > 3 ? c->height / 3 : 3) : 1;
	if (rows > ci->nbuilds)
		rows = ci->nbuilds;
	if (sel < v->top)
		v->top = sel;
	if (sel >= v->top + rows)
		v->top = sel - rows + 1;
	for (size_t i = 0; i < rows && v->top + i < ci->nbuilds; i++)
		draw_build_row(c, y++, ci->builds[v->top + i], v->top + i == sel,
			       c->focused && !v->in_steps && v->top + i == sel, &k);

	layout_steps(b, &l);
	shown_step = focus_step(v, b, &l);
	if (y < c->height) {
		char tag[160];
		int x;

		snprintf(tag, sizeof tag, " build %d · %s%s ", b->number,
			 b->image_tag ? b->image_tag : "",
			 b->has_docker ? " · docker steps run on this host (no container runtime)"
				       : "");
		draw_row_fill(c, y, ROLE_NORMAL);
		x = draw_text(c, y, 0, ROLE_BORDER, "──");
		x += draw_text(c, y, x, ROLE_TITLE, tag);
		if (b->message)
			draw_text(c, y, x, b->status == CI_PASSED ? ROLE_MUTED : ROLE_WARN,
				  b->message);
		y++;
	}
	if (v->in_steps && v->step >= b->nsteps)
		v->step = b->nsteps ? b->nsteps - 1 : 0;
	{
		/* keep the cursor (or the followed step) in view */
		size_t want = v->in_steps ? v->step : 0, first = 0, room;

		for (size_t r = 0; !v->in_steps && r < b->nsteps; r++)
			if (l.order[r] == shown_step)
				want = r;
		room = c->height > y ? (size_t)(c->height - y) : 0;
		if (room && want >= room)
			first = want - room + 1;
		for (size_t r = first; r < b->nsteps && y < c->height; r++)
			draw_step_row(c, y++, b, l.order[r], &l, r,
				      c->focused && v->in_steps && r == v->step,
				      l.order[r] == shown_step);
	}
	if (b->nsteps)
		push_log(v, c, b, &b->steps[shown_step]);
	layout_free(&l);
}

/* ---- keys */

static void select_build(struct pipeline_view *v, const struct store_ci *ci, size_t i)
{
	if (!ci->nbuilds)
		return;
	if (i >= ci->nbuilds)
		i = ci->nbuilds - 1;
	v->build = i == 0 ? 0 : ci->builds[i]->number;
	v->step_pinned = false;
}

static int run(struct pipeline_view *v, struct view_ctx *c, bool tests)
{
	char *commit = NULL;

	if (!c->app->ci) {
		const struct source_status *s = &c->app->store.status.sources[SOURCE_CI];

		app_message(c->app, STATUS_WARN, "%s", s->message ? s->message : "no pipeline");
		return VIEW_HANDLED;
	}
	/* With a build opened (Enter), b and t run again on that build's commit:
	 * the way back to a good commit when HEAD is broken. Otherwise HEAD. */
	if (v->in_steps) {
		size_t sel;
		const struct ci_build *b = selected_build(v, &c->app->store.ci, &sel);

		commit = b && b->commit ? xstrdup(b->commit) : NULL;
	}
	v->build = 0;
	v->in_steps = false;
	v->step_pinned = false;
	gate_submit(c->app, ci_action_run(c->app, tests, commit, false, "console", NULL));
	free(commit);
	return VIEW_HANDLED;
}

static int cancel(struct pipeline_view *v, struct view_ctx *c)
{
	size_t sel;
	const struct ci_build *b = selected_build(v, &c->app->store.ci, &sel);

	if (!b || ci_status_done(b->status)) {
		app_message(c->app, STATUS_WARN, "cancel: %s", b ? "the selected build is not running"
							       : "no build");
		return VIEW_HANDLED;
	}
	gate_submit(c->app, ci_action_cancel(c->app, b->number));
	return VIEW_HANDLED;
}

static int move_step(struct pipeline_view *v, const struct ci_build *b, long delta)
{
	long n = b ? (long)b->nsteps : 0, s = (long)v->step + delta;

	if (!n)
		return VIEW_HANDLED;
	v->step = (size_t)(s < 0 ? 0 : s >= n ? n - 1 : s);
	v->step_pinned = true;
	return VIEW_HANDLED;
}

static int pipeline_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct pipeline_view *v = priv;
	const struct store_ci *ci = &c->app->store.ci;
	size_t sel;
	const struct ci_build *b = selected_build(v, ci, &sel);
	long page = c->height > 6 ? c->height / 2 : 3;

	switch (a) {
	case ACTION_RUN_PIPELINE:
		return run(v, c, false);
	case ACTION_RUN_TESTS:
		return run(v, c, true);
	case ACTION_CANCEL:
		return cancel(v, c);
	default:
		break;
	}
	if (!c->focused)
		return VIEW_UNHANDLED;
	if (v->in_steps) {
		switch (a) {
		case ACTION_DOWN: return move_step(v, b, 1);
		case ACTION_UP: return move_step(v, b, -1);
		case ACTION_PAGE_DOWN: return move_step(v, b, page);
		case ACTION_PAGE_UP: return move_step(v, b, -page);
		case ACTION_TOP: return move_step(v, b, -(long)(b ? b->nsteps : 0));
		case ACTION_BOTTOM: return move_step(v, b, b ? (long)b->nsteps : 0);
		case ACTION_ZOOM:
			ui_focus(c->ui, "log");
			return VIEW_HANDLED;
		case ACTION_BACK:
			v->in_steps = false;
			v->step_pinned = false;
			return VIEW_HANDLED;
		default:
			return VIEW_UNHANDLED;
		}
	}
	switch (a) {
	case ACTION_DOWN: select_build(v, ci, sel + 1); return VIEW_HANDLED;
	case ACTION_UP: select_build(v, ci, sel ? sel - 1 : 0); return VIEW_HANDLED;
	case ACTION_PAGE_DOWN: select_build(v, ci, sel + (size_t)page); return VIEW_HANDLED;
	case ACTION_PAGE_UP:
		select_build(v, ci, sel > (size_t)page ? sel - (size_t)page : 0);
		return VIEW_HANDLED;
	case ACTION_TOP: select_build(v, ci, 0); return VIEW_HANDLED;
	case ACTION_BOTTOM: select_build(v, ci, ci->nbuilds ? ci->nbuilds - 1 : 0);
		return VIEW_HANDLED;
	case ACTION_ZOOM:
		if (!b || !b->nsteps)
			return VIEW_UNHANDLED;
		v->in_steps = true;
		v->build = b->number == ci->builds[0]->number ? 0 : b->number;
		{
			struct step_layout l;
			size_t shown;

			layout_steps(b, &l);
			shown = focus_step(v, b, &l);
			for (size_t r = 0; r < b->nsteps; r++)
				if (l.order[r] == shown)
					v->step = r;
			layout_free(&l);
		}
		return VIEW_HANDLED;
	default:
		return VIEW_UNHANDLED;
	}
}

static void pipeline_destroy(void *priv)
{
	struct pipeline_view *v = priv;

	free(v->pushed_log);
}

static const char *const pipeline_help[] = {
	"b runs the pipeline on HEAD, t its test steps (and what they need), x cancels;",
	"with a build opened, b and t run again on that build's commit.",
	"j/k choose a build; Enter opens its steps (j/k choose one, Enter shows its log),",
	"Esc goes back to the builds. The log pane follows the running step until you pick.",
	"○ pending   ⠋ running   ✓ passed   ✗ failed   – skipped   ⊘ cancelled   ! interrupted",
	"← names what a step waits for (depends_on); steps without it run in order.",
	NULL,
};

const struct view pipeline_view = {
	.name = "pipeline",
	.title = "Pipeline",
	.private_size = sizeof(struct pipeline_view),
	.destroy = pipeline_destroy,
	.draw = pipeline_draw,
	.action = pipeline_action,
	.help = pipeline_help,
};
