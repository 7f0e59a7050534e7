#include "ci/plugin_env.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

char *ci_plugin_var(const char *key)
{
	char *v = xasprintf("PLUGIN_%s", key);

	for (char *p = v + strlen("PLUGIN_"); *p; p++)
		*p = *p == '-' || *p == '.' ? '_' : (char)toupper((unsigned char)*p);
	return v;
}

static bool all_scalars(const struct ynode *seq)
{
	for (size_t i = 0; i < seq->n; i++)
		if (seq->items[i]->kind != YNODE_SCALAR)
			return false;
	return true;
}

static char *as_json(const struct ynode *n)
{
	cJSON *j = ynode_to_json(n);
	char *s = cJSON_PrintUnformatted(j), *out = xstrdup(s ? s : "null");

	cJSON_free(s);
	cJSON_Delete(j);
	return out;
}

static bool is_secret_ref(const struct ynode *v)
{
	return v->kind == YNODE_MAP && v->n == 1 && !strcmp(v->keys[0]->scalar, "from_secret")
		&& v->items[0]->kind == YNODE_SCALAR;
}

int ci_plugin_settings(const struct ynode *settings, const char *file, const char *where,
		       struct ci_env **out, size_t *count, struct err *err)
{
	if (ynode_expect(settings, YNODE_MAP, file, where, err))
		return -1;
	*out = xrealloc(*out, (*count + settings->n + 1) * sizeof **out);
	for (size_t i = 0; i < settings->n; i++) {
		const struct ynode *k = settings->keys[i], *v = settings->items[i];
		struct ci_env *e;

		for (const char *p = k->scalar; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
				return err_set(err, "%s:%d:%d: %s: '%s' cannot be a variable name "
					       "(PLUGIN_…)", file, k->line, k->col, where,
					       k->scalar);
		e = &(*out)[(*count)++];
		memset(e, 0, sizeof *e);
		e->name = ci_plugin_var(k->scalar);
		if (is_secret_ref(v)) {
			e->secret = xstrdup(v->items[0]->scalar);
		} else if (v->kind == YNODE_SCALAR) {
			e->value = xstrdup(ynode_is_null(v) ? "" : v->scalar);
		} else if (v->kind == YNODE_SEQ && all_scalars(v)) {
			struct strbuf sb = { 0 };

			for (size_t j = 0; j < v->n; j++) {
				if (j)
					sb_putc(&sb, ',');
				sb_puts(&sb, v->items[j]->scalar);
			}
			e->value = sb.s ? sb_steal(&sb) : xstrdup("");
		} else {
			e->value = as_json(v);
		}
	}
	return 0;
}
