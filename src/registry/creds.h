/* Registry credentials: the environment variables .shipdeck.yml names
 * (registries.HOST.username_env / password_env), else the `auths` entry of
 * docker's config.json ($DOCKER_CONFIG/config.json, ~/.docker/config.json)
 * that `docker login` writes. Credential helpers (credsStore) are not run. */
#ifndef SHIPDECK_REGISTRY_CREDS_H
#define SHIPDECK_REGISTRY_CREDS_H

#include <stddef.h>

#include "project/project.h"
#include "util/err.h"

/* Owned strings, freed by registry_creds_free. */
struct registry_creds {
	char *user;                 /* NULL when none were found */
	char *password;
	char *source;               /* where they came from, for messages: "$REG_USER/$REG_PASS" */
	char *hint;                 /* when none were found: where to put them */
};

/* Looks for credentials for host (as written in image.name). conf may be
 * NULL. Returns 0 (c->user set or not), -1 when a source is broken: a
 * config.json that does not parse, one of the two variables unset. */
int registry_creds_find(const struct registry_conf *conf, const char *host,
			struct registry_creds *c, struct err *err);

/* The auths entry for host in a docker config.json's text; path is for
 * messages. 0 (c->user set when found), -1 when the file is malformed. */
int docker_config_auth(const char *json, size_t len, const char *host, const char *path,
		       struct registry_creds *c, struct err *err);

void registry_creds_free(struct registry_creds *c);

#endif
