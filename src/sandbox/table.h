/* Server-side Tables (meta.k8s.io/v1), which is what `kubectl get` prints:
 * the same columns as the API server's printers for each kind. */
#ifndef SHIPDECK_SANDBOX_TABLE_H
#define SHIPDECK_SANDBOX_TABLE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "sandbox/kinds.h"

enum table_object { TABLE_OBJ_NONE, TABLE_OBJ_METADATA, TABLE_OBJ_FULL };

/* An empty Table of kind k; with headers, its columnDefinitions. */
cJSON *table_new(const struct kind *k, bool headers);
/* Appends obj's row. */
void table_add_row(cJSON *table, const struct kind *k, const cJSON *obj, enum table_object incl);
/* "includeObject" query value → enum (default Metadata). */
enum table_object table_object_mode(const char *v);

#endif
