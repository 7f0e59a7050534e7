#include "app/config.h"

#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

static const char *const top_keys[] = { "theme", "keys", NULL };

int config_parse(struct config *cfg, const char *name, const char *data, size_t len,
		 struct err *err)
{
	struct ydoc doc;
	const struct ynode *root, *v;
	int rc = -1;

	if (ydoc_parse(&doc, name, data, len, err))
		return -1;
	root = doc.n ? doc.roots[0] : NULL;
	if (!root || ynode_is_null(root)) {
		rc = 0;
		goto out;
	}
	if (ynode_expect(root, YNODE_MAP, name, "the top level", err)
	    || ynode_check_keys(root, top_keys, name, "the top level", err))
		goto out;
	if ((v = ynode_get(root, "theme"))) {
		if (ynode_expect(v, YNODE_SCALAR, name, "theme", err))
			goto out;
		free(cfg->theme);
		cfg->theme = xstrdup(v->scalar);
	}
	if ((v = ynode_get(root, "keys"))) {
		if (ynode_expect(v, YNODE_MAP, name, "keys", err))
			goto out;
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *k = v->keys[i], *val = v->items[i];
			enum action_id a = action_by_name(k->scalar);

			if (a == ACTION_NONE) {
				err_set(err, "%s:%d:%d: unknown action '%s' in keys (see shipdeck "
					"--help for the names)", name, k->line, k->col, k->scalar);
				goto out;
			}
			if (ynode_expect(val, YNODE_SCALAR, name, k->scalar, err))
				goto out;
			if (keymap_bind(&cfg->keymap, a, val->scalar, err)) {
				err_prefix(err, "%s:%d:%d: keys.%s", name, val->line, val->col,
					   k->scalar);
				goto out;
			}
		}
	}
	rc = 0;
out:
	ydoc_free(&doc);
	return rc;
}

int config_load(struct config *cfg, const char *path, struct err *err)
{
	char *own = NULL, *data;
	size_t len;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	keymap_init_defaults(&cfg->keymap);
	if (!path) {
		own = xdg_config_path("config.yaml");
		if (!file_exists(own)) {
			free(own);
			return 0;
		}
		path = own;
	}
	data = file_read_all(path, &len, err);
	if (!data) {
		free(own);
		return -1;
	}
	cfg->path = xstrdup(path);
	rc = config_parse(cfg, path, data, len, err);
	free(data);
	free(own);
	return rc;
}

void config_free(struct config *cfg)
{
	free(cfg->path);
	free(cfg->theme);
	keymap_free(&cfg->keymap);
	memset(cfg, 0, sizeof *cfg);
}
