/* .shipdeck.yml `ci:`: one map or a list of maps with backend, url, repo and
 * token_env. Checked here so that a typo is refused with file:line:col before
 * anything asks a server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project/project.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

int project_parse_ci(struct project *p, const struct ynode *n, const char *name,
		     struct err *err);

static const char *const ci_keys[] = { "backend", "url", "repo", "token_env", NULL };
static const char *const backend_names[] = { "local", "github", "gitea", "drone" };

const char *ci_backend_name(enum ci_backend_kind k)
{
	return (unsigned)k < sizeof backend_names / sizeof *backend_names ? backend_names[k] : "?";
}

int ci_backend_parse(const char *word)
{
	for (size_t i = 0; word && i < sizeof backend_names / sizeof *backend_names; i++)
		if (!strcmp(word, backend_names[i]))
			return (int)i;
	return -1;
}

static int fail_at(struct err *err, const char *name, const struct ynode *n, const char *field,
		   const char *what)
{
	return err_set(err, "%s:%d:%d: %s: %s", name, n->line, n->col, field, what);
}

static int scalar(const struct ynode *n, char **out, const char *name, const char *where,
		  struct err *err)
{
	if (ynode_expect(n, YNODE_SCALAR, name, where, err))
		return -1;
	free(*out);
	*out = xstrdup(n->scalar);
	return 0;
}

static int parse_one(struct ci_conf *c, const struct ynode *n, const char *name,
		     struct err *err)
{
	const struct ynode *v;
	char *word = NULL;
	int k;

	if (ynode_expect(n, YNODE_MAP, name, "ci", err)
	    || ynode_check_keys(n, ci_keys, name, "ci", err))
		return -1;
	if (!(v = ynode_get(n, "backend")))
		return fail_at(err, name, n, "ci",
			       "backend is missing (github, gitea, drone or local)");
	if (scalar(v, &word, name, "ci.backend", err))
		return -1;
	k = ci_backend_parse(word);
	if (k < 0) {
		int rc = err_set(err,
				 "%s:%d:%d: ci.backend: expected github, gitea, drone or local, "
				 "found '%s'", name, v->line, v->col, word);

		free(word);
		return rc;
	}
	free(word);
	c->backend = (enum ci_backend_kind)k;
	if ((v = ynode_get(n, "url")) && scalar(v, &c->url, name, "ci.url", err))
		return -1;
	if ((v = ynode_get(n, "repo")) && scalar(v, &c->repo, name, "ci.repo", err))
		return -1;
	if ((v = ynode_get(n, "token_env")) && scalar(v, &c->token_env, name, "ci.token_env", err))
		return -1;
	if (c->url && strncmp(c->url, "http://", 7) && strncmp(c->url, "https://", 8)) {
		v = ynode_get(n, "url");
		return err_set(err, "%s:%d:%d: ci.url: expected http:// or https://, found '%s'",
			       name, v->line, v->col, c->url);
	}
	if (c->url)
		for (size_t l = strlen(c->url); l && c->url[l - 1] == '/';)
			c->url[--l] = '\0';
	if (c->backend == CI_BACKEND_LOCAL)
		return 0;
	if (!c->repo || !strchr(c->repo, '/') || strchr(c->repo, '/') == c->repo
	    || !strchr(c->repo, '/')[1] || strchr(strchr(c->repo, '/') + 1, '/'))
	{
		v = c->repo ? ynode_get(n, "repo") : n;
		return err_set(err, "%s:%d:%d: ci.repo: expected owner/name, found '%s'", name,
			       v->line, v->col, c->repo ? c->repo : "none");
	}
	if (!c->url && c->backend != CI_BACKEND_GITHUB)
		return fail_at(err, name, n, "ci.url", c->backend == CI_BACKEND_GITEA
			       ? "the Gitea server's address is needed (http://HOST:PORT)"
			       : "the Drone server's address is needed (http://HOST:PORT)");
	if (!c->url)
		c->url = xstrdup("https://api.github.com");
	return 0;
}

int project_parse_ci(struct project *p, const struct ynode *n, const char *name,
		     struct err *err)
{
	size_t count = n->kind == YNODE_SEQ ? n->n : 1;

	p->ci = xcalloc(count, sizeof *p->ci);
	for (size_t i = 0; i < count; i++) {
		if (parse_one(&p->ci[p->nci++], n->kind == YNODE_SEQ ? n->items[i] : n, name, err))
			return -1;
	}
	return 0;
}

const struct ci_conf *project_ci(const struct project *p, enum ci_backend_kind backend)
{
	for (size_t i = 0; i < p->nci; i++)
		if (p->ci[i].backend == backend)
			return &p->ci[i];
	return NULL;
}
