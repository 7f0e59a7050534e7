/* What a source is handed instead of the app: the loop, HTTP, the store, the
 * settings it reads, a way to post events, and its own slot. The app owns
 * one (app->rt) and fills it; nothing here leads back to the app, and a
 * source reaches another source only through a hook the app wired
 * (tests/unit/layering.sh checks both). */
#ifndef SHIPDECK_RUNTIME_RT_H
#define SHIPDECK_RUNTIME_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "project/project.h"
#include "runtime/http.h"
#include "runtime/loop.h"
#include "store/store.h"
#include "util/err.h"

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

struct rt;
struct action_req;
struct action_builder;
struct kube_client;
struct ci_runner;
struct ci_remote;
struct registry_source;
struct canary_ctl;
struct chaos_run;
struct env_source;

/* The answer to rt_resolve_tag: the digest, or NULL and one line. */
typedef void (*rt_resolve_fn)(void *ctx, const char *digest, const char *error);

/* A source that can fill a log buffer on request ("pod/NS/NAME/CONTAINER",
 * "build/12/test"). */
typedef void (*log_open_fn)(void *ctx, struct rt *rt, const char *id);

struct log_provider {
	const char *prefix;         /* "pod/" */
	log_open_fn open;
	void *ctx;
};

/* Reads older lines and searches buffers whose log is on disk, on the loop
 * in bounded turns (the log pane never reads a file); answers arrive in the
 * store as LOG_EV_WINDOW and LOG_EV_SEARCH. One of each runs at a time: a
 * new request replaces the old. */
struct log_pager {
	void (*window)(void *ctx, struct rt *rt, const char *id, uint64_t first, size_t n);
	void (*search)(void *ctx, struct rt *rt, const char *id, uint64_t seq,
		       const char *needle, uint64_t from, int dir);
	void (*cancel)(void *ctx, struct rt *rt, const char *id);
	void *ctx;
};

struct rt {
	/* The app's, set once by app_init (the store and the settings stay the
	 * app's to free; project changes only before sources start). */
	struct loop *loop;
	struct http *http;
	struct store *store;
	const struct options *opts;
	const struct project *project;
	const char *repo_root;      /* the repository's work tree, or NULL */
	const char *user;
	const char *audit_path;

	/* Each source's own slot; NULL when not configured (the pane says how
	 * to configure). A source touches only its own: each comment starts
	 * with the folder that owns it (tests/unit/layering.sh reads them). */
	struct kube_client *kube;           /* kube/ */
	struct ci_runner *ci;               /* ci/ */
	struct ci_remote *ci_remote;        /* ci/: the remote backend the pipeline pane reads */
	struct registry_source *registry;   /* registry/ */
	struct canary_ctl *canary;          /* metrics/ */
	struct chaos_run *chaos_run;        /* chaos/: the experiment under way, or NULL */
	struct env_source *envs;            /* env/: of .shipdeck.yml, or NULL */

	/* What one source asks of another, wired in one place (app/sources.c):
	 * a source calls these, never another source. */
	struct {
		/* a build ended: whoever shows what builds make looks again */
		void (*build_finished)(struct rt *rt);
		/* the digest a tag of image.name points at, asked now */
		int (*resolve_tag)(struct rt *rt, const char *tag, rt_resolve_fn done, void *ctx,
				   struct err *err);
		/* whether there is a cluster to plan a change against */
		bool (*has_cluster)(struct rt *rt);
	} hooks;

	/* The builders of the action list's entries, a table per source that
	 * has some (action/builder.h), added in app/sources.c. */
	const struct action_builder *builders[8];
	int nbuilders;

	/* The console, when there is one (NULL for headless commands): the gate
	 * calls confirm for destructive actions. */
	void (*confirm)(struct rt *rt, struct action_req *req);

	struct log_provider log_providers[8];
	int nlog_providers;
	struct log_provider detail_providers[4];
	int ndetail_providers;
	struct log_pager log_pager;     /* wired by the app; window NULL: none */
	uint64_t log_searches;          /* rt_log_search's last number */
	int work_pending;               /* loop work under way that a script waits for */

	int actions_running;        /* actions started and not yet finished */
};

/* A store event from anywhere: applied at once. */
bool rt_apply(struct rt *rt, struct store_event *ev);

/* The status bar's message. */
void rt_message(struct rt *rt, enum status_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rt_vmessage(struct rt *rt, enum status_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* A source's state for its pane and the status bar. */
void rt_source_state(struct rt *rt, enum source_id source, enum source_state state,
		     int attempt, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void rt_vsource_state(struct rt *rt, enum source_id source, enum source_state state,
		      int attempt, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/* Log buffers on demand: a view asks for id; the provider whose prefix
 * matches starts filling buffer id (or does nothing when it already does). */
void rt_log_provider(struct rt *rt, const char *prefix, log_open_fn open, void *ctx);
void rt_open_log(struct rt *rt, const char *id);
/* Replaces log buffer id with text, whole and closed (title and text taken):
 * what a provider answers with when it has it all at once. */
void rt_log_put(struct rt *rt, const char *id, char *title, char *text);

/* Lines [first, first + n) of buffer id read back from disk into its
 * window. */
void rt_log_window(struct rt *rt, const char *id, uint64_t first, size_t n);
/* The nearest line from `from` in direction dir (+1 newer, -1 older) whose
 * plain text holds needle (case-insensitive unless it has a capital),
 * round past the end when need be; it cancels any search under way.
 * Returns the number the answer carries (0: no pager). */
uint64_t rt_log_search(struct rt *rt, const char *id, const char *needle, uint64_t from,
		       int dir);
/* Stops the search under way on buffer id, if any. */
void rt_log_search_cancel(struct rt *rt, const char *id);

/* Details that cost a request each, fetched only for the rows a pane shows
 * (an image's creation time, from its config blob): a view asks for id
 * ("image-config/sha256:…"); the provider whose prefix matches fetches it
 * unless it has it or is fetching it, and the answer arrives in the store. */
void rt_detail_provider(struct rt *rt, const char *prefix, log_open_fn fetch, void *ctx);
void rt_want_detail(struct rt *rt, const char *id);

/* The hooks; each does nothing (or says it cannot) when not wired. */
void rt_build_finished(struct rt *rt);
int rt_resolve_tag(struct rt *rt, const char *tag, rt_resolve_fn done, void *ctx,
		   struct err *err);
bool rt_has_cluster(struct rt *rt);

#endif
