/* `image.name` from .shipdeck.yml: registry host[:port]/repository. A name
 * without a host is Docker Hub's, as docker reads it ("nginx" is
 * docker.io/library/nginx). */
#ifndef SHIPDECK_REGISTRY_REF_H
#define SHIPDECK_REGISTRY_REF_H

#include "util/err.h"

/* Owned strings, freed by image_ref_free. */
struct image_ref {
	char *host;                 /* as written: "127.0.0.1:5000", "docker.io" */
	char *api_host;             /* where the API answers: "registry-1.docker.io" for
				     * docker.io */
	char *name;                 /* the repository: "app", "library/nginx" */
};

/* -1 with a message when image names a tag or digest, or is not a valid
 * repository name. */
int image_ref_parse(const char *image, struct image_ref *r, struct err *err);
void image_ref_free(struct image_ref *r);

#endif
