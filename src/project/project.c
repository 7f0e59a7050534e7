#include "project/project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

/* project_ci.c */
int project_parse_ci(struct project *p, const struct ynode *n, const char *name,
		     struct err *err);

static const char *const top_keys[] = { "image", "registries", "pipeline", "prometheus",
					"apps", "chaos", "ci", "environments", NULL };
static const char *const chaos_keys[] = { "dir", "max_pods", "namespaces", NULL };
static const char *const image_keys[] = { "name", "tag", "size_growth_warn", NULL };
static const char *const registry_keys[] = { "plain_http", "insecure_skip_verify",
					     "username_env", "password_env", NULL };
static const char *const pipeline_keys[] = { "file", "test_steps", "concurrency", "runtime",
					     NULL };
static const char *const app_keys[] = { "namespace", "strategy", "steps", "interval",
					"threshold", "min_samples", "pass_score", "marginal_score",
					"metrics", NULL };
static const char *const metric_keys[] = { "name", "query", "better", "min", "max", NULL };

static void set_defaults(struct project *p)
{
	memset(p, 0, sizeof *p);
	p->image_tag = xstrdup("{sha7}-{build}");
	p->size_growth_warn = 0.2;
	p->pipeline_file = xstrdup(".drone.yml");
	p->concurrency = 2;
	p->pipeline_runtime = xstrdup("auto");
	p->chaos.dir = xstrdup("chaos");
	p->chaos.max_pods = 1;
}

/* The defaults measure the sandbox's own metric names. */
static void default_metrics(struct app_conf *a)
{
	a->nmetrics = 2;
	a->metrics = xcalloc(2, sizeof *a->metrics);
	a->metrics[0] = (struct metric_conf){
		.name = xstrdup("success-rate"),
		.query = xstrdup("sum(rate(sandbox_http_requests_total{namespace=\"{namespace}\","
				 "deployment=\"{deployment}\",code!~\"5..\"}[{interval}])) / "
				 "sum(rate(sandbox_http_requests_total{namespace=\"{namespace}\","
				 "deployment=\"{deployment}\"}[{interval}]))"),
		.higher_is_better = true, .has_min = true, .min = 0.99,
	};
	a->metrics[1] = (struct metric_conf){
		.name = xstrdup("latency-p99"),
		.query = xstrdup("histogram_quantile(0.99, sum(rate("
				 "sandbox_http_request_duration_seconds_bucket{"
				 "namespace=\"{namespace}\","
				 "deployment=\"{deployment}\"}[{interval}])) by (le))"),
		.higher_is_better = false, .has_max = true, .max = 0.5,
	};
}

static int read_string(const struct ynode *n, char **out, const char *name, const char *where,
		       struct err *err)
{
	if (ynode_expect(n, YNODE_SCALAR, name, where, err))
		return -1;
	free(*out);
	*out = xstrdup(n->scalar);
	return 0;
}

static int parse_image(struct project *p, const struct ynode *n, const char *name,
		       struct err *err)
{
	const struct ynode *v;

	if (ynode_expect(n, YNODE_MAP, name, "image", err)
	    || ynode_check_keys(n, image_keys, name, "image", err))
		return -1;
	if ((v = ynode_get(n, "name")) && read_string(v, &p->image_name, name, "image.name", err))
		return -1;
	if ((v = ynode_get(n, "tag"))) {
		if (read_string(v, &p->image_tag, name, "image.tag", err))
			return -1;
		if (project_check_tag_template(p->image_tag, err))
			return err_prefix(err, "%s:%d:%d: image.tag", name, v->line, v->col);
	}
	if ((v = ynode_get(n, "size_growth_warn"))
	    && ynode_double(v, &p->size_growth_warn, name, "image.size_growth_warn", err))
		return -1;
	return 0;
}

static int parse_registries(struct project *p, const struct ynode *n, const char *name,
			    struct err *err)
{
	if (ynode_expect(n, YNODE_MAP, name, "registries", err))
		return -1;
	p->registries = xcalloc(n->n, sizeof *p->registries);
	for (size_t i = 0; i < n->n; i++) {
		struct registry_conf *r = &p->registries[p->nregistries++];
		const struct ynode *m = n->items[i], *v;
		const char *host = n->keys[i]->scalar;
		char where[256];

		r->host = xstrdup(host);
		r->plain_http = !strncmp(host, "127.", 4) || !strncmp(host, "localhost", 9)
			|| !strncmp(host, "[::1]", 5);
		snprintf(where, sizeof where, "registries.%s", host);
		if (ynode_is_null(m))
			continue;
		if (ynode_expect(m, YNODE_MAP, name, where, err)
		    || ynode_check_keys(m, registry_keys, name, where, err))
			return -1;
		if ((v = ynode_get(m, "plain_http"))
		    && ynode_bool(v, &r->plain_http, name, where, err))
			return -1;
		if ((v = ynode_get(m, "insecure_skip_verify"))
		    && ynode_bool(v, &r->insecure_skip_verify, name, where, err))
			return -1;
		if ((v = ynode_get(m, "username_env"))
		    && read_string(v, &r->username_env, name, where, err))
			return -1;
		if ((v = ynode_get(m, "password_env"))
		    && read_string(v, &r->password_env, name, where, err))
			return -1;
	}
	return 0;
}

static int parse_string_list(const struct ynode *n, char ***out, size_t *count,
			     const char *name, const char *where, struct err *err)
{
	if (ynode_expect(n, YNODE_SEQ, name, where, err))
		return -1;
	*out = xcalloc(n->n, sizeof **out);
	for (size_t i = 0; i < n->n; i++) {
		if (ynode_expect(n->items[i], YNODE_SCALAR, name, where, err))
			return -1;
		(*out)[(*count)++] = xstrdup(n->items[i]->scalar);
	}
	return 0;
}

static int parse_pipeline(struct project *p, const struct ynode *n, const char *name,
			  struct err *err)
{
	const struct ynode *v;
	long long c;

	if (ynode_expect(n, YNODE_MAP, name, "pipeline", err)
	    || ynode_check_keys(n, pipeline_keys, name, "pipeline", err))
		return -1;
	if ((v = ynode_get(n, "file")) && read_string(v, &p->pipeline_file, name, "pipeline.file",
						      err))
		return -1;
	if ((v = ynode_get(n, "test_steps"))
	    && parse_string_list(v, &p->test_steps, &p->ntest_steps, name, "pipeline.test_steps",
				 err))
		return -1;
	if ((v = ynode_get(n, "concurrency"))) {
		if (ynode_int(v, &c, name, "pipeline.concurrency", err))
			return -1;
		if (c < 1 || c > 64)
			return err_set(err,
				       "%s:%d:%d: pipeline.concurrency: must be 1–64, found %lld",
				       name, v->line, v->col, c);
		p->concurrency = (int)c;
	}
	if ((v = ynode_get(n, "runtime"))) {
		if (read_string(v, &p->pipeline_runtime, name, "pipeline.runtime", err))
			return -1;
		if (strcmp(p->pipeline_runtime, "host") && strcmp(p->pipeline_runtime, "podman")
		    && strcmp(p->pipeline_runtime, "docker") && strcmp(p->pipeline_runtime, "auto"))
			return err_set(err,
				       "%s:%d:%d: pipeline.runtime: expected host, podman, docker "
				       "or auto, found '%s'", name, v->line, v->col,
				       p->pipeline_runtime);
	}
	return 0;
}

static int parse_metric(struct metric_conf *m, const struct ynode *n, const char *name,
			const char *where, struct err *err)
{
	const struct ynode *v;

	if (ynode_expect(n, YNODE_MAP, name, where, err)
	    || ynode_check_keys(n, metric_keys, name, where, err))
		return -1;
	if (!(v = ynode_get(n, "name")))
		return err_set(err, "%s:%d:%d: %s: a metric needs a name", name, n->line, n->col,
			       where);
	if (read_string(v, &m->name, name, where, err))
		return -1;
	if (!(v = ynode_get(n, "query")))
		return err_set(err, "%s:%d:%d: %s: metric '%s' needs a query", name, n->line,
			       n->col, where, m->name);
	if (read_string(v, &m->query, name, where, err))
		return -1;
	m->higher_is_better = true;
	if ((v = ynode_get(n, "better"))) {
		const char *b = ynode_str(v);

		if (!b || (strcmp(b, "higher") && strcmp(b, "lower")))
			return err_set(err, "%s:%d:%d: %s.better: expected higher or lower", name,
				       v->line, v->col, where);
		m->higher_is_better = !strcmp(b, "higher");
	}
	if ((v = ynode_get(n, "min"))) {
		if (ynode_double(v, &m->min, name, where, err))
			return -1;
		m->has_min = true;
	}
	if ((v = ynode_get(n, "max"))) {
		if (ynode_double(v, &m->max, name, where, err))
			return -1;
		m->has_max = true;
	}
	return 0;
}

static int parse_steps(struct app_conf *a, const struct ynode *n, const char *name,
		       const char *where, struct err *err)
{
	if (ynode_expect(n, YNODE_SEQ, name, where, err))
		return -1;
	if (!n->n)
		return err_set(err, "%s:%d:%d: %s: at least one step", name, n->line, n->col,
			       where);
	free(a->steps);
	a->steps = xcalloc(n->n, sizeof *a->steps);
	a->nsteps = 0;
	for (size_t i = 0; i < n->n; i++) {
		long long s;

		if (ynode_int(n->items[i], &s, name, where, err))
			return -1;
		if (s < 1 || s > 100 || (i && s <= a->steps[i - 1]))
			return err_set(err, "%s:%d:%d: %s: steps are percentages that increase "
				       "from 1 to 100", name, n->items[i]->line, n->items[i]->col,
				       where);
		a->steps[a->nsteps++] = (int)s;
	}
	if (a->steps[a->nsteps - 1] != 100)
		return err_set(err, "%s:%d:%d: %s: the last step must be 100", name, n->line,
			       n->col, where);
	return 0;
}

static int parse_app(struct app_conf *a, const char *app_name, const struct ynode *n,
		     const char *name, struct err *err)
{
	const struct ynode *v;
	char where[256];
	long long ll;

	a->name = xstrdup(app_name);
	a->strategy = RELEASE_CANARY;
	a->nsteps = 4;
	a->steps = xcalloc(4, sizeof *a->steps);
	memcpy(a->steps, (int[]){ 10, 25, 50, 100 }, 4 * sizeof(int));
	a->interval_ms = 10000;
	a->threshold = 2;
	a->pass_score = 95;
	a->marginal_score = 75;
	snprintf(where, sizeof where, "apps.%s", app_name);
	if (ynode_is_null(n)) {
		default_metrics(a);
		return 0;
	}
	if (ynode_expect(n, YNODE_MAP, name, where, err)
	    || ynode_check_keys(n, app_keys, name, where, err))
		return -1;
	if ((v = ynode_get(n, "namespace")) && read_string(v, &a->namespace, name, where, err))
		return -1;
	if ((v = ynode_get(n, "strategy"))) {
		const char *s = ynode_str(v);

		if (s && !strcmp(s, "canary"))
			a->strategy = RELEASE_CANARY;
		else if (s && !strcmp(s, "blue-green"))
			a->strategy = RELEASE_BLUE_GREEN;
		else
			return err_set(err, "%s:%d:%d: %s.strategy: expected canary or blue-green",
				       name, v->line, v->col, where);
	}
	if ((v = ynode_get(n, "steps")) && parse_steps(a, v, name, where, err))
		return -1;
	if ((v = ynode_get(n, "interval"))) {
		const char *s = ynode_str(v);

		a->interval_ms = s ? time_parse_duration_ms(s) : -1;
		if (a->interval_ms < 1000)
			return err_set(err,
				       "%s:%d:%d: %s.interval: expected a duration of at least 1s "
				       "like 10s or 1m", name, v->line, v->col, where);
	}
	if ((v = ynode_get(n, "threshold"))) {
		if (ynode_int(v, &ll, name, where, err))
			return -1;
		if (ll < 1)
			return err_set(err, "%s:%d:%d: %s.threshold: must be at least 1", name,
				       v->line, v->col, where);
		a->threshold = (int)ll;
	}
	if ((v = ynode_get(n, "min_samples"))) {
		if (ynode_int(v, &ll, name, where, err))
			return -1;
		if (ll < 1 || ll > 10000)
			return err_set(err,
				       "%s:%d:%d: %s.min_samples: expected 1 to 10000 samples per "
				       "side", name, v->line, v->col, where);
		a->min_samples = (int)ll;
	}
	if ((v = ynode_get(n, "pass_score")) && ynode_double(v, &a->pass_score, name, where, err))
		return -1;
	if ((v = ynode_get(n, "marginal_score"))
	    && ynode_double(v, &a->marginal_score, name, where, err))
		return -1;
	if (a->marginal_score > a->pass_score)
		return err_set(err, "%s: %s: marginal_score (%g) is above pass_score (%g)", name,
			       where, a->marginal_score, a->pass_score);
	if ((v = ynode_get(n, "metrics"))) {
		if (ynode_expect(v, YNODE_SEQ, name, where, err))
			return -1;
		a->metrics = xcalloc(v->n, sizeof *a->metrics);
		for (size_t i = 0; i < v->n; i++) {
			char mwhere[300];

			snprintf(mwhere, sizeof mwhere, "%s.metrics[%zu]", where, i);
			if (parse_metric(&a->metrics[a->nmetrics++], v->items[i], name, mwhere,
					 err))
				return -1;
		}
	} else {
		default_metrics(a);
	}
	return 0;
}

static int parse_apps(struct project *p, const struct ynode *n, const char *name,
		      struct err *err)
{
	if (ynode_expect(n, YNODE_MAP, name, "apps", err))
		return -1;
	p->apps = xcalloc(n->n, sizeof *p->apps);
	for (size_t i = 0; i < n->n; i++)
		if (parse_app(&p->apps[p->napps++], n->keys[i]->scalar, n->items[i], name, err))
			return -1;
	return 0;
}

/* max_pods: a count ("2") or a share of the target deployment's replicas ("34%"). */
static int parse_chaos(struct project *p, const struct ynode *n, const char *name,
		       struct err *err)
{
	const struct ynode *v;

	if (ynode_expect(n, YNODE_MAP, name, "chaos", err)
	    || ynode_check_keys(n, chaos_keys, name, "chaos", err))
		return -1;
	if ((v = ynode_get(n, "dir")) && read_string(v, &p->chaos.dir, name, "chaos.dir", err))
		return -1;
	if ((v = ynode_get(n, "max_pods"))) {
		const char *s = ynode_str(v);
		char *end = NULL;
		long long c = s ? strtoll(s, &end, 10) : -1;

		if (s && end != s && !strcmp(end, "%") && c >= 1 && c <= 100) {
			p->chaos.max_pods_percent = (int)c;
			p->chaos.max_pods = 0;
		} else if (s && end != s && !*end && c >= 0 && c <= 100000) {
			p->chaos.max_pods = (int)c;
		} else {
			return err_set(err, "%s:%d:%d: chaos.max_pods: expected a count like 1 or "
				       "a share of replicas like \"34%%\", found '%s'", name,
				       v->line, v->col, s ? s : "a collection");
		}
	}
	if ((v = ynode_get(n, "namespaces"))
	    && parse_string_list(v, &p->chaos.namespaces, &p->chaos.nnamespaces, name,
				 "chaos.namespaces", err))
		return -1;
	return 0;
}

int project_parse(struct project *p, const char *name, const char *data, size_t len,
		  struct err *err)
{
	struct ydoc doc;
	const struct ynode *root, *v;
	int rc = -1;

	set_defaults(p);
	p->path = xstrdup(name);
	if (ydoc_parse(&doc, name, data, len, err))
		goto fail;
	if (doc.n > 1) {
		err_set(err, "%s: expected one YAML document, found %zu", name, doc.n);
		goto out;
	}
	root = doc.n ? doc.roots[0] : NULL;
	if (!root || ynode_is_null(root)) {
		rc = 0;
		goto out;
	}
	if (ynode_expect(root, YNODE_MAP, name, "the top level", err)
	    || ynode_check_keys(root, top_keys, name, "the top level", err))
		goto out;
	if ((v = ynode_get(root, "image")) && parse_image(p, v, name, err))
		goto out;
	if ((v = ynode_get(root, "registries")) && parse_registries(p, v, name, err))
		goto out;
	if ((v = ynode_get(root, "pipeline")) && parse_pipeline(p, v, name, err))
		goto out;
	if ((v = ynode_get(root, "prometheus")) && read_string((struct ynode *)v, &p->prometheus,
							       name, "prometheus", err))
		goto out;
	if ((v = ynode_get(root, "apps")) && parse_apps(p, v, name, err))
		goto out;
	if ((v = ynode_get(root, "chaos")) && parse_chaos(p, v, name, err))
		goto out;
	if ((v = ynode_get(root, "environments")) && project_parse_envs(p, v, name, err))
		goto out;
	if ((v = ynode_get(root, "ci")) && project_parse_ci(p, v, name, err))
		goto out;
	rc = 0;
out:
	ydoc_free(&doc);
fail:
	if (rc)
		project_free(p);
	return rc;
}

int project_load(struct project *p, const char *repo_root, struct err *err)
{
	char *path;
	char *data;
	size_t len;
	int rc;

	if (!repo_root) {
		set_defaults(p);
		return 0;
	}
	path = xasprintf("%s/.shipdeck.yml", repo_root);
	if (!file_exists(path)) {
		free(path);
		set_defaults(p);
		return 0;
	}
	data = file_read_all(path, &len, err);
	if (!data) {
		free(path);
		set_defaults(p);
		return -1;
	}
	rc = project_parse(p, path, data, len, err);
	free(data);
	free(path);
	return rc;
}

static void metric_free(struct metric_conf *m)
{
	free(m->name);
	free(m->query);
}

void project_free(struct project *p)
{
	free(p->path);
	free(p->image_name);
	free(p->image_tag);
	for (size_t i = 0; i < p->nregistries; i++) {
		free(p->registries[i].host);
		free(p->registries[i].username_env);
		free(p->registries[i].password_env);
	}
	free(p->registries);
	free(p->pipeline_file);
	free(p->pipeline_runtime);
	for (size_t i = 0; i < p->ntest_steps; i++)
		free(p->test_steps[i]);
	free(p->test_steps);
	free(p->prometheus);
	for (size_t i = 0; i < p->napps; i++) {
		struct app_conf *a = &p->apps[i];

		free(a->name);
		free(a->namespace);
		free(a->steps);
		for (size_t k = 0; k < a->nmetrics; k++)
			metric_free(&a->metrics[k]);
		free(a->metrics);
	}
	free(p->apps);
	free(p->chaos.dir);
	for (size_t i = 0; i < p->chaos.nnamespaces; i++)
		free(p->chaos.namespaces[i]);
	free(p->chaos.namespaces);
	project_envs_free(p);
	for (size_t i = 0; i < p->nci; i++) {
		free(p->ci[i].url);
		free(p->ci[i].repo);
		free(p->ci[i].token_env);
	}
	free(p->ci);
	memset(p, 0, sizeof *p);
}

const struct app_conf *project_app(const struct project *p, const char *name)
{
	for (size_t i = 0; i < p->napps; i++)
		if (!strcmp(p->apps[i].name, name))
			return &p->apps[i];
	return NULL;
}

const struct registry_conf *project_registry(const struct project *p, const char *host)
{
	for (size_t i = 0; i < p->nregistries; i++)
		if (!strcmp(p->registries[i].host, host))
			return &p->registries[i];
	return NULL;
}

int project_check_tag_template(const char *tmpl, struct err *err)
{
	static const char *const known[] = { "{sha}", "{sha7}", "{build}", "{branch}",
					     "{system}", NULL };
	bool unique = false;

	for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
		const char *const *k;

		for (k = known; *k; k++)
			if (!strncmp(p, *k, strlen(*k)))
				break;
		if (!*k)
			return err_set(err, "unknown placeholder in '%s' (known: {sha} {sha7} "
				       "{build} {branch} {system})", tmpl);
		if (!strcmp(*k, "{sha}") || !strcmp(*k, "{sha7}") || !strcmp(*k, "{build}"))
			unique = true;
	}
	if (!strcmp(tmpl, "latest"))
		return err_set(err, "'latest' is not a version: use {sha7}-{build}");
	if (!unique)
		return err_set(err, "'%s' is the same for every build: include {build}, {sha} "
			       "or {sha7}", tmpl);
	return 0;
}
