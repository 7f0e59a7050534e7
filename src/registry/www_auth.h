/* The WWW-Authenticate header of a 401 (RFC 7235), as registries send it:
 *   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
 *          scope="repository:library/nginx:pull"
 *   Basic realm="basic-realm"
 * A header may carry several challenges; Bearer is preferred over Basic. */
#ifndef SHIPDECK_REGISTRY_WWW_AUTH_H
#define SHIPDECK_REGISTRY_WWW_AUTH_H

enum www_auth_scheme { WWW_AUTH_NONE, WWW_AUTH_BASIC, WWW_AUTH_BEARER };

/* Owned strings, freed by www_auth_free; NULL when the parameter is absent. */
struct www_auth {
	enum www_auth_scheme scheme;
	char *realm;
	char *service;
	char *scope;
	char *error;                /* "invalid_token", "insufficient_scope" */
};

/* Parses header into a (the Bearer challenge when there is one, else the
 * Basic one). Returns -1 when there is neither or the header is malformed. */
int www_auth_parse(const char *header, struct www_auth *a);
void www_auth_free(struct www_auth *a);

#endif
