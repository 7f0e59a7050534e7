/* Image tags from the registry, joined with the repository's commits: one
 * row per tag with what the tag template says (commit, build), what the
 * registry says (digest, size, creation time) and the provenance that
 * follows. The registry source (registry/source.c) fills it; the images pane
 * and `shipdeck images` read it.
 *
 * Ownership: the store owns every row and string once an event carrying it
 * has been applied. */
#ifndef SHIPDECK_STORE_IMAGES_H
#define SHIPDECK_STORE_IMAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/kube.h"

enum image_provenance {
	IMAGE_BUILD,                /* has the template's shape: commit and build are known */
	IMAGE_MUTABLE,              /* latest: it moves, nobody can tell which code it carries */
	IMAGE_UNKNOWN,              /* does not have the template's shape */
};

struct image_row {
	char *tag;
	/* from the tag template and the repository */
	enum image_provenance provenance;
	char *sha;                  /* the hex digits the tag carries, NULL when none */
	long build;                 /* -1 when the tag carries none */
	char *commit;               /* the full sha, NULL when the repository lacks it */
	char *subject;
	char *author;
	int64_t commit_time;        /* seconds since the epoch */
	/* from the registry */
	char *digest;               /* of the tag's manifest (or index), NULL until known */
	char *media_type;
	char *platform;             /* "linux/amd64" when read from an index */
	char *config_digest;
	int64_t size;               /* compressed: the sum of the layers; -1 until known */
	int64_t created;            /* from the config blob, seconds; 0 until known */
	char *error;                /* why the tag's manifest or config could not be read */
};

struct store_images {
	char *repository;           /* registry host[:port]/name, NULL when not configured */
	char *tag_template;
	struct image_row *rows;     /* newest build first, then the other tags by name */
	size_t n;
	bool listed;                /* a whole tag list has arrived */
};

enum images_event_type {
	IMAGES_EV_REPOSITORY,       /* repository and template in use; forgets the rows */
	IMAGES_EV_TAGS,             /* the whole tag list: replaces the rows, keeping the
				     * registry's facts for tags that stay */
	IMAGES_EV_DIGEST,           /* a tag's digest (forgets its facts when it moved) */
	IMAGES_EV_MANIFEST,         /* a digest's media type, platform, config, size or
				     * error: every row with that digest */
	IMAGES_EV_CREATED,          /* a config digest's creation time: every row with it */
	IMAGES_EV_TAG_ERROR,        /* a tag whose manifest could not be read */
};

struct images_event {
	enum images_event_type type;
	char *repository;           /* REPOSITORY */
	char *tag_template;         /* REPOSITORY */
	struct image_row *rows;     /* TAGS: nrows rows (the array too) */
	size_t nrows;
	char *tag;                  /* DIGEST, TAG_ERROR */
	char *digest;               /* DIGEST, MANIFEST */
	char *media_type;           /* MANIFEST */
	char *platform;             /* MANIFEST */
	char *config_digest;        /* MANIFEST, CREATED */
	int64_t size;               /* MANIFEST */
	int64_t created;            /* CREATED */
	char *error;                /* MANIFEST, TAG_ERROR */
};

void store_images_init(struct store_images *im);
void store_images_free(struct store_images *im);
bool store_images_apply(struct store_images *im, struct images_event *ev);
void image_row_free(struct image_row *r);

/* Lookups; results point into the store (valid until the next apply). */
const struct image_row *store_images_find(const struct store_images *im, const char *tag);
/* The tag of the build before row's (the highest lower build number), or NULL. */
const struct image_row *store_images_previous_build(const struct store_images *im,
						    const struct image_row *row);
/* Size growth over the previous build's image, as a share (0.25 = 25%
 * larger). False when either size is unknown or there is no previous build. */
bool store_images_growth(const struct store_images *im, const struct image_row *row,
			 double *share);
/* Other tags with row's digest. Returns how many were written (at most max). */
size_t store_images_aliases(const struct store_images *im, const struct image_row *row,
			    const struct image_row **out, size_t max);

/* What to notice about row, in a few words ("mutable: not a version; =
 * 3f2a9c1-12; grew 35% over build 11"); its error first. growth_warn is
 * image.size_growth_warn. */
char *store_images_notes(const struct store_images *im, const struct image_row *row,
			 double growth_warn, char *buf, size_t size);

/* Whether image ("127.0.0.1:5000/app:tag", "app@sha256:…", "nginx") is of
 * repository (as image.name writes it; docker.io's short names are
 * understood). When it is, its tag and digest are copied out ("" when
 * absent). */
bool images_ref_of(const char *repository, const char *image, char *tag, size_t tag_size,
		   char *digest, size_t digest_size);

/* Where a tag runs: a deployment whose pods run its image, by tag or by
 * digest. The strings point into the kube store. */
struct image_use {
	const char *namespace;
	const char *deployment;
	int pods;
	bool by_digest;
};

/* The deployments whose pods run row's image. Returns how many were written
 * (at most max), by namespace and name. */
size_t store_images_runs_on(const struct store_images *im, const struct store_kube *k,
			    const struct image_row *row, struct image_use *out, size_t max);
/* The row of the image deployment d's template names (by tag, else by
 * digest), or NULL. */
const struct image_row *store_images_of_deployment(const struct store_images *im,
						   const struct kube_deployment *d);

/* "12.3 MB" (decimal units, as docker prints image sizes); "?" when unknown. */
char *images_format_size(int64_t bytes, char *buf, size_t size);

#endif
