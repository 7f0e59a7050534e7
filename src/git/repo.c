#include "git/repo.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "util/xalloc.h"

static int git_fail(struct err *err, const char *what, const char *path)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s %s: %s", what, path, e && e->message ? e->message : "failed");
}

static bool work_tree_dirty(git_repository *repo)
{
	git_status_options opts;
	git_status_list *list = NULL;
	bool dirty = false;

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &opts) == 0) {
		dirty = git_status_list_entrycount(list) > 0;
		git_status_list_free(list);
	}
	return dirty;
}

void git_lib_init(void)
{
	if (git_libgit2_init() > 1)
		git_libgit2_shutdown();
}

int git_head_read(struct git_head *head, const char *start, struct err *err)
{
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	const char *workdir;
	int rc = -1;

	memset(head, 0, sizeof *head);
	git_lib_init();
	if (git_repository_open_ext(&repo, start, 0, NULL)) {
		git_fail(err, "no git repository at", start);
		goto out;
	}
	workdir = git_repository_workdir(repo);
	if (!workdir) {
		err_set(err, "%s: a bare repository has no work tree to build", start);
		goto out;
	}
	head->root = xstrdup(workdir);
	if (strlen(head->root) > 1 && head->root[strlen(head->root) - 1] == '/')
		head->root[strlen(head->root) - 1] = '\0';
	if (git_repository_head(&ref, repo) == 0) {
		char sha[GIT_OID_HEXSZ + 1];
		const git_oid *oid = git_reference_target(ref);

		if (git_reference_is_branch(ref))
			head->branch = xstrdup(git_reference_shorthand(ref));
		if (oid) {
			git_oid_tostr(sha, sizeof sha, oid);
			head->sha = xstrdup(sha);
		}
	} else if (git_repository_head_unborn(repo) == 1) {
		git_reference *unborn = NULL;

		/* an empty repository: HEAD names a branch with no commit yet */
		if (git_reference_lookup(&unborn, repo, "HEAD") == 0) {
			const char *target = git_reference_symbolic_target(unborn);

			if (target && !strncmp(target, "refs/heads/", 11))
				head->branch = xstrdup(target + 11);
			git_reference_free(unborn);
		}
	}
	head->dirty = work_tree_dirty(repo);
	rc = 0;
out:
	git_reference_free(ref);
	git_repository_free(repo);
	if (rc)
		git_head_free(head);
	return rc;
}

void git_head_free(struct git_head *head)
{
	free(head->root);
	free(head->branch);
	free(head->sha);
	memset(head, 0, sizeof *head);
}
