/* A plugin step's `settings:` as Drone hands them to the image's entrypoint:
 * each key becomes PLUGIN_<KEY> (upper case, '-' and '.' as '_'); a value is
 * passed as written, a list of values joined with commas, a map or a list
 * of maps as JSON, and `{from_secret: NAME}` is the secret's value (masked
 * in the logs like every secret). */
#ifndef SHIPDECK_CI_PLUGIN_ENV_H
#define SHIPDECK_CI_PLUGIN_ENV_H

#include <stddef.h>

#include "ci/pipeline_file.h"
#include "util/err.h"
#include "util/ydoc.h"

/* "docker-tags" → "PLUGIN_DOCKER_TAGS"; the caller frees. */
char *ci_plugin_var(const char *key);
/* Appends the variables of settings (a map) to *out; -1 naming file:line:col
 * of a key that cannot be a variable name. */
int ci_plugin_settings(const struct ynode *settings, const char *file, const char *where,
		       struct ci_env **out, size_t *count, struct err *err);

#endif
