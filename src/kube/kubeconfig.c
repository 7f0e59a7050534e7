#include "kube/kubeconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

/* A named stanza (cluster, user or context) and the file it came from. */
struct named {
	const char *name;
	const struct ynode *body;
	const char *file;
};

struct merged {
	struct ydoc *docs;
	size_t ndocs;
	struct named *clusters, *users, *contexts;
	size_t nclusters, nusers, ncontexts;
	size_t clusters_cap, users_cap, contexts_cap;
	const char *current_context;
	const char *current_file;
	struct strbuf files;
};

static void merged_free(struct merged *m)
{
	for (size_t i = 0; i < m->ndocs; i++)
		ydoc_free(&m->docs[i]);
	free(m->docs);
	free(m->clusters);
	free(m->users);
	free(m->contexts);
	sb_free(&m->files);
	memset(m, 0, sizeof *m);
}

static const struct named *find_named(const struct named *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			return &list[i];
	return NULL;
}

/* Adds the stanzas of one list ("clusters") of one file; the first file to
 * define a name keeps it, as client-go's merge does. */
static int add_list(struct merged *m, const struct ynode *root, const char *file,
		    const char *key, const char *body_key, struct named **list, size_t *n,
		    size_t *cap, struct err *err)
{
	const struct ynode *seq = ynode_get(root, key);

	if (!seq || ynode_is_null(seq))
		return 0;
	if (ynode_expect(seq, YNODE_SEQ, file, key, err))
		return -1;
	for (size_t i = 0; i < seq->n; i++) {
		const struct ynode *item = seq->items[i];
		const char *name;
		const struct ynode *body;

		if (ynode_expect(item, YNODE_MAP, file, key, err))
			return -1;
		name = ynode_str(ynode_get(item, "name"));
		if (!name || !*name)
			return err_set(err, "%s:%d:%d: %s[%zu]: missing name", file, item->line,
				       item->col, key, i);
		body = ynode_get(item, body_key);
		if (body && !ynode_is_null(body)
		    && ynode_expect(body, YNODE_MAP, file, body_key, err))
			return -1;
		if (find_named(*list, *n, name))
			continue;
		xgrow(list, cap, *n + 1, sizeof **list);
		(*list)[(*n)++] = (struct named){ .name = name, .body = body, .file = file };
	}
	return 0;
}

static int add_file(struct merged *m, const char *path, bool must_exist, struct err *err)
{
	struct ydoc doc = { 0 };
	const struct ynode *root;
	const char *cur;

	if (!must_exist && !file_exists(path))
		return 0;
	if (ydoc_load_file(&doc, path, err))
		return err_prefix(err, "kubeconfig");
	m->docs = xrealloc(m->docs, (m->ndocs + 1) * sizeof *m->docs);
	m->docs[m->ndocs++] = doc;
	if (m->files.len)
		sb_putc(&m->files, ':');
	sb_puts(&m->files, path);
	if (!doc.n || !doc.roots[0] || ynode_is_null(doc.roots[0]))
		return 0;   /* an empty file is an empty config, as kubectl takes it */
	root = doc.roots[0];
	if (ynode_expect(root, YNODE_MAP, doc.name, "kubeconfig", err))
		return err_prefix(err, "kubeconfig");
	if (add_list(m, root, doc.name, "clusters", "cluster", &m->clusters, &m->nclusters,
		     &m->clusters_cap, err)
	    || add_list(m, root, doc.name, "users", "user", &m->users, &m->nusers,
			&m->users_cap, err)
	    || add_list(m, root, doc.name, "contexts", "context", &m->contexts, &m->ncontexts,
			&m->contexts_cap, err))
		return err_prefix(err, "kubeconfig");
	cur = ynode_str(ynode_get(root, "current-context"));
	if (cur && *cur && !m->current_context) {
		m->current_context = cur;
		m->current_file = doc.name;
	}
	return 0;
}

/* Reads the files the options point at. Returns 1 when there are none. */
static int load_files(struct merged *m, const struct kube_config_opts *o, struct err *err)
{
	if (o->explicit_path)
		return add_file(m, o->explicit_path, true, err);
	if (o->env && *o->env) {
		char *list = xstrdup(o->env), *save = NULL;
		int rc = 0;

		for (char *p = strtok_r(list, ":", &save); p && !rc; p = strtok_r(NULL, ":", &save))
			rc = add_file(m, p, false, err);
		free(list);
		if (rc)
			return rc;
		return m->ndocs ? 0 : 1;
	}
	if (o->home) {
		char *path = xasprintf("%s/.kube/config", o->home);
		int rc = file_exists(path) ? add_file(m, path, true, err) : 1;

		free(path);
		return rc;
	}
	return 1;
}

/* A path from file relative to the file's folder, as client-go resolves it. */
static char *resolve_path(const char *file, const char *path)
{
	const char *slash;

	if (!path || !*path)
		return NULL;
	if (path[0] == '/')
		return xstrdup(path);
	if (path[0] == '~' && path[1] == '/')
		return path_expand_home(path);
	slash = strrchr(file, '/');
	if (!slash)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - file), file, path);
}

static const char *str_field(const struct ynode *body, const char *key)
{
	const struct ynode *n = body ? ynode_get(body, key) : NULL;
	const char *s = n ? ynode_str(n) : NULL;

	return s && *s && !ynode_is_null(n) ? s : NULL;
}

char *kube_base64_decode(const char *in, size_t *out_len)
{
	static const signed char tbl[256] = {
		['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7,
		['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13,
		['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19,
		['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25,
		['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31,
		['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
		['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
		['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
		['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55,
		['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61,
		['9'] = 62, ['+'] = 63, ['/'] = 64,
	};
	size_t len = strlen(in), n = 0, pad = 0;
	char *out = xmalloc(len / 4 * 3 + 4);
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		if (pad || !tbl[ch])
			goto bad;
		acc = (acc << 6) | (unsigned)(tbl[ch] - 1);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	/* leftover bits must be padding zeros, and there are at most two '=' */
	if (pad > 2 || bits >= 6 || (acc & ((1u << bits) - 1)))
		goto bad;
	out[n] = '\0';
	*out_len = n;
	return out;
bad:
	free(out);
	return NULL;
}

/* A *-data field: base64 of PEM. */
static int data_field(const struct ynode *body, const char *key, const char *file,
		      const char *where, char **out, size_t *len, struct err *err)
{
	const struct ynode *n = body ? ynode_get(body, key) : NULL;
	const char *s = n ? ynode_str(n) : NULL;

	if (!s || !*s || ynode_is_null(n))
		return 0;
	*out = kube_base64_decode(s, len);
	if (!*out)
		return err_set(err, "kubeconfig %s:%d:%d: %s: %s is not valid base64", file,
			       n->line, n->col, where, key);
	return 0;
}

static int bool_field(const struct ynode *body, const char *key, const char *file,
		      const char *where, bool *out, struct err *err)
{
	const struct ynode *n = body ? ynode_get(body, key) : NULL;

	if (!n || ynode_is_null(n))
		return 0;
	if (ynode_bool(n, out, file, key, err))
		return err_prefix(err, "kubeconfig %s", where);
	return 0;
}

static int read_cluster(struct kube_config *cfg, const struct named *c, struct err *err)
{
	char where[300];
	const char *server = str_field(c->body, "server");

	snprintf(where, sizeof where, "cluster '%s'", c->name);
	if (!server)
		return err_set(err, "kubeconfig %s: %s: server is not set", c->file, where);
	if (strncmp(server, "https://", 8) && strncmp(server, "http://", 7))
		return err_set(err, "kubeconfig %s: %s: server '%s' is not an http(s):// URL",
			       c->file, where, server);
	cfg->server = xstrdup(server);
	while (strlen(cfg->server) > 8 && cfg->server[strlen(cfg->server) - 1] == '/')
		cfg->server[strlen(cfg->server) - 1] = '\0';
	cfg->ca_file = resolve_path(c->file, str_field(c->body, "certificate-authority"));
	if (data_field(c->body, "certificate-authority-data", c->file, where, &cfg->ca_pem,
		       &cfg->ca_len, err))
		return -1;
	if (bool_field(c->body, "insecure-skip-tls-verify", c->file, where, &cfg->insecure, err))
		return -1;
	if (cfg->insecure && (cfg->ca_file || cfg->ca_pem))
		return err_set(err, "kubeconfig %s: %s: certificate-authority and "
			       "insecure-skip-tls-verify cannot both be set", c->file, where);
	if (cfg->ca_file && !file_exists(cfg->ca_file))
		return err_set(err, "kubeconfig %s: %s: certificate-authority %s: no such file",
			       c->file, where, cfg->ca_file);
	return 0;
}

static int read_exec(struct kube_config *cfg, const struct named *u, const struct ynode *ex,
		     struct err *err)
{
	struct kube_exec *e;
	const struct ynode *args, *env;
	const char *api = str_field(ex, "apiVersion"), *cmd = str_field(ex, "command");

	if (ynode_expect(ex, YNODE_MAP, u->file, "exec", err))
		return err_prefix(err, "kubeconfig user '%s'", u->name);
	if (!cmd)
		return err_set(err, "kubeconfig %s:%d:%d: user '%s': exec.command is not set",
			       u->file, ex->line, ex->col, u->name);
	if (!api)
		return err_set(err, "kubeconfig %s:%d:%d: user '%s': exec.apiVersion is not set",
			       u->file, ex->line, ex->col, u->name);
	if (strcmp(api, "client.authentication.k8s.io/v1")
	    && strcmp(api, "client.authentication.k8s.io/v1beta1"))
		return err_set(err, "kubeconfig %s:%d:%d: user '%s': exec.apiVersion '%s' is not "
			       "supported (use client.authentication.k8s.io/v1)", u->file, ex->line,
			       ex->col, u->name, api);
	e = cfg->exec = xcalloc(1, sizeof *e);
	e->api_version = xstrdup(api);
	/* a command with a slash is a path relative to the file; else PATH finds it */
	e->command = strchr(cmd, '/') ? resolve_path(u->file, cmd) : xstrdup(cmd);
	e->install_hint = str_field(ex, "installHint") ? xstrdup(str_field(ex, "installHint"))
		: NULL;
	if (bool_field(ex, "provideClusterInfo", u->file, u->name, &e->provide_cluster_info, err))
		return -1;
	args = ynode_get(ex, "args");
	if (args && !ynode_is_null(args)) {
		if (ynode_expect(args, YNODE_SEQ, u->file, "exec.args", err))
			return err_prefix(err, "kubeconfig user '%s'", u->name);
		e->args = xcalloc(args->n + 1, sizeof *e->args);
		for (size_t i = 0; i < args->n; i++)
			e->args[e->nargs++] = xstrdup(ynode_str(args->items[i])
						      ? ynode_str(args->items[i]) : "");
	}
	env = ynode_get(ex, "env");
	if (env && !ynode_is_null(env)) {
		if (ynode_expect(env, YNODE_SEQ, u->file, "exec.env", err))
			return err_prefix(err, "kubeconfig user '%s'", u->name);
		e->env = xcalloc(env->n + 1, sizeof *e->env);
		for (size_t i = 0; i < env->n; i++) {
			const char *name = str_field(env->items[i], "name");
			const struct ynode *vn = ynode_get(env->items[i], "value");
			const char *value = vn ? ynode_str(vn) : NULL;

			if (!name)
				return err_set(err,
					       "kubeconfig %s:%d:%d: user '%s': exec.env[%zu]: "
					       "name is not set", u->file, env->items[i]->line,
					       env->items[i]->col, u->name, i);
			e->env[e->nenv++] = xasprintf("%s=%s", name, value ? value : "");
		}
	}
	return 0;
}

static int read_user(struct kube_config *cfg, const struct named *u, struct err *err)
{
	char where[300];
	const struct ynode *ex = u->body ? ynode_get(u->body, "exec") : NULL;
	const char *s;

	snprintf(where, sizeof where, "user '%s'", u->name);
	if (u->body && ynode_get(u->body, "auth-provider"))
		return err_set(err, "kubeconfig %s: %s: auth-provider is not supported (it was "
			       "removed from kubectl too); use an exec plugin", u->file, where);
	if ((s = str_field(u->body, "token")))
		cfg->token = xstrdup(s);
	cfg->token_file = resolve_path(u->file, str_field(u->body, "tokenFile"));
	if ((s = str_field(u->body, "username")))
		cfg->username = xstrdup(s);
	if ((s = str_field(u->body, "password")))
		cfg->password = xstrdup(s);
	cfg->cert_file = resolve_path(u->file, str_field(u->body, "client-certificate"));
	cfg->key_file = resolve_path(u->file, str_field(u->body, "client-key"));
	if (data_field(u->body, "client-certificate-data", u->file, where, &cfg->cert_pem,
		       &cfg->cert_len, err)
	    || data_field(u->body, "client-key-data", u->file, where, &cfg->key_pem,
			  &cfg->key_len, err))
		return -1;
	if ((cfg->token || cfg->token_file) && (cfg->username || cfg->password))
		return err_set(err, "kubeconfig %s: %s: username/password or a bearer token may "
			       "be set, but not both", u->file, where);
	if ((cfg->cert_file || cfg->cert_pem) != (cfg->key_file || cfg->key_pem))
		return err_set(err, "kubeconfig %s: %s: a client certificate needs its key (and "
			       "a key its certificate)", u->file, where);
	if (cfg->cert_file && !file_exists(cfg->cert_file))
		return err_set(err, "kubeconfig %s: %s: client-certificate %s: no such file",
			       u->file, where, cfg->cert_file);
	if (cfg->key_file && !file_exists(cfg->key_file))
		return err_set(err, "kubeconfig %s: %s: client-key %s: no such file", u->file,
			       where, cfg->key_file);
	if (ex && !ynode_is_null(ex))
		return read_exec(cfg, u, ex, err);
	return 0;
}

static int resolve(struct kube_config *cfg, const struct merged *m,
		   const struct kube_config_opts *o, const char *context, struct err *err)
{
	const struct named *ctx, *cl, *us;
	const char *cluster_name, *user_name, *ns;

	if (!context || !*context) {
		if (!m->ncontexts)
			return err_set(err, "kubeconfig %s: no contexts are defined",
				       sb_str(&m->files));
		return err_set(err, "kubeconfig %s: current-context is not set (use --context "
			       "NAME)", sb_str(&m->files));
	}
	ctx = find_named(m->contexts, m->ncontexts, context);
	if (!ctx)
		return err_set(err, "kubeconfig %s: context '%s' not found", sb_str(&m->files),
			       context);
	cluster_name = str_field(ctx->body, "cluster");
	user_name = str_field(ctx->body, "user");
	if (!cluster_name)
		return err_set(err, "kubeconfig %s: context '%s': cluster is not set", ctx->file,
			       context);
	cl = find_named(m->clusters, m->nclusters, cluster_name);
	if (!cl)
		return err_set(err, "kubeconfig %s: context '%s': cluster '%s' not found",
			       sb_str(&m->files), context, cluster_name);
	cfg->files = xstrdup(sb_str(&m->files));
	cfg->context = xstrdup(context);
	cfg->cluster = xstrdup(cluster_name);
	if (read_cluster(cfg, cl, err))
		return -1;
	if (user_name) {
		us = find_named(m->users, m->nusers, user_name);
		if (!us)
			return err_set(err, "kubeconfig %s: context '%s': user '%s' not found",
				       sb_str(&m->files), context, user_name);
		cfg->user = xstrdup(user_name);
		if (read_user(cfg, us, err))
			return -1;
	}
	ns = o->namespace && *o->namespace ? o->namespace : str_field(ctx->body, "namespace");
	cfg->namespace_explicit = ns != NULL;
	cfg->namespace = xstrdup(ns ? ns : "default");
	return 0;
}

void kube_config_opts_from_env(struct kube_config_opts *o, const char *explicit_path,
			       const char *context, const char *namespace)
{
	*o = (struct kube_config_opts){
		.explicit_path = explicit_path,
		.env = getenv("KUBECONFIG"),
		.home = getenv("HOME"),
		.context = context,
		.namespace = namespace,
	};
}

static int load(struct kube_config *cfg, const struct kube_config_opts *o, const char *context,
		struct err *err)
{
	struct merged m = { 0 };
	int rc = load_files(&m, o, err);

	memset(cfg, 0, sizeof *cfg);
	if (rc == 0) {
		rc = resolve(cfg, &m, o, context ? context : m.current_context, err);
		if (rc)
			kube_config_free(cfg);
	}
	merged_free(&m);
	return rc;
}

int kube_config_load(struct kube_config *cfg, const struct kube_config_opts *o, struct err *err)
{
	return load(cfg, o, o->context && *o->context ? o->context : NULL, err);
}

int kube_config_switch(struct kube_config *cfg, const struct kube_config_opts *o,
		       const char *context, struct err *err)
{
	struct kube_config fresh;
	struct kube_config_opts o2 = *o;

	/* a -n given at start does not follow into another context */
	o2.namespace = NULL;
	if (load(&fresh, &o2, context, err))
		return -1;
	kube_config_free(cfg);
	*cfg = fresh;
	return 0;
}

static void exec_free(struct kube_exec *e)
{
	if (!e)
		return;
	free(e->api_version);
	free(e->command);
	for (size_t i = 0; i < e->nargs; i++)
		free(e->args[i]);
	free(e->args);
	for (size_t i = 0; i < e->nenv; i++)
		free(e->env[i]);
	free(e->env);
	free(e->install_hint);
	free(e);
}

void kube_config_free(struct kube_config *cfg)
{
	free(cfg->files);
	free(cfg->context);
	free(cfg->cluster);
	free(cfg->user);
	free(cfg->namespace);
	free(cfg->server);
	free(cfg->ca_file);
	free(cfg->ca_pem);
	free(cfg->token);
	free(cfg->token_file);
	free(cfg->username);
	free(cfg->password);
	free(cfg->cert_file);
	free(cfg->key_file);
	free(cfg->cert_pem);
	free(cfg->key_pem);
	exec_free(cfg->exec);
	memset(cfg, 0, sizeof *cfg);
}
