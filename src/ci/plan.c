#include "ci/plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Candidate steps before filtering: every step of every triggered pipeline. */
struct cand {
	const struct ci_step_def *def;
	size_t pipeline;            /* index in the file */
	size_t *deps;
	size_t ndeps;
	bool keep;
};

static bool is_test_step(const struct ci_plan_opts *o, const char *name)
{
	if (!o->test_steps)
		return !strncmp(name, "test", 4);
	for (size_t i = 0; i < o->ntest_steps; i++)
		if (!strcmp(o->test_steps[i], name))
			return true;
	return false;
}

static size_t step_index(const struct ci_pipeline_def *p, const char *name)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, name))
			return i;
	return p->nsteps;
}

/* Candidates of a pipeline: its services, then its steps. */
static size_t ncand(const struct ci_pipeline_def *p)
{
	return p->nservices + p->nsteps;
}

static size_t pipeline_index(const struct ci_file *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->pipelines[i].name, name))
			return i;
	return f->n;
}

/* Marks c[i] and everything it needs: its own dependencies and every step of
 * the pipelines its pipeline runs after. */
static void keep_closure(struct cand *c, size_t nc, const size_t *first, const struct ci_file *f,
			 const bool *triggered, size_t i)
{
	const struct ci_pipeline_def *p;

	if (c[i].keep)
		return;
	c[i].keep = true;
	for (size_t d = 0; d < c[i].ndeps; d++)
		keep_closure(c, nc, first, f, triggered, c[i].deps[d]);
	p = &f->pipelines[c[i].pipeline];
	for (size_t w = 0; w < p->ndeps; w++) {
		size_t q = pipeline_index(f, p->depends_on[w]);

		if (q == f->n || !triggered[q])
			continue;
		for (size_t k = 0; k < ncand(&f->pipelines[q]); k++)
			keep_closure(c, nc, first, f, triggered, first[q] + k);
	}
}

static char *make_key(const struct cand *c, size_t nc, size_t i, const struct ci_file *f,
		      bool clone)
{
	const char *name = c[i].def->name;
	bool unique = !(clone && !strcmp(name, "clone"));

	for (size_t k = 0; k < nc && unique; k++)
		if (k != i && c[k].keep && !strcmp(c[k].def->name, name))
			unique = false;
	if (unique)
		return xstrdup(name);
	return xasprintf("%s.%s", f->pipelines[c[i].pipeline].name, name);
}

int ci_plan_make(struct ci_plan *plan, const struct ci_file *f, const struct ci_plan_opts *o,
		 struct err *err)
{
	bool *triggered = xcalloc(f->n ? f->n : 1, sizeof *triggered);
	size_t *first = xcalloc(f->n ? f->n : 1, sizeof *first);
	size_t *remap = NULL, *premap = xcalloc(f->n ? f->n : 1, sizeof *premap);
	struct cand *c = NULL;
	size_t nc = 0;
	bool any_test = false, want_clone = false;
	int rc = -1;

	struct ci_facts facts = { .branch = o->branch, .event = o->event, .ref = o->ref };

	if (o->facts)
		facts = *o->facts;
	memset(plan, 0, sizeof *plan);
	for (size_t i = 0; i < f->n; i++) {
		const struct ci_pipeline_def *p = &f->pipelines[i];

		triggered[i] = o->all || ci_when_match_facts(&p->trigger, &facts);
		first[i] = nc;
		if (triggered[i])
			nc += ncand(p);
	}
	if (!nc) {
		err_set(err, "%s: no pipeline is triggered for branch '%s', event '%s'", f->path,
			o->branch ? o->branch : "", o->event ? o->event : "");
		goto out;
	}
	c = xcalloc(nc, sizeof *c);
	for (size_t i = 0; i < f->n; i++) {
		const struct ci_pipeline_def *p = &f->pipelines[i];

		if (!triggered[i])
			continue;
		for (size_t k = 0; k < p->nservices; k++) {
			c[first[i] + k].def = &p->services[k];
			c[first[i] + k].pipeline = i;
		}
		for (size_t k = 0; k < p->nsteps; k++) {
			size_t base = first[i] + p->nservices;
			struct cand *s = &c[base + k];

			s->def = &p->steps[k];
			s->pipeline = i;
			s->deps = xcalloc(s->def->ndeps + p->nservices + 1, sizeof *s->deps);
			if (p->dag) {
				for (size_t d = 0; d < s->def->ndeps; d++)
					s->deps[s->ndeps++] = base
						+ step_index(p, s->def->depends_on[d]);
			} else if (k > 0) {
				/* without depends_on, steps run in the order written */
				s->deps[s->ndeps++] = base + k - 1;
			}
			/* services start first (a service is done once it started) */
			for (size_t v = 0,
			     first_step = !s->ndeps; first_step && v < p->nservices; v++)
				s->deps[s->ndeps++] = first[i] + v;
			if (!s->ndeps) {
				free(s->deps);
				s->deps = NULL;
			}
		}
	}
	for (size_t i = 0; i < nc; i++) {
		if (!o->tests_only) {
			c[i].keep = true;
		} else if (is_test_step(o, c[i].def->name)) {
			any_test = true;
			keep_closure(c, nc, first, f, triggered, i);
		}
	}
	if (o->tests_only && !any_test) {
		err_set(err, "%s: no test step (name a step test… or list the steps in "
			".shipdeck.yml pipeline.test_steps)", f->path);
		goto out;
	}

	/* the kept pipelines, in file order */
	plan->pipelines = xcalloc(f->n ? f->n : 1, sizeof *plan->pipelines);
	for (size_t i = 0; i < f->n; i++) {
		bool kept = false;

		premap[i] = SIZE_MAX;
		for (size_t k = 0; triggered[i] && k < ncand(&f->pipelines[i]); k++)
			kept |= c[first[i] + k].keep;
		if (!kept)
			continue;
		premap[i] = plan->npipelines;
		plan->pipelines[plan->npipelines++].def = &f->pipelines[i];
		want_clone |= o->clone && !f->pipelines[i].clone_disabled;
		plan->has_docker |= !strcmp(f->pipelines[i].type, "docker");
	}
	for (size_t i = 0; i < plan->npipelines; i++) {
		struct ci_plan_pipeline *pp = &plan->pipelines[i];

		pp->waits = xcalloc(pp->def->ndeps ? pp->def->ndeps : 1, sizeof *pp->waits);
		for (size_t w = 0; w < pp->def->ndeps; w++) {
			size_t q = pipeline_index(f, pp->def->depends_on[w]);

			if (q < f->n && premap[q] != SIZE_MAX)
				pp->waits[pp->nwaits++] = premap[q];
		}
	}

	/* the kept steps, the clone first */
	plan->clone = want_clone;
	plan->steps = xcalloc(nc + 1, sizeof *plan->steps);
	remap = xcalloc(nc, sizeof *remap);
	if (want_clone) {
		plan->steps[0] = (struct ci_plan_step){ .key = xstrdup("clone"),
							.pipeline = SIZE_MAX, .when_ok = true };
		plan->n = 1;
	}
	for (size_t i = 0; i < nc; i++) {
		remap[i] = SIZE_MAX;
		if (c[i].keep)
			remap[i] = plan->n++;
	}
	for (size_t i = 0; i < nc; i++) {
		struct ci_plan_step *s;
		const struct ci_pipeline_def *p = &f->pipelines[c[i].pipeline];

		if (remap[i] == SIZE_MAX)
			continue;
		s = &plan->steps[remap[i]];
		s->key = make_key(c, nc, i, f, want_clone);
		s->def = c[i].def;
		s->pipeline = premap[c[i].pipeline];
		s->when_ok = o->all || ci_when_match_facts(&s->def->when, &facts);
		s->detach = s->def->detach;
		s->needs_image = ci_step_needs_image(s->def);
		s->is_test = is_test_step(o, s->def->name);
		s->deps = xcalloc(c[i].ndeps + 1, sizeof *s->deps);
		for (size_t d = 0; d < c[i].ndeps; d++)
			s->deps[s->ndeps++] = remap[c[i].deps[d]];
		if (!c[i].ndeps && want_clone && !p->clone_disabled)
			s->deps[s->ndeps++] = 0;
	}
	rc = 0;
out:
	for (size_t i = 0; i < nc; i++)
		free(c[i].deps);
	free(c);
	free(remap);
	free(premap);
	free(first);
	free(triggered);
	if (rc)
		ci_plan_free(plan);
	return rc;
}

void ci_plan_free(struct ci_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->steps[i].key);
		free(plan->steps[i].deps);
	}
	free(plan->steps);
	for (size_t i = 0; i < plan->npipelines; i++)
		free(plan->pipelines[i].waits);
	free(plan->pipelines);
	memset(plan, 0, sizeof *plan);
}
