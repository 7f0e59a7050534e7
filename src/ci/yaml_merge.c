#include "ci/yaml_merge.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void ci_yaml_tree_free(struct ynode *n)
{
	if (!n)
		return;
	free(n->scalar);
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			ci_yaml_tree_free(n->keys[i]);
		ci_yaml_tree_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n);
}

static bool has_key(struct ynode *const *keys, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i] && !strcmp(keys[i]->scalar, name))
			return true;
	return false;
}

/* Expands the `<<` at index at of map m. */
static int merge_at(struct ynode *m, size_t at, const char *file, struct err *err)
{
	struct ynode *src = m->items[at], **sources;
	struct ynode **keys, **items;
	size_t nsrc, total = m->n - 1, n = 0;

	if (src->kind == YNODE_MAP) {
		sources = &m->items[at];
		nsrc = 1;
	} else if (src->kind == YNODE_SEQ) {
		sources = src->items;
		nsrc = src->n;
	} else {
		return err_set(err, "%s:%d:%d: '<<' expects a map or a list of maps (an alias "
			       "such as *defaults)", file, src->line, src->col);
	}
	for (size_t s = 0; s < nsrc; s++) {
		if (sources[s]->kind != YNODE_MAP)
			return err_set(err, "%s:%d:%d: '<<' expects a map or a list of maps",
				       file, sources[s]->line, sources[s]->col);
		total += sources[s]->n;
	}
	keys = xcalloc(total ? total : 1, sizeof *keys);
	items = xcalloc(total ? total : 1, sizeof *items);
	for (size_t i = 0; i < at; i++) {
		keys[n] = m->keys[i];
		items[n++] = m->items[i];
	}
	for (size_t s = 0; s < nsrc; s++) {
		struct ynode *sm = sources[s];

		for (size_t k = 0; k < sm->n; k++) {
			const char *name = sm->keys[k]->scalar;
			bool own = has_key(m->keys, m->n, name) && strcmp(name, "<<");

			if (own || has_key(keys, n, name)) {
				ci_yaml_tree_free(sm->keys[k]);
				ci_yaml_tree_free(sm->items[k]);
			} else {
				keys[n] = sm->keys[k];
				items[n++] = sm->items[k];
			}
			sm->keys[k] = sm->items[k] = NULL;
		}
		sm->n = 0;
	}
	for (size_t i = at + 1; i < m->n; i++) {
		keys[n] = m->keys[i];
		items[n++] = m->items[i];
	}
	ci_yaml_tree_free(m->keys[at]);
	ci_yaml_tree_free(src);
	free(m->keys);
	free(m->items);
	m->keys = keys;
	m->items = items;
	m->n = n;
	return 0;
}

int ci_yaml_merge(struct ynode *n, const char *file, struct err *err)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n->n; i++)
		if (ci_yaml_merge(n->items[i], file, err))
			return -1;
	if (n->kind != YNODE_MAP)
		return 0;
	for (size_t i = 0; i < n->n;) {
		if (strcmp(n->keys[i]->scalar, "<<") || n->keys[i]->quoted) {
			i++;
			continue;
		}
		if (merge_at(n, i, file, err))
			return -1;
	}
	return 0;
}
