#include "git/log.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "git/repo.h"
#include "util/xalloc.h"

struct git_log {
	git_repository *repo;
};

int git_log_open(struct git_log **logp, const char *root, struct err *err)
{
	git_repository *repo = NULL;

	*logp = NULL;
	git_lib_init();
	if (git_repository_open(&repo, root)) {
		const git_error *e = git_error_last();

		err_set(err, "git repository %s: %s", root,
			e && e->message ? e->message : "cannot open");
		return -1;
	}
	*logp = xcalloc(1, sizeof **logp);
	(*logp)->repo = repo;
	return 0;
}

void git_log_free(struct git_log **logp)
{
	if (!*logp)
		return;
	git_repository_free((*logp)->repo);
	free(*logp);
	*logp = NULL;
}

static char *first_line(const char *msg)
{
	return xstrndup(msg ? msg : "", msg ? strcspn(msg, "\r\n") : 0);
}

int git_log_lookup(struct git_log *log, const char *prefix, struct git_commit_info *out,
		   struct err *err)
{
	size_t len = strlen(prefix);
	git_oid oid;
	git_commit *commit = NULL;
	const git_signature *author;
	int rc;

	memset(out, 0, sizeof *out);
	if (len < 4 || len > GIT_OID_HEXSZ || strspn(prefix, "0123456789abcdef") != len)
		return err_set(err, "'%s' is not a commit sha or prefix", prefix);
	if (git_oid_fromstrn(&oid, prefix, len))
		return err_set(err, "'%s' is not a commit sha or prefix", prefix);
	rc = git_commit_lookup_prefix(&commit, log->repo, &oid, len);
	if (rc == GIT_ENOTFOUND)
		return 1;
	if (rc == GIT_EAMBIGUOUS)
		return err_set(err, "commit prefix %s is ambiguous in this repository", prefix);
	if (rc) {
		const git_error *e = git_error_last();

		return err_set(err, "commit %s: %s", prefix,
			       e && e->message ? e->message : "not a commit");
	}
	git_oid_tostr(out->sha, sizeof out->sha, git_commit_id(commit));
	out->subject = first_line(git_commit_message(commit));
	author = git_commit_author(commit);
	out->author = xstrdup(author && author->name ? author->name : "");
	out->time = (int64_t)git_commit_time(commit);
	git_commit_free(commit);
	return 0;
}

void git_commit_info_free(struct git_commit_info *c)
{
	free(c->subject);
	free(c->author);
	memset(c, 0, sizeof *c);
}
