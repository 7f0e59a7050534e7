#include "registry/ref.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/imgref.h"
#include "util/xalloc.h"

static bool valid_name(const char *name)
{
	char prev = '/';

	if (!*name)
		return false;
	for (const char *p = name; *p; p++) {
		bool sep = *p == '.' || *p == '_' || *p == '-';

		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || sep || *p == '/'))
			return false;
		/* components start and end with a letter or digit */
		if ((*p == '/' || sep) && (prev == '/'))
			return false;
		if (*p == '/' && (prev == '.' || prev == '_' || prev == '-'))
			return false;
		prev = *p;
	}
	return prev != '/' && prev != '.' && prev != '_' && prev != '-';
}

int image_ref_parse(const char *image, struct image_ref *r, struct err *err)
{
	struct imgref ir;

	memset(r, 0, sizeof *r);
	imgref_split(image, &ir);
	if (ir.tag || ir.digest)
		return err_set(err, "image.name '%s': name the repository without a tag or digest "
			       "(the tags are what shipdeck lists)", image);
	if (ir.host_len) {
		r->host = xstrndup(image, ir.host_len);
		r->name = xstrdup(image + ir.host_len + 1);
	} else {
		r->host = xstrdup("docker.io");
		r->name = strchr(image, '/') ? xstrdup(image) : xasprintf("library/%s", image);
	}
	r->api_host = xstrdup(!strcmp(r->host, "docker.io") ? "registry-1.docker.io" : r->host);
	if (!valid_name(r->name)) {
		err_set(err, "image.name '%s': '%s' is not a repository name (lowercase letters, "
			"digits, and . _ - / between them)", image, r->name);
		image_ref_free(r);
		return -1;
	}
	return 0;
}

void image_ref_free(struct image_ref *r)
{
	free(r->host);
	free(r->api_host);
	free(r->name);
	memset(r, 0, sizeof *r);
}
