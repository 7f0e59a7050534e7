/* YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`), as Drone's parser
 * reads them: the merged maps' pairs are put in place of the `<<` key, keys
 * the map writes itself win, and of several merged maps the first wins.
 * Aliases are already copies in a ydoc tree, so the pairs are moved. */
#ifndef SHIPDECK_CI_YAML_MERGE_H
#define SHIPDECK_CI_YAML_MERGE_H

#include "util/err.h"
#include "util/ydoc.h"

/* Expands every merge key under n. -1 naming file:line:col when a `<<`
 * holds something other than a map or a list of maps. */
int ci_yaml_merge(struct ynode *n, const char *file, struct err *err);

/* Frees a subtree taken out of a ydoc (or built by hand); NULL is fine. */
void ci_yaml_tree_free(struct ynode *n);

#endif
