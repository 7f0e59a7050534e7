/* The user's config: $XDG_CONFIG_HOME/shipdeck/config.yaml.
 *
 *   theme: light
 *   keys:
 *     rollback: "r"
 *     down: "J Down"
 */
#ifndef SHIPDECK_APP_CONFIG_H
#define SHIPDECK_APP_CONFIG_H

#include <stddef.h>

#include "action/action.h"
#include "util/err.h"

struct config {
	char *path;                 /* the file read, or NULL when there was none */
	char *theme;                /* NULL: default (or mono under NO_COLOR) */
	struct keymap keymap;       /* defaults plus the file's keys */
};

/* path NULL: the XDG location; a missing file there is not an error, a missing
 * file given explicitly is. Errors read "config.yaml:LINE:COL: …". */
int config_load(struct config *cfg, const char *path, struct err *err);
int config_parse(struct config *cfg, const char *name, const char *data, size_t len,
		 struct err *err);
void config_free(struct config *cfg);

#endif
