/* Drone 0.8 files (a top-level `pipeline:` map of named steps) converted in
 * memory to the 1.x form, as `drone convert` does: steps in the order
 * written, `group` as steps that run together, `environment` (map or
 * K=V list), `secrets` as from_secret variables (NAME upper-cased, or
 * source/target), plugin parameters as settings, `services`, `workspace`
 * and `branches` (the trigger). A build matrix cannot be converted
 * faithfully: it is refused with one line that says how to convert. */
#ifndef SHIPDECK_CI_LEGACY_H
#define SHIPDECK_CI_LEGACY_H

#include "util/err.h"
#include "util/ydoc.h"

/* A new 1.x pipeline document (free with ci_yaml_tree_free); the nodes it
 * reuses are taken out of root. *notice: the line that says the file was
 * converted and what was left out (the caller frees). NULL with a
 * file:line:col message when it cannot be converted. */
struct ynode *ci_legacy_convert(struct ynode *root, const char *file, char **notice,
				struct err *err);

#endif
