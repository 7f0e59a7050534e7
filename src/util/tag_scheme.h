/* The image-tag template of `.shipdeck.yml` (image.tag, default
 * "{sha7}-{build}"), both ways, in one place: the runner expands it into
 * SHIPDECK_IMAGE_TAG, one unique tag per build; the images pane reads a tag
 * back — "3f2a9c1-12": which commit and which build made the image. A tag
 * that does not have the template's shape has unknown provenance; `latest`
 * is mutable whatever the template says. In util/: two sources use it (ci,
 * registry), and a source includes no other source's header. */
#ifndef SHIPDECK_UTIL_TAG_SCHEME_H
#define SHIPDECK_UTIL_TAG_SCHEME_H

#include <stdbool.h>

/* Docker allows tags of up to 128 characters. */
enum { TAG_MAX = 128 };

struct tag_vars {
	const char *sha;            /* 40 hex digits, as git writes them (lowercase) */
	int build;
	const char *branch;         /* NULL or "" when detached */
	const char *system;         /* NULL: "shipdeck" */
};

/* The template with {sha} {sha7} {build} {branch} {system} replaced, made a
 * valid OCI tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}: a branch "feature/x"
 * becomes "feature-x"). The caller frees. */
char *tag_scheme_expand(const char *tmpl, const struct tag_vars *v);

struct tag_match {
	char sha[41];               /* the hex digits of {sha} or {sha7}; "" when absent */
	long build;                 /* {build}; -1 when absent */
	char branch[TAG_MAX + 1];   /* {branch}; "" when absent */
	char system[TAG_MAX + 1];   /* {system}; "" when absent */
};

/* True when tag has the template's shape — when tag_scheme_expand could
 * have made it; m gets what the placeholders matched. {sha} is 40 lowercase
 * hex digits, {sha7} seven, {build} decimal digits, {branch} and {system}
 * one or more of [A-Za-z0-9_.-]; a literal outside that alphabet reads as
 * the '-' the expansion wrote for it. A placeholder used twice must match
 * the same text both times. */
bool tag_scheme_match(const char *tmpl, const char *tag, struct tag_match *m);

/* Tags that move from image to image by design ("latest"): nobody can tell
 * which code they carry. */
bool tag_is_mutable(const char *tag);

#endif
