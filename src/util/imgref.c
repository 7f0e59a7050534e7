#include "util/imgref.h"

#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

/* The first path component is a host when docker would take it for one. */
static bool looks_like_host(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && !strncmp(s, "localhost", 9))
		|| (n && s[0] == '[');
}

void imgref_split(const char *image, struct imgref *r)
{
	const char *at = strchr(image, '@'), *slash, *colon, *first;
	size_t end = at ? (size_t)(at - image) : strlen(image);

	memset(r, 0, sizeof *r);
	r->s = image;
	r->digest = at ? at + 1 : NULL;
	first = memchr(image, '/', end);
	if (first && looks_like_host(image, (size_t)(first - image)))
		r->host_len = (size_t)(first - image);
	/* a tag's colon comes after the last slash; a port's before it */
	slash = memrchr(image, '/', end);
	colon = memchr(slash ? slash : image, ':', end - (size_t)((slash ? slash : image) - image));
	if (colon) {
		r->tag = colon + 1;
		r->tag_len = end - (size_t)(colon + 1 - image);
		end = (size_t)(colon - image);
	}
	r->name_len = end;
}

static bool tag_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| c == '_'
		|| (!first && (c == '.' || c == '-'));
}

int imgref_check(const struct imgref *r, struct err *err)
{
	size_t path_start = r->host_len ? r->host_len + 1 : 0;

	if (r->name_len <= path_start)
		return err_set(err, "image '%s': no repository", r->s);
	for (size_t i = path_start; i < r->name_len; i++) {
		char c = r->s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
		      || c == '-' || c == '/'))
			return err_set(err,
				       "image '%s': '%.*s' is not a repository name (lowercase "
				       "letters, digits, and . _ - / between them)", r->s,
				       (int)(r->name_len - path_start), r->s + path_start);
	}
	if (r->tag) {
		if (!r->tag_len || r->tag_len > 128)
			return err_set(err, "image '%s': a tag has 1 to 128 characters", r->s);
		for (size_t i = 0; i < r->tag_len; i++)
			if (!tag_char(r->tag[i], i == 0))
				return err_set(err,
					       "image '%s': '%.*s' is not a tag (letters, digits, "
					       "_ . -, not starting with . or -)", r->s,
					       (int)r->tag_len, r->tag);
	}
	if (r->digest && !imgref_is_sha256(r->digest))
		return err_set(err, "image '%s': '%s' is not a digest (sha256: and 64 hex "
			       "digits)", r->s, r->digest);
	return 0;
}

char *imgref_repository(const struct imgref *r)
{
	return xstrndup(r->s, r->name_len);
}

char *imgref_compose(const struct imgref *r, const char *tag, const char *digest)
{
	bool t = tag && *tag, d = digest && *digest;

	return xasprintf("%.*s%s%s%s%s", (int)r->name_len, r->s, t ? ":" : "", t ? tag : "",
			 d ? "@" : "", d ? digest : "");
}

bool imgref_is_sha256(const char *digest)
{
	if (!digest || strncmp(digest, "sha256:", 7) || strlen(digest) != 7 + 64)
		return false;
	for (const char *p = digest + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

const char *imgref_short_digest(const char *digest, char *buf, size_t size)
{
	const char *colon = digest ? strchr(digest, ':') : NULL;
	size_t n;

	if (!digest || !*digest) {
		snprintf(buf, size, "-");
		return buf;
	}
	n = strlen(colon ? colon + 1 : digest);
	if (n <= 12)
		snprintf(buf, size, "%s", digest);
	else
		snprintf(buf, size, "%.*s%.4s…%s", colon ? (int)(colon + 1 - digest) : 0, digest,
			 colon ? colon + 1 : digest, digest + strlen(digest) - 4);
	return buf;
}
