/* kubeconfig as kubectl reads it: --kubeconfig, else every file of
 * $KUBECONFIG merged (the first file to set a name or current-context wins;
 * missing files are skipped), else ~/.kube/config. Then one context is
 * resolved into what a request needs: server, TLS, credentials, namespace.
 * Relative paths are resolved against the folder of the file that named them. */
#ifndef SHIPDECK_KUBE_KUBECONFIG_H
#define SHIPDECK_KUBE_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* An exec credential plugin (client.authentication.k8s.io). */
struct kube_exec {
	char *api_version;
	char *command;
	char **args;                /* nargs words */
	size_t nargs;
	char **env;                 /* "NAME=value", nenv of them */
	size_t nenv;
	char *install_hint;
	bool provide_cluster_info;
};

struct kube_config {
	char *files;                /* the file(s) read, for messages: "a:b" */
	char *context;              /* the context in use */
	char *cluster;              /* its cluster's and user's names */
	char *user;
	char *namespace;            /* -n, else the context's, else "default" */
	bool namespace_explicit;    /* set by -n or the context (not the fallback) */

	char *server;               /* "https://host:port", no trailing slash */
	char *ca_file;              /* or ca_pem (decoded certificate-authority-data) */
	char *ca_pem;
	size_t ca_len;
	bool insecure;              /* insecure-skip-tls-verify: true, and only then */

	char *token;                /* a bearer token, or token_file read on use */
	char *token_file;
	char *username, *password;  /* basic auth */
	char *cert_file, *key_file; /* client certificate: files or decoded data */
	char *cert_pem, *key_pem;
	size_t cert_len, key_len;
	struct kube_exec *exec;
};

/* Where to look, and the command line's overrides. */
struct kube_config_opts {
	const char *explicit_path;  /* --kubeconfig: must exist */
	const char *env;            /* $KUBECONFIG (':'-separated), or NULL */
	const char *home;           /* $HOME, for ~/.kube/config */
	const char *context;        /* --context */
	const char *namespace;      /* -n */
};

/* The options from the process: $KUBECONFIG, $HOME. */
void kube_config_opts_from_env(struct kube_config_opts *o, const char *explicit_path,
			       const char *context, const char *namespace);

/* Loads and resolves. Returns 0 when cfg is filled, 1 when there is no
 * kubeconfig at all (nothing given and no ~/.kube/config), -1 with one line
 * naming the file, context or field on any other trouble. */
int kube_config_load(struct kube_config *cfg, const struct kube_config_opts *o, struct err *err);
void kube_config_free(struct kube_config *cfg);

/* Switches to another context of the same files (":ctx NAME"): re-reads them.
 * On error cfg is unchanged. */
int kube_config_switch(struct kube_config *cfg, const struct kube_config_opts *o,
		       const char *context, struct err *err);

/* Standard base64 (padding optional, whitespace ignored). Returns a
 * NUL-terminated copy and its length, or NULL when malformed. */
char *kube_base64_decode(const char *in, size_t *out_len);

#endif
