/* The files a commit changes (against its first parent; every file of a root
 * commit), for Drone's `paths` conditions. Read-only, with libgit2. */
#ifndef SHIPDECK_CI_CHANGES_H
#define SHIPDECK_CI_CHANGES_H

#include <stddef.h>

#include "util/err.h"

struct ci_changes {
	char **paths;
	size_t n;
};

int ci_changes_read(struct ci_changes *c, const char *repo_root, const char *sha,
		    struct err *err);
void ci_changes_free(struct ci_changes *c);

#endif
