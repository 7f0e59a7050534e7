#include "util/tag_scheme.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

enum ph { PH_SHA, PH_SHA7, PH_BUILD, PH_BRANCH, PH_SYSTEM, PH_COUNT };

static const char *const ph_names[PH_COUNT] = {
	[PH_SHA] = "{sha}", [PH_SHA7] = "{sha7}", [PH_BUILD] = "{build}",
	[PH_BRANCH] = "{branch}", [PH_SYSTEM] = "{system}",
};

/* What each placeholder has matched so far: a span of the tag. */
struct caps {
	const char *at[PH_COUNT];
	size_t len[PH_COUNT];
};

static int placeholder_at(const char *t, size_t *name_len)
{
	for (int i = 0; i < PH_COUNT; i++) {
		size_t n = strlen(ph_names[i]);

		if (!strncmp(t, ph_names[i], n)) {
			*name_len = n;
			return i;
		}
	}
	return -1;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

static bool class_ok(int ph, char c)
{
	switch (ph) {
	case PH_SHA: case PH_SHA7: return is_hex(c);
	case PH_BUILD: return c >= '0' && c <= '9';
	default: return is_word(c);
	}
}

char *tag_scheme_expand(const char *tmpl, const struct tag_vars *v)
{
	struct strbuf sb = { 0 };
	const char *sha = v->sha ? v->sha : "";

	for (const char *p = tmpl; *p;) {
		size_t name_len;
		int ph = *p == '{' ? placeholder_at(p, &name_len) : -1;

		if (ph < 0) {
			sb_putc(&sb, *p++);
			continue;
		}
		p += name_len;
		switch (ph) {
		case PH_SHA: sb_puts(&sb, sha); break;
		case PH_SHA7: sb_append(&sb, sha, strlen(sha) < 7 ? strlen(sha) : 7); break;
		case PH_BUILD: sb_printf(&sb, "%d", v->build); break;
		case PH_BRANCH: sb_puts(&sb,
					v->branch && *v->branch ? v->branch : "detached"); break;
		default: sb_puts(&sb, v->system ? v->system : "shipdeck"); break;
		}
	}
	if (!sb.s)
		sb_puts(&sb, "");
	for (size_t i = 0; i < sb.len; i++)
		if (!is_word(sb.s[i]))
			sb.s[i] = '-';
	/* a tag starts with a word character */
	if (sb.s[0] == '.' || sb.s[0] == '-')
		sb.s[0] = '_';
	if (sb.len > TAG_MAX) {
		sb.len = TAG_MAX;
		sb.s[TAG_MAX] = '\0';
	}
	return sb_steal(&sb);
}

/* Backtracking over the spans the variable-length placeholders can take;
 * templates hold a handful of placeholders and tags at most 128 characters. */
static bool match(const char *t, const char *s, struct caps *c)
{
	size_t name_len, maxlen;
	int ph;

	if (!*t)
		return !*s;
	ph = *t == '{' ? placeholder_at(t, &name_len) : -1;
	if (ph < 0)
		return *s && (*s == *t || (*s == '-' && !is_word(*t))) && match(t + 1, s + 1, c);
	if (c->at[ph]) {
		/* the same placeholder again: the same text */
		return !strncmp(s, c->at[ph], c->len[ph]) && match(t + name_len, s + c->len[ph], c);
	}
	for (maxlen = 0; s[maxlen] && class_ok(ph, s[maxlen]); maxlen++)
		;
	for (size_t len = 1; len <= maxlen; len++) {
		if ((ph == PH_SHA && len != 40) || (ph == PH_SHA7 && len != 7))
			continue;
		if (ph == PH_BUILD && len > 18)
			break;
		c->at[ph] = s;
		c->len[ph] = len;
		if (match(t + name_len, s + len, c))
			return true;
	}
	c->at[ph] = NULL;
	c->len[ph] = 0;
	return false;
}

static void copy_span(char *dst, size_t size, const char *at, size_t len)
{
	snprintf(dst, size, "%.*s", at ? (int)len : 0, at ? at : "");
}

bool tag_scheme_match(const char *tmpl, const char *tag, struct tag_match *m)
{
	struct caps c = { 0 };

	memset(m, 0, sizeof *m);
	m->build = -1;
	if (!tmpl || !tag || strlen(tag) > TAG_MAX || !match(tmpl, tag, &c))
		return false;
	if (c.at[PH_SHA])
		copy_span(m->sha, sizeof m->sha, c.at[PH_SHA], c.len[PH_SHA]);
	else if (c.at[PH_SHA7])
		copy_span(m->sha, sizeof m->sha, c.at[PH_SHA7], c.len[PH_SHA7]);
	if (c.at[PH_BUILD])
		m->build = strtol(c.at[PH_BUILD], NULL, 10);
	copy_span(m->branch, sizeof m->branch, c.at[PH_BRANCH], c.len[PH_BRANCH]);
	copy_span(m->system, sizeof m->system, c.at[PH_SYSTEM], c.len[PH_SYSTEM]);
	return true;
}

bool tag_is_mutable(const char *tag)
{
	return tag && !strcmp(tag, "latest");
}
