/* A commit of the operator's repository, looked up read-only with libgit2:
 * what a build needs to know before it starts. */
#ifndef SHIPDECK_GIT_COMMIT_H
#define SHIPDECK_GIT_COMMIT_H

#include <stddef.h>

#include "util/err.h"

struct commit_info {
	char *sha;                  /* 40 hex digits */
	char *subject;              /* first line of the message */
	char *message;
	char *author, *email;
	char *branch;               /* the branch REV names, else the checked-out one; ""
				     * detached */
};

/* rev: anything git rev-parse takes ("HEAD", "main", "a1b2c3d", "HEAD~2");
 * NULL means HEAD. */
int commit_info_read(struct commit_info *info, const char *repo_root, const char *rev,
		      struct err *err);
void commit_info_free(struct commit_info *info);

/* The blob at path in commit sha (the pipeline file as committed). The caller
 * frees; NULL with a message when the commit has no such file. */
char *commit_file_read(const char *repo_root, const char *sha, const char *path,
			   size_t *len, struct err *err);

#endif
