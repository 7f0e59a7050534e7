/* The canary pane: one line per app of .shipdeck.yml, then the selected
 * app's release — canary: the traffic split (target against ready pods), the
 * step, the countdown to the next analysis; blue/green: the live colour and
 * whether the idle one is ready — and its last analysis: per metric the
 * stable's and canary's values, the difference, the sparklines of both over
 * the window, the test's p-value and shift, the class; the score and the
 * verdict, and the one line that says which metric failed by how much; then
 * the decisions taken. p promotes, a aborts (blue/green: switches back), A
 * turns automatic analysis on or off; C starts a canary in the images pane. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action/builder.h"
#include "action/gate.h"
#include "model/release.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/view.h"

enum { NAME_W = 14, NUM_W = 9, DIFF_W = 9, P_W = 8, HISTORY_MAX_ROWS = 4, COMPACT_H = 8 };

struct canary_view {
	size_t sel;                 /* the selected app, index into the project's */
};

static const struct app_conf *selected(struct canary_view *v, struct view_ctx *c)
{
	const struct project *p = &c->app->project;

	if (!p->napps)
		return NULL;
	for (size_t i = 0; c->sel->app && i < p->napps; i++)
		if (!strcmp(p->apps[i].name, c->sel->app))
			v->sel = i;
	if (v->sel >= p->napps)
		v->sel = p->napps - 1;
	if (!c->sel->app || strcmp(c->sel->app, p->apps[v->sel].name))
		ui_select(c->ui, &c->sel->app, p->apps[v->sel].name);
	return &p->apps[v->sel];
}

static enum role verdict_role(enum canary_verdict v)
{
	return v == CANARY_PASS ? ROLE_OK : v == CANARY_FAIL ? ROLE_FAIL : ROLE_WARN;
}

/* One line per app: name, strategy, where it stands, the last verdict. */
static void app_line(struct view_ctx *c, int y, const struct app_conf *conf, bool sel)
{
	const struct canary_app_state *st = store_canary_app(&c->app->store.canary, conf->name);
	struct release r;
	char where[160];
	bool fill = sel && c->focused;   /* the bar of a selection only where the keys go */
	int x;

	release_read(&c->app->store.kube, conf, release_ns(&c->app->store.kube, conf), &r);
	if (r.problem[0])
		snprintf(where, sizeof where, "%s", r.problem);
	else if (r.blue_green)
		snprintf(where, sizeof where, "live %s · %s %s", r.live, r.idle,
			 r.idle_ready ? "ready" : "not ready");
	else if (r.phase == RELEASE_RUNNING)
		snprintf(where, sizeof where, "step %d/%zu %d%%", r.step + 1, conf->nsteps,
			 r.weight);
	else
		snprintf(where, sizeof where, "%s", r.phase == RELEASE_NONE ? "no canary"
			 : release_phase_name(r.phase));
	if (fill)
		draw_row_fill(c, y, ROLE_SELECTION);
	x = draw_cell(c, y, 0, 2, fill ? ROLE_SELECTION : ROLE_TITLE, sel ? "▶" : " ");
	x += draw_cell(c, y, x, NAME_W - 2, fill ? ROLE_SELECTION : ROLE_NORMAL, conf->name);
	x += draw_cell(c, y, x, 11, fill ? ROLE_SELECTION : ROLE_MUTED,
		       r.blue_green ? "blue/green" : "canary");
	x += draw_cell(c, y, x, c->width - x - 16 > 10 ? c->width - x - 16 : 10,
		       fill ? ROLE_SELECTION : r.problem[0] ? ROLE_WARN : ROLE_NORMAL, where);
	if (st && st->last)
		x += draw_cell(c, y, x + 1, 9,
			       fill ? ROLE_SELECTION : verdict_role(st->last->verdict),
			       canary_verdict_name(st->last->verdict)) + 1;
	if (st && st->auto_mode)
		draw_cell(c, y, x + 1, 4, fill ? ROLE_SELECTION : ROLE_RUNNING, "auto");
}

/* stable ██████░░ canary: one bar, the stable's share filled. */
static void split_bar(struct view_ctx *c, int y, const char *label, int canary_pct,
		      const char *note)
{
	char left[16], right[16];
	int x = 1, w;

	snprintf(left, sizeof left, "%3d%%", 100 - canary_pct);
	snprintf(right, sizeof right, "%d%%", canary_pct);
	x += draw_cell(c, y, x, 7, ROLE_MUTED, label);
	x += draw_text(c, y, x, ROLE_NORMAL, left) + 1;
	/* room for "100%" and the longer note, so that both bars line up */
	w = c->width - x - 6 - 16;
	if (w > 40)
		w = 40;
	if (w >= 6) {
		int fill = (int)lround((double)w * (100 - canary_pct) / 100.0);
		struct strbuf a = { 0 }, b = { 0 };

		for (int i = 0; i < w; i++)
			sb_puts(i < fill ? &a : &b, i < fill ? "█" : "▒");
		x += draw_text(c, y, x, ROLE_OK, sb_str(&a));
		x += draw_text(c, y, x, ROLE_RUNNING, sb_str(&b)) + 1;
		sb_free(&a);
		sb_free(&b);
	}
	x += draw_text(c, y, x, ROLE_RUNNING, right) + 1;
	draw_text(c, y, x, ROLE_MUTED, note);
}

/* Whether an analysis can be due: a canary under way, or a blue/green
 * release after a switch. Otherwise the release line says why none is, and
 * a countdown would say the opposite. */
static bool analysis_can_run(const struct release *r)
{
	return r->blue_green ? r->switched_at != 0 : r->phase == RELEASE_RUNNING;
}

/* Why no analysis is due, when the release line does not say it already. */
static const char *waiting_text(const struct release *r, const struct canary_app_state *st)
{
	if (!st || !st->waiting)
		return NULL;
	if (!r->blue_green && (r->phase == RELEASE_NONE || r->phase == RELEASE_PROMOTED
			       || r->phase == RELEASE_ABORTED))
		return NULL;
	return st->waiting;
}

/* "next analysis in 7s", "analysing…", or why none is due. */
static int draw_schedule(struct view_ctx *c, int y, const struct canary_app_state *st,
			 const struct app_conf *conf, const struct release *r)
{
	const char *waiting = waiting_text(r, st);
	char buf[256];
	int x = 1;

	if (!st || (!analysis_can_run(r) && !waiting))
		return 0;
	if (st->analysing) {
		x += draw_text(c, y, x, ROLE_RUNNING, "analysing…");
	} else if (st->next_ms > 0 && analysis_can_run(r)) {
		int64_t left = (st->next_ms - time_wall_ms() + 999) / 1000;

		snprintf(buf, sizeof buf, "next analysis in %llds",
			 (long long)(left > 0 ? left : 0));
		x += draw_text(c, y, x, ROLE_NORMAL, buf);
		c->uses_clock = true;
	}
	if (waiting)
		x += draw_textf(c, y, x, ROLE_MUTED, "%s%s", x > 1 ? " · " : "", waiting);
	if (st->auto_mode && analysis_can_run(r))
		draw_textf(c, y, x, ROLE_RUNNING, " · auto: %d of %d FAILs before abort",
			   st->failures, conf->threshold);
	return 1;
}

static int draw_canary_release(struct view_ctx *c, int y, const struct release *r)
{
	char note[96];
	int y0 = y, x;

	if (r->phase == RELEASE_RUNNING || r->phase == RELEASE_PROMOTING) {
		char steps[96];
		size_t n = 0;

		for (size_t i = 0; i < r->conf->nsteps && n < sizeof steps; i++)
			n += (size_t)snprintf(steps + n, sizeof steps - n, "%s%s%d%s",
					      i ? " " : "", (int)i == r->step ? "[" : "",
					      r->conf->steps[i], (int)i == r->step ? "]" : "");
		snprintf(note, sizeof note, "canary");
		split_bar(c, y++, "target", r->weight, note);
		if (r->actual >= 0) {
			snprintf(note, sizeof note, "(%d + %d ready)", r->stable_ready,
				 r->canary_ready);
			split_bar(c, y++, "actual", r->actual, note);
		} else {
			draw_text(c, y++, 1, ROLE_WARN, "actual  no pod of either track is ready");
		}
		draw_textf(c, y++, 1, ROLE_NORMAL, "%sstep %d of %zu: %s %%", r->phase ==
			   RELEASE_PROMOTING ? "promoting to 100%: " : "", r->step + 1,
			   r->conf->nsteps, steps);
		if (r->canary_stalled)
			draw_textf(c, y++, 1, ROLE_FAIL,
				   "deploy/%s exceeded its progress deadline: %d of %d pods ready",
				   r->canary_name, r->canary_ready,
				   r->canary ? r->canary->replicas : 0);
	} else {
		draw_text(c, y++, 1, ROLE_MUTED, r->phase == RELEASE_NONE
			  ? "no canary: C on a tag in the images pane starts one"
			  : r->phase == RELEASE_PROMOTED ? "last canary promoted"
			  : "last canary aborted");
	}
	x = 1 + draw_textf(c, y, 1, ROLE_MUTED, "stable %s ×%d",
			   release_short_image(r->stable_image),
			   r->stable ? r->stable->replicas : 0);
	if (r->canary && (r->phase == RELEASE_RUNNING || r->phase == RELEASE_PROMOTING))
		draw_textf(c, y, x < 28 ? 28 : x + 3, ROLE_RUNNING, "canary %s ×%d",
			   release_short_image(r->canary_image), r->canary->replicas);
	return ++y - y0;
}

/* Why the idle colour is not ready to take the traffic, in the words of
 * its rollout ("2/2 ready" alone would read as ready). */
static void idle_state(const struct kube_deployment *d, char *buf, size_t size)
{
	if (!d)
		snprintf(buf, size, "no deployment: p waits");
	else if (d->replicas <= 0)
		snprintf(buf, size, "scaled to 0: p waits");
	else if (d->observed_generation < d->generation)
		snprintf(buf, size, "change not seen yet by the controller: p waits");
	else if (d->updated < d->replicas)
		snprintf(buf, size, "rolling out, %d/%d updated: p waits", d->updated, d->replicas);
	else if (d->ready < d->replicas || d->available < d->replicas)
		snprintf(buf, size, "%d/%d available: p waits", d->available, d->replicas);
	else if (d->status_replicas > d->replicas)
		snprintf(buf, size, "rolling out, %d old pod%s still going: p waits",
			 d->status_replicas - d->replicas,
			 d->status_replicas - d->replicas == 1 ? "" : "s");
	else
		snprintf(buf, size, "not ready: p waits");
}

static int draw_blue_green(struct view_ctx *c, int y, const struct release *r)
{
	const struct kube_deployment *l = r->live_d, *i = r->idle_d;
	char when[16], state[96];
	int y0 = y;

	draw_textf(c, y++, 1, ROLE_NORMAL, "service %s → %s", r->conf->name, r->live);
	draw_textf(c, y++, 1, ROLE_OK, "live %-6s %d/%d ready  %s", r->live, l ? l->ready : 0,
		   l ? l->replicas : 0, release_short_image(r->stable_image));
	idle_state(i, state, sizeof state);
	draw_textf(c, y++, 1, r->idle_ready ? ROLE_OK : ROLE_WARN, "idle %-6s %d/%d ready  %s  %s",
		   r->idle, i ? i->ready : 0, i ? i->replicas : 0,
		   release_short_image(r->canary_image),
		   r->idle_ready ? "ready: p switches" : state);
	if (r->switched_at) {
		time_t t = (time_t)r->switched_at;
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		draw_textf(c, y++, 1, ROLE_MUTED, "switched from %s at %s (%s)", r->previous, when,
			   r->switched_by_promote ? "promote" : "switch back");
	}
	return y - y0;
}

/* ▁▂▃▄▅▆▇█ of the newest values that fit, on a scale shared with the other
 * side so the two compare. */
static void sparkline(char *buf, size_t size, const struct canary_samples *s, int width,
		      double lo, double hi)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇",
					    "█" };
	size_t from = s->n > (size_t)width ? s->n - (size_t)width : 0, len = 0;

	buf[0] = '\0';
	for (size_t i = from; i < s->n && len + 4 < size; i++) {
		int k = hi > lo ? (int)((s->v[i] - lo) / (hi - lo) * 7.999) : 3;

		len += (size_t)snprintf(buf + len, size - len, "%s",
					bars[k < 0 ? 0 : k > 7 ? 7 : k]);
	}
}

static void range_of(const struct canary_samples *s, double *lo, double *hi)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i] < *lo)
			*lo = s->v[i];
		if (s->v[i] > *hi)
			*hi = s->v[i];
	}
}

static void num(char *buf, size_t size, double v, bool have)
{
	if (have)
		snprintf(buf, size, "%.4g", v);
	else
		snprintf(buf, size, "-");
}

static int draw_metric(struct view_ctx *c, int y, const struct canary_metric_result *m,
		       const struct metric_conf *mc)
{
	bool have = m->cls != CANARY_CLASS_NODATA;
	enum role role = !have ? ROLE_WARN : m->passed ? ROLE_OK : ROLE_FAIL;
	char a[32], b[32], d[32], p[32], cls[64], sa[256], sb[256];
	double lo = INFINITY, hi = -INFINITY;
	int x = 1, w;

	num(a, sizeof a, m->stable_value, have);
	num(b, sizeof b, m->canary_value, have);
	if (have) {
		canary_diff_text(m->stable_value, m->canary_value, d, sizeof d);
		canary_p_text(m->p, p, sizeof p);
	} else {
		snprintf(d, sizeof d, "-");
		snprintf(p, sizeof p, "-");
	}
	snprintf(cls, sizeof cls, "%s %s", canary_class_text(m->cls),
		 !have ? "?" : m->passed ? "✓" : "✗");
	if (m->limit_failed && mc)
		snprintf(cls + strlen(cls), sizeof cls - strlen(cls), " %s %.4g",
			 mc->has_min && m->canary_value < mc->min ? "min" : "max",
			 mc->has_min && m->canary_value < mc->min ? mc->min : mc->max);
	x += draw_cell(c, y, x, NAME_W - 1, ROLE_NORMAL, m->name);
	x += draw_cell(c, y, x, NUM_W, ROLE_NORMAL, a);
	x += draw_cell(c, y, x, NUM_W, role, b);
	x += draw_cell(c, y, x, DIFF_W, role, d);
	x += draw_cell(c, y, x, P_W, ROLE_MUTED, p);
	draw_text(c, y, x, role, cls);
	/* the sparklines and the shift, under the numbers */
	range_of(&m->stable, &lo, &hi);
	range_of(&m->canary, &lo, &hi);
	w = (c->width - 44) / 2;
	if (w > 24)
		w = 24;
	if (w < 4)
		w = 4;
	sparkline(sa, sizeof sa, &m->stable, w, lo, hi);
	sparkline(sb, sizeof sb, &m->canary, w, lo, hi);
	x = 3;
	x += draw_cell(c, y + 1, x, w + 1, ROLE_OK, sa);
	x += draw_cell(c, y + 1, x, w + 1, role, sb);
	if (have)
		draw_textf(c, y + 1, x + 1, ROLE_MUTED, "shift %+.3g [%.3g, %.3g] n=%zu/%zu",
			   m->shift, m->shift_low, m->shift_high, m->stable.n, m->canary.n);
	else
		draw_textf(c, y + 1, x + 1, ROLE_MUTED, "samples %zu/%zu", m->stable.n,
			   m->canary.n);
	return 2;
}

/* A column's title: STABLE and CANARY for a canary; for blue/green the
 * colour of the side (the colour before the switch against the live one). */
static const char *side_title(const struct app_conf *conf, const char *deploy, const char *canary,
			      char *buf, size_t size)
{
	const char *dash = deploy ? strrchr(deploy, '-') : NULL;
	size_t i;

	if (conf->strategy != RELEASE_BLUE_GREEN || !dash || !dash[1])
		return canary;
	for (i = 0; dash[1 + i] && i + 1 < size; i++)
		buf[i] = (char)(dash[1 + i] >= 'a' && dash[1 + i] <= 'z' ? dash[1 + i] - 32
				: dash[1 + i]);
	buf[i] = '\0';
	return buf;
}

static int draw_result(struct view_ctx *c, int y, const struct app_conf *conf,
		       const struct canary_result *res)
{
	char a[16], b[16];
	int y0 = y, x;

	if (res->error) {
		y += draw_wrapped(c, y, 3, ROLE_FAIL, res->error);
		draw_text(c, y++, 1, ROLE_WARN, "no analysis without data: automatic mode does not "
			  "promote");
		return y - y0;
	}
	x = 1;
	x += draw_cell(c, y, x, NAME_W - 1, ROLE_MUTED, "METRIC");
	x += draw_cell(c, y, x, NUM_W, ROLE_MUTED, side_title(conf, res->stable_deploy, "STABLE",
							     a, sizeof a));
	x += draw_cell(c, y, x, NUM_W, ROLE_MUTED, side_title(conf, res->canary_deploy, "CANARY",
							     b, sizeof b));
	x += draw_cell(c, y, x, DIFF_W, ROLE_MUTED, "DIFF");
	x += draw_cell(c, y, x, P_W, ROLE_MUTED, "P");
	draw_text(c, y++, x, ROLE_MUTED, "CLASS");
	for (size_t i = 0; i < res->nmetrics && y + 1 < c->height; i++)
		y += draw_metric(c, y, &res->metrics[i],
				 i < conf->nmetrics ? &conf->metrics[i] : NULL);
	x = 1 + draw_textf(c, y, 1, verdict_role(res->verdict), "%s",
			   canary_verdict_name(res->verdict));
	draw_textf(c, y++, x, ROLE_MUTED, " score %.0f · %s vs %s over %llds", res->score,
		   res->canary_deploy ? res->canary_deploy : "?",
		   res->stable_deploy ? res->stable_deploy : "?",
		   (long long)(res->window_ms / 1000));
	if (res->verdict != CANARY_PASS && res->summary)
		y += draw_wrapped(c, y, 2, verdict_role(res->verdict), res->summary);
	return y - y0;
}

static void draw_history(struct view_ctx *c, int y, const struct canary_app_state *st)
{
	for (size_t i = 0; i < st->nhistory && i < HISTORY_MAX_ROWS && y < c->height; i++, y++) {
		const struct canary_decision *d = &st->history[i];
		time_t t = (time_t)(d->time_ms / 1000);
		struct tm tm;
		char when[16];

		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		draw_textf(c, y, 1, d->bad ? ROLE_WARN : ROLE_MUTED, "%s %s", when, d->text);
	}
}

/* A pane of a few lines (stacked on a narrow terminal): the selected app,
 * its split or colours with the countdown, and the last verdict's line. */
static void draw_compact(struct view_ctx *c, const struct app_conf *conf, const struct release *r,
			 const struct canary_app_state *st)
{
	const struct canary_result *res = st ? st->last : NULL;
	const struct project *p = &c->app->project;
	int x = 1, y = 0;

	/* every app when they leave a line, else the selected one */
	if (c->height >= (int)p->napps + 1)
		for (size_t i = 0; i < p->napps; i++)
			app_line(c, y++, &p->apps[i], &p->apps[i] == conf);
	else
		app_line(c, y++, conf, true);
	if (r->problem[0])
		x += draw_text(c, y, x, ROLE_WARN, r->problem);
	else if (r->blue_green)
		x += draw_textf(c, y, x, r->idle_ready ? ROLE_OK : ROLE_WARN, "live %s · %s %s",
				r->live, r->idle, r->idle_ready ? "ready to switch" : "not ready");
	else if (r->phase == RELEASE_RUNNING)
		x += draw_textf(c, y, x, ROLE_NORMAL, "target %d%% · actual %s%d%%", r->weight,
				r->actual < 0 ? "-" : "", r->actual < 0 ? 0 : r->actual);
	if (st && st->next_ms > 0 && !st->analysing && analysis_can_run(r)) {
		int64_t left = (st->next_ms - time_wall_ms() + 999) / 1000;

		draw_textf(c, y, x, ROLE_MUTED, " · next analysis in %llds",
			   (long long)(left > 0 ? left : 0));
		c->uses_clock = true;
	}
	if (res)
		draw_textf(c, y + 1, 1, res->error ? ROLE_FAIL : verdict_role(res->verdict),
			   "%s: %s", canary_verdict_name(res->verdict), res->error ? res->error
			   : res->summary ? res->summary : "");
}

/* The lines the whole pane takes at any height: the apps, the release, the
 * schedule, the last analysis, the decisions. */
static int want_rows(const struct project *p, const struct app_conf *conf,
		     const struct release *r, const struct canary_app_state *st)
{
	int n = (int)p->napps + 1;

	if (r->problem[0])
		return n + 3;
	if (r->blue_green)
		n += 3 + (r->switched_at != 0);
	else if (r->phase == RELEASE_RUNNING || r->phase == RELEASE_PROMOTING)
		n += 4 + r->canary_stalled;
	else
		n += 2;
	if (st && st->last)
		n += st->last->error ? 4 : 2 + 2 * (int)st->last->nmetrics
			+ (st->last->verdict != CANARY_PASS && st->last->summary ? 2 : 0);
	if (st && st->nhistory)
		n += (int)(st->nhistory < HISTORY_MAX_ROWS ? st->nhistory : HISTORY_MAX_ROWS);
	(void)conf;
	return n;
}

static void canary_draw(void *priv, struct view_ctx *c)
{
	struct canary_view *v = priv;
	const struct project *p = &c->app->project;
	const struct source_status *metrics = &c->app->store.status.sources[SOURCE_METRICS];
	const struct app_conf *conf;
	const struct canary_app_state *st;
	struct release r;
	int y = 0;

	c->want_rows = 2;
	if (!p->napps) {
		draw_source_notice(c, 0, SOURCE_METRICS);
		return;
	}
	conf = selected(v, c);
	st = store_canary_app(&c->app->store.canary, conf->name);
	release_read(&c->app->store.kube, conf, release_ns(&c->app->store.kube, conf), &r);
	c->want_rows = want_rows(p, conf, &r, st);
	snprintf(c->subtitle, sizeof c->subtitle, "%s · %s", conf->name,
		 r.blue_green ? "blue/green" : "canary");
	if (c->height < COMPACT_H && c->height < c->want_rows) {
		draw_compact(c, conf, &r, st);
		return;
	}
	for (size_t i = 0; i < p->napps && y < c->height; i++)
		app_line(c, y++, &p->apps[i], i == v->sel);
	if (c->app->store.status.sources[SOURCE_KUBE].state == SOURCE_UNCONFIGURED) {
		draw_source_notice(c, y, SOURCE_KUBE);
		return;
	}
	if (r.problem[0]) {
		draw_wrapped(c, y, 3, ROLE_WARN, r.problem);
		return;
	}
	y += r.blue_green ? draw_blue_green(c, y, &r) : draw_canary_release(c, y, &r);
	if (metrics->state == SOURCE_UNCONFIGURED)
		y += draw_wrapped(c, y, 2, ROLE_MUTED, metrics->message ? metrics->message
				  : "no Prometheus: set prometheus: in .shipdeck.yml");
	else
		y += draw_schedule(c, y, st, conf, &r);
	if (st && st->last && y < c->height)
		y += draw_result(c, y, conf, st->last);
	if (st && st->nhistory && y + 1 < c->height)
		draw_history(c, y, st);
}

static void submit(struct view_ctx *c, struct action_req *req, const char *what,
		   const struct err *err)
{
	if (req)
		gate_submit(&c->app->rt, req);
	else
		app_message(c->app, STATUS_WARN, "%s: %s", what, err->msg);
}

static int canary_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct canary_view *v = priv;
	const struct project *p = &c->app->project;
	const struct app_conf *conf = p->napps ? selected(v, c) : NULL;
	const struct canary_app_state *st;
	struct action_sel sel = { .target = TARGET_RELEASE };
	struct err err;

	if (!conf)
		return VIEW_UNHANDLED;
	switch (a) {
	case ACTION_PROMOTE:
	case ACTION_ABORT:
	case ACTION_AUTO_ANALYSIS:
		st = store_canary_app(&c->app->store.canary, conf->name);
		sel.name = conf->name;
		sel.on = !(st && st->auto_mode);        /* A turns automatic mode over */
		submit(c, action_build(&c->app->rt, a, &sel, NULL, &err), action_info(a)->name,
		       &err);
		return VIEW_HANDLED;
	case ACTION_DOWN:
	case ACTION_UP:
		if (!c->focused)
			return VIEW_UNHANDLED;
		if (a == ACTION_DOWN && v->sel + 1 < p->napps)
			v->sel++;
		else if (a == ACTION_UP && v->sel > 0)
			v->sel--;
		ui_select(c->ui, &c->sel->app, p->apps[v->sel].name);
		return VIEW_HANDLED;
	default:
		return VIEW_UNHANDLED;
	}
}

static void canary_hints(void *priv, struct view_ctx *c, struct strbuf *out)
{
	struct canary_view *v = priv;
	const struct app_conf *conf = c->app->project.napps ? selected(v, c) : NULL;
	const struct canary_app_state *st;
	bool bg;

	if (!conf)
		return;
	st = store_canary_app(&c->app->store.canary, conf->name);
	bg = conf->strategy == RELEASE_BLUE_GREEN;
	view_hint(c, out, ACTION_PROMOTE, "%s \xe2\x86\x92 %s", bg ? "switch" : "promote",
		  conf->name);
	view_hint(c, out, ACTION_ABORT, "%s \xe2\x86\x92 %s", bg ? "switch back" : "abort",
		  conf->name);
	view_hint(c, out, ACTION_AUTO_ANALYSIS, "auto %s", st && st->auto_mode ? "off" : "on");
	if (c->app->project.napps > 1)
		view_hint(c, out, ACTION_DOWN, "next app");
}

static const char *const canary_help[] = {
	"Canary: one line per app of .shipdeck.yml (j/k select), then its release",
	"  canary: stable APP and APP-canary behind one Service; traffic follows ready pods",
	"  target / actual: the step's share against the ready pods' share",
	"  per metric: stable and canary means, difference, p-value, class (✓ ✗);",
	"    below: both sides' samples over the window and the Hodges–Lehmann shift [95% CI]",
	"  p promotes a step (blue/green: switches to the idle colour once it is ready)",
	"  a aborts: canary to 0, stable back to its size (blue/green: switches back)",
	"  A automatic: PASS promotes, threshold FAILs abort, no data never promotes",
	"  C in the images pane starts a canary of the selected tag",
	NULL,
};

const struct view canary_view = {
	.name = "canary",
	.title = "Canary",
	.private_size = sizeof(struct canary_view),
	.draw = canary_draw,
	.action = canary_action,
	.hints = canary_hints,
	.help = canary_help,
};
