#include "store/argo.h"

#include <stdlib.h>
#include <string.h>

void kube_rollout_free(struct kube_rollout *r)
{
	if (!r)
		return;
	kube_meta_free(&r->meta);
	free(r->observed_generation);
	for (size_t i = 0; i < r->nsteps; i++)
		free(r->steps[i].text);
	free(r->steps);
	free(r->pause_reasons);
	free(r->phase);
	free(r->message);
	free(r->stable_hash);
	free(r->current_hash);
	free(r->active_hash);
	free(r->preview_hash);
	free(r->images);
	free(r->template_json);
	free(r->workload_ref);
	kube_conditions_free(r->conditions, r->nconditions);
	free(r);
}

void kube_analysisrun_free(struct kube_analysisrun *a)
{
	if (!a)
		return;
	kube_meta_free(&a->meta);
	free(a->owner);
	free(a->owner_uid);
	free(a->phase);
	free(a->message);
	for (size_t i = 0; i < a->nmetrics; i++) {
		free(a->metrics[i].name);
		free(a->metrics[i].phase);
		free(a->metrics[i].values);
		free(a->metrics[i].message);
	}
	free(a->metrics);
	free(a);
}

void kube_flagger_canary_free(struct kube_flagger_canary *c)
{
	if (!c)
		return;
	kube_meta_free(&c->meta);
	free(c->target);
	free(c->provider);
	free(c->phase);
	free(c->message);
	free(c);
}

const char *kube_rs_role_name(enum kube_rs_role role)
{
	switch (role) {
	case KUBE_RS_STABLE: return "stable";
	case KUBE_RS_CANARY: return "canary";
	case KUBE_RS_ACTIVE: return "active";
	case KUBE_RS_PREVIEW: return "preview";
	case KUBE_RS_OLD: break;
	}
	return "";
}

/* Controlled by ro: by uid when both are known, else by name. */
static bool owned_by(const char *owner, const char *owner_uid, const char *ns,
		     const struct kube_rollout *ro)
{
	if (!owner || strcmp(ns, ro->meta.namespace))
		return false;
	if (owner_uid && ro->meta.uid)
		return !strcmp(owner_uid, ro->meta.uid);
	return !strcmp(owner, ro->meta.name);
}

static bool same(const char *a, const char *b)
{
	return a && b && *a && !strcmp(a, b);
}

/* As the plugin judges a replica set: still being reconciled or short of
 * available pods is Progressing; at zero it is ScaledDown. */
static const char *rs_health(const struct kube_replicaset *rs)
{
	if (rs->generation > rs->observed_generation)
		return "Progressing";
	if (rs->replica_failure)
		return "ReplicaFailure";
	if (rs->available < rs->replicas)
		return "Progressing";
	return rs->replicas == 0 ? "ScaledDown" : "Healthy";
}

/* The spec the controller last saw: a numeric observedGeneration behind
 * the generation means it has not looked at the change yet. */
static bool generation_observed(const struct kube_rollout *ro)
{
	char *end;
	long long g;

	if (!ro->observed_generation || !*ro->observed_generation)
		return true;
	g = strtoll(ro->observed_generation, &end, 10);
	if (*end)
		return true;    /* an old controller's hash */
	return g >= ro->generation;
}

/* The step being worked on, -1 past the last (or with no steps). */
static int32_t current_step(const struct kube_rollout *ro)
{
	int32_t i = ro->step_index < 0 ? 0 : ro->step_index;

	return ro->blue_green || !ro->nsteps || (size_t)i >= ro->nsteps ? -1 : i;
}

static int32_t set_weight(const struct kube_rollout *ro)
{
	int32_t i = current_step(ro);

	if (ro->abort)
		return 0;
	if (i < 0)
		return 100;
	for (; i >= 0; i--)
		if (ro->steps[i].weight >= 0)
			return ro->steps[i].weight;
	return 0;
}

void store_argo_rollout_info(const struct store_kube *k, const struct kube_rollout *ro,
			     struct kube_rollout_info *info)
{
	const struct kube_table *t = &k->tables[KUBE_REPLICASETS];

	memset(info, 0, sizeof *info);
	if (!generation_observed(ro)) {
		info->phase = "Progressing";
		info->message = "waiting for rollout spec update to be observed";
	} else if (ro->controller_pause && !ro->pause_reasons) {
		info->phase = "Progressing";
		info->message = "waiting for rollout to unpause";
	} else {
		info->phase = ro->phase && *ro->phase ? ro->phase : "Progressing";
		info->message = ro->message ? ro->message : "";
	}
	for (size_t i = 0; i < t->n && info->nrs < KUBE_ROLLOUT_MAX_RS; i++) {
		const struct kube_replicaset *rs = t->items[i];
		struct kube_rollout_rs e = { .rs = rs, .health = rs_health(rs) };
		size_t j;

		if (!owned_by(rs->rollout, rs->rollout_uid, rs->meta.namespace, ro))
			continue;
		if (!ro->blue_green) {
			if (same(rs->template_hash, ro->stable_hash))
				e.role = KUBE_RS_STABLE;
			else if (same(rs->template_hash, ro->current_hash))
				e.role = KUBE_RS_CANARY;
		} else {
			e.stable = same(rs->template_hash, ro->stable_hash);
			if (same(rs->template_hash, ro->active_hash))
				e.role = KUBE_RS_ACTIVE;
			else if (same(rs->template_hash, ro->preview_hash))
				e.role = KUBE_RS_PREVIEW;
			else if (e.stable)
				e.role = KUBE_RS_STABLE;
		}
		if (e.role == KUBE_RS_STABLE || e.stable)
			info->stable = rs;
		if (e.role == KUBE_RS_CANARY || e.role == KUBE_RS_PREVIEW)
			info->canary = rs;
		/* newest revision first; the table is in name order already */
		for (j = info->nrs; j > 0 && info->rss[j - 1].rs->revision < rs->revision; j--)
			info->rss[j] = info->rss[j - 1];
		info->rss[j] = e;
		info->nrs++;
	}
	if (ro->blue_green)
		return;
	if (ro->nsteps && ro->step_index >= 0) {
		info->has_step = true;
		info->step = ro->step_index;
		info->nsteps = (int32_t)ro->nsteps;
	}
	info->set_weight = set_weight(ro);
	info->actual_weight = 0;
	if (current_step(ro) < 0) {
		info->actual_weight = 100;
	} else if (ro->available > 0) {
		if (ro->traffic_routing)
			info->actual_weight = ro->router_weight >= 0 ? ro->router_weight
				: info->set_weight;
		else if (info->canary)
			info->actual_weight = info->canary->available * 100 / ro->available;
	}
}

size_t store_argo_analysisruns_of(const struct store_kube *k, const struct kube_rollout *ro,
				  const struct kube_analysisrun **out, size_t max)
{
	const struct kube_table *t = &k->tables[KUBE_ANALYSISRUNS];
	size_t n = 0;

	for (size_t i = 0; i < t->n && n < max; i++) {
		const struct kube_analysisrun *a = t->items[i];
		size_t j;

		if (!owned_by(a->owner, a->owner_uid, a->meta.namespace, ro))
			continue;
		for (j = n; j > 0 && out[j - 1]->revision < a->revision; j--)
			out[j] = out[j - 1];
		out[j] = a;
		n++;
	}
	return n;
}

const struct kube_replicaset *store_argo_revision(const struct store_kube *k,
						 const struct kube_rollout *ro, long rev)
{
	const struct kube_table *t = &k->tables[KUBE_REPLICASETS];

	for (size_t i = 0; i < t->n; i++) {
		const struct kube_replicaset *rs = t->items[i];

		if (rs->revision == rev
		    && owned_by(rs->rollout, rs->rollout_uid, rs->meta.namespace, ro))
			return rs;
	}
	return NULL;
}
