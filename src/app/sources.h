/* Starting and stopping the sources the console and commands read from. */
#ifndef SHIPDECK_APP_SOURCES_H
#define SHIPDECK_APP_SOURCES_H

#include "app/app.h"

/* Finds the repository and its .shipdeck.yml (a bad file is an error: exit 2)
 * and starts every configured source; an unconfigured one gets a state that
 * says how to configure it. */
int sources_start(struct app *app, struct err *err);
void sources_stop(struct app *app);

/* Just the repository and project settings (headless commands that need no
 * other source). */
int sources_open_repo(struct app *app, struct err *err);

/* The console's ":ns NAME" and ":ctx NAME": the cluster source stops,
 * retargets and watches again (views ask the app, never the source). */
int sources_set_namespace(struct app *app, const char *ns, struct err *err);
int sources_set_context(struct app *app, const char *context, struct err *err);

/* Wires the hooks through which one source reaches another (runtime/rt.h):
 * the only place that knows who answers. Called by app_init. */
void sources_wire(struct app *app);

#endif
