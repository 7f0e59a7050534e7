/* Image tags from the registry. The image-tags issue extends this domain. */
#ifndef SHIPDECK_STORE_IMAGES_H
#define SHIPDECK_STORE_IMAGES_H

#include <stdbool.h>

struct store_images {
	char *repository;           /* registry host[:port]/name, NULL when not configured */
};

enum images_event_type {
	IMAGES_EV_REPOSITORY,
};

struct images_event {
	enum images_event_type type;
	char *repository;
};

void store_images_init(struct store_images *im);
void store_images_free(struct store_images *im);
bool store_images_apply(struct store_images *im, struct images_event *ev);

#endif
