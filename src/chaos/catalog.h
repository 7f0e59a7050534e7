/* The chaos log buffers, on demand (runtime/rt.h's log providers): "chaos"
 * lists the repository's experiments, each checked, the past runs and the
 * engine (or how to install it); "chaos/N" is a past run's output read back
 * from the state folder when no buffer holds it (a run under way fills its
 * own). The console asks; it never reads the files itself. */
#ifndef SHIPDECK_CHAOS_CATALOG_H
#define SHIPDECK_CHAOS_CATALOG_H

#include "runtime/rt.h"

/* Adds the provider of "chaos" and "chaos/N" (a console source's start). */
int chaos_catalog_start(struct rt *rt, struct err *err);

/* An experiment as the operator names it: its number in the "chaos" list,
 * a path as given, else a file in chaos.dir (caller frees; NULL for a
 * number not in the list). */
char *chaos_experiment_path(const struct rt *rt, const char *arg);

#endif
