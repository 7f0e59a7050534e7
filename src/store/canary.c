#include "store/canary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void store_canary_init(struct store_canary *c)
{
	memset(c, 0, sizeof *c);
}

static void samples_free(struct canary_samples *s)
{
	free(s->t);
	free(s->v);
}

void canary_result_free(struct canary_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nmetrics; i++) {
		struct canary_metric_result *m = &r->metrics[i];

		free(m->name);
		samples_free(&m->stable);
		samples_free(&m->canary);
		free(m->reason);
	}
	free(r->metrics);
	free(r->summary);
	free(r->failed_metric);
	free(r->error);
	free(r->stable_deploy);
	free(r->canary_deploy);
	free(r);
}

static void app_free(struct canary_app_state *a)
{
	free(a->name);
	canary_result_free(a->last);
	free(a->waiting);
	for (size_t i = 0; i < a->nhistory; i++)
		free(a->history[i].text);
}

void store_canary_free(struct store_canary *c)
{
	free(c->prometheus_url);
	for (size_t i = 0; i < c->napps; i++)
		app_free(&c->apps[i]);
	free(c->apps);
	memset(c, 0, sizeof *c);
}

const struct canary_app_state *store_canary_app(const struct store_canary *c, const char *name)
{
	for (size_t i = 0; name && i < c->napps; i++)
		if (!strcmp(c->apps[i].name, name))
			return &c->apps[i];
	return NULL;
}

static struct canary_app_state *app_get(struct store_canary *c, const char *name)
{
	struct canary_app_state *a = (struct canary_app_state *)store_canary_app(c, name);

	if (a)
		return a;
	c->apps = xrealloc(c->apps, (c->napps + 1) * sizeof *c->apps);
	a = &c->apps[c->napps++];
	memset(a, 0, sizeof *a);
	a->name = xstrdup(name);
	return a;
}

static void add_decision(struct canary_app_state *a, struct canary_event *ev)
{
	if (a->nhistory == CANARY_HISTORY_MAX)
		free(a->history[--a->nhistory].text);
	memmove(&a->history[1], &a->history[0], a->nhistory * sizeof *a->history);
	a->history[0] = (struct canary_decision){ .time_ms = ev->time_ms, .text = ev->text,
						  .bad = ev->bad };
	a->nhistory++;
	a->decisions++;
	ev->text = NULL;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool store_canary_apply(struct store_canary *c, struct canary_event *ev)
{
	struct canary_app_state *a;
	bool changed = true;

	if (ev->type == CANARY_EV_PROMETHEUS) {
		free(c->prometheus_url);
		c->prometheus_url = ev->prometheus_url;
		ev->prometheus_url = NULL;
		return true;
	}
	if (!ev->app) {
		canary_result_free(ev->result);
		free(ev->text);
		ev->result = NULL;
		ev->text = NULL;
		return false;
	}
	a = app_get(c, ev->app);
	switch (ev->type) {
	case CANARY_EV_PROMETHEUS:
		break;
	case CANARY_EV_RESULT:
		a->analysing = !ev->result;
		if (ev->result) {
			canary_result_free(a->last);
			a->last = ev->result;
			ev->result = NULL;
			a->analyses++;
		}
		break;
	case CANARY_EV_SCHEDULE:
		changed = a->next_ms != ev->next_ms || !same_text(a->waiting, ev->text);
		a->next_ms = ev->next_ms;
		free(a->waiting);
		a->waiting = ev->text;
		ev->text = NULL;
		break;
	case CANARY_EV_AUTO:
		a->auto_mode = ev->on;
		a->failures = 0;
		break;
	case CANARY_EV_FAILURES:
		a->failures = ev->failures;
		break;
	case CANARY_EV_DECISION:
		add_decision(a, ev);
		break;
	}
	free(ev->text);
	ev->text = NULL;
	return changed;
}

const char *canary_verdict_name(enum canary_verdict v)
{
	static const char *const names[] = { "PASS", "MARGINAL", "FAIL", "NODATA" };

	return (unsigned)v < 4 ? names[v] : "?";
}

const char *canary_class_name(enum canary_class c)
{
	static const char *const names[] = { "pass", "high", "low", "no-data" };

	return (unsigned)c < 4 ? names[c] : "?";
}

const char *canary_class_text(enum canary_class c)
{
	static const char *const names[] = { "no shift", "high", "low", "no data" };

	return (unsigned)c < 4 ? names[c] : "?";
}

void canary_diff_text(double stable, double canary, char *buf, size_t size)
{
	double pct = fabs(stable) < 1e-12 ? NAN : 100.0 * (canary - stable) / fabs(stable);

	if (isnan(pct))
		snprintf(buf, size, "%+.3g", canary - stable);
	else if (fabs(pct) < 10)
		snprintf(buf, size, "%+.1f%%", pct);
	else if (fabs(pct) < 10000)
		snprintf(buf, size, "%+.0f%%", pct);
	else
		snprintf(buf, size, "×%.0f", canary / stable);
}

void canary_p_text(double p, char *buf, size_t size)
{
	if (p < 0.001)
		snprintf(buf, size, "<0.001");
	else
		snprintf(buf, size, "%.2g", p);
}
