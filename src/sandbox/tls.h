/* The throwaway certificate authority, the server certificate for
 * 127.0.0.1, the bearer token, and the kubeconfig that hands them to
 * clients. */
#ifndef SHIPDECK_SANDBOX_TLS_H
#define SHIPDECK_SANDBOX_TLS_H

#include <stdbool.h>

#include "util/err.h"

struct tls_material {
	char *ca_pem;        /* the CA certificate */
	char *cert_pem;      /* the server certificate, signed by the CA */
	char *key_pem;       /* the server's private key */
};

/* Makes a fresh CA and a server certificate (ECDSA P-256, SAN 127.0.0.1 and
 * localhost). Free with tls_material_free(). */
int tls_make(struct tls_material *m, struct err *err);
void tls_material_free(struct tls_material *m);

/* 64 hex characters of randomness. */
void tls_make_token(char out[65]);

/* Writes a kubeconfig for server_url; ca_pem and token may be NULL (plain
 * HTTP, anonymous). Its cluster, user and context are called shipdeck-sandbox,
 * or name. */
int tls_write_kubeconfig(const char *path, const char *server_url, const char *ca_pem,
			 const char *token, struct err *err);
int tls_write_kubeconfig_named(const char *path, const char *name, const char *server_url,
			       const char *ca_pem, const char *token, struct err *err);

/* A fresh ECDSA P-256 private key in PEM (for signing service-account
 * tokens). Caller frees; NULL with err. */
char *tls_make_key_pem(struct err *err);

#endif
