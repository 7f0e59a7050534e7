#include "store/images.h"

#include <stdlib.h>
#include <string.h>

void store_images_init(struct store_images *im)
{
	memset(im, 0, sizeof *im);
}

void store_images_free(struct store_images *im)
{
	free(im->repository);
	memset(im, 0, sizeof *im);
}

bool store_images_apply(struct store_images *im, struct images_event *ev)
{
	switch (ev->type) {
	case IMAGES_EV_REPOSITORY:
		free(im->repository);
		im->repository = ev->repository;
		ev->repository = NULL;
		return true;
	}
	return false;
}
