/* Exec credential plugins (client.authentication.k8s.io/v1 ExecCredential),
 * what EKS, GKE and AKS configure: the plugin is run with
 * KUBERNETES_EXEC_INFO in its environment and prints a credential — a token,
 * or a client certificate and key — with an optional expiry. */
#ifndef SHIPDECK_KUBE_AUTH_EXEC_H
#define SHIPDECK_KUBE_AUTH_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "kube/kubeconfig.h"

/* Owned by its holder; kube_exec_cred_free releases the strings. */
struct kube_exec_cred {
	char *token;
	char *cert_pem, *key_pem;   /* PEM text, as the plugin printed it */
	size_t cert_len, key_len;
	int64_t expires;            /* seconds since the epoch; 0: does not expire */
};

/* Runs the plugin (synchronously: it is short and runs before any request
 * that needs it) and reads its credential. Errors name the command and what
 * it printed on stderr, or its installHint when it is not installed. */
int kube_exec_run(const struct kube_config *cfg, struct kube_exec_cred *out, struct err *err);

/* Parses a plugin's output (split out for tests). */
int kube_exec_parse(const char *api_version, const char *json, struct kube_exec_cred *out,
		    struct err *err);

void kube_exec_cred_free(struct kube_exec_cred *c);

#endif
