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

/* ---- shared by table.c and table_stored.c ---- */

struct table_column {
	const char *name, *type, *format;
	int priority;              /* 1: -o wide only */
};

/* A cell: the string (NULL or "" prints "<none>"), a number, an age. */
void table_cell_str(cJSON *cells, const char *s);
void table_cell_int(cJSON *cells, long long v);
void table_age(const char *rfc3339, char *buf, size_t size);
/* The wide Containers, Images and Selector cells of a pod-template owner
 * (with_selector false: Containers and Images only). */
void table_workload_wide(cJSON *cells, const cJSON *obj, bool with_selector);

/* The columns of the kinds table_stored.c prints (NULL for others), and a
 * row's cells. */
const struct table_column *table_stored_columns(const struct kind *k);
void table_stored_cells(const struct kind *k, cJSON *cells, const cJSON *obj);

#endif
