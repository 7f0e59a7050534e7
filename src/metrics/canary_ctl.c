#include "metrics/canary_ctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/analysis.h"
#include "metrics/canary_ops.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* While a release moves, look every second (a countdown is on screen, a
 * promotion may be ready to finish). Otherwise look once an interval (at
 * least IDLE_MIN_MS): a canary started elsewhere is noticed by the time its
 * first analysis is due, one started from here at once (canary_ctl_poke). */
enum { ACTIVE_MS = 1000, IDLE_MIN_MS = 5000 };

struct canary_ctl;
struct finishing;

struct ctl_app {
	struct canary_ctl *ctl;
	char *name;
	uint64_t timer;
	struct analysis_run *run;
	int64_t next_due_ms;        /* wall clock: no analysis before */
	struct finishing *finishing;        /* the end of a promotion, under way */
	char finish_rv[64];         /* the canary's version when the end was sent */
	enum release_phase phase;   /* at the last look */
};

struct canary_ctl {
	struct rt *rt;
	struct ctl_app *apps;
	size_t napps;
	int failures;               /* Prometheus answers that failed in a row */
	bool ever_ok;
};

static void apply(struct rt *rt, struct canary_event ev)
{
	struct store_event e = { .domain = STORE_CANARY, .canary = ev };

	rt_apply(rt, &e);
}

static void schedule(struct ctl_app *ca, int64_t next_ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void schedule(struct ctl_app *ca, int64_t next_ms, const char *fmt, ...)
{
	char *text = NULL;

	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		text = xvasprintf(fmt, ap);
		va_end(ap);
	}
	apply(ca->ctl->rt, (struct canary_event){ .type = CANARY_EV_SCHEDULE, .app = ca->name,
						   .next_ms = next_ms, .text = text });
}

static void decision(struct rt *rt, const char *name, bool bad, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void decision(struct rt *rt, const char *name, bool bad, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	apply(rt, (struct canary_event){ .type = CANARY_EV_DECISION, .app = (char *)name,
					  .time_ms = time_wall_ms(), .text = text, .bad = bad });
}

static bool active(const struct release *r)
{
	return r->phase == RELEASE_RUNNING || r->phase == RELEASE_PROMOTING
		|| (r->blue_green && r->switched_at);
}

/* The end of a promotion in flight. It outlives the controller when the
 * controller stops first (:ctx): the gate's callback then finds ca NULL. */
struct finishing {
	struct ctl_app *ca;
};

static void finished(void *ctx, const struct action_outcome *o)
{
	struct finishing *f = ctx;
	struct ctl_app *ca = f->ca;

	free(f);
	if (!ca)
		return;
	ca->finishing = NULL;
	if (!o->ok)
		ca->finish_rv[0] = '\0';       /* try again at the next look */
}

/* The end of a promotion, sent once per version of the canary. The gate
 * says how it went (its failure is on the status bar). */
static void finish(struct ctl_app *ca, const struct release *r)
{
	struct rt *rt = ca->ctl->rt;
	struct action_req *req;
	struct err err;

	if (ca->finishing)
		return;
	if (r->phase != RELEASE_PROMOTING || !r->canary
	    || (r->canary->meta.rv && !strcmp(r->canary->meta.rv, ca->finish_rv)))
		return;
	req = canary_req_finish(rt, ca->name, &err);
	if (!req) {
		if (err.msg[0])
			rt_message(rt, STATUS_ERROR, "promote %s: %s", ca->name, err.msg);
		return;
	}
	snprintf(ca->finish_rv, sizeof ca->finish_rv, "%s",
		 r->canary->meta.rv ? r->canary->meta.rv : "");
	ca->finishing = xcalloc(1, sizeof *ca->finishing);
	ca->finishing->ca = ca;
	decision(rt, ca->name, false, "deploy/%s rolled out: the canary goes to 0",
		 r->stable_name);
	gate_submit_unattended(rt, req, finished, ca->finishing);
}

/* A canary that ends (promoted or aborted) ends automatic mode: the next
 * canary starts under the operator's eye. */
static void ended(struct ctl_app *ca, const struct release *r)
{
	struct rt *rt = ca->ctl->rt;
	const struct canary_app_state *st = store_canary_app(&rt->store->canary, ca->name);
	bool was = ca->phase == RELEASE_RUNNING || ca->phase == RELEASE_PROMOTING;

	ca->phase = r->phase;
	if (r->blue_green || !was || (r->phase != RELEASE_PROMOTED && r->phase != RELEASE_ABORTED))
		return;
	decision(rt, ca->name, r->phase == RELEASE_ABORTED, "the canary was %s%s",
		 release_phase_name(r->phase),
		 st && st->auto_mode ? ": automatic analysis off" : "");
	if (st && st->auto_mode)
		apply(rt, (struct canary_event){ .type = CANARY_EV_AUTO, .app = ca->name,
						  .on = false });
}

/* Automatic mode: what the verdict means for the release. */
static void decide(struct ctl_app *ca, enum canary_verdict v, const char *summary)
{
	struct rt *rt = ca->ctl->rt;
	const struct canary_app_state *st = store_canary_app(&rt->store->canary, ca->name);
	struct release r;
	struct err err;
	struct action_req *req = NULL;
	char *numbers, *reason, stalled[300];
	enum release_decision d;
	int failures;

	if (!st || !st->auto_mode || canary_release(rt, ca->name, &r, &err))
		return;
	if (release_stalled_verdict(&r, v, stalled, sizeof stalled) != v) {
		v = CANARY_FAIL;
		summary = stalled;
	}
	failures = st->failures + (v == CANARY_FAIL);
	if (v == CANARY_FAIL)
		apply(rt, (struct canary_event){ .type = CANARY_EV_FAILURES, .app = ca->name,
						  .failures = failures });
	numbers = xasprintf("%s: %s", canary_verdict_name(v), summary ? summary : "");
	reason = xasprintf("automatic: %s", numbers);
	d = release_decide(&r, v, failures);
	switch (d) {
	case DECIDE_PROMOTE:
		req = canary_req_promote(rt, ca->name, reason, &err);
		decision(rt, ca->name, false, "%s → promote", numbers);
		break;
	case DECIDE_ABORT:
		req = canary_req_abort(rt, ca->name, reason, &err);
		decision(rt, ca->name, true, "FAIL %d of %d → abort: %s", failures,
			 r.conf->threshold, numbers);
		break;
	case DECIDE_HOLD: {
		struct action_req *hold = action_req_new(ACTION_AUTO_ANALYSIS, NULL);
		const char *why;

		why = v == CANARY_FAIL ? NULL : v == CANARY_PASS ? "PASS → hold"
			: v == CANARY_MARGINAL ? "MARGINAL → hold"
			: "no data → hold (never promotes without data)";
		free(hold->target);
		hold->target = xasprintf("app/%s", ca->name);
		hold->from = why ? xstrdup(why)
			: xasprintf("FAIL %d of %d → hold", failures, r.conf->threshold);
		decision(rt, ca->name, v == CANARY_FAIL || v == CANARY_NODATA, "%s: %s",
			 hold->from, numbers);
		gate_note(rt, hold, "hold", reason);
		break;
	}
	}
	if (req)
		gate_submit_unattended(rt, req, NULL, NULL);
	else if (d != DECIDE_HOLD)
		decision(rt, ca->name, true, "could not act: %s", err.msg);
	free(numbers);
	free(reason);
}

static void analysed(void *ctx, struct canary_result *res)
{
	struct ctl_app *ca = ctx;
	struct canary_ctl *ctl = ca->ctl;
	struct rt *rt = ctl->rt;
	enum canary_verdict v = res->verdict;
	char *summary = xstrdup(res->summary ? res->summary : "");

	ca->run = NULL;
	if (res->error) {
		ctl->failures++;
		rt_source_state(rt, SOURCE_METRICS, ctl->ever_ok ? SOURCE_RECONNECTING
				: SOURCE_FAILED, ctl->failures, "%s", res->error);
	} else {
		ctl->failures = 0;
		ctl->ever_ok = true;
		rt_source_state(rt, SOURCE_METRICS, SOURCE_READY, 0, NULL);
	}
	apply(rt, (struct canary_event){ .type = CANARY_EV_RESULT, .app = ca->name,
					  .result = res });
	decide(ca, v, summary);
	free(summary);
}

static void start_analysis(struct ctl_app *ca, const struct app_conf *conf, const char *ns,
			   const struct release_window *w)
{
	struct rt *rt = ca->ctl->rt;
	struct err err;

	ca->run = analysis_start(rt->http, rt->project->prometheus, conf, ns, w, analysed, ca,
				 &err);
	if (!ca->run) {
		apply(rt, (struct canary_event){ .type = CANARY_EV_RESULT, .app = ca->name,
						  .result = analysis_error_result(conf, err.msg) });
		return;
	}
	apply(rt, (struct canary_event){ .type = CANARY_EV_RESULT, .app = ca->name });
}

/* One look at the app's release. Returns true while it moves. */
static bool check(struct ctl_app *ca)
{
	struct rt *rt = ca->ctl->rt;
	const struct app_conf *conf = project_app(rt->project, ca->name);
	const char *ns, *watched = rt->store->kube.namespace;
	int64_t now = time_wall_ms();
	struct release r;
	struct release_window w;
	double due;
	char why[600];

	if (!conf)
		return false;
	if (!rt_has_cluster(rt)) {
		schedule(ca, 0, "no cluster: start with --kubeconfig or `shipdeck demo`");
		return false;
	}
	ns = release_ns(&rt->store->kube, conf);
	if (watched && *watched && strcmp(ns, watched)) {
		schedule(ca, 0, "app %s is in namespace %s; the console watches %s (:ns %s)",
			 ca->name, ns, watched, ns);
		return false;
	}
	if (rt->store->status.sources[SOURCE_KUBE].state != SOURCE_READY
	    && rt->store->status.sources[SOURCE_KUBE].state != SOURCE_RECONNECTING) {
		schedule(ca, 0, "reading the cluster…");
		return true;
	}
	release_read(&rt->store->kube, conf, ns, &r);
	ended(ca, &r);
	finish(ca, &r);
	if (ca->run)
		return true;
	if (!rt->project->prometheus) {
		schedule(ca, 0, "no Prometheus: set prometheus: in .shipdeck.yml to analyse; "
			 "promote and abort by hand");
		return active(&r);
	}
	if (now < ca->next_due_ms) {
		schedule(ca, ca->next_due_ms, NULL);
		return active(&r);
	}
	if (release_window(&r, (double)now / 1000.0, false, &w, &due, why, sizeof why)) {
		if (due > 0)
			ca->next_due_ms = (int64_t)(due * 1000);
		schedule(ca, due > 0 ? ca->next_due_ms : 0, "%s", why);
		return active(&r);
	}
	start_analysis(ca, conf, ns, &w);
	ca->next_due_ms = now + conf->interval_ms;
	schedule(ca, ca->next_due_ms, NULL);
	return true;
}

static void tick(void *ctx);

static void arm(struct ctl_app *ca, int64_t ms)
{
	struct loop *loop = ca->ctl->rt->loop;

	if (ca->timer)
		loop_timer_cancel(loop, ca->timer);
	ca->timer = loop_timer_add(loop, ms, tick, ca);
}

static void tick(void *ctx)
{
	struct ctl_app *ca = ctx;
	const struct app_conf *conf = project_app(ca->ctl->rt->project, ca->name);
	int64_t idle = conf && conf->interval_ms > IDLE_MIN_MS ? conf->interval_ms : IDLE_MIN_MS;
	bool moving;

	ca->timer = 0;
	moving = check(ca);
	arm(ca, moving || ca->ctl->rt->actions_running ? ACTIVE_MS : idle);
}

void canary_ctl_poke(struct rt *rt)
{
	struct canary_ctl *ctl = rt->canary;

	for (size_t i = 0; ctl && i < ctl->napps; i++)
		arm(&ctl->apps[i], ACTIVE_MS);
}

int canary_ctl_start(struct rt *rt, const char *only, struct err *err)
{
	const struct project *p = rt->project;
	struct canary_ctl *ctl;

	if (p->prometheus)
		apply(rt, (struct canary_event){ .type = CANARY_EV_PROMETHEUS,
						  .prometheus_url = xstrdup(p->prometheus) });
	if (!p->napps) {
		rt_source_state(rt, SOURCE_METRICS, SOURCE_UNCONFIGURED, 0,
				"no apps: add apps: to .shipdeck.yml (a canary or blue/green "
				"release per app)");
		return 0;
	}
	if (only && !project_app(p, only))
		return err_set(err, "no app '%s' in %s", only, p->path ? p->path : ".shipdeck.yml");
	if (p->prometheus)
		rt_source_state(rt, SOURCE_METRICS, SOURCE_CONNECTING, 0,
				"Prometheus %s: no analysis yet", p->prometheus);
	else
		rt_source_state(rt, SOURCE_METRICS, SOURCE_UNCONFIGURED, 0,
				"no Prometheus: set prometheus: in .shipdeck.yml");
	ctl = xcalloc(1, sizeof *ctl);
	ctl->rt = rt;
	ctl->apps = xcalloc(p->napps, sizeof *ctl->apps);
	for (size_t i = 0; i < p->napps; i++) {
		if (only && strcmp(only, p->apps[i].name))
			continue;
		ctl->apps[ctl->napps] = (struct ctl_app){ .ctl = ctl,
							  .name = xstrdup(p->apps[i].name) };
		arm(&ctl->apps[ctl->napps++], 0);
	}
	rt->canary = ctl;
	return 0;
}

void canary_ctl_stop(struct rt *rt)
{
	struct canary_ctl *ctl = rt->canary;

	if (!ctl)
		return;
	for (size_t i = 0; i < ctl->napps; i++) {
		struct ctl_app *ca = &ctl->apps[i];

		if (ca->timer)
			loop_timer_cancel(rt->loop, ca->timer);
		if (ca->finishing)
			ca->finishing->ca = NULL;
		analysis_cancel(&ca->run);
		free(ca->name);
	}
	free(ctl->apps);
	free(ctl);
	rt->canary = NULL;
}
