/* The pipeline pane: the builds of the local runner (number, commit and
 * subject, branch, trigger, status, duration, image tag) and the selected
 * build's steps as a DAG with their state, live while they run. The log pane
 * follows the step that matters (the running one, else the failed one)
 * until the operator picks a step.
 *
 * With a remote CI backend (.shipdeck.yml ci:) it shows that server's runs
 * instead — which backend in its title, its jobs (stages) and their steps,
 * the last error in one line — and b, t, x, P act on the selected run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/builder.h"
#include "action/gate.h"
#include "util/dag.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/view.h"

enum { PROMPT_PROMOTE = 1 };

struct pipeline_view {
	int64_t build;              /* selected build (remote: run id); 0: the newest */
	bool in_steps;              /* the cursor is in the steps (Enter), not the builds */
	size_t step;                /* cursor in the steps, in drawing order */
	bool step_pinned;           /* picked by the operator: stop following */
	size_t top;                 /* first build row shown */
	char *pushed_log;           /* the log id this pane last put in the log pane */
};

static const char *const spinner[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧",
				       "⠇", "⠏" };

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

extern const struct view pipeline_view;

static const struct ci_build *selected_build(struct pipeline_view *v,
					     const struct store_ci_list *ls, size_t *index)
{
	for (size_t i = 0; i < ls->n; i++) {
		if (!v->build || ci_build_key(ls->items[i]) == v->build) {
			*index = i;
			return ls->items[i];
		}
	}
	*index = 0;
	return ls->n ? ls->items[0] : NULL;
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
	struct dag g = { .n = b->nsteps };
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
	if (dag_order(&g, l->order) || dag_depths(&g, l->depth))
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
		if (b->steps[l->order[k]].status == CI_FAILED
		    && !b->steps[l->order[k]].ignore_failure)
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

	ci_build_log_id(b, s, id, sizeof id);
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
	if (!l->chain && s->ndeps && !after_prev && !b->remote_id) {
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
	if (b->remote_id && s->exit_code < 0)
		snprintf(right, sizeof right, "%s", ci_status_name(s->status));
	else if (s->status == CI_FAILED && s->signal)
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

enum { MAX_NOTICES = 3 };

/* The rows the notices take when there is room: the layout asks for them
 * whatever this frame's height let draw_notice_lines show. */
static int notice_rows(const struct store_ci *ci)
{
	int total = 0;

	if (ci->pipeline_error)
		return 1;
	for (const char *q = ci->pipeline_notices; q && *q; q++)
		total += *q == '\n';
	return total > MAX_NOTICES + 1 ? MAX_NOTICES + 1 : total;
}

/* The file's error, or what the local runner ignores of it: a few lines,
 * the rest counted (shipdeck pipeline lint lists them all), above row limit. */
static void draw_notice_lines(struct view_ctx *c, int *y, const struct store_ci *ci, int limit)
{
	const char *p = ci->pipeline_notices;
	size_t total = 0, shown = 0;

	if (ci->pipeline_error) {
		draw_text(c, (*y)++, 1, ROLE_FAIL, ci->pipeline_error);
		return;
	}
	for (const char *q = p; q && *q; q++)
		total += *q == '\n';
	while (p && *p && *y < limit) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[400];

		if (shown == MAX_NOTICES && total > MAX_NOTICES + 1) {
			snprintf(line, sizeof line,
				 "… and %zu more ignored keys: shipdeck pipeline lint lists them",
				 total - shown);
			draw_text(c, (*y)++, 1, ROLE_MUTED, line);
			break;
		}
		snprintf(line, sizeof line, "%.*s",
			 (int)(len < sizeof line ? len : sizeof line - 1), p);
		draw_text(c, (*y)++, 1, ROLE_WARN, line);
		shown++;
		p = nl ? nl + 1 : p + len;
	}
}

/* The backend's line: what it reads and how fresh, or why it cannot. */
static void draw_remote_status(struct view_ctx *c, int *y, const struct store_ci *ci)
{
	char when[64] = "no answer yet";

	if (ci->remote.as_of_ms) {
		time_t t = (time_t)(ci->remote.as_of_ms / 1000);
		struct tm tm;
		bool live = !ci->remote.error && time_wall_ms() - ci->remote.as_of_ms < 15000;

		localtime_r(&t, &tm);
		strftime(when, sizeof when, live ? "live, as of %H:%M:%S" : "as of %H:%M:%S", &tm);
	}
	snprintf(c->subtitle, sizeof c->subtitle, "%s · %s", ci->remote.backend
		 ? ci->remote.backend : "remote", when);
	if (ci->remote.error)
		draw_text(c, (*y)++, 1, ROLE_FAIL, ci->remote.error);
	else if (ci->remote.notice && *y < c->height - 1)
		draw_text(c, (*y)++, 1, ROLE_MUTED, ci->remote.notice);
}

static void pipeline_draw(void *priv, struct view_ctx *c)
{
	struct pipeline_view *v = priv;
	const struct store_ci *ci = &c->app->store.ci;
	struct store_ci_list ls = store_ci_list(&c->app->store.ci);
	const struct ci_build *b;
	struct step_layout l;
	struct cols k;
	size_t sel, rows, shown_step;
	int y = 0, extra;

	c->want_rows = 1;
	if (draw_source_notice(c, 0, SOURCE_CI))
		return;
	b = selected_build(v, &ls, &sel);
	if (ls.remote) {
		draw_remote_status(c, &y, ci);
		extra = y;
		if (b) {
			char id[48];

			snprintf(id, sizeof id, "remote-run/%lld", (long long)b->remote_id);
			app_want_detail(c->app, id);
		}
	} else {
		/* with builds to list, the notices leave them half the pane */
		draw_notice_lines(c, &y, ci, b ? c->height / 2 : c->height - 1);
		extra = notice_rows(ci);
	}
	if (!b) {
		if (ls.remote && ci->remote.as_of_ms)
			draw_notice(c, y, ROLE_MUTED,
				    "no runs yet: a push to the repository starts one");
		else if (ls.remote && !ci->remote.error)
			draw_notice(c, y, ROLE_MUTED, "asking the server for its runs…");
		else if (!ls.remote)
			draw_notice(c, y, ROLE_MUTED, "no builds yet: b runs the pipeline on HEAD, "
				    "t runs the test steps");
		c->want_rows = extra + 1;
		return;
	}
	/* a few builds, the rule, every step of the selected one */
	c->want_rows = extra + (int)(ls.n < 6 ? ls.n : 6) + 1 + (int)b->nsteps;
	if (!ls.remote)
		snprintf(c->subtitle, sizeof c->subtitle, "%zu build%s", ls.n,
			 ls.n == 1 ? "" : "s");
	fit_columns(&k, c->width);
	/* the builds take a third of the pane, the steps the rest; a short pane
	 * keeps one build, its rule and a step */
	rows = c->height >= 9 ? (size_t)(c->height / 3 > 3 ? c->height / 3 : 3) : 1;
	/* rows the steps leave go to the builds */
	if (c->height - y - 1 - (int)b->nsteps > (int)rows)
		rows = (size_t)(c->height - y - 1 - (int)b->nsteps);
	if (rows > ls.n)
		rows = ls.n;
	if (sel < v->top)
		v->top = sel;
	if (sel >= v->top + rows)
		v->top = sel - rows + 1;
	for (size_t i = 0; i < rows && v->top + i < ls.n; i++)
		draw_build_row(c, y++, ls.items[v->top + i], v->top + i == sel,
			       c->focused && !v->in_steps && v->top + i == sel, &k);

	layout_steps(b, &l);
	shown_step = focus_step(v, b, &l);
	if (y < c->height) {
		char tag[160];
		int x;

		if (b->remote_id)
			snprintf(tag, sizeof tag, " run #%d · %s%s%s ", b->number,
				 b->pipeline_file ? b->pipeline_file : b->event ? b->event : "",
				 b->user ? " · by " : "", b->user ? b->user : "");
		else
			snprintf(tag, sizeof tag, " build %d · %s%s ", b->number,
				 b->image_tag ? b->image_tag : "",
				 b->has_docker ? " · docker steps run on this host (no container "
						 "runtime)" : "");
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

static void select_build(struct pipeline_view *v, const struct store_ci_list *ls, size_t i)
{
	if (!ls->n)
		return;
	if (i >= ls->n)
		i = ls->n - 1;
	v->build = i == 0 ? 0 : ci_build_key(ls->items[i]);
	v->step_pinned = false;
}

/* a on build b, from the CI source's builder; NULL: it said why. */
static void submit(struct view_ctx *c, enum action_id a, const struct ci_build *b,
		   const char *commit, const char *to)
{
	struct err err;
	struct action_req *req = action_build(&c->app->rt, a, &(struct action_sel){
			.target = TARGET_BUILD, .build = b, .commit = commit, .to = to,
		}, NULL, &err);

	if (req)
		gate_submit(&c->app->rt, req);
	else if (*err.msg)
		app_message(c->app, STATUS_WARN, "%s", err.msg);
}

/* b, t, x, P: the backend says what they do (local: build HEAD or the opened
 * build's commit, cancel; remote: re-run, re-run failed jobs, cancel,
 * promote after asking where to). */
static int build_key(struct pipeline_view *v, struct view_ctx *c, enum action_id a)
{
	struct store_ci_list ls = store_ci_list(&c->app->store.ci);
	size_t sel;
	const struct ci_build *b = selected_build(v, &ls, &sel);
	char *commit = NULL;

	if (a == ACTION_CI_PROMOTE && ls.can_promote && b) {
		char label[64];

		snprintf(label, sizeof label, "promote build #%d to: ", b->number);
		ui_prompt(c->ui, &pipeline_view, PROMPT_PROMOTE, label, "production");
		return VIEW_HANDLED;
	}
	if (ls.remote || a == ACTION_CANCEL || a == ACTION_CI_PROMOTE) {
		submit(c, a, b, NULL, NULL);
		return VIEW_HANDLED;
	}
	/* With a build opened (Enter), b and t run again on that build's commit:
	 * the way back to a good commit when HEAD is broken. Otherwise, and from
	 * another pane, HEAD. */
	if (v->in_steps && c->focused && b && b->commit)
		commit = xstrdup(b->commit);
	if (c->app->rt.ci) {
		v->build = 0;
		v->in_steps = false;
		v->step_pinned = false;
	}
	submit(c, a, b, commit, NULL);
	free(commit);
	return VIEW_HANDLED;
}

static void pipeline_prompt_done(void *priv, struct view_ctx *c, int id, const char *text)
{
	struct pipeline_view *v = priv;
	struct store_ci_list ls = store_ci_list(&c->app->store.ci);
	size_t sel;
	const struct ci_build *b = selected_build(v, &ls, &sel);

	if (id == PROMPT_PROMOTE && text && b)
		submit(c, ACTION_CI_PROMOTE, b, NULL, text);
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
	struct store_ci_list ls = store_ci_list(&c->app->store.ci);
	size_t sel;
	const struct ci_build *b = selected_build(v, &ls, &sel);
	long page = c->height > 6 ? c->height / 2 : 3;

	switch (a) {
	case ACTION_RUN_PIPELINE:
	case ACTION_RUN_TESTS:
	case ACTION_CANCEL:
	case ACTION_CI_PROMOTE:
		return build_key(v, c, a);
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
	case ACTION_DOWN: select_build(v, &ls, sel + 1); return VIEW_HANDLED;
	case ACTION_UP: select_build(v, &ls, sel ? sel - 1 : 0); return VIEW_HANDLED;
	case ACTION_PAGE_DOWN: select_build(v, &ls, sel + (size_t)page); return VIEW_HANDLED;
	case ACTION_PAGE_UP:
		select_build(v, &ls, sel > (size_t)page ? sel - (size_t)page : 0);
		return VIEW_HANDLED;
	case ACTION_TOP: select_build(v, &ls, 0); return VIEW_HANDLED;
	case ACTION_BOTTOM: select_build(v, &ls, ls.n ? ls.n - 1 : 0);
		return VIEW_HANDLED;
	case ACTION_ZOOM:
		if (!b || !b->nsteps)
			return VIEW_UNHANDLED;
		v->in_steps = true;
		v->build = ci_build_key(b) == ci_build_key(ls.items[0]) ? 0 : ci_build_key(b);
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

static void pipeline_hints(void *priv, struct view_ctx *c, struct strbuf *out)
{
	struct pipeline_view *v = priv;
	size_t sel;
	struct store_ci_list ls = store_ci_list(&c->app->store.ci);
	const struct ci_build *b = selected_build(v, &ls, &sel);

	if (ls.remote) {
		if (!b)
			return;
		view_hint(c, out, ACTION_RUN_PIPELINE, "re-run #%d", b->number);
		if (b->status == CI_FAILED && !ls.can_promote)
			view_hint(c, out, ACTION_RUN_TESTS, "re-run failed");
		if (!ci_status_done(b->status))
			view_hint(c, out, ACTION_CANCEL, "cancel #%d", b->number);
		if (ls.can_promote)
			view_hint(c, out, ACTION_CI_PROMOTE, "promote #%d", b->number);
		if (b->nsteps && !v->in_steps)
			view_hint(c, out, ACTION_ZOOM, "steps of #%d", b->number);
		return;
	}
	if (!c->app->rt.ci)
		return;
	if (v->in_steps && b && b->commit) {
		view_hint(c, out, ACTION_RUN_PIPELINE, "build %.7s", b->commit);
		view_hint(c, out, ACTION_RUN_TESTS, "test %.7s", b->commit);
		view_hint(c, out, ACTION_ZOOM, "log");
		view_hint(c, out, ACTION_BACK, "builds");
	} else {
		view_hint(c, out, ACTION_RUN_PIPELINE, "build HEAD");
		view_hint(c, out, ACTION_RUN_TESTS, "test HEAD");
		if (b && b->nsteps)
			view_hint(c, out, ACTION_ZOOM, "steps of #%d", b->number);
	}
	if (b && !ci_status_done(b->status))
		view_hint(c, out, ACTION_CANCEL, "cancel \xe2\x86\x92 #%d", b->number);
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
	"○ pending   ⠋ running   ✓ passed   ✗ failed   – skipped   "
	"⊘ cancelled   ! interrupted",
	"← names what a step waits for (depends_on); steps without it run in order.",
	"With ci: in .shipdeck.yml the pane reads that server (title: which): b re-runs",
	"the selected run, t its failed jobs, x cancels it, P promotes a Drone build.",
	NULL,
};

const struct view pipeline_view = {
	.name = "pipeline",
	.title = "Pipeline",
	.private_size = sizeof(struct pipeline_view),
	.destroy = pipeline_destroy,
	.draw = pipeline_draw,
	.action = pipeline_action,
	.hints = pipeline_hints,
	.prompt_done = pipeline_prompt_done,
	.help = pipeline_help,
};
