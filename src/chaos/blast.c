#include "chaos/blast.h"

#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/xalloc.h"

void chaos_blast_free(struct chaos_blast *b)
{
	for (size_t i = 0; i < b->nlines; i++)
		free(b->lines[i]);
	free(b->lines);
	free(b->summary);
	free(b->namespace);
	free(b->deployment);
	free(b->refusal);
	memset(b, 0, sizeof *b);
}

/* The value of key in "a=b,c=d", or NULL (copied into buf). */
static const char *label_value(const char *labels, const char *key, char *buf, size_t size)
{
	size_t kl = strlen(key);

	for (const char *p = labels; p && *p;) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));

		if (eq && (size_t)(eq - p) == kl && !strncmp(p, key, kl)) {
			snprintf(buf, size, "%.*s", (int)(end - eq - 1), eq + 1);
			return buf;
		}
		p = comma ? comma + 1 : end;
	}
	return NULL;
}

static void trim(char *s)
{
	size_t n;

	while (*s == ' ')
		memmove(s, s + 1, strlen(s));
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

int chaos_selector_match(const char *selector, const char *labels, struct err *err)
{
	char *copy = xstrdup(selector ? selector : ""), *save = NULL;
	int rc = 1;

	if (strchr(copy, '(')) {
		free(copy);
		return err_set(err, "label selector '%s': set-based forms (in, notin) are not "
			       "resolved by shipdeck; use key=value", selector);
	}
	for (char *t = strtok_r(copy, ",", &save); t && rc == 1; t = strtok_r(NULL, ",", &save)) {
		char buf[256], *op;
		const char *have;
		bool neg = false;

		trim(t);
		if (!*t)
			continue;
		if ((op = strstr(t, "!="))) {
			*op = '\0';
			neg = true;
			op += 2;
		} else if ((op = strstr(t, "=="))) {
			*op = '\0';
			op += 2;
		} else if ((op = strchr(t, '='))) {
			*op++ = '\0';
		}
		if (!op) {
			bool absent = t[0] == '!';
			const char *key = absent ? t + 1 : t;

			trim((char *)key);
			have = label_value(labels, key, buf, sizeof buf);
			if (absent == (have != NULL))
				rc = 0;
			continue;
		}
		trim(t);
		trim(op);
		have = label_value(labels, t, buf, sizeof buf);
		if (neg ? (have && !strcmp(have, op)) : (!have || strcmp(have, op)))
			rc = 0;
	}
	free(copy);
	return rc;
}

/* The pod template's labels as "a=b,c=d" (caller frees). */
static char *template_labels(const struct kube_deployment *d)
{
	cJSON *t = d->template_json ? cJSON_Parse(d->template_json) : NULL;
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(t, "metadata"), "labels");
	const cJSON *l;
	char *out = xstrdup("");

	cJSON_ArrayForEach(l, labels) {
		char *next;

		if (!cJSON_IsString(l))
			continue;
		next = xasprintf("%s%s%s=%s", out, *out ? "," : "", l->string, l->valuestring);
		free(out);
		out = next;
	}
	cJSON_Delete(t);
	return out;
}

static const char *arg_str(const cJSON *args, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : def;
}

static double arg_num(const cJSON *args, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsString(v) && *v->valuestring) {
		char *end;
		double d = strtod(v->valuestring, &end);

		if (!*end)
			return d;
	}
	return def;
}

static bool arg_bool(const cJSON *args, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

	return cJSON_IsTrue(v) || (cJSON_IsString(v) && !strcmp(v->valuestring, "true"));
}

/* The pods of deployments in ns that a pod action would choose from. */
struct candidates {
	int pods;                   /* matching, not being deleted */
	int deployments;
	char *deploy;               /* the one deployment, or the first */
	int replicas;               /* the first deployment's spec.replicas */
	char *names;                /* "deploy/a 2, deploy/b 1" */
};

static void candidates_free(struct candidates *c)
{
	free(c->deploy);
	free(c->names);
}

static int count_pods(const struct store_kube *k, const char *ns, const char *selector,
		      const char *pattern, const char *only_deploy, struct candidates *c,
		      struct err *err)
{
	const struct kube_table *t = &k->tables[KUBE_DEPLOYMENTS];
	regex_t re;
	bool have_re = false;
	int rc = -1;

	memset(c, 0, sizeof *c);
	c->names = xstrdup("");
	if (pattern) {
		if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
			return err_set(err,
				       "name pattern '%s' is not a regular expression shipdeck can "
				       "read", pattern);
		have_re = true;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct kube_deployment *d = t->items[i];
		const struct kube_replicaset *rss[64];
		size_t nrs;
		int n = 0;

		if (strcmp(d->meta.namespace, ns)
		    || (only_deploy && strcmp(d->meta.name, only_deploy)))
			continue;
		if (selector) {
			char *labels = template_labels(d);
			int m = chaos_selector_match(selector, labels, err);

			free(labels);
			if (m < 0)
				goto out;
			if (!m)
				continue;
		}
		nrs = store_kube_replicasets_of(k, d, rss, 64);
		for (size_t r = 0; r < nrs; r++) {
			const struct kube_pod *pods[512];
			size_t np = store_kube_pods_of(k, rss[r], pods, 512);

			for (size_t p = 0; p < np; p++)
				if (!pods[p]->deleting
				    && (!have_re || !regexec(&re, pods[p]->meta.name, 0, NULL, 0)))
					n++;
		}
		if (!n && !only_deploy)
			continue;
		if (!c->deploy) {
			c->deploy = xstrdup(d->meta.name);
			c->replicas = d->replicas;
		}
		{
			char *next = xasprintf("%s%sdeploy/%s %d", c->names, *c->names ? ", " : "",
					       d->meta.name, n);

			free(c->names);
			c->names = next;
		}
		c->deployments++;
		c->pods += n;
	}
	rc = 0;
out:
	if (have_re)
		regfree(&re);
	return rc;
}

static void add_line(struct chaos_blast *b, char *line)
{
	b->lines = xrealloc(b->lines, (b->nlines + 1) * sizeof *b->lines);
	b->lines[b->nlines++] = line;
}

static void set_target(struct chaos_blast *b, const char *ns, const char *deploy)
{
	if (b->deployment || !deploy)
		return;
	b->namespace = xstrdup(ns);
	b->deployment = xstrdup(deploy);
}

static bool ns_allowed(const struct chaos_conf *l, const char *current_ns, const char *ns)
{
	if (!l->nnamespaces)
		return !strcmp(ns, current_ns);
	for (size_t i = 0; i < l->nnamespaces; i++)
		if (!strcmp(l->namespaces[i], ns))
			return true;
	return false;
}

static char *allowed_text(const struct chaos_conf *l, const char *current_ns)
{
	char *s;

	if (!l->nnamespaces)
		return xasprintf("only the namespace in use, %s (chaos.namespaces is not set)",
				 current_ns);
	s = xstrdup("chaos.namespaces: ");
	for (size_t i = 0; i < l->nnamespaces; i++) {
		char *next = xasprintf("%s%s%s", s, i ? ", " : "", l->namespaces[i]);

		free(s);
		s = next;
	}
	return s;
}

static void refuse(struct chaos_blast *b, char *why)
{
	if (b->refusal)
		free(why);
	else
		b->refusal = why;
}

/* What a pod-killing activity would kill; adds its line and counts it. */
/* An activity resolved: its line (the summary when it is the first to touch
 * pods), its kills, its target, and a refusal when its namespace is not
 * allowed. Takes line. */
static void record(struct chaos_blast *b, const struct chaos_conf *l, const char *current_ns,
		   const struct chaos_activity *a, const char *ns, const char *deploy, char *line,
		   int kill, bool summarises)
{
	add_line(b, line);
	if (!b->summary && summarises)
		b->summary = xstrdup(line);
	b->pods += kill;
	set_target(b, ns, deploy);
	if (!ns_allowed(l, current_ns, ns)) {
		char *allowed = allowed_text(l, current_ns);

		refuse(b, xasprintf("activity '%s' acts in namespace %s; allowed: %s", a->name, ns,
				    allowed));
		free(allowed);
	}
}

static int resolve_pods(struct chaos_blast *b, const struct chaos_activity *a,
			const struct store_kube *k, const struct chaos_conf *l,
			const char *current_ns, struct err *err)
{
	const cJSON *args = a->arguments;
	const char *ns = arg_str(args, "ns", "default");
	bool terminate = !strcmp(a->func, "terminate_pods");
	const char *selector = arg_str(args, "label_selector", NULL);
	const char *pattern = arg_str(args, terminate ? "name_pattern" : "name", NULL);
	bool all = terminate && arg_bool(args, "all");
	const char *mode = terminate ? arg_str(args, "mode", "fixed") : "fixed";
	double qty = terminate ? arg_num(args, "qty", 1) : 1;
	struct candidates c;
	int kill;
	char *line;

	if (count_pods(k, ns, selector, pattern, NULL, &c, err))
		return err_prefix(err, "line %d: method activity '%s'", a->line,
				  a->name);
	if (all)
		kill = c.pods;
	else if (!strcmp(mode, "percentage"))
		kill = (int)ceil(qty * c.pods / 100.0);
	else
		kill = qty < c.pods ? (int)qty : c.pods;
	if (kill < 0)
		kill = 0;
	if (c.deployments == 1)
		line = xasprintf("kills %d of %d pod%s of deploy/%s in %s", kill, c.pods,
				 c.pods == 1 ? "" : "s", c.deploy, ns);
	else if (c.deployments > 1)
		line = xasprintf("kills %d of %d pods (%s) in %s", kill, c.pods, c.names, ns);
	else
		line = xasprintf("kills %d pods: none match%s%s%s%s in %s", kill,
				 selector ? " label selector " : "", selector ? selector : "",
				 pattern ? " name pattern " : "", pattern ? pattern : "", ns);
	record(b, l, current_ns, a, ns, c.deploy, line, kill, c.pods > 0);
	if (l->max_pods_percent && c.replicas > 0
	    && kill * 100 > l->max_pods_percent * c.replicas)
		refuse(b, xasprintf("%s: more than chaos.max_pods %d%% of deploy/%s's %d "
				    "replicas", line, l->max_pods_percent, c.deploy, c.replicas));
	candidates_free(&c);
	return 0;
}

static int resolve_deployment(struct chaos_blast *b, const struct chaos_activity *a,
			      const struct store_kube *k, const struct chaos_conf *l,
			      const char *current_ns, struct err *err)
{
	const cJSON *args = a->arguments;
	const char *ns = arg_str(args, "ns", "default");
	const char *name = arg_str(args, "name", NULL);
	struct candidates c;
	int kill = 0;
	char *line;

	if (count_pods(k, ns, name ? NULL : arg_str(args, "label_selector", NULL), NULL, name, &c,
		       err))
		return err_prefix(err, "line %d: method activity '%s'", a->line,
				  a->name);
	if (!strcmp(a->func, "scale_deployment")) {
		int to = (int)arg_num(args, "replicas", -1);

		kill = to >= 0 && to < c.replicas ? c.replicas - to : 0;
		line = xasprintf("scales deploy/%s in %s from %d to %d replicas (kills %d pod%s)",
				 name ? name : "?", ns, c.replicas, to, kill, kill == 1 ? "" : "s");
	} else if (!strcmp(a->func, "delete_deployment")) {
		kill = c.pods;
		line = xasprintf("deletes %s in %s (kills %d pod%s)",
				 name ? name : c.names, ns, kill, kill == 1 ? "" : "s");
	} else if (!strcmp(a->func, "rollout_deployment")) {
		kill = c.pods;
		line = xasprintf("restarts deploy/%s in %s (replaces %d pod%s)", name ? name : "?",
				 ns, kill, kill == 1 ? "" : "s");
	} else {
		line = xasprintf("creates a deployment in %s", ns);
	}
	record(b, l, current_ns, a, ns, c.deploy, line, kill, kill > 0);
	candidates_free(&c);
	return 0;
}

int chaos_blast_resolve(const struct chaos_experiment *x, const struct store_kube *k,
			const char *current_ns, const struct chaos_conf *l,
			struct chaos_blast *b, struct err *err)
{
	memset(b, 0, sizeof *b);
	for (size_t i = 0; i < x->nmethod; i++) {
		const struct chaos_activity *a = &x->method[i];
		int rc = 0;

		if (a->probe)
			continue;
		if (a->provider != CHAOS_PROVIDER_PYTHON) {
			char *what = chaos_activity_describe(a);

			add_line(b,
				 xasprintf("'%s' runs %s: not resolved (shipdeck cannot tell what "
					   "it changes)", a->name, what));
			free(what);
			continue;
		}
		if (!strcmp(a->module, "chaosk8s.pod.actions")
		    && (!strcmp(a->func, "terminate_pods") || !strcmp(a->func, "delete_pods")))
			rc = resolve_pods(b, a, k, l, current_ns, err);
		else if (!strcmp(a->module, "chaosk8s.deployment.actions"))
			rc = resolve_deployment(b, a, k, l, current_ns, err);
		else if (!strcmp(a->module, "chaosk8s.node.actions")) {
			add_line(b, xasprintf("'%s' runs %s on nodes", a->name, a->func));
			refuse(b, xasprintf("activity '%s' (%s) acts on nodes, and so on every pod "
					    "they run: beyond any blast radius shipdeck can hold",
					    a->name, a->func));
		} else {
			add_line(b, xasprintf("'%s' calls %s.%s", a->name, a->module, a->func));
		}
		if (rc) {
			chaos_blast_free(b);
			return -1;
		}
	}
	if (!l->max_pods_percent && b->pods > l->max_pods)
		refuse(b, xasprintf("the method kills %d pod%s; chaos.max_pods is %d", b->pods,
				    b->pods == 1 ? "" : "s", l->max_pods));
	if (!b->summary)
		b->summary = xstrdup(b->nlines ? b->lines[0] : "kills no pods");
	return 0;
}
