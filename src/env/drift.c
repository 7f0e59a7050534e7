#include "env/drift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/objects.h"
#include "util/xalloc.h"

/* One environment's fields, as parallel arrays. */
struct fields {
	char **names, **values;
	size_t n, cap;
};

static void add(struct fields *f, char *name, char *value)
{
	for (size_t i = 0; i < f->n; i++) {
		if (!strcmp(f->names[i], name)) {
			free(f->values[i]);
			f->values[i] = value;
			free(name);
			return;
		}
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 32;
		f->names = xrealloc(f->names, f->cap * sizeof *f->names);
		f->values = xrealloc(f->values, f->cap * sizeof *f->values);
	}
	f->names[f->n] = name;
	f->values[f->n++] = value;
}

static void fields_free(struct fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->names[i]);
		free(f->values[i]);
	}
	free(f->names);
	free(f->values);
}

static char *compact(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v), *out = xstrdup(s ? s : "null");

	cJSON_free(s);
	return out;
}

static char *quoted(const char *s)
{
	cJSON *v = cJSON_CreateString(s ? s : "");
	char *out = compact(v);

	cJSON_Delete(v);
	return out;
}

/* A ConfigMap key's value in environment s, quoted, or why it has none. */
static char *cm_value(const struct env_state *s, const char *cm, const char *key)
{
	const char *data = env_state_configmap(s, cm);
	cJSON *d = data ? cJSON_Parse(data) : NULL;
	const cJSON *v = d ? cJSON_GetObjectItemCaseSensitive(d, key) : NULL;
	char *out = cJSON_IsString(v) ? quoted(v->valuestring)
		: xstrdup(data ? "(no such key)" : "(no such ConfigMap)");

	cJSON_Delete(d);
	return out;
}

static void env_fields(struct fields *f, const char *prefix, const cJSON *c,
		       const struct env_state *s)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, kube_json_array(kube_json_path(c, "env"))) {
		const char *name = kube_json_str(e, "name"), *v;
		const cJSON *from = kube_json_object(kube_json_path(e, "valueFrom"));
		char *value;

		if (!name)
			continue;
		if (!from) {
			v = kube_json_str(e, "value");
			value = quoted(v ? v : "");
		} else if (kube_json_path(from, "configMapKeyRef")) {
			const char *cm = kube_json_str(from, "configMapKeyRef.name");
			const char *key = kube_json_str(from, "configMapKeyRef.key");
			char *val = cm_value(s, cm ? cm : "", key ? key : "");

			value = xasprintf("configMap %s key %s = %s", cm ? cm : "?",
					  key ? key : "?", val);
			free(val);
		} else if (kube_json_path(from, "secretKeyRef")) {
			const char *sec = kube_json_str(from, "secretKeyRef.name");
			const char *key = kube_json_str(from, "secretKeyRef.key");

			value = xasprintf("secret %s key %s", sec ? sec : "?", key ? key : "?");
		} else {
			value = compact(from);
		}
		add(f, xasprintf("%s.env.%s", prefix, name), value);
	}
	cJSON_ArrayForEach(e, kube_json_array(kube_json_path(c, "envFrom"))) {
		const char *cm = kube_json_str(e, "configMapRef.name");
		const char *sec = kube_json_str(e, "secretRef.name");

		if (cm) {
			const char *data = env_state_configmap(s, cm);
			cJSON *d = data ? cJSON_Parse(data) : NULL, *kv;

			add(f, xasprintf("%s.envFrom.configMap.%s", prefix, cm),
			    xstrdup(data ? "present" : "(no such ConfigMap)"));
			cJSON_ArrayForEach(kv, d)
				if (cJSON_IsString(kv) && kv->string)
					add(f, xasprintf("%s.envFrom.configMap.%s.%s", prefix, cm,
							 kv->string),
					    quoted(kv->valuestring));
			cJSON_Delete(d);
		} else if (sec) {
			add(f, xasprintf("%s.envFrom.secret.%s", prefix, sec), xstrdup("present"));
		}
	}
}

static void container_fields(struct fields *f, const char *base, const cJSON *c,
			     const struct env_state *s)
{
	static const char *const whole[] = { "image", "command", "args", "resources",
					     "readinessProbe", "livenessProbe", "startupProbe",
					     "lifecycle", "ports", "volumeMounts", NULL };
	const char *name = kube_json_str(c, "name");
	char *prefix = xasprintf("%scontainers.%s", base, name ? name : "?");

	for (const char *const *k = whole; *k; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, *k);

		if (v)
			add(f, xasprintf("%s.%s", prefix, *k),
			    cJSON_IsString(v) ? xstrdup(v->valuestring) : compact(v));
	}
	env_fields(f, prefix, c, s);
	free(prefix);
}

static void deployment_fields(struct fields *f, const char *base, const struct kube_deployment *d,
			      const struct env_state *s)
{
	cJSON *t = cJSON_Parse(d->template_json ? d->template_json : "{}"), *a;
	const cJSON *c, *v;

	add(f, xasprintf("%sreplicas", base), xasprintf("%d", d->replicas));
	add(f, xasprintf("%sstrategy.type", base),
	    xstrdup(d->recreate ? "Recreate" : "RollingUpdate"));
	if (d->max_surge)
		add(f, xasprintf("%sstrategy.maxSurge", base), xstrdup(d->max_surge));
	if (d->max_unavailable)
		add(f, xasprintf("%sstrategy.maxUnavailable", base), xstrdup(d->max_unavailable));
	cJSON_ArrayForEach(a, (cJSON *)kube_json_object(kube_json_path(t, "metadata.annotations")))
		if (a->string)
			add(f, xasprintf("%sannotations.%s", base, a->string),
			    cJSON_IsString(a) ? xstrdup(a->valuestring) : compact(a));
	cJSON_ArrayForEach(c, kube_json_array(kube_json_path(t, "spec.initContainers"))) {
		char *b = xasprintf("%sinit", base);

		container_fields(f, b, c, s);
		free(b);
	}
	cJSON_ArrayForEach(c, kube_json_array(kube_json_path(t, "spec.containers")))
		container_fields(f, base, c, s);
	cJSON_ArrayForEach(v, kube_json_array(kube_json_path(t, "spec.volumes"))) {
		const char *name = kube_json_str(v, "name");

		if (name)
			add(f, xasprintf("%svolumes.%s", base, name), compact(v));
	}
	cJSON_Delete(t);
}

bool drift_expected(const char *field, const char *pattern)
{
	size_t n = strlen(pattern);
	const char *rest;

	if (!strncmp(field, pattern, n) && (!field[n] || field[n] == '.'))
		return true;
	rest = strstr(field, "containers.");
	if (rest && (rest == field || rest[-1] == '.')) {
		rest = strchr(rest + strlen("containers."), '.');
		if (rest && !strncmp(rest + 1, pattern, n) && (!rest[1 + n] || rest[1 + n] == '.'))
			return true;
	}
	return false;
}

static bool is_expected(const struct project *p, const char *field)
{
	for (size_t e = 0; e < p->nenvs; e++)
		for (size_t i = 0; i < p->envs[e].nexpected; i++)
			if (drift_expected(field, p->envs[e].expected[i]))
				return true;
	return false;
}

static bool same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static const char *value_in(const struct fields *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->names[i], name))
			return f->values[i];
	return NULL;
}

static int field_cmp(const void *a, const void *b)
{
	return strcmp(((const struct drift_item *)a)->field, ((const struct drift_item *)b)->field);
}

static void compare(const struct project *p, struct drift *out, struct fields *fs)
{
	size_t cap = 0;

	for (size_t e = 0; e < out->nenvs; e++) {
		for (size_t i = 0; i < fs[e].n; i++) {
			const char *name = fs[e].names[i];
			bool differs = false, seen = false;

			for (size_t k = 0; k < e && !seen; k++)
				seen = value_in(&fs[k], name) != NULL;
			if (seen)
				continue;   /* compared from an earlier environment */
			for (size_t k = 0; k < out->nenvs; k++)
				if (!same(value_in(&fs[k], name), fs[e].values[i]))
					differs = true;
			if (!differs)
				continue;
			if (is_expected(p, name)) {
				out->expected++;
				continue;
			}
			if (out->n == cap) {
				cap = cap ? 2 * cap : 8;
				out->items = xrealloc(out->items, cap * sizeof *out->items);
			}
			out->items[out->n].field = xstrdup(name);
			out->items[out->n].values = xcalloc(out->nenvs, sizeof(char *));
			for (size_t k = 0; k < out->nenvs; k++) {
				const char *v = value_in(&fs[k], name);

				out->items[out->n].values[k] = v ? xstrdup(v) : NULL;
			}
			out->n++;
		}
	}
	if (out->n)
		qsort(out->items, out->n, sizeof *out->items, field_cmp);
}

int env_drift(const struct project *p, const struct store_envs *se, const char *app,
	      struct drift *out, struct err *err)
{
	struct fields *fs;
	size_t lines = 1;

	memset(out, 0, sizeof *out);
	for (size_t e = 0; e < p->nenvs; e++)
		for (size_t a = 0; a < p->envs[e].napps; a++)
			lines += p->envs[e].apps[a].ndeployments + 1;
	out->app = xstrdup(app);
	out->envs = xcalloc(p->nenvs + 1, sizeof *out->envs);
	out->missing = xcalloc(lines, sizeof *out->missing);
	fs = xcalloc(p->nenvs + 1, sizeof *fs);
	for (size_t e = 0; e < p->nenvs; e++) {
		const struct env_app *ea = env_conf_app(&p->envs[e], app);
		const struct env_state *s = store_envs_find(se, p->envs[e].name);
		size_t k = out->nenvs;

		if (!ea)
			continue;
		out->envs[out->nenvs++] = xstrdup(p->envs[e].name);
		if (!s || s->error) {
			out->missing[out->nmissing++] = xasprintf("%s: %s", p->envs[e].name,
				s ? s->error : "not read yet");
			continue;
		}
		for (size_t i = 0; i < ea->ndeployments; i++) {
			const struct kube_deployment *d = env_state_deployment(s,
									       ea->deployments[i]);
			char *base = ea->ndeployments > 1 ? xasprintf("%s.", ea->deployments[i])
				: xstrdup("");

			if (d)
				deployment_fields(&fs[k], base, d, s);
			else
				out->missing[out->nmissing++] = xasprintf("%s: deploy/%s not found "
									  "in namespace %s",
									  p->envs[e].name,
									  ea->deployments[i],
									  p->envs[e].namespace);
			free(base);
		}
	}
	if (!out->nenvs) {
		free(fs);
		drift_free(out);
		return err_set(err,
			       "no environment lists app '%s' (environments: in .shipdeck.yml)",
			       app);
	}
	compare(p, out, fs);
	for (size_t e = 0; e < out->nenvs; e++)
		fields_free(&fs[e]);
	free(fs);
	return 0;
}
