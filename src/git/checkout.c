#include "git/checkout.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "git/repo.h"
#include "util/file.h"
#include "util/xalloc.h"

static int git_fail(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what, e && e->message ? e->message : "failed");
}

/* Points dst's object database at src's objects (the common folder, so a
 * linked worktree works too). */
static int share_objects(git_repository *src, const char *dir, struct err *err)
{
	char *objects = xasprintf("%sobjects", git_repository_commondir(src));
	char *info = xasprintf("%s/.git/objects/info", dir);
	char *alternates = xasprintf("%s/alternates", info);
	char *line = xasprintf("%s\n", objects);
	int rc = -1;

	if (file_mkdirs(info, err))
		goto out;
	rc = file_write_atomic(alternates, line, strlen(line), err);
out:
	free(objects);
	free(info);
	free(alternates);
	free(line);
	return rc;
}

int workdir_checkout(const char *repo_root, const char *sha, const char *branch,
		     const char *dir, FILE *out, struct err *err)
{
	git_repository *src = NULL, *dst = NULL;
	git_commit *commit = NULL;
	git_reference *ref = NULL;
	git_index *index = NULL;
	git_checkout_options co;
	git_oid oid;
	int rc = -1;

	git_lib_init();
	if (git_oid_fromstr(&oid, sha)) {
		err_set(err, "'%s' is not a commit id", sha);
		goto out;
	}
	if (git_repository_open(&src, repo_root)) {
		git_fail(err, repo_root);
		goto out;
	}
	if (git_repository_init(&dst, dir, 0)) {
		git_fail(err, dir);
		goto out;
	}
	git_repository_free(dst);
	dst = NULL;
	if (share_objects(src, dir, err))
		goto out;
	/* reopened, so the object database reads the alternates */
	if (git_repository_open(&dst, dir) || git_commit_lookup(&commit, dst, &oid)) {
		git_fail(err, dir);
		goto out;
	}
	fprintf(out, "+ checkout %.7s %s\n", sha, git_commit_summary(commit));
	fprintf(out, "  into %s (objects read from %s)\n", dir, repo_root);
	if (branch && *branch) {
		char *name = xasprintf("refs/heads/%s", branch);

		rc = git_branch_create(&ref, dst, branch, commit, 1)
			|| git_repository_set_head(dst, name);
		free(name);
	} else {
		rc = git_repository_set_head_detached(dst, &oid);
	}
	if (rc) {
		rc = -1;
		git_fail(err, dir);
		goto out;
	}
	rc = -1;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_checkout_head(dst, &co) || git_repository_index(&index, dst)) {
		git_fail(err, dir);
		goto out;
	}
	fprintf(out, "  %zu file%s at %.7s%s%s\n", git_index_entrycount(index),
		git_index_entrycount(index) == 1 ? "" : "s", sha,
		branch && *branch ? " on branch " : " (detached)", branch && *branch ? branch : "");
	rc = 0;
out:
	git_index_free(index);
	git_reference_free(ref);
	git_commit_free(commit);
	git_repository_free(dst);
	git_repository_free(src);
	return rc;
}
