#include "ci/pipeline_file.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ci/drone_keys.h"
#include "ci/legacy.h"
#include "ci/plugin_env.h"
#include "ci/yaml_merge.h"
#include "util/dag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

/* Drone's pipeline types: every one runs its commands on this host here. */
static const char *const pipeline_types[] = { "docker", "kubernetes", "exec", "ssh",
					      "digitalocean", "macstadium", "vm", "aws",
					      NULL };

/* Keys the local runner does not honour, gathered per pipeline: one line
 * per key, naming the steps that use it. */
struct note {
	char *label;
	const char *why;
	struct strbuf owners;
	size_t nowners;
};

struct notes {
	struct note *v;
	size_t n, cap;
};

/* Where a message points: file name and the key path ("steps[2].commands"),
 * and where notices go. */
struct at {
	const char *file;
	struct notes *notes;
	const char *owner;          /* the step or service the keys belong to, or NULL */
	char where[256];
};

static struct at sub(const struct at *parent, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct at sub(const struct at *parent, const char *fmt, ...)
{
	struct at a = { .file = parent->file, .notes = parent->notes, .owner = parent->owner };
	char tail[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof tail, fmt, ap);
	va_end(ap);
	snprintf(a.where, sizeof a.where, "%s%s", parent->where, tail);
	return a;
}

static void note_add(const struct at *a, const char *label, const char *why)
{
	struct notes *ns = a->notes;
	struct note *nt = NULL;

	if (!ns)
		return;
	for (size_t i = 0; i < ns->n && !nt; i++)
		if (!strcmp(ns->v[i].label, label))
			nt = &ns->v[i];
	if (!nt) {
		xgrow(&ns->v, &ns->cap, ns->n + 1, sizeof *ns->v);
		nt = &ns->v[ns->n++];
		memset(nt, 0, sizeof *nt);
		nt->label = xstrdup(label);
		nt->why = why;
	}
	if (a->owner) {
		if (nt->nowners++)
			sb_puts(&nt->owners, ", ");
		sb_puts(&nt->owners, a->owner);
	}
}

/* The notices as lines, and the collector emptied. */
static void notes_take(struct notes *ns, char ***out, size_t *count)
{
	*out = xcalloc(ns->n ? ns->n : 1, sizeof **out);
	for (size_t i = 0; i < ns->n; i++) {
		struct note *nt = &ns->v[i];

		if (nt->nowners)
			(*out)[i] = xasprintf("`%s` (%s): ignored by the local runner: %s",
					      nt->label, sb_str(&nt->owners), nt->why);
		else
			(*out)[i] = xasprintf("`%s`: ignored by the local runner: %s", nt->label,
					      nt->why);
		free(nt->label);
		sb_free(&nt->owners);
	}
	*count = ns->n;
	free(ns->v);
	memset(ns, 0, sizeof *ns);
}

/* A key's value; an empty one (`environment:` with nothing under it) is
 * absent, as in Drone's parser. */
static const struct ynode *field(const struct ynode *map, const char *key)
{
	const struct ynode *v = ynode_get(map, key);

	return ynode_is_null(v) ? NULL : v;
}

/* Refuses keys outside the table, and notes those the runner ignores
 * (prefix: "clone." for nested keys). */
static int check_keys(const struct at *a, const struct ynode *map, const struct drone_key *table,
		      const char *prefix, struct err *err)
{
	if (drone_check_keys(map, table, a->file, a->where, err))
		return -1;
	for (size_t i = 0; map && map->kind == YNODE_MAP && i < map->n; i++) {
		const struct drone_key *k = drone_key_find(table, map->keys[i]->scalar);
		char label[120];

		if (!k || !k->ignored)
			continue;
		snprintf(label, sizeof label, "%s%s", prefix, k->name);
		note_add(a, label, k->ignored);
	}
	return 0;
}

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
	*out = xrealloc(*out, (*count + n->n + 1) * sizeof **out);
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
		*out = xrealloc(*out, (*count + 2) * sizeof **out);
		(*out)[(*count)++] = xstrdup(n->scalar);
		return 0;
	}
	if (n->kind != YNODE_SEQ)
		return fail_at(a, n, err, "expected a value or a list of values");
	return read_list(a, n, out, count, err);
}

static const struct drone_key cond_keys[] = { { "include", NULL }, { "exclude", NULL },
					      { NULL, NULL } };

static int parse_cond(const struct at *parent, const char *key, const struct ynode *n,
		      struct ci_cond *c, struct err *err)
{
	struct at a = sub(parent, ".%s", key);
	const struct ynode *v;

	if (n->kind != YNODE_MAP)
		return read_patterns(&a, n, &c->include, &c->ninclude, err);
	if (drone_check_keys(n, cond_keys, a.file, a.where, err))
		return -1;
	if ((v = field(n, "include")) && read_patterns(&a, v, &c->include, &c->ninclude, err))
		return -1;
	if ((v = field(n, "exclude")) && read_patterns(&a, v, &c->exclude, &c->nexclude, err))
		return -1;
	return 0;
}

static int parse_status(const struct at *parent, const struct ynode *n, unsigned *status,
			struct err *err)
{
	struct at a = sub(parent, ".status");
	char **words = NULL;
	size_t nwords = 0;
	int rc = -1;

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

/* label: "when" or "trigger", for the notices. */
static int parse_when(const struct at *a, const char *label, const struct ynode *n,
		      struct ci_when *w, struct err *err)
{
	static const struct {
		const char *key;
		size_t off;
	} conds[] = {
		{ "branch", offsetof(struct ci_when, branch) },
		{ "event", offsetof(struct ci_when, event) },
		{ "ref", offsetof(struct ci_when, ref) },
		{ "target", offsetof(struct ci_when, target) },
		{ "cron", offsetof(struct ci_when, cron) },
		{ "action", offsetof(struct ci_when, action) },
		{ "paths", offsetof(struct ci_when, paths) },
		{ "repo", offsetof(struct ci_when, repo) },
		{ "instance", offsetof(struct ci_when, instance) },
	};
	const struct ynode *v;
	char prefix[32];

	snprintf(prefix, sizeof prefix, "%s.", label);
	if (ynode_expect(n, YNODE_MAP, a->file, a->where, err)
	    || check_keys(a, n, drone_when_keys, prefix, err))
		return -1;
	for (size_t i = 0; i < sizeof conds / sizeof *conds; i++)
		if ((v = field(n, conds[i].key))
		    && parse_cond(a, conds[i].key, v,
				  (struct ci_cond *)((char *)w + conds[i].off), err))
			return -1;
	if ((v = field(n, "status")) && parse_status(a, v, &w->status, err))
		return -1;
	return 0;
}

static int parse_env(const struct at *parent, const struct ynode *n, struct ci_env **out,
		     size_t *count, struct err *err)
{
	struct at a = sub(parent, ".environment");

	if (ynode_expect(n, YNODE_MAP, a.file, a.where, err))
		return -1;
	*out = xcalloc(n->n ? n->n : 1, sizeof **out);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		struct ci_env *e = &(*out)[(*count)++];
		struct at ea;

		e->name = xstrdup(n->keys[i]->scalar);
		ea = sub(&a, ".%s", e->name);
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

/* Volume names of the pipeline, for the steps' volumes to name. */
struct vols {
	char **names;
	size_t n;
};

static int parse_volumes(const struct at *parent, const struct ynode *n, struct vols *vols,
			 struct err *err)
{
	struct at a = sub(parent, ".volumes");

	if (ynode_expect(n, YNODE_SEQ, a.file, a.where, err))
		return -1;
	vols->names = xcalloc(n->n ? n->n : 1, sizeof *vols->names);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i], *name;
		struct at va = sub(&a, "[%zu]", i);

		if (ynode_expect(v, YNODE_MAP, va.file, va.where, err)
		    || drone_check_keys(v, drone_volume_keys, va.file, va.where, err))
			return -1;
		if (!(name = field(v, "name")) || !ynode_str(name))
			return fail_at(&va, v, err, "a volume needs a name");
		if (!field(v, "host") && !field(v, "temp") && !field(v, "claim")
		    && !field(v, "config_map"))
			return fail_at(&va, v, err, "volume '%s' needs host, temp, claim or "
				       "config_map", name->scalar);
		vols->names[vols->n++] = xstrdup(name->scalar);
	}
	return 0;
}

static int check_step_volumes(const struct at *a, const struct ynode *n, const struct vols *vols,
			      struct err *err)
{
	struct at va = sub(a, ".volumes");

	if (ynode_expect(n, YNODE_SEQ, va.file, va.where, err))
		return -1;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i], *name;
		size_t k;

		if (ynode_expect(v, YNODE_MAP, va.file, va.where, err)
		    || drone_check_keys(v, drone_step_volume_keys, va.file, va.where, err))
			return -1;
		if (!(name = field(v, "name")) || !ynode_str(name) || !field(v, "path"))
			return fail_at(&va, v, err, "a step's volume needs name and path");
		for (k = 0; k < vols->n && strcmp(vols->names[k], name->scalar); k++)
			;
		if (k == vols->n)
			return fail_at(&va, name, err, "no volume named '%s' in the pipeline's "
				       "volumes", name->scalar);
	}
	return 0;
}

static int parse_bool_key(const struct at *a, const struct ynode *n, const char *key, bool *out,
			  struct err *err)
{
	const struct ynode *v = field(n, key);
	char where[300];

	if (!v)
		return 0;
	snprintf(where, sizeof where, "%s.%s", a->where, key);
	return ynode_bool(v, out, a->file, where, err);
}

/* One step, or one service (s->service set by the caller). */
static int parse_step(const struct at *parent, size_t index, const struct ynode *n,
		      const char *type, const struct vols *vols, struct ci_step_def *s,
		      struct err *err)
{
	struct at a = sub(parent, "[%zu]", index);
	const struct ynode *v;

	s->line = n->line;
	s->col = n->col;
	s->when.status = CI_ON_SUCCESS;
	if (ynode_expect(n, YNODE_MAP, a.file, a.where, err))
		return -1;
	if (!(v = field(n, "name")))
		return fail_at(&a, n, err, "a %s needs a name", s->service ? "service" : "step");
	if (read_scalar(&a, v, &s->name, err))
		return -1;
	if (!*s->name || strchr(s->name, '/'))
		return fail_at(&a, v, err, "a step name must be non-empty and without '/'");
	a = sub(parent, "[%zu] (%s)", index, s->name);
	a.owner = s->name;
	if (check_keys(&a, n, s->service ? drone_service_keys : drone_step_keys, "", err))
		return -1;
	if ((v = field(n, "image")) && read_scalar(&a, v, &s->image, err))
		return -1;
	if ((v = field(n, "pull")) && ynode_expect(v, YNODE_SCALAR, a.file, a.where, err))
		return -1;
	if ((v = field(n, "commands"))) {
		struct at ca = sub(&a, ".commands");

		if (read_list(&ca, v, &s->commands, &s->ncommands, err))
			return -1;
	} else if (!strcmp(type, "exec") || !strcmp(type, "ssh")) {
		return fail_at(&a, n, err, "step '%s' has no commands (an %s pipeline runs "
			       "commands, not images)", s->name, type);
	} else if (!s->image) {
		return fail_at(&a, n, err, "step '%s' has neither commands nor an image",
			       s->name);
	}
	if ((v = field(n, "environment")) && parse_env(&a, v, &s->env, &s->nenv, err))
		return -1;
	if ((v = field(n, "settings"))) {
		struct at sa = sub(&a, ".settings");

		if (ci_plugin_settings(v, sa.file, sa.where, &s->settings, &s->nsettings, err))
			return -1;
	}
	if ((v = field(n, "when"))) {
		struct at wa = sub(&a, ".when");

		if (parse_when(&wa, "when", v, &s->when, err))
			return -1;
	}
	if ((v = field(n, "depends_on"))) {
		struct at da = sub(&a, ".depends_on");

		if (read_list(&da, v, &s->depends_on, &s->ndeps, err))
			return -1;
		s->has_depends_on = true;
	}
	if ((v = field(n, "failure"))) {
		const char *f = ynode_str(v);

		if (!f || strcmp(f, "ignore"))
			return fail_at(&a, v, err, "failure: expected ignore");
		s->ignore_failure = true;
	}
	if (parse_bool_key(&a, n, "detach", &s->detach, err)
	    || (field(n, "privileged")
		&& parse_bool_key(&a, n, "privileged", &(bool){ false }, err)))
		return -1;
	if (s->service)
		s->detach = true;
	if ((v = field(n, "volumes")) && check_step_volumes(&a, v, vols, err))
		return -1;
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

static void graph_free(struct dag *g)
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
	struct dag g = { .n = n };
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
	len = dag_cycle(&g, cycle);
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
			err_set(err, "%s: %s: depends_on makes a cycle: %s", a->file, a->where,
				path);
		goto out;
	}
	rc = 0;
out:
	graph_free(&g);
	free(cycle);
	return rc;
}

static int parse_services(const struct at *a, const struct ynode *n, struct ci_pipeline_def *p,
			  const struct vols *vols, struct err *err)
{
	if (ynode_expect(n, YNODE_SEQ, a->file, a->where, err))
		return -1;
	p->services = xcalloc(n->n ? n->n : 1, sizeof *p->services);
	for (size_t i = 0; i < n->n; i++) {
		struct ci_step_def *s = &p->services[p->nservices++];

		s->service = true;
		if (parse_step(a, i, n->items[i], p->type, vols, s, err))
			return -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(p->services[k].name, s->name))
				return fail_at(a, field(n->items[i], "name"), err,
					       "duplicate service name '%s'", s->name);
	}
	return 0;
}

static int parse_steps(const struct at *a, const struct ynode *n, struct ci_pipeline_def *p,
		       const struct vols *vols, struct err *err)
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

		if (parse_step(a, i, n->items[i], p->type, vols, s, err))
			return -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(p->steps[k].name, s->name))
				return fail_at(a, field(n->items[i], "name"), err,
					       "duplicate step name '%s'", s->name);
		for (size_t k = 0; k < p->nservices; k++)
			if (!strcmp(p->services[k].name, s->name))
				return fail_at(a, field(n->items[i], "name"), err,
					       "step '%s' has the name of a service", s->name);
		p->dag |= s->has_depends_on;
	}
	dep_nodes = xcalloc(n->n, sizeof *dep_nodes);
	deps = xcalloc(n->n, sizeof *deps);
	ndeps = xcalloc(n->n, sizeof *ndeps);
	names = xcalloc(n->n, sizeof *names);
	for (size_t i = 0; i < n->n; i++) {
		dep_nodes[i] = field(n->items[i], "depends_on");
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

static int check_map(const struct at *a, const struct ynode *n, const char *key,
		     const struct drone_key *table, struct err *err)
{
	struct at ka = sub(a, ".%s", key);
	char prefix[64];

	snprintf(prefix, sizeof prefix, "%s.", key);
	return ynode_expect(n, YNODE_MAP, ka.file, ka.where, err)
		|| check_keys(&ka, n, table, prefix, err);
}

static int parse_pipeline(const char *file, size_t doc, const struct ynode *n,
			  struct ci_pipeline_def *p, struct err *err)
{
	struct notes notes = { 0 };
	struct vols vols = { 0 };
	struct at a = { .file = file, .notes = &notes };
	const struct ynode *v;
	size_t t;
	int rc = -1;

	p->line = n->line;
	p->col = n->col;
	p->trigger.status = CI_ON_SUCCESS;
	snprintf(a.where, sizeof a.where, "document %zu", doc + 1);
	if (check_keys(&a, n, drone_pipeline_keys, "", err))
		goto out;
	v = field(n, "name");
	p->name = xstrdup(v && ynode_str(v) ? v->scalar : "default");
	if (v && ynode_expect(v, YNODE_SCALAR, a.file, a.where, err))
		goto out;
	snprintf(a.where, sizeof a.where, "pipeline '%s'", p->name);
	if (!(v = field(n, "type")))
		p->type = xstrdup("docker");   /* Drone's default */
	else if (read_scalar(&a, v, &p->type, err))
		goto out;
	for (t = 0; pipeline_types[t] && strcmp(pipeline_types[t], p->type); t++)
		;
	if (!pipeline_types[t]) {
		fail_at(&a, v, err, "type '%s' is not a Drone pipeline type (docker, kubernetes, "
			"exec, ssh, digitalocean, macstadium, vm, aws)", p->type);
		goto out;
	}
	if (strcmp(p->type, "exec"))
		note_add(&a, strcmp(p->type, "docker") && strcmp(p->type, "kubernetes")
			 ? "type" : "image",
			 strcmp(p->type, "docker") && strcmp(p->type, "kubernetes")
			 ? "the commands run on this host" : "commands run on this host, not in "
			 "the step's image");
	if ((v = field(n, "platform")) && check_map(&a, v, "platform", drone_platform_keys, err))
		goto out;
	if ((v = field(n, "workspace")) && check_map(&a, v, "workspace", drone_workspace_keys,
							  err))
		goto out;
	if ((v = field(n, "node")) && ynode_expect(v, YNODE_MAP, a.file, a.where, err))
		goto out;
	if ((v = field(n, "concurrency"))) {
		long long limit;

		if (check_map(&a, v, "concurrency", drone_concurrency_keys, err)
		    || (field(v, "limit")
			&& ynode_int(field(v, "limit"), &limit, a.file, "concurrency.limit",
				     err)))
			goto out;
	}
	if ((v = field(n, "clone"))) {
		const struct ynode *d;

		if (check_map(&a, v, "clone", drone_clone_keys, err))
			goto out;
		if ((d = field(v, "disable"))
		    && ynode_bool(d, &p->clone_disabled, a.file, "clone.disable", err))
			goto out;
	}
	if ((v = field(n, "volumes")) && parse_volumes(&a, v, &vols, err))
		goto out;
	if ((v = field(n, "environment")) && parse_env(&a, v, &p->env, &p->nenv, err))
		goto out;
	if ((v = field(n, "trigger"))) {
		struct at ta = sub(&a, ".trigger");

		if (parse_when(&ta, "trigger", v, &p->trigger, err))
			goto out;
	}
	if ((v = field(n, "depends_on"))) {
		struct at da = sub(&a, ".depends_on");

		if (read_list(&da, v, &p->depends_on, &p->ndeps, err))
			goto out;
	}
	if ((v = field(n, "services"))) {
		struct at sa = sub(&a, ".services");

		if (parse_services(&sa, v, p, &vols, err))
			goto out;
	}
	if (!(v = field(n, "steps"))) {
		fail_at(&a, n, err, "a pipeline needs steps");
		goto out;
	}
	{
		struct at sa = sub(&a, ".steps");

		if (parse_steps(&sa, v, p, &vols, err))
			goto out;
	}
	rc = 0;
out:
	notes_take(&notes, &p->notices, &p->nnotices);
	for (size_t i = 0; i < vols.n; i++)
		free(vols.names[i]);
	free(vols.names);
	return rc;
}

/* Documents the Drone server reads: checked, nothing to run. */
static int check_server_doc(const char *name, size_t i, const struct ynode *root,
			    const char *kind, struct ci_file *f, struct err *err)
{
	struct at a = { .file = name };
	const struct drone_key *table = !strcmp(kind, "secret") ? drone_secret_keys
		: !strcmp(kind, "signature") ? drone_signature_keys : drone_template_keys;
	const struct ynode *v;

	snprintf(a.where, sizeof a.where, "document %zu (kind: %s)", i + 1, kind);
	if (check_keys(&a, root, table, "", err))
		return -1;
	if (!strcmp(kind, "secret")) {
		static const struct drone_key get_keys[] = { { "path", NULL }, { "name", NULL },
							     { NULL, NULL } };

		if ((v = field(root, "get")) && check_map(&a, v, "get", get_keys, err))
			return -1;
		if ((v = field(root, "data")) && ynode_expect(v, YNODE_SCALAR, a.file,
								   a.where, err))
			return -1;
	}
	if (!strcmp(kind, "template")) {
		v = field(root, "load");
		f->notices = xrealloc(f->notices, (f->nnotices + 1) * sizeof *f->notices);
		f->notices[f->nnotices++] = xasprintf(
			"document %zu (kind: template%s%s): ignored by the local runner: a "
			"template is expanded by the Drone server", i + 1, v && ynode_str(v)
			? ", load: " : "", v && ynode_str(v) ? v->scalar : "");
	}
	return 0;
}

static int parse_document(struct ci_file *f, const char *name, size_t i, struct ynode *root,
			  const struct ynode **dep_node, struct err *err)
{
	struct at da = { .file = name };
	const struct ynode *kind;
	struct ynode *converted = NULL;
	char *legacy_notice = NULL;
	struct ci_pipeline_def *p;
	int rc = -1;

	snprintf(da.where, sizeof da.where, "document %zu", i + 1);
	if (ynode_expect(root, YNODE_MAP, name, da.where, err))
		return -1;
	if (ci_yaml_merge(root, name, err))
		return -1;
	kind = field(root, "kind");
	if (!kind && field(root, "pipeline")) {
		if (!(converted = ci_legacy_convert(root, name, &legacy_notice, err)))
			return -1;
		root = converted;
		kind = field(root, "kind");
	}
	if (!kind) {
		fail_at(&da, root, err, "missing kind (kind: pipeline)");
		goto out;
	}
	/* Drone reads the kind whatever its case ("kind: Pipeline") */
	if (ynode_str(kind) && (!strcasecmp(kind->scalar, "secret")
				|| !strcasecmp(kind->scalar, "signature")
				|| !strcasecmp(kind->scalar, "template"))) {
		char lower[16];

		for (size_t k = 0; k < sizeof lower && (k == 0 || lower[k - 1]); k++)
			lower[k] = (char)tolower((unsigned char)kind->scalar[k]);
		rc = check_server_doc(name, i, root, lower, f, err);
		goto out;
	}
	if (!ynode_str(kind) || strcasecmp(kind->scalar, "pipeline")) {
		fail_at(&da, kind, err, "kind: expected pipeline, secret, signature or template");
		goto out;
	}
	p = &f->pipelines[f->n++];
	*dep_node = field(root, "depends_on");
	if (parse_pipeline(name, i, root, p, err))
		goto out;
	if (converted) {
		p->legacy = true;
		p->notices = xrealloc(p->notices, (p->nnotices + 1) * sizeof *p->notices);
		memmove(p->notices + 1, p->notices, p->nnotices * sizeof *p->notices);
		p->notices[0] = legacy_notice;
		legacy_notice = NULL;
		p->nnotices++;
		*dep_node = NULL;
	}
	for (size_t k = 0; k + 1 < f->n; k++)
		if (!strcmp(f->pipelines[k].name, p->name)) {
			fail_at(&da, field(root, "name") ? field(root, "name") : root, err,
				"duplicate pipeline name '%s'", p->name);
			goto out;
		}
	rc = 0;
out:
	free(legacy_notice);
	ci_yaml_tree_free(converted);
	return rc;
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
		if (ynode_is_null(doc.roots[i]))
			continue;
		if (parse_document(f, name, i, doc.roots[i], &dep_nodes[f->n], err))
			goto out;
	}
	if (!f->n) {
		err_set(err, "%s: no pipeline in the file (a document with kind: pipeline)%s", name,
			f->nnotices ? "; a kind: template document is expanded by the Drone "
			"server, which the local runner cannot do" : "");
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
	cond_free(&w->target);
	cond_free(&w->cron);
	cond_free(&w->action);
	cond_free(&w->paths);
	cond_free(&w->repo);
	cond_free(&w->instance);
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

static void steps_free(struct ci_step_def *steps, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct ci_step_def *s = &steps[k];

		free(s->name);
		free(s->image);
		strings_free(s->commands, s->ncommands);
		env_free(s->env, s->nenv);
		env_free(s->settings, s->nsettings);
		when_free(&s->when);
		strings_free(s->depends_on, s->ndeps);
	}
	free(steps);
}

void ci_file_free(struct ci_file *f)
{
	/* a pipeline that failed to parse is counted: free what it holds */
	for (size_t i = 0; i < f->n; i++) {
		struct ci_pipeline_def *p = &f->pipelines[i];

		steps_free(p->steps, p->nsteps);
		steps_free(p->services, p->nservices);
		free(p->name);
		free(p->type);
		env_free(p->env, p->nenv);
		strings_free(p->depends_on, p->ndeps);
		strings_free(p->notices, p->nnotices);
		when_free(&p->trigger);
	}
	free(f->pipelines);
	strings_free(f->notices, f->nnotices);
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

/* Drone's paths: include runs when any changed file matches; exclude skips
 * when every changed file matches. */
static bool paths_match(const struct ci_cond *c, const struct ci_facts *f)
{
	bool any = !c->ninclude, all_excluded = c->nexclude > 0 && f->nchanged > 0;

	if (!f->changed_known || (!c->ninclude && !c->nexclude))
		return true;
	for (size_t k = 0; k < f->nchanged; k++) {
		bool excluded = false;

		for (size_t i = 0; i < c->ninclude && !any; i++)
			any = !fnmatch(c->include[i], f->changed[k], 0);
		for (size_t i = 0; i < c->nexclude && !excluded; i++)
			excluded = !fnmatch(c->exclude[i], f->changed[k], 0);
		all_excluded &= excluded;
	}
	return any && !all_excluded;
}

bool ci_when_match_facts(const struct ci_when *w, const struct ci_facts *f)
{
	return ci_cond_match(&w->branch, f->branch) && ci_cond_match(&w->event, f->event)
		&& ci_cond_match(&w->ref, f->ref) && ci_cond_match(&w->target, f->target)
		&& ci_cond_match(&w->cron, f->cron) && ci_cond_match(&w->action, f->action)
		&& paths_match(&w->paths, f);
}

bool ci_when_match(const struct ci_when *w, const char *branch, const char *event,
		   const char *ref)
{
	struct ci_facts f = { .branch = branch, .event = event, .ref = ref };

	return ci_when_match_facts(w, &f);
}
