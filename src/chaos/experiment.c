#include "chaos/experiment.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

/* The functions chaostoolkit-kubernetes exports from the modules shipdeck
 * knows; a name not here is a typo that would only fail mid-run. */
static const struct {
	const char *module;
	const char *const funcs[16];
} chaosk8s_funcs[] = {
	{ "chaosk8s.pod.actions", { "terminate_pods", "delete_pods", "exec_in_pods", NULL } },
	{ "chaosk8s.pod.probes", { "read_pod_logs", "pods_in_phase", "pods_in_conditions",
				   "pods_not_in_phase", "count_pods", "pod_is_not_available",
				   "all_pods_healthy", "count_min_pods", "should_be_found_in_logs",
				   NULL } },
	{ "chaosk8s.deployment.actions", { "create_deployment", "delete_deployment",
					   "scale_deployment", "rollout_deployment", NULL } },
	{ "chaosk8s.deployment.probes", { "deployment_available_and_healthy",
					  "deployment_partially_available",
					  "deployment_not_fully_available",
					  "deployment_fully_available", NULL } },
	{ "chaosk8s.node.actions", { "cordon_node", "uncordon_node", "drain_nodes",
				     "delete_nodes", "create_node", "remove_label_from_node",
				     "taint_nodes", "untaint_nodes", NULL } },
	{ "chaosk8s.node.probes", { "get_nodes", "all_nodes_must_be_ready_to_schedule",
				    "verify_nodes_condition", NULL } },
};

static void activity_free(struct chaos_activity *a)
{
	free(a->name);
	free(a->module);
	free(a->func);
	free(a->path);
	free(a->url);
	cJSON_Delete(a->arguments);
	free(a->tolerance);
}

void chaos_experiment_free(struct chaos_experiment *x)
{
	free(x->path);
	free(x->title);
	free(x->description);
	free(x->hypothesis);
	for (size_t i = 0; i < x->nprobes; i++)
		activity_free(&x->probes[i]);
	for (size_t i = 0; i < x->nmethod; i++)
		activity_free(&x->method[i]);
	for (size_t i = 0; i < x->nrollbacks; i++)
		activity_free(&x->rollbacks[i]);
	free(x->probes);
	free(x->method);
	free(x->rollbacks);
	for (size_t i = 0; i < x->nconfiguration; i++)
		free(x->configuration[i]);
	free(x->configuration);
	for (size_t i = 0; i < x->nsecrets; i++)
		free(x->secrets[i]);
	free(x->secrets);
	memset(x, 0, sizeof *x);
}

static int need_string(const struct ynode *map, const char *key, char **out, const char *name,
		       const char *where, struct err *err)
{
	const struct ynode *v = ynode_get(map, key);

	if (!v || ynode_is_null(v))
		return err_set(err, "%s:%d:%d: %s.%s: missing (Chaos Toolkit needs it)", name,
			       map->line, map->col, where, key);
	if (v->kind != YNODE_SCALAR || !*v->scalar)
		return err_set(err, "%s:%d:%d: %s.%s: expected a text", name, v->line, v->col,
			       where, key);
	*out = xstrdup(v->scalar);
	return 0;
}

static int read_pause(const struct ynode *pauses, const char *key, double *out,
		      const char *name, const char *where, struct err *err)
{
	const struct ynode *v = ynode_get(pauses, key);
	char w[300];

	if (!v)
		return 0;
	snprintf(w, sizeof w, "%s.pauses.%s", where, key);
	if (ynode_double(v, out, name, w, err))
		return -1;
	if (*out < 0)
		return err_set(err, "%s:%d:%d: %s: a pause cannot be negative", name, v->line,
			       v->col, w);
	return 0;
}

static bool chaosk8s_known(const char *module, const char *func, bool *module_known)
{
	*module_known = false;
	for (size_t i = 0; i < sizeof chaosk8s_funcs / sizeof *chaosk8s_funcs; i++) {
		if (strcmp(chaosk8s_funcs[i].module, module))
			continue;
		*module_known = true;
		for (const char *const *f = chaosk8s_funcs[i].funcs; *f; f++)
			if (!strcmp(*f, func))
				return true;
	}
	return false;
}

static int parse_provider(struct chaos_activity *a, const struct ynode *n, const char *name,
			  const char *where, struct err *err)
{
	const struct ynode *t, *args;
	char w[300];

	snprintf(w, sizeof w, "%s.provider", where);
	if (ynode_expect(n, YNODE_MAP, name, w, err))
		return -1;
	t = ynode_get(n, "type");
	if (!t || t->kind != YNODE_SCALAR)
		return err_set(err, "%s:%d:%d: %s.type: missing (python, process or http)", name,
			       n->line, n->col, w);
	if (!strcmp(t->scalar, "python")) {
		bool module_known;

		a->provider = CHAOS_PROVIDER_PYTHON;
		if (need_string(n, "module", &a->module, name, w, err)
		    || need_string(n, "func", &a->func, name, w, err))
			return -1;
		if (!strncmp(a->module, "chaosk8s.", 9)
		    && !chaosk8s_known(a->module, a->func, &module_known)) {
			const struct ynode *at = ynode_get(n, module_known ? "func" : "module");

			return err_set(err,
				       "%s:%d:%d: %s.%s: unknown provider: chaostoolkit-kubernetes "
				       "has no %s '%s'", name, at->line, at->col, w,
				       module_known ? "func" : "module",
				       module_known ? "function" : "module",
				       module_known ? a->func : a->module);
		}
	} else if (!strcmp(t->scalar, "process")) {
		a->provider = CHAOS_PROVIDER_PROCESS;
		if (need_string(n, "path", &a->path, name, w, err))
			return -1;
	} else if (!strcmp(t->scalar, "http")) {
		a->provider = CHAOS_PROVIDER_HTTP;
		if (need_string(n, "url", &a->url, name, w, err))
			return -1;
	} else {
		return err_set(err, "%s:%d:%d: %s.type: unknown provider '%s' (python, process or "
			       "http)", name, t->line, t->col, w, t->scalar);
	}
	args = ynode_get(n, "arguments");
	if (args && !ynode_is_null(args)) {
		/* a process takes its arguments as a string or a list too */
		if (args->kind != YNODE_MAP && a->provider != CHAOS_PROVIDER_PROCESS)
			return err_set(err, "%s:%d:%d: %s.arguments: expected a mapping", name,
				       args->line, args->col, w);
		a->arguments = ynode_to_json(args);
	} else {
		a->arguments = cJSON_CreateObject();
	}
	return 0;
}

/* kind: "probe" for the hypothesis, NULL for method and rollbacks (either). */
static int parse_activity(struct chaos_activity *a, const struct ynode *n, const char *kind,
			  const char *name, const char *where, struct err *err)
{
	const struct ynode *t, *v;
	char *type = NULL;
	int rc = -1;

	a->line = n->line;
	a->col = n->col;
	if (ynode_expect(n, YNODE_MAP, name, where, err))
		return -1;
	if (ynode_get(n, "ref"))
		return err_set(err, "%s:%d:%d: %s.ref: references to other activities are not "
			       "supported; write the activity out", name, n->line, n->col, where);
	if (need_string(n, "type", &type, name, where, err))
		return -1;
	t = ynode_get(n, "type");
	if (strcmp(type, "probe") && strcmp(type, "action")) {
		err_set(err, "%s:%d:%d: %s.type: expected probe or action, found '%s'", name,
			t->line, t->col, where, type);
		goto out;
	}
	if (kind && strcmp(type, kind)) {
		err_set(err, "%s:%d:%d: %s.type: the hypothesis holds probes only, found '%s'",
			name, t->line, t->col, where, type);
		goto out;
	}
	a->probe = !strcmp(type, "probe");
	if (need_string(n, "name", &a->name, name, where, err))
		goto out;
	if (!(v = ynode_get(n, "provider"))) {
		err_set(err, "%s:%d:%d: %s.provider: missing (activity '%s')", name, n->line,
			n->col, where, a->name);
		goto out;
	}
	if (parse_provider(a, v, name, where, err))
		goto out;
	if ((v = ynode_get(n, "tolerance"))) {
		cJSON *j = ynode_to_json(v);

		a->tolerance = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
	} else if (kind) {
		err_set(err, "%s:%d:%d: %s.tolerance: missing: a hypothesis probe needs a "
			"tolerance (probe '%s')", name, n->line, n->col, where, a->name);
		goto out;
	}
	if ((v = ynode_get(n, "pauses"))) {
		if (ynode_expect(v, YNODE_MAP, name, where, err)
		    || read_pause(v, "before", &a->pause_before, name, where, err)
		    || read_pause(v, "after", &a->pause_after, name, where, err))
			goto out;
	}
	if ((v = ynode_get(n, "background")) && ynode_bool(v, &a->background, name, where, err))
		goto out;
	rc = 0;
out:
	free(type);
	return rc;
}

static int parse_list(struct chaos_activity **out, size_t *count, const struct ynode *n,
		      const char *kind, const char *name, const char *field, struct err *err)
{
	if (ynode_expect(n, YNODE_SEQ, name, field, err))
		return -1;
	*out = xcalloc(n->n ? n->n : 1, sizeof **out);
	for (size_t i = 0; i < n->n; i++) {
		char where[128];

		snprintf(where, sizeof where, "%s[%zu]", field, i);
		(*count)++;
		if (parse_activity(&(*out)[i], n->items[i], kind, name, where, err))
			return -1;
	}
	return 0;
}

static int parse_root(struct chaos_experiment *x, const struct ynode *root, const char *name,
		      struct err *err)
{
	const struct ynode *h, *v;

	if (ynode_expect(root, YNODE_MAP, name, "the experiment", err)
	    || need_string(root, "title", &x->title, name, "experiment", err)
	    || need_string(root, "description", &x->description, name, "experiment", err))
		return -1;
	h = ynode_get(root, "steady-state-hypothesis");
	if (!h || ynode_is_null(h))
		return err_set(err, "%s:%d:%d: steady-state-hypothesis: missing: shipdeck runs "
			       "experiments that say what steady state they expect", name,
			       root->line, root->col);
	if (ynode_expect(h, YNODE_MAP, name, "steady-state-hypothesis", err)
	    || need_string(h, "title", &x->hypothesis, name, "steady-state-hypothesis", err))
		return -1;
	if (!(v = ynode_get(h, "probes")) || ynode_is_null(v) || (v->kind == YNODE_SEQ && !v->n))
		return err_set(err, "%s:%d:%d: steady-state-hypothesis.probes: at least one probe",
			       name, (v ? v : h)->line, (v ? v : h)->col);
	if (parse_list(&x->probes, &x->nprobes, v, "probe", name,
		       "steady-state-hypothesis.probes", err))
		return -1;
	if (!(v = ynode_get(root, "method")) || ynode_is_null(v)
	    || (v->kind == YNODE_SEQ && !v->n))
		return err_set(err, "%s:%d:%d: method: missing: at least one activity", name,
			       (v ? v : root)->line, (v ? v : root)->col);
	if (parse_list(&x->method, &x->nmethod, v, NULL, name, "method", err))
		return -1;
	if ((v = ynode_get(root, "rollbacks")) && !ynode_is_null(v)
	    && parse_list(&x->rollbacks, &x->nrollbacks, v, NULL, name, "rollbacks", err))
		return -1;
	if ((v = ynode_get(root, "configuration")) && !ynode_is_null(v)) {
		if (ynode_expect(v, YNODE_MAP, name, "configuration", err))
			return -1;
		x->configuration = xcalloc(v->n ? v->n : 1, sizeof *x->configuration);
		for (size_t i = 0; i < v->n; i++)
			x->configuration[x->nconfiguration++] = xstrdup(v->keys[i]->scalar);
	}
	if ((v = ynode_get(root, "secrets")) && !ynode_is_null(v)) {
		size_t cap = 0;

		if (ynode_expect(v, YNODE_MAP, name, "secrets", err))
			return -1;
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *scope = v->items[i];
			char where[160];

			snprintf(where, sizeof where, "secrets.%s", v->keys[i]->scalar);
			if (ynode_expect(scope, YNODE_MAP, name, where, err))
				return -1;
			for (size_t k = 0; k < scope->n; k++) {
				xgrow(&x->secrets, &cap, x->nsecrets + 1, sizeof *x->secrets);
				x->secrets[x->nsecrets++] = xasprintf("%s.%s", v->keys[i]->scalar,
								      scope->keys[k]->scalar);
			}
		}
	}
	return 0;
}

/* cJSON says where it stopped; people need the line and column. */
static int json_error(const char *name, const char *data, size_t len, const char *at,
		      struct err *err)
{
	int line = 1, col = 1;
	bool early = true;

	if (!at || at < data || at > data + len)
		at = data + len;
	/* nothing but white space after where cJSON stopped: it ran out */
	for (const char *p = at < data + len ? at + 1 : at; p < data + len; p++)
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			early = false;
	for (const char *p = data; p < at; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return err_set(err, "%s:%d:%d: not valid JSON%s", name, line, col,
		       early ? ": it ends too early (a [ or { is not closed)" : "");
}

static bool is_json_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 5 && !strcmp(name + n - 5, ".json");
}

int chaos_experiment_parse(struct chaos_experiment *x, const char *name, const char *data,
			   size_t len, struct err *err)
{
	struct ydoc doc = { 0 };
	int rc = -1;

	memset(x, 0, sizeof *x);
	x->path = xstrdup(name);
	if (is_json_name(name)) {
		const char *end = NULL;
		cJSON *j = cJSON_ParseWithLengthOpts(data, len, &end, false);

		if (!j) {
			json_error(name, data, len, end ? end : cJSON_GetErrorPtr(), err);
			goto fail;
		}
		cJSON_Delete(j);
	}
	/* JSON is YAML too: one reader gives every error its line and column */
	if (ydoc_parse(&doc, name, data, len, err))
		goto fail;
	if (doc.n != 1) {
		err_set(err, "%s: expected one experiment, found %zu documents", name, doc.n);
		goto out;
	}
	rc = parse_root(x, doc.roots[0], name, err);
out:
	ydoc_free(&doc);
fail:
	if (rc)
		chaos_experiment_free(x);
	return rc;
}

int chaos_experiment_load(struct chaos_experiment *x, const char *path, struct err *err)
{
	size_t len;
	char *data = file_read_all(path, &len, err);
	int rc;

	if (!data) {
		memset(x, 0, sizeof *x);
		return -1;
	}
	rc = chaos_experiment_parse(x, path, data, len, err);
	free(data);
	return rc;
}

char *chaos_activity_describe(const struct chaos_activity *a)
{
	switch (a->provider) {
	case CHAOS_PROVIDER_PYTHON:
		return xasprintf("python %s.%s", a->module, a->func);
	case CHAOS_PROVIDER_PROCESS:
		return xasprintf("process %s", a->path);
	case CHAOS_PROVIDER_HTTP:
		return xasprintf("http %s", a->url);
	}
	return xstrdup("?");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool experiment_name(const char *n)
{
	size_t l = strlen(n);

	if (n[0] == '.')
		return false;
	return (l > 5 && !strcmp(n + l - 5, ".json")) || (l > 5 && !strcmp(n + l - 5, ".yaml"))
		|| (l > 4 && !strcmp(n + l - 4, ".yml"));
}

int chaos_experiment_list(const char *dir, char ***paths, size_t *n, struct err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*paths = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return err_set(err, "%s: %s", dir, strerror(errno));
	}
	while ((e = readdir(d))) {
		if (!experiment_name(e->d_name))
			continue;
		xgrow(paths, &cap, *n + 1, sizeof **paths);
		(*paths)[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*paths, *n, sizeof **paths, by_name);
	return 0;
}
