/* The demo's git repository: created once with libgit2, commit by commit. */
#ifndef SHIPDECK_DEMO_REPO_H
#define SHIPDECK_DEMO_REPO_H

#include "util/err.h"

/* Creates dir as a repository on branch main holding demo_commits, unless it
 * exists. *good_sha gets the 40-hex id of the commit built first (caller
 * frees). */
int demo_repo_create(const char *dir, char **good_sha, struct err *err);

#endif
