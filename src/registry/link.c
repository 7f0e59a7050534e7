#include "registry/link.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/tag_scheme.h"
#include "util/xalloc.h"

/* Length of "scheme://host[:port]" at the start of url, 0 when there is none. */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	/* only a scheme may come before "://" ("/v2/x?u=http://y" is relative) */
	if (!p || p == url || strcspn(url, "/?#") < (size_t)(p - url))
		return 0;
	p += 3;
	p += strcspn(p, "/?#");
	return (size_t)(p - url);
}

static char *resolve(const char *ref, const char *base)
{
	size_t olen = origin_len(base);
	const char *path_end;

	if (origin_len(ref))
		return xstrdup(ref);
	if (ref[0] == '/')
		return xasprintf("%.*s%s", (int)olen, base, ref);
	path_end = base + olen + strcspn(base + olen, "?#");
	if (ref[0] == '?')
		return xasprintf("%.*s%s", (int)(path_end - base), base, ref);
	/* relative to the base's folder */
	while (path_end > base + olen && path_end[-1] != '/')
		path_end--;
	if (path_end == base + olen)
		return xasprintf("%.*s/%s", (int)olen, base, ref);
	return xasprintf("%.*s%s", (int)(path_end - base), base, ref);
}

/* True when the parameters (between '>' and the next link) say rel="next";
 * rel may list several relation types ("next last"). */
static bool rel_is_next(const char *params, size_t len)
{
	char *s = xstrndup(params, len), *save = NULL;
	bool next = false;

	for (char *param = strtok_r(s, ";", &save); param && !next;
	     param = strtok_r(NULL, ";", &save)) {
		char *name = param + strspn(param, " \t"), *eq = strchr(param, '='), *wsave = NULL;
		size_t nlen;

		if (!eq)
			continue;
		for (nlen = (size_t)(eq - name); nlen
		     && isspace((unsigned char)name[nlen - 1]); nlen--)
			;
		if (nlen != 3 || strncasecmp(name, "rel", 3))
			continue;
		for (char *w = strtok_r(eq + 1, " \t\"", &wsave); w; w = strtok_r(NULL, " \t\"",
										  &wsave))
			if (!strcasecmp(w, "next"))
				next = true;
	}
	free(s);
	return next;
}

int link_next(const char *header, const char *base_url, char **next, struct err *err)
{
	const char *p = header;

	*next = NULL;
	if (!header)
		return 0;
	while (*p) {
		const char *lt, *gt, *params_end;
		char *target;

		p += strspn(p, " \t,");
		if (!*p)
			break;
		lt = p;
		if (*lt != '<')
			return err_set(err, "%s: malformed Link header '%s'", base_url, header);
		gt = strchr(lt, '>');
		if (!gt)
			return err_set(err, "%s: malformed Link header '%s'", base_url, header);
		/* a comma inside the URL is part of it; after '>' it ends the link */
		params_end = gt + 1 + strcspn(gt + 1, ",");
		if (!rel_is_next(gt + 1, (size_t)(params_end - gt - 1))) {
			p = params_end;
			continue;
		}
		target = xstrndup(lt + 1, (size_t)(gt - lt - 1));
		*next = resolve(target, base_url);
		free(target);
		if (origin_len(*next) != origin_len(base_url)
		    || strncasecmp(*next, base_url, origin_len(base_url))) {
			err_set(err, "%s: Link header points to another host (%s); not following",
				base_url, *next);
			xfree(next);
			return -1;
		}
		return 1;
	}
	return 0;
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);

	return n && n <= TAG_MAX && t[0] != '.' && t[0] != '-'
		&& strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
		== n;
}

int tags_page_parse(const char *body, size_t len, const char *url, char ***tags, size_t *n,
		    size_t *cap, struct err *err)
{
	cJSON *root = cJSON_ParseWithLength(body ? body : "", body ? len : 0);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "tags"), *t;

	if (!cJSON_IsObject(root) || (!cJSON_IsArray(list) && !cJSON_IsNull(list))) {
		cJSON_Delete(root);
		return err_set(err, "%s: the answer is not a tags list", url);
	}
	if (!cJSON_IsArray(list))
		list = NULL;
	cJSON_ArrayForEach(t, list) {
		if (!cJSON_IsString(t) || !valid_tag(t->valuestring))
			continue;
		xgrow(tags, cap, *n + 1, sizeof **tags);
		(*tags)[(*n)++] = xstrdup(t->valuestring);
	}
	cJSON_Delete(root);
	return 0;
}

bool link_walk_visit(struct link_walk *w, const char *url)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->seen[i], url))
			return false;
	xgrow(&w->seen, &w->cap, w->n + 1, sizeof *w->seen);
	w->seen[w->n++] = xstrdup(url);
	return true;
}

void link_walk_free(struct link_walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->seen[i]);
	free(w->seen);
	memset(w, 0, sizeof *w);
}
