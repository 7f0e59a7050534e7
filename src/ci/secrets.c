#include "ci/secrets.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

int ci_secrets_load(struct ci_secrets *s, const char *path, struct err *err)
{
	struct ydoc doc = { 0 };
	const struct ynode *root;
	int rc = -1;

	memset(s, 0, sizeof *s);
	s->path = path ? xstrdup(path) : xdg_config_path("secrets.yaml");
	if (!file_exists(s->path))
		return 0;
	if (ydoc_load_file(&doc, s->path, err))
		goto out;
	root = doc.n ? doc.roots[0] : NULL;
	if (!root || ynode_is_null(root)) {
		rc = 0;
		goto out;
	}
	if (ynode_expect(root, YNODE_MAP, s->path, "the top level (NAME: value)", err))
		goto out;
	s->names = xcalloc(root->n, sizeof *s->names);
	s->values = xcalloc(root->n, sizeof *s->values);
	for (size_t i = 0; i < root->n; i++) {
		const char *name = root->keys[i]->scalar;

		if (ynode_expect(root->items[i], YNODE_SCALAR, s->path, name, err))
			goto out;
		s->names[s->n] = xstrdup(name);
		s->values[s->n++] = xstrdup(root->items[i]->scalar);
	}
	rc = 0;
out:
	ydoc_free(&doc);
	if (rc)
		ci_secrets_free(s);
	return rc;
}

void ci_secrets_free(struct ci_secrets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->values[i]);
	}
	free(s->names);
	free(s->values);
	free(s->path);
	memset(s, 0, sizeof *s);
}

const char *ci_secret_get(const struct ci_secrets *s, const char *name)
{
	const char *env = getenv(name);

	if (env)
		return env;
	for (size_t i = 0; s && i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return s->values[i];
	return NULL;
}

void ci_mask_add(struct ci_mask *m, const char *value)
{
	const char *p = value;

	while (p && *p) {
		size_t n = strcspn(p, "\r\n");

		if (n) {
			bool known = false;

			for (size_t i = 0; i < m->n && !known; i++)
				known = strlen(m->values[i]) == n && !memcmp(m->values[i], p, n);
			if (!known) {
				m->values = xrealloc(m->values, (m->n + 1) * sizeof *m->values);
				m->values[m->n++] = xstrndup(p, n);
				if (n > m->longest)
					m->longest = n;
			}
		}
		p += n;
		p += strspn(p, "\r\n");
	}
}

void ci_mask_apply(const struct ci_mask *m, const char *in, size_t len, struct strbuf *out)
{
	size_t pos = 0;

	while (pos < len) {
		const char *best = NULL;
		size_t best_len = 0;

		/* the earliest occurrence of any value; the longest one at a tie, so
		 * a value that contains another is masked whole */
		for (size_t i = 0; i < m->n; i++) {
			size_t vl = strlen(m->values[i]);
			const char *hit = memmem(in + pos, len - pos, m->values[i], vl);

			if (hit && (!best || hit < best || (hit == best && vl > best_len))) {
				best = hit;
				best_len = vl;
			}
		}
		if (!best) {
			sb_append(out, in + pos, len - pos);
			break;
		}
		sb_append(out, in + pos, (size_t)(best - (in + pos)));
		sb_puts(out, "***");
		pos = (size_t)(best - in) + best_len;
	}
	if (!out->s)
		sb_puts(out, "");
}

void ci_mask_free(struct ci_mask *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->values[i]);
	free(m->values);
	memset(m, 0, sizeof *m);
}
