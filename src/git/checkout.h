/* A clean checkout of one commit into a build's work folder, so that what is
 * built is exactly a commit and never the operator's dirty tree. */
#ifndef SHIPDECK_GIT_CHECKOUT_H
#define SHIPDECK_GIT_CHECKOUT_H

#include <stdio.h>

#include "util/err.h"

/* Makes dir (which must not exist or be empty) a repository of its own whose
 * objects are read from repo_root's (alternates: no copy, read-only), with
 * HEAD on branch (or detached when branch is empty) at sha and the whole tree
 * written out. Nothing is written into repo_root. Progress lines go to out. */
int workdir_checkout(const char *repo_root, const char *sha, const char *branch,
		     const char *dir, FILE *out, struct err *err);

#endif
