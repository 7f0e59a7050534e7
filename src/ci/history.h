/* Build history of one repository (CONTRACT.md):
 *   $XDG_STATE_HOME/shipdeck/repos/<repo-id>/builds/<N>/build.json, <step>.log
 *   $XDG_CACHE_HOME/shipdeck/work/<repo-id>/<N>/   the build's checkout
 * <repo-id> is the repository folder's name and a hash of its real path.
 * build.json is replaced atomically (temp + rename); numbers are taken with
 * mkdir, so two processes never get the same one, and never reused. */
#ifndef SHIPDECK_CI_HISTORY_H
#define SHIPDECK_CI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "store/ci.h"
#include "util/err.h"

struct ci_history {
	char *repo_root;
	char *repo_id;
	char *dir;                  /* .../repos/<repo-id> */
	char *builds_dir;           /* .../repos/<repo-id>/builds */
	char *work_root;            /* .../work/<repo-id> */
};

int ci_history_open(struct ci_history *h, const char *repo_root, struct err *err);
void ci_history_close(struct ci_history *h);

/* Paths; the caller frees. */
char *ci_history_build_dir(const struct ci_history *h, int n);
char *ci_history_work_dir(const struct ci_history *h, int n);
char *ci_history_log_path(const struct ci_history *h, int n, const char *key);
char *ci_history_times_path(const struct ci_history *h, int n, const char *key);
char *ci_history_cancel_path(const struct ci_history *h, int n);
/* "SHIPDECK_BUILD=<repo-id>/<n>": in every step's environment, so leftover
 * processes of a crashed build can be told from strangers. */
char *ci_history_marker(const struct ci_history *h, int n);

/* Takes the next build number and creates its folder. */
int ci_history_allocate(struct ci_history *h, int *number, struct err *err);
int ci_history_write(const struct ci_history *h, const struct ci_build *b, struct err *err);
struct ci_build *ci_history_read(const struct ci_history *h, int n, struct err *err);
/* Build numbers on disk, newest first; *out is the caller's to free. */
size_t ci_history_numbers(const struct ci_history *h, int **out);

/* The process recorded as running b is gone (kill -9, crash, reboot). */
bool ci_history_owner_gone(const struct ci_build *b);
/* For a build recorded as running whose owner is gone: marks it (and its
 * running steps) interrupted and its pending steps skipped. With repair set
 * it also kills the processes the build left behind and writes build.json.
 * Returns true when it changed b. */
bool ci_history_settle(const struct ci_history *h, struct ci_build *b, bool repair);

/* Removes build n's work folder (and what is in it). */
void ci_history_remove_work(const struct ci_history *h, int n);
/* Removes work folders but the newest keep and the ones in busy. */
void ci_history_prune_work(const struct ci_history *h, int keep, const int *busy, size_t nbusy);

#endif
