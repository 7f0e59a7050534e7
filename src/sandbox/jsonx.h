/* Small cJSON helpers for reading and editing Kubernetes objects.
 *
 * Readers accept NULL and wrong types and answer NULL (or the default), so a
 * chain like jstr(J(pod, "metadata", "name")) never crashes on odd input. */
#ifndef SHIPDECK_SANDBOX_JSONX_H
#define SHIPDECK_SANDBOX_JSONX_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "util/strbuf.h"

/* Walks object keys (NULL-terminated); NULL when any step is missing. */
cJSON *jpath_(const cJSON *o, ...);
#define J(o, ...) jpath_((o), __VA_ARGS__, (const char *)NULL)

const char *jstr(const cJSON *v);               /* the string, or NULL */
long long jint(const cJSON *v, long long def);  /* a number, or def */
bool jtrue(const cJSON *v);                     /* true only for JSON true */

/* The child object at key, created (or replacing a non-object) if needed. */
cJSON *jchild(cJSON *o, const char *key);
/* Puts item at key, replacing any old value (case-sensitive). Takes item. */
void jset(cJSON *o, const char *key, cJSON *item);
void jset_str(cJSON *o, const char *key, const char *s);
void jset_int(cJSON *o, const char *key, long long v);
void jset_bool(cJSON *o, const char *key, bool v);
void jdel(cJSON *o, const char *key);
/* Inserts item (taken) at index idx of array arr (0..size); Debian's cJSON
 * refuses cJSON_InsertItemInArray past the first element. */
void jarr_insert(cJSON *arr, int idx, cJSON *item);
/* An annotation (or label when labels is set) of an object, or NULL. */
const char *jmeta_get(const cJSON *obj, const char *map, const char *key);
void jmeta_set(cJSON *obj, const char *map, const char *key, const char *val);

/* Canonical text for hashing and comparing: object keys sorted, and nulls,
 * empty objects and empty arrays left out (Go's semantic equality treats a
 * missing map and an empty one alike). */
void jcanon(const cJSON *v, struct strbuf *out);

/* Deep equality of two values (object key order ignored). */
bool jequal(const cJSON *a, const cJSON *b);

/* Serialises compactly; caller frees. */
char *jprint(const cJSON *v);

#endif
