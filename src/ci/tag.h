/* The image-tag scheme of `.shipdeck.yml` (image.tag, default "{sha7}-{build}"):
 * one unique tag per build, from the commit and the build number. The runner
 * expands it into SHIPDECK_IMAGE_TAG; the images pane parses tags back into
 * commits and builds with the same template. */
#ifndef SHIPDECK_CI_TAG_H
#define SHIPDECK_CI_TAG_H

#include <stdbool.h>

struct ci_tag_vars {
	const char *sha;            /* 40 hex digits */
	int build;
	const char *branch;         /* NULL or "" when detached */
	const char *system;         /* NULL: "shipdeck" */
};

/* The template with {sha} {sha7} {build} {branch} {system} replaced, made a
 * valid OCI tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}: a branch "feature/x"
 * becomes "feature-x"). The caller frees. */
char *ci_tag_expand(const char *tmpl, const struct ci_tag_vars *v);

/* What a tag says about its build, when it matches the template. Fields the
 * template does not contain stay empty (or 0). */
struct ci_tag_parts {
	char sha[41];               /* {sha}: 40 digits; {sha7}: the 7-digit prefix */
	int build;
	char branch[129];
	char system[64];
};

bool ci_tag_parse(const char *tmpl, const char *tag, struct ci_tag_parts *parts);

#endif
