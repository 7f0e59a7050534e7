#include "ci/pipeline_file.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/dag.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

static const char *const pipeline_keys[] = { "kind", "type", "name", "platform", "node",
					     "clone", "environment", "steps", "depends_on",
					     "trigger", NULL };
static const char *const step_keys[] = { "name", "image", "pull", "commands", "environment",
					 "when", "depends_on", "failure", NULL };
static const char *const when_keys[] = { "branch", "event", "ref", "status", NULL };
static const char *const cond_keys[] = { "include", "exclude", NULL };
static const char *const platform_keys[] = { "os", "arch", "variant", "version", NULL };
static const char *const clone_keys[] = { "disable", "depth", NULL };

/* Where a message points: file name and the key path ("steps[2].commands"). */
struct at {
	const char *file;
	char where[256];
};

static int fail_at(const struct at *a, const struct ynode *n, struct err *err, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static int fail_at(const struct at *a, const struct ynode *n, struct err *err, const char *fmt,
		   ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(err, "%s:%d:%d: %s: %s", a->file, n->line, n->col, a->where, msg);
}

static int read_scalar(const struct at *a, const struct ynode *n, char **out, struct err *err)
{
	if (ynode_expect(n, YNODE_SCALAR, a->file, a->where, err))
		return -1;
	*out = xstrdup(n->scalar);
	return 0;
}

static int read_list(const struct at *a, const struct ynode *n, char ***out, size_t *count,
		     struct err *err)
{
	if (ynode_expect(n, YNODE_SEQ, a->file, a->where, err))
		return -1;
	*out = xcalloc(n->n ? n->n : 1, sizeof **out);
	for (size_t i = 0; i < n->n; i++) {
		if (ynode_expect(n->items[i], YNODE_SCALAR, a->file, a->where, err))
			return -1;
		(*out)[(*count)++] = xstrdup(n->items[i]->scalar);
	}
	return 0;
}

/* A scalar or a list of scalars. */
static int read_patterns(const struct at *a, const struct ynode *n, char ***out, size_t *count,
			 struct err *err)
{
	if (n->kind == YNODE_SCALAR) {
		*out = xcalloc(1, sizeof **out);
		(*out)[(*count)++] = xstrdup(n->scalar);
		return 0;
	}
	if (n->kind != YNODE_SEQ)
		return fail_at(a, n, err, "expected a value or a list of values");
	return read_list(a, n, out, count, err);
}

static int parse_cond(const struct at *parent, const char *key, const struct ynode *n,
		      struct ci_cond *c, struct err *err)
{
	struct at a = { .file = parent->file };
	const struct ynode *v;

	snprintf(a.where, sizeof a.where, "%s.%s", parent->where, key);
	if (n->kind != YNODE_MAP)
		return read_patterns(&a, n, &c->include, &c->ninclude, err);
	if (ynode_check_keys(n, cond_keys, a.file, a.where, err))
		return -1;
	if ((v = ynode_get(n, "include")) && read_patterns(&a, v, &c->include, &c->ninclude, err))
		return -1;
	if ((v = ynode_get(n, "exclude")) && read_patterns(&a, v, &c->exclude, &c->nexclude, err))
		return -1;
	return 0;
}

static int parse_status(const struct at *parent, const struct ynode *n, unsigned *status,
			struct err *err)
{
	struct at a = { .file = parent->file };
	char **words = NULL;
	size_t nwords = 0;
	int rc = -1;

	snprintf(a.where, sizeof a.where, "%s.status", parent->where);
	if (read_patterns(&a, n, &words, &nwords, err))
		goto out;
	*status = 0;
	for (size_t i = 0; i < nwords; i++) {
		if (!strcmp(words[i], "success"))
			*status |= CI_ON_SUCCESS;
		else if (!strcmp(words[i], "failure"))
			*status |= CI_ON_FAILURE;
		else {
			fail_at(&a, n, err, "expected success or failure, found '%s'", words[i]);
			goto out;
		}
	}
	if (!*status) {
		fail_at(&a, n, err, "expected success, failure or both");
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	return rc;
}

static int parse_when(const struct at *a, const struct ynode *n, struct ci_when *w,
		      struct err *err)
{
	const struct ynode *v;

	if (ynode_expect(n, YNODE_MAP, a->file, a->where, err)
	    || ynode_check_keys(n, when_keys, a->file, a->where, err))
		return -1;
	if ((v = ynode_get(n, "branch")) && parse_cond(a, "branch", v, &w->branch, err))
		return -1;
	if ((v = ynode_get(n, "event")) && parse_cond(a, "event", v, &w->event, err))
		return -1;
	if ((v = ynode_get(n, "ref")) && parse_cond(a, "ref", v, &w->ref, err))
		return -1;
	if ((v = ynode_get(n, "status")) && parse_status(a, v, &w->status, err))
		return -1;
	return 0;
}

static int parse_env(const struct at *parent, const struct ynode *n, struct ci_env **out,
		     size_t *count, struct err *err)
{
	struct at a = { .file = parent->file };

	snprintf(a.where, sizeof a.where, "%s.environment", parent->where);
	if (ynode_expect(n, YNODE_MAP, a.file, a.where, err))
		return -1;
	*out = xcalloc(n->n ? n->n : 1, sizeof **out);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		struct ci_env *e = &(*out)[(*count)++];
		struct at ea = { .file = a.file };

		e->name = xstrdup(n->keys[i]->scalar);
		snprintf(ea.where, sizeof ea.where, "%s.%s", a.where, e->name);
		if (v->kind == YNODE_SCALAR) {
			e->value = xstrdup(ynode_is_null(v) ? "" : v->scalar);
			continue;
		}
		if (v->kind != YNODE_MAP || v->n != 1 || strcmp(v->keys[0]->scalar, "from_secret"))
			return fail_at(&ea, v, err, "expected a value or {from_secret: NAME}");
		if (read_scalar(&ea, v->items[0], &e->secret, err))
			return -1;
	}
	return 0;
}

static int parse_step(const struct at *parent, size_t index, const struct ynode *n,
		      struct ci_step_def *s, struct err *err)
{
	struct at a = { .file = parent->file };
	const struct ynode *v;

	snprintf(a.where, sizeof a.where, "%s[%zu]", parent->where, index);
	s->line = n->line;
	s->col = n->col;
	s->when.status = CI_ON_SUCCESS;
	if (ynode_expect(n, YNODE_MAP, a.file, a.where, err))
		return -1;
	if (!(v = ynode_get(n, "name")))
		return fail_at(&a, n, err, "a step needs a name");
	if (read_scalar(&a, v, &s->name, err))
		return -1;
	if (!*s->name || strchr(s->name, '/'))
		return fail_at(&a, v, err, "a step name must be non-empty and without '/'");
	snprintf(a.where, sizeof a.where, "%s[%zu] (%s)", parent->where, index, s->name);
	if (ynode_check_keys(n, step_keys, a.file, a.where, err))
		return -1;
	if ((v = ynode_get(n, "image")) && read_scalar(&a, v, &s->image, err))
		return -1;
	if ((v = ynode_get(n, "pull")) && ynode_expect(v, YNODE_SCALAR, a.file, a.where, err))
		return -1;
	if (!(v = ynode_get(n, "commands")))
		return fail_at(&a, n, err, "step '%s' has no commands (plugin steps need a "
			       "container runtime)", s->name);
	{
		struct at ca = { .file = a.file };

		snprintf(ca.where, sizeof ca.where, "%s.commands", a.where);
		if (read_list(&ca, v, &s->commands, &s->ncommands, err))
			return -1;
	}
	if ((v = ynode_get(n, "environment")) && parse_env(&a, v, &s->env, &s->nenv, err))
		return -1;
	if ((v = ynode_get(n, "when"))) {
		struct at wa = { .file = a.file };

		snprintf(wa.where, sizeof wa.where, "%s.when", a.where);
		if (parse_when(&wa, v, &s->when, err))
			return -1;
	}
	if ((v = ynode_get(n, "depends_on"))) {
		struct at da = { .file = a.file };

		snprintf(da.where, sizeof da.where, "%s.depends_on", a.where);
		if (read_list(&da, v, &s->depends_on, &s->ndeps, err))
			return -1;
		s->has_depends_on = true;
	}
	if ((v = ynode_get(n, "failure"))) {
		const char *f = ynode_str(v);

		if (!f || strcmp(f, "ignore"))
			return fail_at(&a, v, err, "failure: expected ignore");
		s->ignore_failure = true;
	}
	return 0;
}

/* Index of name among names, or n. */
static size_t index_of(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return n;
}

static void graph_free(struct ci_graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->deps[i]);
	free(g->deps);
	free(g->ndeps);
}

/* depends_on targets exist and make no cycle. dep_nodes[i] is the depends_on
 * node of entry i (for line:col), names the step or pipeline names. */
static int check_graph(const struct at *a, const char *what, char *const *names, size_t n,
		       char **const *deps, const size_t *ndeps,
		       const struct ynode *const *dep_nodes, struct err *err)
{
	struct ci_graph g = { .n = n };
	size_t *cycle = xcalloc(n ? n : 1, sizeof *cycle), len;
	int rc = -1;

	g.deps = xcalloc(n ? n : 1, sizeof *g.deps);
	g.ndeps = xcalloc(n ? n : 1, sizeof *g.ndeps);
	for (size_t i = 0; i < n; i++) {
		g.deps[i] = xcalloc(ndeps[i] ? ndeps[i] : 1, sizeof **g.deps);
		for (size_t d = 0; d < ndeps[i]; d++) {
			size_t t = index_of(names, n, deps[i][d]);
			const struct ynode *dn = dep_nodes[i] ? dep_nodes[i]->items[d] : NULL;
			const char *self = names[i];

			if (t == n) {
				if (dn)
					fail_at(a, dn, err, "%s '%s' depends on '%s', but there is "
						"no %s named '%s'", what, self, deps[i][d], what,
						deps[i][d]);
				else
					err_set(err, "%s: %s: no %s named '%s'", a->file, a->where,
						what, deps[i][d]);
				goto out;
			}
			g.deps[i][g.ndeps[i]++] = t;
		}
	}
	len = ci_graph_cycle(&g, cycle);
	if (len) {
		char path[400] = "";
		size_t used = 0;
		const struct ynode *dn = dep_nodes[cycle[0]];

		for (size_t k = 0; k <= len && used < sizeof path; k++)
			used += (size_t)snprintf(path + used, sizeof path - used, "%s%s",
						 k ? " → " : "", names[cycle[k % len]]);
		if (dn)
			fail_at(a, dn, err, "depends_on makes a cycle: %s", path);
		else
			err_set(err, "%s: %s: depends_on makes a cycle: %s", a->file, a->where, path);
		goto out;
	}
	rc = 0;
out:
	graph_free(&g);
	free(cycle);
	return rc;
}

static int parse_steps(const struct at *a, const struct ynode *n, struct ci_pipeline_def *p,
		       struct err *err)
{
	const struct ynode **dep_nodes;
	char ***deps, **names;
	size_t *ndeps;
	int rc = -1;

	if (ynode_expect(n, YNODE_SEQ, a->file, a->where, err))
		return -1;
	if (!n->n)
		return fail_at(a, n, err, "a pipeline needs at least one step");
	p->steps = xcalloc(n->n, sizeof *p->steps);
	for (size_t i = 0; i < n->n; i++) {
		struct ci_step_def *s = &p->steps[p->nsteps++];

		if (parse_step(a, i, n->items[i], s, err))
			return -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(p->steps[k].name, s->name))
				return fail_at(a, ynode_get(n->items[i], "name"), err,
					       "duplicate step name '%s'", s->name);
		p->dag |= s->has_depends_on;
	}
	dep_nodes = xcalloc(n->n, sizeof *dep_nodes);
	deps = xcalloc(n->n, sizeof *deps);
	ndeps = xcalloc(n->n, sizeof *ndeps);
	names = xcalloc(n->n, sizeof *names);
	for (size_t i = 0; i < n->n; i++) {
		dep_nodes[i] = ynode_get(n->items[i], "depends_on");
		deps[i] = p->steps[i].depends_on;
		ndeps[i] = p->steps[i].ndeps;
		names[i] = p->steps[i].name;
	}
	rc = check_graph(a, "step", names, p->nsteps, deps, ndeps, dep_nodes, err);
	free(names);
	free(dep_nodes);
	free(deps);
	free(ndeps);
	return rc;
}

static int parse_pipeline(const char *file, size_t doc, const struct ynode *n,
			  struct ci_pipeline_def *p, struct err *err)
{
	struct at a = { .file = file };
	const struct ynode *v;

	p->line = n->line;
	p->col = n->col;
	p->trigger.status = CI_ON_SUCCESS;
	snprintf(a.where, sizeof a.where, "document %zu", doc + 1);
	if (ynode_check_keys(n, pipeline_keys, a.file, a.where, err))
		return -1;
	v = ynode_get(n, "name");
	p->name = xstrdup(v && ynode_str(v) ? v->scalar : "default");
	if (v && ynode_expect(v, YNODE_SCALAR, a.file, a.where, err))
		return -1;
	snprintf(a.where, sizeof a.where, "pipeline '%s'", p->name);
	if (!(v = ynode_get(n, "type")))
		p->type = xstrdup("docker");   /* Drone's default */
	else if (read_scalar(&a, v, &p->type, err))
		return -1;
	if (strcmp(p->type, "exec") && strcmp(p->type, "docker"))
		return fail_at(&a, v, err, "type '%s' is not supported: shipdeck runs exec and "
			       "docker pipelines on this host", p->type);
	if ((v = ynode_get(n, "platform"))
	    && (ynode_expect(v, YNODE_MAP, a.file, a.where, err)
		|| ynode_check_keys(v, platform_keys, a.file, "platform", err)))
		return -1;
	if ((v = ynode_get(n, "node")) && ynode_expect(v, YNODE_MAP, a.file, a.where, err))
		return -1;
	if ((v = ynode_get(n, "clone"))) {
		const struct ynode *d;

		if (ynode_expect(v, YNODE_MAP, a.file, a.where, err)
		    || ynode_check_keys(v, clone_keys, a.file, "clone", err))
			return -1;
		if ((d = ynode_get(v, "disable"))
		    && ynode_bool(d, &p->clone_disabled, a.file, "clone.disable", err))
			return -1;
	}
	if ((v = ynode_get(n, "environment")) && parse_env(&a, v, &p->env, &p->nenv, err))
		return -1;
	if ((v = ynode_get(n, "trigger"))) {
		struct at ta = { .file = file };

		snprintf(ta.where, sizeof ta.where, "%s.trigger", a.where);
		if (parse_when(&ta, v, &p->trigger, err))
			return -1;
	}
	if ((v = ynode_get(n, "depends_on"))) {
		struct at da = { .file = file };

		snprintf(da.where, sizeof da.where, "%s.depends_on", a.where);
		if (read_list(&da, v, &p->depends_on, &p->ndeps, err))
			return -1;
	}
	if (!(v = ynode_get(n, "steps")))
		return fail_at(&a, n, err, "a pipeline needs steps");
	{
		struct at sa = { .file = file };

		snprintf(sa.where, sizeof sa.where, "%s.steps", a.where);
		return parse_steps(&sa, v, p, err);
	}
}

int ci_file_parse(struct ci_file *f, const char *name, const char *data, size_t len,
		  struct err *err)
{
	struct ydoc doc;
	const struct ynode **dep_nodes = NULL;
	char ***deps = NULL, **names = NULL;
	size_t *ndeps = NULL;
	struct at a = { .file = name, .where = "pipelines" };
	int rc = -1;

	memset(f, 0, sizeof *f);
	f->path = xstrdup(name);
	if (ydoc_parse(&doc, name, data, len, err))
		goto fail;
	f->pipelines = xcalloc(doc.n ? doc.n : 1, sizeof *f->pipelines);
	dep_nodes = xcalloc(doc.n ? doc.n : 1, sizeof *dep_nodes);
	for (size_t i = 0; i < doc.n; i++) {
		const struct ynode *root = doc.roots[i], *kind;
		struct at da = { .file = name };
		struct ci_pipeline_def *p;

		snprintf(da.where, sizeof da.where, "document %zu", i + 1);
		if (ynode_is_null(root))
			continue;
		if (ynode_expect(root, YNODE_MAP, name, da.where, err))
			goto out;
		kind = ynode_get(root, "kind");
		if (!kind) {
			fail_at(&da, root, err, "missing kind (kind: pipeline)");
			goto out;
		}
		if (ynode_str(kind) && (!strcmp(kind->scalar, "secret")
					|| !strcmp(kind->scalar, "signature")))
			continue;   /* server-side Drone documents: nothing to run */
		if (!ynode_str(kind) || strcmp(kind->scalar, "pipeline")) {
			fail_at(&da, kind, err, "kind: expected pipeline, secret or signature");
			goto out;
		}
		p = &f->pipelines[f->n];
		dep_nodes[f->n++] = ynode_get(root, "depends_on");
		if (parse_pipeline(name, i, root, p, err))
			goto out;
		for (size_t k = 0; k + 1 < f->n; k++)
			if (!strcmp(f->pipelines[k].name, p->name)) {
				fail_at(&da, ynode_get(root, "name") ? ynode_get(root, "name") : root,
					err, "duplicate pipeline name '%s'", p->name);
				goto out;
			}
	}
	if (!f->n) {
		err_set(err, "%s: no pipeline in the file (a document with kind: pipeline)", name);
		goto out;
	}
	deps = xcalloc(f->n, sizeof *deps);
	ndeps = xcalloc(f->n, sizeof *ndeps);
	names = xcalloc(f->n, sizeof *names);
	for (size_t i = 0; i < f->n; i++) {
		deps[i] = f->pipelines[i].depends_on;
		ndeps[i] = f->pipelines[i].ndeps;
		names[i] = f->pipelines[i].name;
	}
	if (check_graph(&a, "pipeline", names, f->n, deps, ndeps, dep_nodes, err))
		goto out;
	rc = 0;
out:
	free(names);
	free(dep_nodes);
	free(deps);
	free(ndeps);
	ydoc_free(&doc);
fail:
	if (rc)
		ci_file_free(f);
	return rc;
}

static void strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void cond_free(struct ci_cond *c)
{
	strings_free(c->include, c->ninclude);
	strings_free(c->exclude, c->nexclude);
}

static void when_free(struct ci_when *w)
{
	cond_free(&w->branch);
	cond_free(&w->event);
	cond_free(&w->ref);
}

static void env_free(struct ci_env *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].value);
		free(e[i].secret);
	}
	free(e);
}

void ci_file_free(struct ci_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct ci_pipeline_def *p = &f->pipelines[i];

		for (size_t k = 0; k < p->nsteps; k++) {
			struct ci_step_def *s = &p->steps[k];

			free(s->name);
			free(s->image);
			strings_free(s->commands, s->ncommands);
			env_free(s->env, s->nenv);
			when_free(&s->when);
			strings_free(s->depends_on, s->ndeps);
		}
		free(p->steps);
		free(p->name);
		free(p->type);
		env_free(p->env, p->nenv);
		strings_free(p->depends_on, p->ndeps);
		when_free(&p->trigger);
	}
	free(f->pipelines);
	free(f->path);
	memset(f, 0, sizeof *f);
}

bool ci_cond_match(const struct ci_cond *c, const char *value)
{
	const char *v = value ? value : "";

	for (size_t i = 0; i < c->nexclude; i++)
		if (!fnmatch(c->exclude[i], v, 0))
			return false;
	if (!c->ninclude)
		return true;
	for (size_t i = 0; i < c->ninclude; i++)
		if (!fnmatch(c->include[i], v, 0))
			return true;
	return false;
}

bool ci_when_match(const struct ci_when *w, const char *branch, const char *event,
		   const char *ref)
{
	return ci_cond_match(&w->branch, branch) && ci_cond_match(&w->event, event)
		&& ci_cond_match(&w->ref, ref);
}
