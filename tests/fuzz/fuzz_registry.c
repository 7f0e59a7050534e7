/* What a registry sends back: the first line of the input is read as each
 * header (Link, WWW-Authenticate, a manifest's Content-Type), the whole input
 * and the part after the first line as each body (a tags page, a manifest,
 * an image config, a token answer, docker's config.json). Checked: a Link is
 * followed only on the registry's own origin; kept tags hold only the
 * characters docker allows; a challenge is Basic, or Bearer with a realm. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/auth.h"
#include "registry/creds.h"
#include "registry/link.h"
#include "registry/manifest.h"
#include "registry/ref.h"
#include "util/tag_scheme.h"
#include "registry/www_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] = "http://127.0.0.1:5000/v2/app/tags/list?n=100";

static void headers(const char *line)
{
	struct link_walk walk = { 0 };
	struct www_auth a;
	struct manifest m;
	struct image_ref ref;
	struct tag_match tm;
	struct err err;
	char *next = NULL;

	if (link_next(line, base, &next, &err) == 1) {
		if (strncasecmp(next, base, 21) || !strchr("/?#", next[21]))
			abort();
		(void)link_walk_visit(&walk, base);
		if (link_walk_visit(&walk, next) == !strcmp(next, base))
			abort();
		free(next);
	}
	link_walk_free(&walk);
	if (www_auth_parse(line, &a) == 0) {
		if (a.scheme == WWW_AUTH_NONE || (a.scheme == WWW_AUTH_BEARER && !a.realm))
			abort();
		www_auth_free(&a);
	}
	if (manifest_parse(&m, line, "{}", 2, base, &err) == 0)
		manifest_free(&m);
	if (image_ref_parse(line, &ref, &err) == 0)
		image_ref_free(&ref);
	(void)tag_scheme_match("{sha7}-{build}", line, &tm);
	(void)tag_scheme_match(line, "3f2a9c1-12", &tm);
	(void)tag_is_mutable(line);
}

static void bodies(const char *body, size_t len)
{
	static const char *const types[] = { NULL, "application/json", MEDIA_OCI_INDEX,
					     MEDIA_OCI_MANIFEST, MEDIA_DOCKER_LIST,
					     MEDIA_DOCKER_MANIFEST };
	char **tags = NULL, *token;
	size_t ntags = 0, cap = 0;
	struct registry_creds c = { 0 };
	struct manifest m;
	struct err err;
	int64_t when;

	if (tags_page_parse(body, len, base, &tags, &ntags, &cap, &err) == 0) {
		for (size_t i = 0; i < ntags; i++) {
			size_t n = strlen(tags[i]);

			if (!n || n > TAG_MAX || strspn(tags[i], "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
				abort();
			free(tags[i]);
		}
	}
	free(tags);
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		if (manifest_parse(&m, types[i], body, len, base, &err) == 0) {
			if (m.kind == MANIFEST_IMAGE && (m.size < 0 || !m.config_digest))
				abort();
			if (m.kind == MANIFEST_INDEX && !m.child_digest)
				abort();
			manifest_free(&m);
		}
	}
	(void)manifest_config_created(body, len, &when, base, &err);
	if (registry_token_parse(body, len, &token, &when, base, &err) == 0) {
		if (!token || !token[0] || when < 1)
			abort();
		free(token);
	}
	if (docker_config_auth(body, len, "127.0.0.1:5000", "config.json", &c, &err) == 0)
		registry_creds_free(&c);
	if (docker_config_auth(body, len, "docker.io", "config.json", &c, &err) == 0)
		registry_creds_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	const char *nl;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	nl = memchr(copy, '\n', size);
	if (nl) {
		char *line = strndup(copy, (size_t)(nl - copy));

		if (!line)
			abort();
		headers(line);
		free(line);
		bodies(nl + 1, size - (size_t)(nl + 1 - copy));
	} else {
		headers(copy);
	}
	bodies(copy, size);
	free(copy);
	return 0;
}
