/* The demo's faulty tags: the first build's image tagged again as bad-errors
 * and bad-stall, which the sandbox's faults file (demo_faults) turns into
 * pods that serve 20% errors and 250 ms more latency, or never become ready.
 * C on one of them in the images pane starts a canary to watch fail. */
#ifndef SHIPDECK_DEMO_FAULTY_H
#define SHIPDECK_DEMO_FAULTY_H

#include "app/app.h"

/* registry "127.0.0.1:PORT" (plain HTTP, as the demo's), repository
 * "demo/greet", tag the image to copy. */
int demo_tag_faulty(struct app *app, const char *registry, const char *repository,
		    const char *tag, struct err *err);

#endif
