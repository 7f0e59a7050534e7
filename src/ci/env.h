/* What a step's shell gets: the environment (the operator's, then Drone's
 * variables, CI=true and SHIPDECK_IMAGE_TAG, then the pipeline's and the
 * step's own) and the script (`sh -e -c`: each command echoed with "+ "
 * before it runs, as Drone does). */
#ifndef SHIPDECK_CI_ENV_H
#define SHIPDECK_CI_ENV_H

#include <stddef.h>

#include "ci/pipeline_file.h"
#include "ci/secrets.h"
#include "util/err.h"

/* A NULL-terminated "NAME=value" vector for execve. */
struct ci_envv {
	char **v;
	size_t n, cap;
};

void ci_envv_from_environ(struct ci_envv *e);
void ci_envv_set(struct ci_envv *e, const char *name, const char *value);
void ci_envv_free(struct ci_envv *e);

/* Sets defs (values, or secrets looked up in s); -1 naming a missing secret. */
int ci_envv_apply(struct ci_envv *e, const struct ci_env *defs, size_t n,
		  const struct ci_secrets *s, struct err *err);

/* The sh script for commands; the caller frees. */
char *ci_script(char *const *commands, size_t n);

#endif
