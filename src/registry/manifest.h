/* Manifests as the OCI distribution spec and Docker's registry serve them:
 * an index (OCI image index, Docker manifest list) names one manifest per
 * platform; an image manifest names its config blob and its layers. */
#ifndef SHIPDECK_REGISTRY_MANIFEST_H
#define SHIPDECK_REGISTRY_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define MEDIA_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MEDIA_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

/* The Accept header for a manifest request: every type we can read. */
#define MANIFEST_ACCEPT "Accept: " MEDIA_OCI_INDEX ", " MEDIA_DOCKER_LIST ", " \
	MEDIA_OCI_MANIFEST ", " MEDIA_DOCKER_MANIFEST

enum manifest_kind { MANIFEST_UNKNOWN, MANIFEST_INDEX, MANIFEST_IMAGE };

enum manifest_kind manifest_kind_of(const char *media_type);

/* Owned strings, freed by manifest_free. */
struct manifest {
	enum manifest_kind kind;
	char *media_type;
	/* MANIFEST_IMAGE */
	char *config_digest;
	int64_t size;               /* compressed: the sum of the layers' sizes */
	size_t nlayers;
	/* MANIFEST_INDEX: the one to read for sizes — linux/amd64, else the
	 * first real platform, else the first */
	char *child_digest;
	char *platform;             /* "linux/amd64", "linux/arm/v7" */
};

/* Parses a manifest. The type comes from content_type when it is one of the
 * four we read, from the body's mediaType when the server sent a generic
 * type (or none). -1 with "unknown media type 'X'" or a message naming the
 * bad field; url is only for messages. */
int manifest_parse(struct manifest *m, const char *content_type, const char *body, size_t len,
		   const char *url, struct err *err);
void manifest_free(struct manifest *m);

/* The image config blob's "created" time (seconds since the epoch); 0 when
 * the config does not say. -1 when the blob is not a JSON object. */
int manifest_config_created(const char *body, size_t len, int64_t *created, const char *url,
			    struct err *err);

#endif
