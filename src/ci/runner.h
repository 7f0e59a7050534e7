/* The local runner: builds of the pipeline file on a clean checkout of one
 * commit, like `drone exec`, driven by the app's loop.
 *
 * Each step is `sh -e -c SCRIPT` in its own process group, in the build's
 * work folder; its output is read without blocking, masked, appended to
 * `<step>.log` and handed to the store. A failed step skips its dependents;
 * cancel sends TERM to every running group, then KILL after a grace period.
 * Every change of the build is written to build.json (temp + rename) and
 * sent to the store as a snapshot. */
#ifndef SHIPDECK_CI_RUNNER_H
#define SHIPDECK_CI_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "ci/history.h"
#include "runtime/rt.h"
#include "store/ci.h"
#include "util/err.h"

struct ci_runner;

struct ci_run_opts {
	const char *rev;            /* NULL: HEAD */
	bool tests_only;            /* the test steps and what they depend on */
	bool in_place;              /* run in the operator's tree, no checkout */
	const char *trigger;        /* "console", "cli" */
};

/* For a headless command that prints as the build goes; every member may be
 * NULL. Pointers are valid during the call only. */
struct ci_hooks {
	void (*step)(void *ctx, const struct ci_build *b, const struct ci_step *s);
	/* text: complete lines ("a\nb\n"), first: the number of the first */
	void (*lines)(void *ctx, const struct ci_build *b, const struct ci_step *s,
		      uint64_t first, const char *text, size_t len);
	void (*done)(void *ctx, const struct ci_build *b);
	void *ctx;
};

enum { CI_CANCEL_GRACE_MS = 3000 };

/* Opens the repository's history. Needs rt->repo_root and rt->project-> */
struct ci_runner *ci_runner_new(struct rt *rt, struct err *err);
/* Stops what still runs (see ci_runner_stop_all) and frees; clears *r. */
void ci_runner_free(struct ci_runner **r);
const struct ci_history *ci_runner_history(const struct ci_runner *r);
void ci_runner_set_hooks(struct ci_runner *r, const struct ci_hooks *hooks);

/* Starts a build and returns its number in *number. -1 with err when it
 * cannot: *config_error tells a problem of the pipeline file, the secrets
 * or the arguments (exit 2) from others. */
int ci_runner_start(struct ci_runner *r, const struct ci_run_opts *o, int *number,
		    bool *config_error, struct err *err);

typedef void (*ci_cancel_done_fn)(void *ctx, const struct ci_build *b);

/* Cancels build n if this process runs it; done is called once it stopped.
 * -1 when it does not run here. */
int ci_runner_cancel(struct ci_runner *r, int n, const char *why, ci_cancel_done_fn done,
		     void *ctx);
bool ci_runner_owns(const struct ci_runner *r, int n);
/* Cancels every build this process runs and waits (on the loop) until their
 * processes are gone: quitting never leaves a step behind. */
void ci_runner_stop_all(struct ci_runner *r, const char *why);

/* Opens log buffer "build/N/KEY": live steps are already filled by the
 * runner; others are loaded from their log file (the newest lines; older
 * ones are paged by the log pane). */
void ci_runner_open_log(struct ci_runner *r, const char *id);

#endif
