/* Pipeline secrets (`from_secret: NAME`): an environment variable NAME, or
 * NAME in $XDG_CONFIG_HOME/shipdeck/secrets.yaml. Every value a build uses is
 * masked as *** in its logs before they reach the disk, the store or a
 * screen. */
#ifndef SHIPDECK_CI_SECRETS_H
#define SHIPDECK_CI_SECRETS_H

#include <stddef.h>

#include "util/err.h"
#include "util/strbuf.h"

struct ci_secrets {
	char *path;                 /* the file read, or NULL */
	char **names, **values;
	size_t n;
};

/* path NULL: the XDG location. A missing file is no error; a bad one names
 * file:line:col. */
int ci_secrets_load(struct ci_secrets *s, const char *path, struct err *err);
void ci_secrets_free(struct ci_secrets *s);
/* The environment first, then the file; NULL when neither has it. */
const char *ci_secret_get(const struct ci_secrets *s, const char *name);

/* The values to mask. */
struct ci_mask {
	char **values;
	size_t n;
	size_t longest;             /* bytes of the longest value */
};

/* Adds each non-empty line of value (a multi-line key is masked line by line,
 * as logs are line by line). */
void ci_mask_add(struct ci_mask *m, const char *value);
/* Appends in[0..len) to out with every value replaced by "***". */
void ci_mask_apply(const struct ci_mask *m, const char *in, size_t len, struct strbuf *out);
void ci_mask_free(struct ci_mask *m);

#endif
