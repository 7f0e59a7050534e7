/* The one struct app: everything the program holds, passed to whoever needs
 * it. No other global state. */
#ifndef SHIPDECK_APP_APP_H
#define SHIPDECK_APP_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "action/action.h"
#include "app/config.h"
#include "app/theme.h"
#include "project/project.h"
#include "runtime/http.h"
#include "runtime/loop.h"
#include "runtime/rt.h"
#include "store/store.h"

struct ui;

struct app {
	struct options opts;
	struct loop *loop;
	struct http *http;
	struct store store;
	struct config config;
	struct project project;
	char *repo_root;            /* the repository's work tree, or NULL */
	char *audit_path;
	char *user;

	/* What sources are handed: pointers to the above, their slots, hooks,
	 * providers (see runtime/rt.h). */
	struct rt rt;

	struct ui *ui;              /* the console, or NULL for headless commands */
	int exit_code;
};

/* Sets up the loop, HTTP, store, user config and project settings. Errors are
 * configuration errors (exit 2). */
int app_init(struct app *app, const struct options *opts, struct err *err);
void app_free(struct app *app);

/* A store event from anywhere: applied at once. */
bool app_apply(struct app *app, struct store_event *ev);

/* The status bar's message. */
void app_message(struct app *app, enum status_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A source's state for its pane and the status bar. */
void app_source_state(struct app *app, enum source_id source, enum source_state state,
		      int attempt, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The app an rt belongs to, for the app's own callbacks (the confirm
 * dialog): sources never call it. */
#define app_of(r) ((struct app *)((char *)(r) - offsetof(struct app, rt)))

/* A view asks for a log buffer or a detail (runtime/rt.h). */
void app_open_log(struct app *app, const char *id);
void app_want_detail(struct app *app, const char *id);

/* True when nothing is under way that a script should wait for: no one-shot
 * request, no running action, no pending source work (screen tests wait for
 * this before each key). */
bool app_idle(const struct app *app);

#endif
