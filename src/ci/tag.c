#include "ci/tag.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

enum { TAG_MAX = 128 };

static bool tag_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

char *ci_tag_expand(const char *tmpl, const struct ci_tag_vars *v)
{
	struct strbuf sb = { 0 };
	const char *sha = v->sha ? v->sha : "";

	for (const char *p = tmpl; *p;) {
		if (!strncmp(p, "{sha}", 5)) {
			sb_puts(&sb, sha);
			p += 5;
		} else if (!strncmp(p, "{sha7}", 6)) {
			sb_append(&sb, sha, strlen(sha) < 7 ? strlen(sha) : 7);
			p += 6;
		} else if (!strncmp(p, "{build}", 7)) {
			sb_printf(&sb, "%d", v->build);
			p += 7;
		} else if (!strncmp(p, "{branch}", 8)) {
			sb_puts(&sb, v->branch && *v->branch ? v->branch : "detached");
			p += 8;
		} else if (!strncmp(p, "{system}", 8)) {
			sb_puts(&sb, v->system ? v->system : "shipdeck");
			p += 8;
		} else {
			sb_putc(&sb, *p++);
		}
	}
	if (!sb.s)
		sb_puts(&sb, "");
	for (size_t i = 0; i < sb.len; i++)
		if (!tag_char((unsigned char)sb.s[i]))
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

/* Backtracking over the template: placeholders of variable length try every
 * length, so "{branch}-{build}" splits "fix-login-12" at the last dash that
 * leaves digits. */
static bool match(const char *t, const char *s, struct ci_tag_parts *m)
{
	if (!*t)
		return !*s;
	if (!strncmp(t, "{sha7}", 6) || !strncmp(t, "{sha}", 5)) {
		size_t want = t[4] == '7' ? 7 : 40;

		for (size_t i = 0; i < want; i++)
			if (!isxdigit((unsigned char)s[i]))
				return false;
		if (!match(t + (want == 7 ? 6 : 5), s + want, m))
			return false;
		if (!m->sha[0] || strlen(m->sha) < want)
			snprintf(m->sha, sizeof m->sha, "%.*s", (int)want, s);
		return true;
	}
	if (!strncmp(t, "{build}", 7)) {
		size_t n = strspn(s, "0123456789");

		for (; n > 0; n--) {
			if (match(t + 7, s + n, m)) {
				m->build = atoi(s);
				return true;
			}
		}
		return false;
	}
	if (!strncmp(t, "{branch}", 8) || !strncmp(t, "{system}", 8)) {
		bool branch = t[1] == 'b';
		size_t n = 0;

		while (s[n] && tag_char((unsigned char)s[n]))
			n++;
		for (; n > 0; n--) {
			if (match(t + 8, s + n, m)) {
				char *dst = branch ? m->branch : m->system;
				size_t cap = branch ? sizeof m->branch : sizeof m->system;

				snprintf(dst, cap, "%.*s", (int)n, s);
				return true;
			}
		}
		return false;
	}
	/* a literal: the expansion turned characters outside the tag alphabet into '-' */
	if (*s != *t && !(*s == '-' && !tag_char((unsigned char)*t)))
		return false;
	return match(t + 1, s + 1, m);
}

bool ci_tag_parse(const char *tmpl, const char *tag, struct ci_tag_parts *parts)
{
	memset(parts, 0, sizeof *parts);
	if (!match(tmpl, tag, parts)) {
		memset(parts, 0, sizeof *parts);
		return false;
	}
	return true;
}
