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

/* A build ended: sources that show what builds make (the registry's tags)
 * look again now rather than at their next refresh. */
void sources_build_finished(struct app *app);

#endif
