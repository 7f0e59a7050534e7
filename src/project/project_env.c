/* environments: in .shipdeck.yml — an ordered list of where an app runs:
 *
 *   environments:
 *     - name: stage
 *       context: stage-cluster      # any context of the kubeconfig
 *       namespace: stage
 *       apps: {web: [web, web-worker]}   # or [web]: the Deployment is named as the app
 *     - name: prod
 *       namespace: prod
 *       apps: [web]
 *       requires: {passed: stage, for: 10m}
 *       confirm: twice
 *       expected_differences: [replicas, env.LOG_LEVEL]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project/project.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

static const char *const env_keys[] = { "name", "context", "namespace", "apps", "requires",
					"confirm", "expected_differences", NULL };
static const char *const requires_keys[] = { "passed", "for", NULL };

static int scalar(const struct ynode *n, char **out, const char *file, const char *where,
		  struct err *err)
{
	if (ynode_expect(n, YNODE_SCALAR, file, where, err))
		return -1;
	if (!*n->scalar)
		return err_set(err, "%s:%d:%d: %s: must not be empty", file, n->line, n->col,
			       where);
	free(*out);
	*out = xstrdup(n->scalar);
	return 0;
}

static int names(const struct ynode *n, char ***out, size_t *count, const char *file,
		 const char *where, struct err *err)
{
	if (n->kind == YNODE_SCALAR) {
		*out = xcalloc(1, sizeof **out);
		return scalar(n, &(*out)[(*count)++], file, where, err);
	}
	if (ynode_expect(n, YNODE_SEQ, file, where, err))
		return -1;
	if (!n->n)
		return err_set(err, "%s:%d:%d: %s: name at least one", file, n->line, n->col,
			       where);
	*out = xcalloc(n->n, sizeof **out);
	for (size_t i = 0; i < n->n; i++)
		if (scalar(n->items[i], &(*out)[(*count)++], file, where, err))
			return -1;
	return 0;
}

/* apps: a list of names (each app one Deployment of its name) or a map
 * app → Deployment or list of Deployments. */
static int parse_apps(struct env_conf *e, const struct ynode *n, const char *file,
		      const char *where, struct err *err)
{
	char w[300];

	if (n->kind == YNODE_SEQ) {
		e->apps = xcalloc(n->n ? n->n : 1, sizeof *e->apps);
		for (size_t i = 0; i < n->n; i++) {
			struct env_app *a = &e->apps[e->napps++];

			if (scalar(n->items[i], &a->name, file, where, err))
				return -1;
			a->deployments = xcalloc(1, sizeof *a->deployments);
			a->deployments[a->ndeployments++] = xstrdup(a->name);
		}
	} else {
		if (ynode_expect(n, YNODE_MAP, file, where, err))
			return -1;
		e->apps = xcalloc(n->n ? n->n : 1, sizeof *e->apps);
		for (size_t i = 0; i < n->n; i++) {
			struct env_app *a = &e->apps[e->napps++];

			a->name = xstrdup(n->keys[i]->scalar);
			snprintf(w, sizeof w, "%s.%s", where, a->name);
			if (ynode_is_null(n->items[i])) {
				a->deployments = xcalloc(1, sizeof *a->deployments);
				a->deployments[a->ndeployments++] = xstrdup(a->name);
			} else if (names(n->items[i], &a->deployments, &a->ndeployments, file, w,
					 err)) {
				return -1;
			}
		}
	}
	if (!e->napps)
		return err_set(err, "%s:%d:%d: %s: name at least one app", file, n->line, n->col,
			       where);
	return 0;
}

/* An environment listed before index, by name. */
static const struct env_conf *env_before(const struct project *p, size_t index, const char *name)
{
	for (size_t i = 0; i < index && i < p->nenvs; i++)
		if (!strcmp(p->envs[i].name, name))
			return &p->envs[i];
	return NULL;
}

static int parse_requires(struct project *p, struct env_conf *e, size_t index,
			  const struct ynode *n, const char *file, const char *where,
			  struct err *err)
{
	const struct ynode *v;
	char w[300];

	if (ynode_expect(n, YNODE_MAP, file, where, err)
	    || ynode_check_keys(n, requires_keys, file, where, err))
		return -1;
	snprintf(w, sizeof w, "%s.passed", where);
	if (!(v = ynode_get(n, "passed")))
		return err_set(err, "%s:%d:%d: %s: name the environment it must have passed "
			       "(passed: stage)", file, n->line, n->col, where);
	if (scalar(v, &e->requires_passed, file, w, err))
		return -1;
	if (!env_before(p, index, e->requires_passed))
		return err_set(err, "%s:%d:%d: %s: '%s' is not an environment listed before '%s'",
			       file, v->line, v->col, w, e->requires_passed, e->name);
	if ((v = ynode_get(n, "for"))) {
		const char *s = ynode_str(v);

		e->requires_for_ms = s ? time_parse_duration_ms(s) : -1;
		if (e->requires_for_ms < 0)
			return err_set(err, "%s:%d:%d: %s.for: expected a duration like 10m or 1h",
				       file, v->line, v->col, where);
	}
	return 0;
}

static int parse_env(struct project *p, struct env_conf *e, const struct ynode *n,
		     size_t index, const char *file, struct err *err)
{
	const struct ynode *v;
	char where[200], w[300];

	snprintf(where, sizeof where, "environments[%zu]", index);
	e->line = n->line;
	if (ynode_expect(n, YNODE_MAP, file, where, err)
	    || ynode_check_keys(n, env_keys, file, where, err))
		return -1;
	if (!(v = ynode_get(n, "name")))
		return err_set(err, "%s:%d:%d: %s: an environment needs a name", file, n->line,
			       n->col, where);
	snprintf(w, sizeof w, "%s.name", where);
	if (scalar(v, &e->name, file, w, err))
		return -1;
	if (env_before(p, index, e->name))
		return err_set(err, "%s:%d:%d: %s: environment '%s' is listed twice", file, v->line,
			       v->col, w, e->name);
	snprintf(where, sizeof where, "environments[%zu] (%s)", index, e->name);
	snprintf(w, sizeof w, "%s.context", where);
	if ((v = ynode_get(n, "context")) && scalar(v, &e->context, file, w, err))
		return -1;
	snprintf(w, sizeof w, "%s.namespace", where);
	if ((v = ynode_get(n, "namespace")) && scalar(v, &e->namespace, file, w, err))
		return -1;
	if (!e->namespace)
		e->namespace = xstrdup("default");
	snprintf(w, sizeof w, "%s.apps", where);
	if (!(v = ynode_get(n, "apps")))
		return err_set(err, "%s:%d:%d: %s: say which Deployments make up each app there "
			       "(apps: [web])", file, n->line, n->col, w);
	if (parse_apps(e, v, file, w, err))
		return -1;
	snprintf(w, sizeof w, "%s.requires", where);
	if ((v = ynode_get(n, "requires")) && parse_requires(p, e, index, v, file, w, err))
		return -1;
	if ((v = ynode_get(n, "confirm"))) {
		const char *s = ynode_str(v);

		if (!s || (strcmp(s, "once") && strcmp(s, "twice")))
			return err_set(err, "%s:%d:%d: %s.confirm: expected once or twice", file,
				       v->line, v->col, where);
		e->confirm_twice = !strcmp(s, "twice");
	}
	snprintf(w, sizeof w, "%s.expected_differences", where);
	if ((v = ynode_get(n, "expected_differences"))
	    && names(v, &e->expected, &e->nexpected, file, w, err))
		return -1;
	return 0;
}

int project_parse_envs(struct project *p, const struct ynode *n, const char *name,
		       struct err *err)
{
	if (ynode_is_null(n))
		return 0;
	if (ynode_expect(n, YNODE_SEQ, name, "environments", err))
		return -1;
	p->envs = xcalloc(n->n ? n->n : 1, sizeof *p->envs);
	for (size_t i = 0; i < n->n; i++) {
		/* counted before parsing, so a failure frees what was read */
		if (parse_env(p, &p->envs[p->nenvs++], n->items[i], i, name, err))
			return -1;
	}
	return 0;
}

void project_envs_free(struct project *p)
{
	for (size_t i = 0; i < p->nenvs; i++) {
		struct env_conf *e = &p->envs[i];

		free(e->name);
		free(e->context);
		free(e->namespace);
		for (size_t k = 0; k < e->napps; k++) {
			free(e->apps[k].name);
			for (size_t d = 0; d < e->apps[k].ndeployments; d++)
				free(e->apps[k].deployments[d]);
			free(e->apps[k].deployments);
		}
		free(e->apps);
		free(e->requires_passed);
		for (size_t k = 0; k < e->nexpected; k++)
			free(e->expected[k]);
		free(e->expected);
	}
	free(p->envs);
	p->envs = NULL;
	p->nenvs = 0;
}

const struct env_conf *project_env(const struct project *p, const char *name)
{
	for (size_t i = 0; i < p->nenvs; i++)
		if (p->envs[i].name && !strcmp(p->envs[i].name, name))
			return &p->envs[i];
	return NULL;
}

const struct env_conf *project_env_next(const struct project *p, const struct env_conf *env)
{
	size_t i = (size_t)(env - p->envs);

	return i + 1 < p->nenvs ? &p->envs[i + 1] : NULL;
}

const struct env_app *env_conf_app(const struct env_conf *env, const char *app)
{
	for (size_t i = 0; i < env->napps; i++)
		if (!strcmp(env->apps[i].name, app))
			return &env->apps[i];
	return NULL;
}

const char *project_app_of_deployment(const struct project *p, const char *context,
				      const char *ns, const char *deploy)
{
	for (size_t e = 0; e < p->nenvs; e++) {
		const struct env_conf *c = &p->envs[e];

		if (strcmp(c->namespace, ns ? ns : "") || (c->context && context
							  && strcmp(c->context, context)))
			continue;
		for (size_t a = 0; a < c->napps; a++)
			for (size_t i = 0; i < c->apps[a].ndeployments; i++)
				if (!strcmp(c->apps[a].deployments[i], deploy))
					return c->apps[a].name;
	}
	return NULL;
}
