/* The three patch formats kubectl sends:
 *   application/merge-patch+json           RFC 7386
 *   application/json-patch+json            RFC 6902 (replace of a missing key adds it)
 *   application/strategic-merge-patch+json lists merged by key (containers by
 *       name, ports by containerPort or port, ...), null deletes, and the
 *       directives $patch, $retainKeys, $setElementOrder/, $deleteFromPrimitiveList/
 * Each works on a copy: *doc is replaced only on success. */
#ifndef SHIPDECK_SANDBOX_PATCH_H
#define SHIPDECK_SANDBOX_PATCH_H

#include <cjson/cJSON.h>

#include "util/err.h"

enum patch_type { PATCH_MERGE, PATCH_JSON, PATCH_STRATEGIC };

/* Applies patch to *doc. On error returns -1, sets err and *code (400 for a
 * malformed patch, 422 when it does not apply, e.g. a failed "test"). */
int patch_apply(enum patch_type type, cJSON **doc, const cJSON *patch, int *code,
		struct err *err);

/* The patch type for a Content-Type (parameters ignored); -1 if unsupported. */
int patch_type_from_content_type(const char *ct);

#endif
