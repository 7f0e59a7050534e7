#include "registry/manifest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "util/timefmt.h"
#include "util/xalloc.h"

enum manifest_kind manifest_kind_of(const char *media_type)
{
	if (!media_type)
		return MANIFEST_UNKNOWN;
	if (!strcmp(media_type, MEDIA_OCI_INDEX) || !strcmp(media_type, MEDIA_DOCKER_LIST))
		return MANIFEST_INDEX;
	if (!strcmp(media_type, MEDIA_OCI_MANIFEST) || !strcmp(media_type, MEDIA_DOCKER_MANIFEST))
		return MANIFEST_IMAGE;
	return MANIFEST_UNKNOWN;
}

/* "application/json; charset=utf-8" → "application/json" */
static char *bare_type(const char *content_type)
{
	size_t n;

	if (!content_type)
		return NULL;
	n = strcspn(content_type, "; \t");
	return n ? xstrndup(content_type, n) : NULL;
}

/* Types a server sends when it does not know better; the body then says. */
static bool generic_type(const char *t)
{
	return !t || !strcasecmp(t, "application/json") || !strcasecmp(t, "text/plain")
		|| !strcasecmp(t, "application/octet-stream");
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool valid_digest(const char *d)
{
	/* algorithm ":" encoded, as the OCI spec writes it; enough to be a safe path part */
	const char *colon = d ? strchr(d, ':') : NULL;

	if (!colon || colon == d || !colon[1] || strlen(d) > 200)
		return false;
	for (const char *p = d; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
		      || (*p >= 'A' && *p <= 'Z')
		      || *p == ':' || *p == '+' || *p == '.' || *p == '_' || *p == '-'
		      || *p == '='))
			return false;
	return true;
}

static int parse_image(struct manifest *m, const cJSON *root, const char *url, struct err *err)
{
	const cJSON *config = cJSON_GetObjectItemCaseSensitive(root, "config");
	const cJSON *layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
	const cJSON *layer;
	const char *digest = json_str(config, "digest");

	if (!cJSON_IsObject(config) || !valid_digest(digest))
		return err_set(err, "%s: manifest has no valid config.digest", url);
	if (!cJSON_IsArray(layers))
		return err_set(err, "%s: manifest has no layers list", url);
	m->config_digest = xstrdup(digest);
	cJSON_ArrayForEach(layer, layers) {
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(layer, "size");

		/* each size and their sum stay far below INT64_MAX: a hostile
		 * list of huge layers must not overflow the total */
		if (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > 9.0e15
		    || (double)m->size + size->valuedouble > 9.0e15)
			return err_set(err, "%s: layer %zu has no valid size", url, m->nlayers);
		m->size += (int64_t)size->valuedouble;
		m->nlayers++;
	}
	return 0;
}

static char *platform_of(const cJSON *entry)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(entry, "platform");
	const char *os = json_str(p, "os"), *arch = json_str(p, "architecture");
	const char *variant = json_str(p, "variant");

	if (!os || !arch)
		return NULL;
	return variant ? xasprintf("%s/%s/%s", os, arch, variant) : xasprintf("%s/%s", os, arch);
}

static int parse_index(struct manifest *m, const cJSON *root, const char *url, struct err *err)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "manifests");
	const cJSON *e, *pick = NULL;
	int rank = 0;

	if (!cJSON_IsArray(list))
		return err_set(err, "%s: index has no manifests list", url);
	cJSON_ArrayForEach(e, list) {
		char *plat = platform_of(e);
		/* 3: linux/amd64; 2: another real platform; 1: anything (attestations
		 * are listed as unknown/unknown) */
		int r = !plat ? 1 : !strcmp(plat, "linux/amd64") ? 3
			: strncmp(plat, "unknown/", 8) ? 2 : 1;

		free(plat);
		if (!valid_digest(json_str(e, "digest")))
			continue;
		if (r > rank) {
			rank = r;
			pick = e;
		}
	}
	if (!pick)
		return err_set(err, "%s: index lists no manifest with a valid digest", url);
	m->child_digest = xstrdup(json_str(pick, "digest"));
	m->platform = platform_of(pick);
	return 0;
}

int manifest_parse(struct manifest *m, const char *content_type, const char *body, size_t len,
		   const char *url, struct err *err)
{
	char *type = bare_type(content_type);
	cJSON *root = NULL;
	int rc = -1;

	memset(m, 0, sizeof *m);
	root = cJSON_ParseWithLength(body ? body : "", len);
	if (generic_type(type) || manifest_kind_of(type) == MANIFEST_UNKNOWN) {
		const char *inner = cJSON_IsObject(root) ? json_str(root, "mediaType") : NULL;

		if (generic_type(type) && inner) {
			free(type);
			type = xstrdup(inner);
		} else if (generic_type(type) && cJSON_IsObject(root)) {
			/* early OCI manifests may leave mediaType out: the shape says */
			free(type);
			type = xstrdup(cJSON_GetObjectItemCaseSensitive(root, "manifests")
				       ? MEDIA_OCI_INDEX : MEDIA_OCI_MANIFEST);
		}
	}
	m->kind = manifest_kind_of(type);
	if (m->kind == MANIFEST_UNKNOWN) {
		err_set(err, "%s: unknown media type '%s' (shipdeck reads OCI and Docker v2 "
			"manifests and indexes)", url, type ? type : "(none)");
		goto out;
	}
	m->media_type = type;
	type = NULL;
	if (!cJSON_IsObject(root)) {
		err_set(err, "%s: the manifest is not a JSON object", url);
		goto out;
	}
	rc = m->kind == MANIFEST_INDEX ? parse_index(m, root, url, err)
				       : parse_image(m, root, url, err);
out:
	cJSON_Delete(root);
	free(type);
	if (rc)
		manifest_free(m);
	return rc;
}

void manifest_free(struct manifest *m)
{
	free(m->media_type);
	free(m->config_digest);
	free(m->child_digest);
	free(m->platform);
	memset(m, 0, sizeof *m);
}

int manifest_config_created(const char *body, size_t len, int64_t *created, const char *url,
			    struct err *err)
{
	cJSON *root = cJSON_ParseWithLength(body ? body : "", len);
	const char *s;
	time_t t;
	int rc = 0;

	*created = 0;
	if (!cJSON_IsObject(root)) {
		rc = err_set(err, "%s: the image config is not a JSON object", url);
		goto out;
	}
	s = json_str(root, "created");
	if (s && time_parse_rfc3339(s, &t) == 0)
		*created = (int64_t)t;
out:
	cJSON_Delete(root);
	return rc;
}
