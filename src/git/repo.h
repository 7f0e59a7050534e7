/* The operator's repository, through libgit2: where it is, HEAD, branch and
 * whether the work tree is dirty. Read-only: nothing here writes to it. */
#ifndef SHIPDECK_GIT_REPO_H
#define SHIPDECK_GIT_REPO_H

#include <stdbool.h>

#include "util/err.h"

struct git_head {
	char *root;                 /* work tree, without a trailing slash */
	char *branch;               /* NULL when detached */
	char *sha;                  /* 40 hex digits, NULL in an empty repository */
	bool dirty;                 /* tracked files changed or new files present */
};

/* Initialises libgit2 for the rest of the process; every function of
 * src/git calls it. Its first initialisation parses the system's CA bundle
 * (mbedTLS: ~54M instructions, 15-20 ms), so the count is kept at one
 * rather than dropping to zero, and paying that again, after every call. */
void git_lib_init(void);

/* Finds the repository containing start (a folder). -1 with a message when
 * there is none. */
int git_head_read(struct git_head *head, const char *start, struct err *err);
void git_head_free(struct git_head *head);

#endif
