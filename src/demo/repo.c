#include "demo/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <git2.h>

#include "demo/template.h"
#include "git/repo.h"
#include "util/file.h"
#include "util/xalloc.h"

static int git_fail(struct err *err, const char *what, const char *dir)
{
	const git_error *e = git_error_last();

	return err_set(err, "demo repository %s: %s: %s", dir, what,
		       e && e->message ? e->message : "failed");
}

static int write_file(const char *dir, const struct demo_file *f, struct err *err)
{
	char *path = xasprintf("%s/%s", dir, f->path), *slash = strrchr(path, '/');
	int rc = 0;

	*slash = '\0';
	if (file_mkdirs(path, err))
		rc = -1;
	*slash = '/';
	if (!rc && file_write_atomic(path, f->content, strlen(f->content), err))
		rc = -1;
	if (!rc)
		chmod(path, (mode_t)f->mode);
	free(path);
	return rc;
}

/* One commit of the files, by the demo's author, hours apart so that ages
 * read like a real history. */
static int commit(git_repository *repo, const char *dir, const struct demo_commit *c,
		  git_time_t when, git_oid *out, struct err *err)
{
	git_index *index = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_oid tree_id, parent_id;
	int rc = -1, nparents = 0;

	for (const struct demo_file *f = c->files; f->path; f++)
		if (write_file(dir, f, err))
			return -1;
	if (git_repository_index(&index, repo))
		return git_fail(err, "index", dir);
	for (const struct demo_file *f = c->files; f->path; f++)
		if (git_index_add_bypath(index, f->path)) {
			git_fail(err, f->path, dir);
			goto out;
		}
	if (git_index_write(index) || git_index_write_tree(&tree_id, index)
	    || git_tree_lookup(&tree, repo, &tree_id)) {
		git_fail(err, "tree", dir);
		goto out;
	}
	if (git_reference_name_to_id(&parent_id, repo, "HEAD") == 0) {
		if (git_commit_lookup(&parent, repo, &parent_id)) {
			git_fail(err, "HEAD", dir);
			goto out;
		}
		nparents = 1;
	}
	if (git_signature_new(&sig, "shipdeck demo", "demo@shipdeck.invalid", when, 0)) {
		git_fail(err, "signature", dir);
		goto out;
	}
	if (git_commit_create(out, repo, "HEAD", sig, sig, NULL, c->message, tree, nparents,
			      (const git_commit **)&parent)) {
		git_fail(err, "commit", dir);
		goto out;
	}
	rc = 0;
out:
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(index);
	return rc;
}

int demo_repo_create(const char *dir, char **good_sha, struct err *err)
{
	git_repository *repo = NULL;
	git_repository_init_options opts;
	git_oid ids[8];
	char hex[GIT_OID_HEXSZ + 1];
	time_t now = time(NULL);
	int rc = -1;

	*good_sha = NULL;
	git_lib_init();
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "main";
	if (git_repository_init_ext(&repo, dir, &opts)) {
		git_fail(err, "init", dir);
		goto out;
	}
	for (int i = 0; i < demo_ncommits && i < 8; i++)
		if (commit(repo, dir, &demo_commits[i],
			   (git_time_t)(now - (demo_ncommits - i) * 3600), &ids[i], err))
			goto out;
	{
		/* .shipdeck.yml holds this run's ports: keep it out of commits */
		char *exclude = xasprintf("%s/.git/info/exclude", dir);
		static const char line[] = ".shipdeck.yml\n";

		if (file_append_sync(exclude, line, strlen(line), err)) {
			free(exclude);
			goto out;
		}
		free(exclude);
	}
	git_oid_tostr(hex, sizeof hex, &ids[DEMO_GOOD_COMMIT]);
	*good_sha = xstrdup(hex);
	rc = 0;
out:
	git_repository_free(repo);
	return rc;
}
