#include "ci/env.h"

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

extern char **environ;

static void push(struct ci_envv *e, char *entry)
{
	xgrow(&e->v, &e->cap, e->n + 2, sizeof *e->v);
	e->v[e->n++] = entry;
	e->v[e->n] = NULL;
}

void ci_envv_from_environ(struct ci_envv *e)
{
	memset(e, 0, sizeof *e);
	push(e, NULL);
	e->n = 0;
	for (char **p = environ; p && *p; p++)
		if (strchr(*p, '='))
			push(e, xstrdup(*p));
}

static size_t find(const struct ci_envv *e, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], name, len) && e->v[i][len] == '=')
			return i;
	return e->n;
}

void ci_envv_set(struct ci_envv *e, const char *name, const char *value)
{
	size_t i = find(e, name);
	char *entry = xasprintf("%s=%s", name, value ? value : "");

	if (i < e->n) {
		free(e->v[i]);
		e->v[i] = entry;
	} else {
		push(e, entry);
	}
}

void ci_envv_free(struct ci_envv *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	memset(e, 0, sizeof *e);
}

int ci_envv_apply(struct ci_envv *e, const struct ci_env *defs, size_t n,
		  const struct ci_secrets *s, struct err *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = defs[i].value;

		if (defs[i].secret) {
			v = ci_secret_get(s, defs[i].secret);
			if (!v)
				return err_set(err,
					       "secret '%s' (for %s) is not set: export %s or add "
					       "it to %s", defs[i].secret, defs[i].name,
					       defs[i].secret,
					       s && s->path ? s->path : "secrets.yaml");
		}
		ci_envv_set(e, defs[i].name, v);
	}
	return 0;
}

/* 'text' with every ' written as '\'' */
static void quote(struct strbuf *sb, const char *text)
{
	sb_putc(sb, '\'');
	for (const char *p = text; *p; p++) {
		if (*p == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_putc(sb, *p);
	}
	sb_putc(sb, '\'');
}

char *ci_script(char *const *commands, size_t n)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++) {
		char *shown = xasprintf("+ %s", commands[i]);

		sb_puts(&sb, "printf '%s\\n' ");
		quote(&sb, shown);
		sb_putc(&sb, '\n');
		sb_puts(&sb, commands[i]);
		sb_putc(&sb, '\n');
		free(shown);
	}
	if (!sb.s)
		sb_puts(&sb, "");
	return sb_steal(&sb);
}
