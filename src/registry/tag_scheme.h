/* The inverse of the pipeline's tag template: given "{sha7}-{build}" and the
 * tag "3f2a9c1-12", which commit and which build made the image. A tag that
 * does not have the template's shape has unknown provenance; `latest` is
 * mutable whatever the template says. */
#ifndef SHIPDECK_REGISTRY_TAG_SCHEME_H
#define SHIPDECK_REGISTRY_TAG_SCHEME_H

#include <stdbool.h>

/* Docker allows tags of up to 128 characters. */
enum { TAG_MAX = 128 };

struct tag_match {
	char sha[41];               /* the hex digits of {sha} or {sha7}; "" when absent */
	long build;                 /* {build}; -1 when absent */
	char branch[TAG_MAX + 1];   /* {branch}; "" when absent */
	char system[TAG_MAX + 1];   /* {system}; "" when absent */
};

/* True when tag has the template's shape; m gets what the placeholders
 * matched. {sha} is 40 lowercase hex digits, {sha7} seven, {build} decimal
 * digits, {branch} and {system} one or more of [A-Za-z0-9_.-]. A placeholder
 * used twice must match the same text both times. */
bool tag_scheme_match(const char *tmpl, const char *tag, struct tag_match *m);

/* Tags that move from image to image by design ("latest"): nobody can tell
 * which code they carry. */
bool tag_is_mutable(const char *tag);

#endif
