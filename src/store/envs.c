#include "store/envs.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void store_envs_init(struct store_envs *e)
{
	memset(e, 0, sizeof *e);
}

static void state_clear(struct env_state *s)
{
	free(s->name);
	free(s->context);
	free(s->namespace);
	free(s->error);
	for (size_t i = 0; i < s->nruns; i++) {
		struct env_run *r = &s->runs[i];

		free(r->app);
		free(r->deployment);
		free(r->container);
		free(r->image);
		free(r->tag);
		free(r->digest);
	}
	free(s->runs);
	for (size_t i = 0; i < s->ndeploys; i++)
		kube_deployment_free(s->deploys[i]);
	free(s->deploys);
	for (size_t i = 0; i < s->nconfigmaps; i++) {
		free(s->configmaps[i].name);
		free(s->configmaps[i].data_json);
	}
	free(s->configmaps);
	memset(s, 0, sizeof *s);
}

void env_state_free(struct env_state *s)
{
	if (!s)
		return;
	state_clear(s);
	free(s);
}

void drift_free(struct drift *d)
{
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->nenvs; k++)
			free(d->items[i].values[k]);
		free(d->items[i].values);
		free(d->items[i].field);
	}
	free(d->items);
	for (size_t k = 0; k < d->nenvs; k++)
		free(d->envs[k]);
	free(d->envs);
	for (size_t k = 0; k < d->nmissing; k++)
		free(d->missing[k]);
	free(d->missing);
	free(d->app);
	memset(d, 0, sizeof *d);
}

static void drifts_clear(struct store_envs *e)
{
	for (size_t i = 0; i < e->ndrifts; i++)
		drift_free(&e->drifts[i]);
	free(e->drifts);
	e->drifts = NULL;
	e->ndrifts = 0;
}

void store_envs_free(struct store_envs *e)
{
	for (size_t i = 0; i < e->n; i++)
		state_clear(&e->envs[i]);
	free(e->envs);
	drifts_clear(e);
	memset(e, 0, sizeof *e);
}

bool store_envs_apply(struct store_envs *e, struct envs_event *ev)
{
	switch (ev->type) {
	case ENVS_EV_STATE:
		if (!ev->state)
			return false;
		if (ev->index >= e->n) {
			e->envs = xrealloc(e->envs, (ev->index + 1) * sizeof *e->envs);
			memset(e->envs + e->n, 0, (ev->index + 1 - e->n) * sizeof *e->envs);
			e->n = ev->index + 1;
		}
		state_clear(&e->envs[ev->index]);
		e->envs[ev->index] = *ev->state;
		free(ev->state);
		ev->state = NULL;
		return true;
	case ENVS_EV_PASS:
		drifts_clear(e);
		e->drifts = ev->drifts;
		e->ndrifts = ev->ndrifts;
		ev->drifts = NULL;
		ev->ndrifts = 0;
		e->passes++;
		return true;
	}
	return false;
}

const struct env_state *store_envs_find(const struct store_envs *e, const char *name)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->envs[i].name && !strcmp(e->envs[i].name, name))
			return &e->envs[i];
	return NULL;
}

const struct env_run *env_state_run(const struct env_state *s, const char *app)
{
	for (size_t i = 0; s && i < s->nruns; i++)
		if (!strcmp(s->runs[i].app, app))
			return &s->runs[i];
	return NULL;
}

const struct kube_deployment *env_state_deployment(const struct env_state *s, const char *name)
{
	for (size_t i = 0; s && i < s->ndeploys; i++)
		if (!strcmp(s->deploys[i]->meta.name, name))
			return s->deploys[i];
	return NULL;
}

const char *env_state_configmap(const struct env_state *s, const char *name)
{
	for (size_t i = 0; s && i < s->nconfigmaps; i++)
		if (!strcmp(s->configmaps[i].name, name))
			return s->configmaps[i].data_json;
	return NULL;
}

const struct drift *store_envs_drift(const struct store_envs *e, const char *app)
{
	for (size_t i = 0; i < e->ndrifts; i++)
		if (!strcmp(e->drifts[i].app, app))
			return &e->drifts[i];
	return NULL;
}
