#include "registry/creds.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard or URL-safe base64, padding optional. NULL when malformed. */
static char *b64_decode(const char *in)
{
	struct strbuf out = { 0 };
	unsigned acc = 0;
	int bits = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p && *p != '='; p++) {
		int v = b64_value(*p);

		if (v < 0) {
			sb_free(&out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sb_putc(&out, (char)((acc >> bits) & 0xff));
		}
	}
	return sb_steal(&out);
}

/* "https://index.docker.io/v1/" → "docker.io"; "http://reg:5000/x" → "reg:5000" */
static char *auths_key_host(const char *key)
{
	const char *p = strstr(key, "://");
	char *host;

	p = p ? p + 3 : key;
	host = xstrndup(p, strcspn(p, "/"));
	if (!strcasecmp(host, "index.docker.io") || !strcasecmp(host, "registry-1.docker.io")) {
		free(host);
		host = xstrdup("docker.io");
	}
	return host;
}

static int take_entry(const cJSON *entry, const char *key, const char *path,
		      struct registry_creds *c, struct err *err)
{
	const cJSON *auth = cJSON_GetObjectItemCaseSensitive(entry, "auth");
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(entry, "username");
	const cJSON *pass = cJSON_GetObjectItemCaseSensitive(entry, "password");

	if (cJSON_IsString(auth) && auth->valuestring[0]) {
		char *plain = b64_decode(auth->valuestring);
		char *colon = plain ? strchr(plain, ':') : NULL;

		if (!colon) {
			free(plain);
			return err_set(err, "%s: auths.\"%s\".auth is not base64 of user:password",
				       path, key);
		}
		c->user = xstrndup(plain, (size_t)(colon - plain));
		c->password = xstrdup(colon + 1);
		free(plain);
	} else if (cJSON_IsString(user) && cJSON_IsString(pass)) {
		c->user = xstrdup(user->valuestring);
		c->password = xstrdup(pass->valuestring);
	} else {
		return 0;
	}
	c->source = xstrdup(path);
	return 0;
}

int docker_config_auth(const char *json, size_t len, const char *host, const char *path,
		       struct registry_creds *c, struct err *err)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *auths, *entry, *store;
	char *want = auths_key_host(host);
	int rc = 0;

	if (!cJSON_IsObject(root)) {
		rc = err_set(err, "%s: not a JSON object", path);
		goto out;
	}
	auths = cJSON_GetObjectItemCaseSensitive(root, "auths");
	if (!cJSON_IsObject(auths))
		auths = NULL;
	cJSON_ArrayForEach(entry, auths) {
		char *h = auths_key_host(entry->string);
		bool same = !strcasecmp(h, want);

		free(h);
		if (same && cJSON_IsObject(entry)) {
			rc = take_entry(entry, entry->string, path, c, err);
			if (rc || c->user)
				goto out;
		}
	}
	store = cJSON_GetObjectItemCaseSensitive(root, "credsStore");
	if (cJSON_IsString(store))
		c->hint = xasprintf("%s keeps them in the credential helper '%s', which shipdeck "
				    "does not run", path, store->valuestring);
out:
	cJSON_Delete(root);
	free(want);
	return rc;
}

static char *docker_config_path(void)
{
	const char *dir = getenv("DOCKER_CONFIG");

	if (dir && *dir)
		return xasprintf("%s/config.json", dir);
	return path_expand_home("~/.docker/config.json");
}

int registry_creds_find(const struct registry_conf *conf, const char *host,
			struct registry_creds *c, struct err *err)
{
	const char *u = conf && conf->username_env ? getenv(conf->username_env) : NULL;
	const char *p = conf && conf->password_env ? getenv(conf->password_env) : NULL;
	char *path, *data;
	size_t len;
	int rc = 0;

	memset(c, 0, sizeof *c);
	if (u && *u) {
		if (!conf->password_env)
			return err_set(err,
				       "registries.%s: username_env is set but password_env is not",
				       host);
		if (!p)
			return err_set(err, "registries.%s: $%s is set but $%s is not", host,
				       conf->username_env, conf->password_env);
		c->user = xstrdup(u);
		c->password = xstrdup(p);
		c->source = xasprintf("$%s/$%s", conf->username_env, conf->password_env);
		return 0;
	}
	path = docker_config_path();
	if (file_exists(path)) {
		data = file_read_all(path, &len, err);
		rc = data ? docker_config_auth(data, len, host, path, c, err) : -1;
		free(data);
	}
	if (!rc && !c->user && !c->hint)
		c->hint = xasprintf("set registries.\"%s\".username_env and password_env in "
				    ".shipdeck.yml, or run docker login %s", host, host);
	free(path);
	return rc;
}

void registry_creds_free(struct registry_creds *c)
{
	free(c->user);
	free(c->password);
	free(c->source);
	free(c->hint);
	memset(c, 0, sizeof *c);
}
