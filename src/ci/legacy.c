#include "ci/legacy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/yaml_merge.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Step keys that mean the same in 1.x. */
static const char *const same_keys[] = { "image", "commands", "detach", "privileged", "pull",
					 "entrypoint", "command", "network_mode", "dns",
					 "dns_search", "extra_hosts", "devices", "shm_size",
					 "failure", NULL };
/* when keys of 0.8 with no 1.x meaning here. */
static const char *const dropped_when[] = { "matrix", "platform", "environment", "local",
					    NULL };

static bool in(const char *const *list, const char *word)
{
	for (; *list; list++)
		if (!strcmp(*list, word))
			return true;
	return false;
}

static struct ynode *node(enum ynode_kind kind, const struct ynode *at)
{
	struct ynode *n = xcalloc(1, sizeof *n);

	n->kind = kind;
	n->line = at ? at->line : 1;
	n->col = at ? at->col : 1;
	return n;
}

static struct ynode *scalar(const char *text, const struct ynode *at)
{
	struct ynode *n = node(YNODE_SCALAR, at);

	n->scalar = xstrdup(text);
	return n;
}

static void put(struct ynode *m, struct ynode *key, struct ynode *value)
{
	m->keys = xrealloc(m->keys, (m->n + 1) * sizeof *m->keys);
	m->items = xrealloc(m->items, (m->n + 1) * sizeof *m->items);
	m->keys[m->n] = key;
	m->items[m->n++] = value;
}

static void push(struct ynode *seq, struct ynode *item)
{
	seq->items = xrealloc(seq->items, (seq->n + 1) * sizeof *seq->items);
	seq->items[seq->n++] = item;
}

/* Moves pair i of m (key and value) into out under name. */
static void move(struct ynode *out, struct ynode *m, size_t i, const char *name)
{
	put(out, scalar(name, m->keys[i]), m->items[i]);
	m->items[i] = NULL;
}

static void drop(struct strbuf *dropped, const char *what)
{
	if (strstr(sb_str(dropped), what))
		return;
	if (dropped->len)
		sb_puts(dropped, ", ");
	sb_puts(dropped, what);
}

static char *upper(const char *s)
{
	char *u = xstrdup(s);

	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static void add_secret_env(struct ynode *env, const char *var, const char *secret,
			   const struct ynode *at)
{
	struct ynode *ref = node(YNODE_MAP, at);
	char *name = upper(var);

	put(ref, scalar("from_secret", at), scalar(secret, at));
	put(env, scalar(name, at), ref);
	free(name);
}

static int convert_env(struct ynode *out_env, struct ynode *v, const char *file,
		       struct err *err)
{
	if (v->kind == YNODE_MAP) {
		for (size_t i = 0; i < v->n; i++)
			move(out_env, v, i, v->keys[i]->scalar);
		return 0;
	}
	if (v->kind != YNODE_SEQ)
		return err_set(err, "%s:%d:%d: environment: expected a map or a list of "
			       "NAME=value", file, v->line, v->col);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *e = v->items[i];
		const char *eq = e->kind == YNODE_SCALAR ? strchr(e->scalar, '=') : NULL;
		char *name;

		if (!eq)
			return err_set(err, "%s:%d:%d: environment: expected NAME=value", file,
				       e->line, e->col);
		name = xstrndup(e->scalar, (size_t)(eq - e->scalar));
		put(out_env, scalar(name, e), scalar(eq + 1, e));
		free(name);
	}
	return 0;
}

static int convert_secrets(struct ynode *out_env, const struct ynode *v, const char *file,
			   struct err *err)
{
	if (v->kind != YNODE_SEQ)
		return err_set(err, "%s:%d:%d: secrets: expected a list", file, v->line, v->col);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *s = v->items[i], *src, *dst;

		if (s->kind == YNODE_SCALAR) {
			add_secret_env(out_env, s->scalar, s->scalar, s);
			continue;
		}
		src = ynode_get(s, "source");
		dst = ynode_get(s, "target");
		if (!ynode_str(src) || !ynode_str(dst))
			return err_set(err, "%s:%d:%d: secrets: expected NAME or {source, target}",
				       file, s->line, s->col);
		add_secret_env(out_env, dst->scalar, src->scalar, s);
	}
	return 0;
}

static void convert_when(struct ynode *w, struct strbuf *dropped)
{
	for (size_t i = 0; w->kind == YNODE_MAP && i < w->n; i++) {
		struct ynode *v = w->items[i];

		if (in(dropped_when, w->keys[i]->scalar)) {
			char what[64];

			snprintf(what, sizeof what, "when.%s", w->keys[i]->scalar);
			drop(dropped, what);
			/* an empty map key is not a key: remove the pair */
			ci_yaml_tree_free(w->keys[i]);
			ci_yaml_tree_free(v);
			memmove(w->keys + i, w->keys + i + 1, (w->n - i - 1) * sizeof *w->keys);
			memmove(w->items + i, w->items + i + 1, (w->n - i - 1) * sizeof *w->items);
			w->n--;
			i--;
			continue;
		}
		/* 0.8's deployment event is 1.x's promote */
		if (!strcmp(w->keys[i]->scalar, "event"))
			for (size_t k = 0; k < (v->kind == YNODE_SEQ ? v->n : 1); k++) {
				struct ynode *e = v->kind == YNODE_SEQ ? v->items[k] : v;

				if (e->kind == YNODE_SCALAR && !strcmp(e->scalar, "deployment")) {
					free(e->scalar);
					e->scalar = xstrdup("promote");
				}
			}
	}
}

/* One named step (or service) of the 0.8 map; *group its group or NULL. */
static struct ynode *convert_step(struct ynode *key, struct ynode *m, const char *file,
				  const char **group, struct strbuf *dropped, struct err *err)
{
	struct ynode *out = node(YNODE_MAP, m), *env = node(YNODE_MAP, m);
	struct ynode *settings = node(YNODE_MAP, m);

	*group = NULL;
	put(out, scalar("name", key), scalar(key->scalar, key));
	if (m->kind != YNODE_MAP) {
		err_set(err, "%s:%d:%d: %s: expected a map", file, m->line, m->col, key->scalar);
		goto fail;
	}
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->keys[i]->scalar;
		struct ynode *v = m->items[i];

		if (in(same_keys, k)) {
			move(out, m, i, k);
		} else if (!strcmp(k, "environment")) {
			if (convert_env(env, v, file, err))
				goto fail;
		} else if (!strcmp(k, "secrets")) {
			if (convert_secrets(env, v, file, err))
				goto fail;
		} else if (!strcmp(k, "when")) {
			convert_when(v, dropped);
			move(out, m, i, "when");
		} else if (!strcmp(k, "group")) {
			if (!ynode_str(v)) {
				err_set(err, "%s:%d:%d: group: expected a name", file, v->line,
					v->col);
				goto fail;
			}
			*group = v->scalar;
		} else if (!strcmp(k, "volumes")) {
			drop(dropped, "volumes");
		} else {
			move(settings, m, i, k);   /* a plugin's parameter */
		}
	}
	if (env->n)
		put(out, scalar("environment", m), env);
	else
		ci_yaml_tree_free(env);
	if (settings->n)
		put(out, scalar("settings", m), settings);
	else
		ci_yaml_tree_free(settings);
	return out;
fail:
	ci_yaml_tree_free(env);
	ci_yaml_tree_free(settings);
	ci_yaml_tree_free(out);
	return NULL;
}

/* Steps of consecutive equal groups run together, after the group before. */
static void add_group_deps(struct ynode *steps, const char **groups)
{
	size_t stage_start = 0, prev_start = 0;
	bool any = false;

	for (size_t i = 0; i < steps->n; i++)
		any |= groups[i] != NULL;
	if (!any)
		return;
	for (size_t i = 0; i < steps->n; i++) {
		struct ynode *deps;

		if (i > 0 && !(groups[i] && groups[i - 1] && !strcmp(groups[i], groups[i - 1]))) {
			prev_start = stage_start;
			stage_start = i;
		}
		deps = node(YNODE_SEQ, steps->items[i]);
		for (size_t k = prev_start; stage_start > 0 && k < stage_start; k++)
			push(deps, scalar(ynode_str(ynode_get(steps->items[k], "name")),
					  steps->items[i]));
		put(steps->items[i], scalar("depends_on", steps->items[i]), deps);
	}
}

static int convert_map(struct ynode *m, const char *what, struct ynode *out, const char *file,
		       struct strbuf *dropped, bool with_groups, struct err *err)
{
	const char **groups;

	if (m->kind != YNODE_MAP)
		return err_set(err, "%s:%d:%d: %s: expected a map of named steps (Drone 0.8)",
			       file, m->line, m->col, what);
	groups = xcalloc(m->n ? m->n : 1, sizeof *groups);
	for (size_t i = 0; i < m->n; i++) {
		struct ynode *s = convert_step(m->keys[i], m->items[i], file, &groups[i], dropped,
					       err);

		if (!s) {
			free(groups);
			return -1;
		}
		push(out, s);
	}
	if (with_groups)
		add_group_deps(out, groups);
	free(groups);
	return 0;
}

struct ynode *ci_legacy_convert(struct ynode *root, const char *file, char **notice,
				struct err *err)
{
	struct ynode *out = node(YNODE_MAP, root), *steps = node(YNODE_SEQ, root);
	struct ynode *services = NULL, *pipeline = NULL;
	struct strbuf dropped = { 0 };

	*notice = NULL;
	put(out, scalar("kind", root), scalar("pipeline", root));
	put(out, scalar("type", root), scalar("docker", root));
	put(out, scalar("name", root), scalar("default", root));
	for (size_t i = 0; i < root->n; i++) {
		const char *k = root->keys[i]->scalar;
		struct ynode *v = root->items[i];

		if (!strcmp(k, "pipeline")) {
			pipeline = v;
		} else if (!strcmp(k, "services")) {
			services = v;
		} else if (!strcmp(k, "workspace")) {
			move(out, root, i, "workspace");
		} else if (!strcmp(k, "branches")) {
			struct ynode *trigger = node(YNODE_MAP, v);

			move(trigger, root, i, "branch");
			put(out, scalar("trigger", root->keys[i]), trigger);
		} else if (!strcmp(k, "matrix")) {
			err_set(err, "%s:%d:%d: this is a Drone 0.8 file with a build matrix, "
				"which cannot be converted faithfully: run `drone convert` and "
				"write one pipeline per matrix entry", file, root->keys[i]->line,
				root->keys[i]->col);
			goto fail;
		} else if (!strcmp(k, "clone") || !strcmp(k, "platform") || !strcmp(k, "labels")) {
			drop(&dropped, k);
		} else {
			err_set(err, "%s:%d:%d: unknown key '%s' in a Drone 0.8 file (pipeline, "
				"services, workspace, clone, branches, platform, labels)", file,
				root->keys[i]->line, root->keys[i]->col, k);
			goto fail;
		}
	}
	if (convert_map(pipeline, "pipeline", steps, file, &dropped, true, err))
		goto fail;
	if (services) {
		struct ynode *svc = node(YNODE_SEQ, services);

		put(out, scalar("services", services), svc);
		if (convert_map(services, "services", svc, file, &dropped, false, err))
			goto fail;
	}
	put(out, scalar("steps", pipeline), steps);
	*notice = xasprintf("converted from the Drone 0.8 format in memory (the file is "
			    "unchanged; `drone convert` writes it in 1.x form)%s%s",
			    dropped.len ? "; left out: " : "", sb_str(&dropped));
	sb_free(&dropped);
	return out;
fail:
	sb_free(&dropped);
	ci_yaml_tree_free(out);
	ci_yaml_tree_free(steps);   /* put into out only once all is converted */
	return NULL;
}
