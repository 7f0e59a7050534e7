/* Colour themes: roles mapped to colours, read from themes/NAME.yaml. No
 * curses here; views/colors.c turns a theme into colour pairs. */
#ifndef SHIPDECK_APP_THEME_H
#define SHIPDECK_APP_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define SHIPDECK_ROLES(X) \
	X(TITLE, "title") \
	X(BORDER, "border") \
	X(SELECTION, "selection") \
	X(OK, "ok") \
	X(WARN, "warn") \
	X(FAIL, "fail") \
	X(RUNNING, "running") \
	X(PENDING, "pending") \
	X(MUTED, "muted") \
	X(STATUS_BAR, "status-bar") \
	X(READ_ONLY, "read-only") \
	X(MATCH, "match") \
	X(NORMAL, "normal")

enum role {
#define X(id, name) ROLE_##id,
	SHIPDECK_ROLES(X)
#undef X
	ROLE_COUNT,
};

enum {
	THEME_BOLD = 1 << 0,
	THEME_UNDERLINE = 1 << 1,
	THEME_REVERSE = 1 << 2,
	THEME_DIM = 1 << 3,
};

#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
	int fg, bg;                 /* 0–255, or THEME_DEFAULT_COLOR */
	unsigned attrs;
};

struct theme {
	char name[64];
	struct theme_style roles[ROLE_COUNT];
};

const char *role_name(enum role role);

/* Finds NAME in $XDG_CONFIG_HOME/shipdeck/themes, then in the installed and
 * source themes folders, and loads it. An unknown role or colour is refused
 * with file:line and the role's name. */
int theme_load(struct theme *t, const char *name, struct err *err);
int theme_parse(struct theme *t, const char *file, const char *data, size_t len,
		struct err *err);
/* The theme to use: NO_COLOR → mono; else the flag, the config, "default". */
const char *theme_choose(const char *flag, const char *config);

/* Where themes are looked up, for messages and --help. Caller frees. */
char *theme_search_path(void);

#endif
