#include "ci/changes.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "git/repo.h"
#include "util/xalloc.h"

static int add_file(const git_diff_delta *d, float progress, void *ctx)
{
	struct ci_changes *c = ctx;
	const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;

	(void)progress;
	c->paths = xrealloc(c->paths, (c->n + 1) * sizeof *c->paths);
	c->paths[c->n++] = xstrdup(path);
	return 0;
}

int ci_changes_read(struct ci_changes *c, const char *repo_root, const char *sha,
		    struct err *err)
{
	git_repository *repo = NULL;
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *parent_tree = NULL;
	git_diff *diff = NULL;
	git_oid oid;
	int rc = -1;

	memset(c, 0, sizeof *c);
	git_lib_init();
	if (git_repository_open(&repo, repo_root) || git_oid_fromstr(&oid, sha)
	    || git_commit_lookup(&commit, repo, &oid) || git_commit_tree(&tree, commit)) {
		const git_error *e = git_error_last();

		err_set(err, "%s: the files commit %.7s changes: %s", repo_root, sha,
			e && e->message ? e->message : "cannot read");
		goto out;
	}
	if (git_commit_parentcount(commit) > 0
	    && (git_commit_parent(&parent, commit, 0) || git_commit_tree(&parent_tree, parent))) {
		err_set(err, "%s: the parent of commit %.7s cannot be read", repo_root, sha);
		goto out;
	}
	if (git_diff_tree_to_tree(&diff, repo, parent_tree, tree, NULL)
	    || git_diff_foreach(diff, add_file, NULL, NULL, NULL, c)) {
		err_set(err, "%s: the files commit %.7s changes cannot be listed", repo_root, sha);
		goto out;
	}
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(parent_tree);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(commit);
	git_repository_free(repo);
	if (rc)
		ci_changes_free(c);
	return rc;
}

void ci_changes_free(struct ci_changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->paths);
	memset(c, 0, sizeof *c);
}
