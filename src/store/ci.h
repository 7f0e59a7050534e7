/* The repository and its builds. The pipeline issue extends this domain. */
#ifndef SHIPDECK_STORE_CI_H
#define SHIPDECK_STORE_CI_H

#include <stdbool.h>

struct store_ci {
	char *repo_path;            /* work tree root, NULL when not in a repository */
	char *branch;               /* NULL when detached */
	char *head_sha;
	bool dirty;
};

enum ci_event_type {
	CI_EV_REPO,                 /* repository, branch, HEAD, dirty state */
};

struct ci_event {
	enum ci_event_type type;
	char *repo_path;
	char *branch;
	char *head_sha;
	bool dirty;
};

void store_ci_init(struct store_ci *ci);
void store_ci_free(struct store_ci *ci);
bool store_ci_apply(struct store_ci *ci, struct ci_event *ev);

#endif
