/* The repository's commits, through libgit2: which commit a tag's sha (or
 * sha prefix) names, with its subject, author and time. Opened once by the
 * registry source and kept; read-only. */
#ifndef SHIPDECK_GIT_LOG_H
#define SHIPDECK_GIT_LOG_H

#include <stdint.h>

#include "util/err.h"

struct git_log;

/* Owned strings, freed by git_commit_info_free. */
struct git_commit_info {
	char sha[41];
	char *subject;              /* the message's first line */
	char *author;               /* name */
	int64_t time;               /* committer time, seconds since the epoch */
};

/* Opens the repository whose work tree is root. */
int git_log_open(struct git_log **log, const char *root, struct err *err);
void git_log_free(struct git_log **log);

/* The commit whose sha starts with prefix (4 to 40 hex digits). Returns 0
 * with out filled, 1 when the repository has no such commit (CI built one
 * that was never fetched here), -1 with err when prefix is ambiguous or
 * names something that is not a commit. */
int git_log_lookup(struct git_log *log, const char *prefix, struct git_commit_info *out,
		   struct err *err);
void git_commit_info_free(struct git_commit_info *c);

#endif
