#include "git/commit.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "git/repo.h"
#include "util/xalloc.h"

static int git_fail(struct err *err, const char *what)
{
	const git_error *e = git_error_last();

	return err_set(err, "%s: %s", what, e && e->message ? e->message : "failed");
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

static char *current_branch(git_repository *repo)
{
	git_reference *head = NULL;
	char *branch = NULL;

	if (git_repository_head(&head, repo) == 0 && git_reference_is_branch(head))
		branch = xstrdup(git_reference_shorthand(head));
	git_reference_free(head);
	return branch ? branch : xstrdup("");
}

int commit_info_read(struct commit_info *info, const char *repo_root, const char *rev,
		      struct err *err)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	const git_signature *who;
	char sha[GIT_OID_HEXSZ + 1];
	int rc = -1;

	memset(info, 0, sizeof *info);
	git_lib_init();
	if (git_repository_open(&repo, repo_root)) {
		git_fail(err, repo_root);
		goto out;
	}
	if (git_revparse_ext(&obj, &ref, repo, rev ? rev : "HEAD")) {
		err_set(err, "%s: no commit '%s' in the repository", repo_root, rev ? rev : "HEAD");
		goto out;
	}
	if (git_commit_lookup(&commit, repo, git_object_id(obj))
	    && git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT)) {
		err_set(err, "%s: '%s' is not a commit", repo_root, rev ? rev : "HEAD");
		goto out;
	}
	git_oid_tostr(sha, sizeof sha, git_commit_id(commit));
	info->sha = xstrdup(sha);
	info->subject = dup_or_empty(git_commit_summary(commit));
	info->message = dup_or_empty(git_commit_message(commit));
	who = git_commit_author(commit);
	info->author = dup_or_empty(who ? who->name : NULL);
	info->email = dup_or_empty(who ? who->email : NULL);
	if (ref && git_reference_is_branch(ref))
		info->branch = xstrdup(git_reference_shorthand(ref));
	else
		info->branch = current_branch(repo);
	rc = 0;
out:
	git_commit_free(commit);
	git_reference_free(ref);
	git_object_free(obj);
	git_repository_free(repo);
	if (rc)
		commit_info_free(info);
	return rc;
}

void commit_info_free(struct commit_info *info)
{
	free(info->sha);
	free(info->subject);
	free(info->message);
	free(info->author);
	free(info->email);
	free(info->branch);
	memset(info, 0, sizeof *info);
}

char *commit_file_read(const char *repo_root, const char *sha, const char *path,
			   size_t *len, struct err *err)
{
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	git_oid oid;
	char *data = NULL;

	git_lib_init();
	if (git_repository_open(&repo, repo_root)) {
		git_fail(err, repo_root);
		goto out;
	}
	if (git_oid_fromstr(&oid, sha) || git_commit_lookup(&commit, repo, &oid)
	    || git_commit_tree(&tree, commit)) {
		git_fail(err, sha);
		goto out;
	}
	if (git_tree_entry_bypath(&entry, tree, path)
	    || git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		err_set(err, "%s: commit %.7s has no %s (commit the pipeline file first)",
			repo_root, sha, path);
		goto out;
	}
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry))) {
		git_fail(err, path);
		goto out;
	}
	*len = (size_t)git_blob_rawsize(blob);
	data = xmalloc(*len + 1);
	memcpy(data, git_blob_rawcontent(blob), *len);
	data[*len] = '\0';
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_repository_free(repo);
	return data;
}
