/* Image references as Kubernetes and docker write them:
 *   [host[:port]/]path[:tag][@algorithm:hex]
 * "127.0.0.1:5000/app:1.2@sha256:…", "nginx", "app@sha256:…". The one place
 * that splits them: the colon of a registry's port and the colon of a tag
 * look alike, so hand-written splitting goes wrong exactly there.
 *
 * imgref_split never fails and allocates nothing: the spans point into the
 * string (for lookups and drawing). imgref_check says whether the parts are
 * well formed, for references a person typed or a cluster reported. */
#ifndef SHIPDECK_UTIL_IMGREF_H
#define SHIPDECK_UTIL_IMGREF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct imgref {
	const char *s;              /* the whole reference */
	size_t host_len;            /* the registry host[:port] ("" when none is written) */
	size_t name_len;            /* host/path: the repository, up to ':tag' or '@' */
	const char *tag;            /* after ':' (tag_len bytes), NULL when none */
	size_t tag_len;
	const char *digest;         /* after '@' to the end ("sha256:…"), NULL when none */
};

void imgref_split(const char *image, struct imgref *r);
/* -1 with "image 'X': …" when the repository, tag or digest is malformed
 * (an empty part, a tag docker would refuse, a sha256 that is not 64 hex). */
int imgref_check(const struct imgref *r, struct err *err);

/* The repository part: host/path. Caller frees. */
char *imgref_repository(const struct imgref *r);
/* repository[:tag][@digest] with the given parts (NULL or "" leaves one out).
 * Caller frees. */
char *imgref_compose(const struct imgref *r, const char *tag, const char *digest);

/* True for "sha256:" followed by 64 lowercase hex digits. */
bool imgref_is_sha256(const char *digest);
/* "sha256:3123…e67f": the algorithm and the first and last four digits,
 * for narrow columns. */
const char *imgref_short_digest(const char *digest, char *buf, size_t size);

#endif
