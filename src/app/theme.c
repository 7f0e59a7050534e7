#include "app/theme.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

static const char *const role_names[ROLE_COUNT] = {
#define X(id, name) [ROLE_##id] = name,
	SHIPDECK_ROLES(X)
#undef X
};

static const char *const basic_colors[] = { "black", "red", "green", "yellow", "blue",
					    "magenta", "cyan", "white" };

const char *role_name(enum role role)
{
	return role >= 0 && role < ROLE_COUNT ? role_names[role] : "?";
}

static int parse_color(const struct ynode *n, int *out, const char *file, const char *role,
		       const char *which, struct err *err)
{
	const char *s = ynode_str(n);
	char *end;
	long v;

	if (!s)
		return err_set(err, "%s:%d: role '%s': %s must be a colour", file, n->line, role,
			       which);
	if (!strcmp(s, "default")) {
		*out = THEME_DEFAULT_COLOR;
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (!strcmp(s, basic_colors[i])) {
			*out = i;
			return 0;
		}
	}
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= 255) {
		*out = (int)v;
		return 0;
	}
	return err_set(err, "%s:%d: role '%s': unknown colour '%s' for %s (use black, red, "
		       "green, yellow, blue, magenta, cyan, white, default or 0–255)", file,
		       n->line, role, s, which);
}

static int parse_attrs(const struct ynode *n, unsigned *out, const char *file,
		       const char *role, struct err *err)
{
	static const struct { const char *name; unsigned bit; } attrs[] = {
		{ "bold", THEME_BOLD }, { "underline", THEME_UNDERLINE },
		{ "reverse", THEME_REVERSE }, { "dim", THEME_DIM },
	};

	if (n->kind != YNODE_SEQ)
		return err_set(err, "%s:%d: role '%s': attrs must be a list like [bold]", file,
			       n->line, role);
	for (size_t i = 0; i < n->n; i++) {
		const char *s = ynode_str(n->items[i]);
		size_t k;

		for (k = 0; k < sizeof attrs / sizeof *attrs; k++)
			if (s && !strcmp(s, attrs[k].name))
				break;
		if (k == sizeof attrs / sizeof *attrs)
			return err_set(err, "%s:%d: role '%s': unknown attribute '%s' (use bold, "
				       "underline, reverse, dim)", file, n->items[i]->line, role,
				       s ? s : "?");
		*out |= attrs[k].bit;
	}
	return 0;
}

static void set_fallbacks(struct theme *t)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		t->roles[r] = (struct theme_style){ THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };
	t->roles[ROLE_SELECTION].attrs = THEME_REVERSE;
	t->roles[ROLE_STATUS_BAR].attrs = THEME_REVERSE;
	t->roles[ROLE_READ_ONLY].attrs = THEME_REVERSE | THEME_BOLD;
	t->roles[ROLE_MATCH].attrs = THEME_UNDERLINE | THEME_BOLD;
	t->roles[ROLE_TITLE].attrs = THEME_BOLD;
	t->roles[ROLE_FAIL].attrs = THEME_BOLD;
}

int theme_parse(struct theme *t, const char *file, const char *data, size_t len,
		struct err *err)
{
	static const char *const top[] = { "name", "roles", NULL };
	static const char *const style_keys[] = { "fg", "bg", "attrs", NULL };
	char where[128];
	struct ydoc doc;
	const struct ynode *root, *roles, *v;
	int rc = -1;

	memset(t, 0, sizeof *t);
	set_fallbacks(t);
	if (ydoc_parse(&doc, file, data, len, err))
		return -1;
	root = doc.n ? doc.roots[0] : NULL;
	if (!root || ynode_expect(root, YNODE_MAP, file, "the top level", err)
	    || ynode_check_keys(root, top, file, "the top level", err)) {
		if (!root)
			err_set(err, "%s: empty theme", file);
		goto out;
	}
	if ((v = ynode_get(root, "name")) && ynode_str(v))
		snprintf(t->name, sizeof t->name, "%s", v->scalar);
	roles = ynode_get(root, "roles");
	if (!roles || ynode_expect(roles, YNODE_MAP, file, "roles", err)) {
		if (!roles)
			err_set(err, "%s: no roles", file);
		goto out;
	}
	for (size_t i = 0; i < roles->n; i++) {
		const struct ynode *k = roles->keys[i], *s = roles->items[i];
		struct theme_style *st;
		int r;

		for (r = 0; r < ROLE_COUNT; r++)
			if (!strcmp(role_names[r], k->scalar))
				break;
		if (r == ROLE_COUNT) {
			err_set(err, "%s:%d: unknown role '%s'", file, k->line, k->scalar);
			goto out;
		}
		if (s->kind != YNODE_MAP) {
			err_set(err, "%s:%d: role '%s': expected {fg: …, bg: …, attrs: […]}",
				file, s->line, k->scalar);
			goto out;
		}
		snprintf(where, sizeof where, "role '%s' (use fg, bg, attrs)", k->scalar);
		if (ynode_check_keys(s, style_keys, file, where, err))
			goto out;
		st = &t->roles[r];
		*st = (struct theme_style){ THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };
		if ((v = ynode_get(s, "fg")) && parse_color(v, &st->fg, file, k->scalar, "fg", err))
			goto out;
		if ((v = ynode_get(s, "bg")) && parse_color(v, &st->bg, file, k->scalar, "bg", err))
			goto out;
		if ((v = ynode_get(s, "attrs")) && parse_attrs(v, &st->attrs, file, k->scalar, err))
			goto out;
	}
	rc = 0;
out:
	ydoc_free(&doc);
	return rc;
}

/* The folders searched, in order: the user's, the installed one, the one
 * beside the executable's folder, and the source tree it was built from (so
 * an uninstalled build finds its themes wherever its build folder is). */
static char **theme_dirs(size_t *n)
{
	char **dirs = xcalloc(5, sizeof *dirs);
	char exe[PATH_MAX];
	ssize_t len;

	*n = 0;
	dirs[(*n)++] = xdg_config_path("themes");
	dirs[(*n)++] = xstrdup(SHIPDECK_THEMES_DIR);
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			dirs[(*n)++] = xasprintf("%s/../themes", exe);
		}
	}
	dirs[(*n)++] = xstrdup(SHIPDECK_SOURCE_THEMES_DIR);
	return dirs;
}

static void free_dirs(char **dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
}

char *theme_search_path(void)
{
	size_t n;
	char **dirs = theme_dirs(&n);
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%s%s", s, i ? ":" : "", dirs[i]);

		free(s);
		s = t;
	}
	free_dirs(dirs, n);
	return s;
}

int theme_load(struct theme *t, const char *name, struct err *err)
{
	size_t n;
	char **dirs;
	int rc = -1;

	if (!*name || strchr(name, '/'))
		return err_set(err, "theme '%s': a theme is named by a word like 'light'", name);
	dirs = theme_dirs(&n);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s.yaml", dirs[i], name);

		if (file_exists(path)) {
			size_t len;
			char *data = file_read_all(path, &len, err);

			if (data) {
				rc = theme_parse(t, path, data, len, err);
				if (!rc && !t->name[0])
					snprintf(t->name, sizeof t->name, "%s", name);
				free(data);
			}
			free(path);
			free_dirs(dirs, n);
			return rc;
		}
		free(path);
	}
	free_dirs(dirs, n);
	{
		char *sp = theme_search_path();

		err_set(err, "theme '%s' not found (looked in %s)", name, sp);
		free(sp);
	}
	return -1;
}

const char *theme_choose(const char *flag, const char *config)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && *nc)
		return "mono";
	if (flag)
		return flag;
	if (config)
		return config;
	return "default";
}
