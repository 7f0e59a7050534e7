#include "store/ci.h"

#include <stdlib.h>
#include <string.h>

void store_ci_init(struct store_ci *ci)
{
	memset(ci, 0, sizeof *ci);
}

void store_ci_free(struct store_ci *ci)
{
	free(ci->repo_path);
	free(ci->branch);
	free(ci->head_sha);
	memset(ci, 0, sizeof *ci);
}

bool store_ci_apply(struct store_ci *ci, struct ci_event *ev)
{
	switch (ev->type) {
	case CI_EV_REPO:
		free(ci->repo_path);
		free(ci->branch);
		free(ci->head_sha);
		ci->repo_path = ev->repo_path;
		ci->branch = ev->branch;
		ci->head_sha = ev->head_sha;
		ci->dirty = ev->dirty;
		ev->repo_path = ev->branch = ev->head_sha = NULL;
		return true;
	}
	return false;
}
