/* What the demo puts in its world after the first build, and what it keeps
 * of the cluster between runs. */
#ifndef SHIPDECK_DEMO_SEED_H
#define SHIPDECK_DEMO_SEED_H

#include "app/app.h"
#include "demo/world.h"

/* Pushes the tags "bad-stall" and "bad-errors" (built from the first build's
 * layer) so that an operator can deploy a bad image and watch it fail. */
/* Stage (the first environment) runs build tag by digest, as a pipeline
 * that deploys by digest would leave it: what P then promotes to prod. */
int demo_seed_stage(struct app *app, const char *tag, struct err *err);
int demo_seed_bad_images(struct app *app, const struct demo_world *w, const char *layer,
			 struct err *err);

/* Writes the cluster's Deployments and Services in the default namespace to
 * the sandbox's manifests file, so the next run starts where this one ended
 * (the sandbox keeps its state in memory only). */
int demo_save_cluster(struct app *app, const struct demo_world *w, struct err *err);

#endif
