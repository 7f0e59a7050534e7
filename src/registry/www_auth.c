#include "registry/www_auth.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token or a quoted-string (with \-escapes). NULL when malformed. */
static char *read_value(const char **pp)
{
	const char *p = *pp;
	struct strbuf sb = { 0 };

	if (*p != '"') {
		const char *start = p;

		while (is_tchar(*p) || *p == '/' || *p == ':' || *p == '=')
			p++;
		*pp = p;
		return xstrndup(start, (size_t)(p - start));
	}
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		sb_putc(&sb, *p);
	}
	if (*p != '"') {
		sb_free(&sb);
		return NULL;
	}
	*pp = p + 1;
	return sb_steal(&sb);
}

static enum www_auth_scheme scheme_of(const char *s, size_t n)
{
	if (n == 6 && !strncasecmp(s, "Bearer", 6))
		return WWW_AUTH_BEARER;
	if (n == 5 && !strncasecmp(s, "Basic", 5))
		return WWW_AUTH_BASIC;
	return WWW_AUTH_NONE;
}

static void set_param(struct www_auth *a, const char *name, size_t n, char *value)
{
	char **slot = NULL;

	if (n == 5 && !strncasecmp(name, "realm", 5))
		slot = &a->realm;
	else if (n == 7 && !strncasecmp(name, "service", 7))
		slot = &a->service;
	else if (n == 5 && !strncasecmp(name, "scope", 5))
		slot = &a->scope;
	else if (n == 5 && !strncasecmp(name, "error", 5))
		slot = &a->error;
	if (!slot) {
		free(value);
		return;
	}
	free(*slot);
	*slot = value;
}

enum { MAX_CHALLENGES = 8 };

int www_auth_parse(const char *header, struct www_auth *a)
{
	struct www_auth ch[MAX_CHALLENGES];
	const char *p = header ? header : "";
	int n = 0, pick = -1, rc = -1;

	memset(a, 0, sizeof *a);
	memset(ch, 0, sizeof ch);
	for (;;) {
		const char *name;
		size_t len;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		name = p;
		while (is_tchar(*p))
			p++;
		len = (size_t)(p - name);
		if (!len)
			goto out;
		p = skip_ws(p);
		if (*p == '=') {
			char *value;

			/* a parameter of the challenge being read */
			if (!n)
				goto out;
			p = skip_ws(p + 1);
			value = read_value(&p);
			if (!value)
				goto out;
			set_param(&ch[n - 1], name, len, value);
			continue;
		}
		if (n == MAX_CHALLENGES)
			goto out;
		/* an unknown scheme still opens a challenge, whose parameters are skipped */
		ch[n++].scheme = scheme_of(name, len);
	}
	for (int i = 0; i < n; i++)
		if (ch[i].scheme == WWW_AUTH_BEARER && ch[i].realm) {
			pick = i;
			break;
		}
	for (int i = 0; i < n && pick < 0; i++)
		if (ch[i].scheme == WWW_AUTH_BASIC)
			pick = i;
	if (pick >= 0) {
		*a = ch[pick];
		memset(&ch[pick], 0, sizeof ch[pick]);
		rc = 0;
	}
out:
	for (int i = 0; i < n; i++)
		www_auth_free(&ch[i]);
	return rc;
}

void www_auth_free(struct www_auth *a)
{
	free(a->realm);
	free(a->service);
	free(a->scope);
	free(a->error);
	memset(a, 0, sizeof *a);
}
