#include "env/source.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "env/drift.h"
#include "env/read.h"
#include "kube/client.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { LIST_DEPLOYMENTS, LIST_PODS, LIST_CONFIGMAPS, LISTS };

struct env_fetch {
	struct env_source *src;
	size_t index;
	struct kube_client *kc;
	int pending;
	cJSON *lists[LISTS];
	uint64_t ids[LISTS];        /* the lists' requests under way (0: none) */
	char *error;                /* the first list that failed */
};

struct env_source {
	struct rt *rt;
	struct env_fetch *fetches;
	size_t n;
	int64_t period_ms;
	uint64_t timer;
	int pending;                /* environments whose pass is under way */
	bool finished;              /* a whole pass has ended */
};

static const char *const list_prefix[LISTS] = { "/apis/apps/v1", "/api/v1", "/api/v1" };
static const char *const list_kind[LISTS] = { "deployments", "pods", "configmaps" };

static void pass_start(struct env_source *src);

static void on_timer(void *ctx)
{
	struct env_source *src = ctx;

	src->timer = 0;
	pass_start(src);
}

static void emit_state(struct env_source *src, size_t index, struct env_state *s)
{
	struct store_event ev = { .domain = STORE_ENVS };

	s->read_ms = time_wall_ms();
	ev.envs = (struct envs_event){ .type = ENVS_EV_STATE, .index = index, .state = s };
	rt_apply(src->rt, &ev);
}

/* Every app's drift over the states the store now holds, in the order the
 * apps first appear in .shipdeck.yml. */
static struct drift *drifts_compare(const struct rt *rt, size_t *n)
{
	const struct project *p = rt->project;
	struct drift *out = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t e = 0; e < p->nenvs; e++)
		for (size_t a = 0; a < p->envs[e].napps; a++) {
			const char *app = p->envs[e].apps[a].name;
			bool seen = false;
			struct err err;

			for (size_t i = 0; i < *n && !seen; i++)
				seen = !strcmp(out[i].app, app);
			if (seen)
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 4;
				out = xrealloc(out, cap * sizeof *out);
			}
			if (!env_drift(p, &rt->store->envs, app, &out[*n], &err))
				(*n)++;
		}
	return out;
}

static void fetch_end(struct env_fetch *f)
{
	struct env_source *src = f->src;
	const struct env_conf *conf = &src->rt->project->envs[f->index];
	struct env_state *s;

	if (f->error) {
		s = xcalloc(1, sizeof *s);
		s->name = xstrdup(conf->name);
		s->context = xstrdup(f->kc->cfg.context ? f->kc->cfg.context : "");
		s->namespace = xstrdup(conf->namespace);
		s->error = f->error;
		f->error = NULL;
	} else {
		s = env_state_read(conf, f->kc->cfg.context, src->rt->project->image_name,
				   f->lists[LIST_DEPLOYMENTS], f->lists[LIST_PODS],
				   f->lists[LIST_CONFIGMAPS]);
	}
	for (int i = 0; i < LISTS; i++) {
		cJSON_Delete(f->lists[i]);
		f->lists[i] = NULL;
	}
	emit_state(src, f->index, s);
	if (--src->pending == 0) {
		struct store_event ev = { .domain = STORE_ENVS };

		ev.envs = (struct envs_event){ .type = ENVS_EV_PASS };
		ev.envs.drifts = drifts_compare(src->rt, &ev.envs.ndrifts);
		rt_apply(src->rt, &ev);
		src->finished = true;
		if (src->period_ms)
			src->timer = loop_timer_add(src->rt->loop, src->period_ms, on_timer, src);
	}
}

struct list_call {
	struct env_fetch *f;
	int which;
	char *path;
};

static void list_done(void *ctx, const struct http_response *resp)
{
	struct list_call *lc = ctx;
	struct env_fetch *f = lc->f;

	f->ids[lc->which] = 0;
	if (resp->status == 200) {
		f->lists[lc->which] = cJSON_Parse(resp->body ? resp->body : "");
		if (!f->lists[lc->which] && !f->error)
			f->error = xasprintf("%s: the answer is not JSON", lc->path);
	} else if (!f->error && !(lc->which == LIST_CONFIGMAPS && resp->status == 403)) {
		struct err err;

		kube_response_error(f->kc, "GET", lc->path, resp, &err);
		f->error = xstrdup(err.msg);
	}
	free(lc->path);
	free(lc);
	if (--f->pending == 0)
		fetch_end(f);
}

static void fetch_start(struct env_fetch *f)
{
	const struct env_conf *conf = &f->src->rt->project->envs[f->index];

	f->pending = LISTS;
	for (int i = 0; i < LISTS; i++) {
		struct list_call *lc = xcalloc(1, sizeof *lc);
		struct err err;
		char *ns = kube_query_escape(conf->namespace);

		lc->f = f;
		lc->which = i;
		lc->path = xasprintf("%s/namespaces/%s/%s", list_prefix[i], ns, list_kind[i]);
		free(ns);
		f->ids[i] = kube_start(f->kc, &(struct kube_call){ .path = lc->path,
								    .on_done = list_done,
								    .ctx = lc },
				       &err);
		if (!f->ids[i]) {
			if (!f->error)
				f->error = xstrdup(err.msg);
			free(lc->path);
			free(lc);
			if (--f->pending == 0)
				fetch_end(f);
		}
	}
}

static void pass_start(struct env_source *src)
{
	if (src->pending)
		return;
	/* counted first: an environment refused at once must not end the pass */
	src->pending = (int)src->n;
	for (size_t i = 0; i < src->n; i++)
		fetch_start(&src->fetches[i]);
}

int env_source_start(struct rt *rt, int64_t period_ms, struct err *err)
{
	struct env_source *src;
	int rc;

	if (!rt->project->nenvs)
		return 1;
	src = xcalloc(1, sizeof *src);
	src->rt = rt;
	src->period_ms = period_ms;
	src->fetches = xcalloc(rt->project->nenvs, sizeof *src->fetches);
	for (size_t i = 0; i < rt->project->nenvs; i++) {
		const struct env_conf *conf = &rt->project->envs[i];
		struct env_fetch *f = &src->fetches[src->n++];

		f->src = src;
		f->index = i;
		rc = kube_client_open(rt, &f->kc, err);
		if (rc == 1)
			err_set(err,
				"environments: no kubeconfig for environment '%s' (set KUBECONFIG "
				"or --kubeconfig)", conf->name);
		if (!rc && conf->context && kube_client_use_context(f->kc, conf->context, err))
			rc = -1;
		if (rc) {
			err_prefix(err, "%s:%d: environments: %s", rt->project->path
				   ? rt->project->path : ".shipdeck.yml", conf->line, conf->name);
			rt->envs = src;
			env_source_stop(rt);
			return -1;
		}
		kube_client_use_namespace(f->kc, conf->namespace);
	}
	rt->envs = src;
	pass_start(src);
	return 0;
}

void env_source_stop(struct rt *rt)
{
	struct env_source *src = rt->envs;

	if (!src)
		return;
	if (src->timer)
		loop_timer_cancel(rt->loop, src->timer);
	for (size_t i = 0; i < src->n; i++) {
		struct env_fetch *f = &src->fetches[i];

		for (int k = 0; k < LISTS; k++) {
			struct list_call *lc = f->ids[k] ? http_request_ctx(rt->http, f->ids[k])
				: NULL;

			if (!lc)
				continue;
			http_cancel(rt->http, f->ids[k]);
			free(lc->path);
			free(lc);
		}
		kube_client_free(&f->kc);
		free(f->error);
		for (int k = 0; k < LISTS; k++)
			cJSON_Delete(f->lists[k]);
	}
	free(src->fetches);
	free(src);
	rt->envs = NULL;
}

void env_source_refresh(struct rt *rt)
{
	struct env_source *src = rt->envs;

	if (!src)
		return;
	if (src->timer) {
		loop_timer_cancel(rt->loop, src->timer);
		src->timer = 0;
	}
	pass_start(src);
}

bool env_source_finished(const struct rt *rt)
{
	return rt->envs && rt->envs->finished;
}

struct kube_client *env_source_client(struct rt *rt, const char *name)
{
	struct env_source *src = rt->envs;

	for (size_t i = 0; src && i < src->n; i++)
		if (!strcmp(rt->project->envs[i].name, name))
			return src->fetches[i].kc;
	return NULL;
}
