/* The one struct app: everything the program holds, passed to whoever needs
 * it. No other global state. */
#ifndef SHIPDECK_APP_APP_H
#define SHIPDECK_APP_APP_H

#include <stdbool.h>

#include "app/action.h"
#include "app/config.h"
#include "app/loop.h"
#include "app/project.h"
#include "app/theme.h"
#include "net/http.h"
#include "store/store.h"

/* Global flags, accepted before or after the sub-command (CONTRACT.md). */
struct options {
	const char *kubeconfig;
	const char *context;
	const char *namespace;
	const char *theme;
	const char *config;
	const char *repo;
	bool read_only;
	bool json;
};

struct action_req;
struct ui;
struct kube_client;
struct ci_runner;
struct registry_source;
struct canary_ctl;
struct chaos_run;

struct app;

/* A source that can fill a log buffer on request ("pod/NS/NAME/CONTAINER",
 * "build/12/test"). */
typedef void (*log_open_fn)(void *ctx, struct app *app, const char *id);

struct log_provider {
	const char *prefix;         /* "pod/" */
	log_open_fn open;
	void *ctx;
};

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

	/* Sources; NULL when not configured (the pane says how to configure). */
	struct kube_client *kube;
	struct ci_runner *ci;
	struct registry_source *registry;
	struct canary_ctl *canary;
	struct chaos_run *chaos_run;    /* the chaos experiment under way, or NULL */

	/* The console, when there is one (NULL for headless commands). The gate
	 * calls confirm for destructive actions. */
	struct ui *ui;
	void (*confirm)(struct app *app, struct action_req *req);

	struct log_provider log_providers[4];
	int nlog_providers;
	struct log_provider detail_providers[4];
	int ndetail_providers;

	int actions_running;        /* actions started and not yet finished */
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

/* Log buffers on demand: a view asks for id; the provider whose prefix
 * matches starts filling buffer id (or does nothing when it already does). */
void app_log_provider(struct app *app, const char *prefix, log_open_fn open, void *ctx);
void app_open_log(struct app *app, const char *id);

/* Details that cost a request each, fetched only for the rows a pane shows
 * (an image's creation time, from its config blob): a view asks for id
 * ("image-config/sha256:…"); the provider whose prefix matches fetches it
 * unless it has it or is fetching it, and the answer arrives in the store. */
void app_detail_provider(struct app *app, const char *prefix, log_open_fn fetch, void *ctx);
void app_want_detail(struct app *app, const char *id);

/* True when nothing is under way that a script should wait for: no one-shot
 * request, no running action, no pending source work (screen tests wait for
 * this before each key). */
bool app_idle(const struct app *app);

#endif
