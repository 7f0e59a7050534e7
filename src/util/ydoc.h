/* YAML documents as a small tree that remembers where each node came from,
 * so that every configuration error can name file:line:col.
 *
 * The tree owns all its strings; free it with ydoc_free(). */
#ifndef SHIPDECK_UTIL_YDOC_H
#define SHIPDECK_UTIL_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/err.h"

enum ynode_kind { YNODE_SCALAR, YNODE_MAP, YNODE_SEQ };

struct ynode {
	enum ynode_kind kind;
	int line, col;          /* 1-based, of the node's first character */
	char *scalar;           /* YNODE_SCALAR: the text */
	bool quoted;            /* YNODE_SCALAR: written in quotes or as a block */
	size_t n;               /* MAP: pairs; SEQ: items */
	struct ynode **keys;    /* MAP: scalar key nodes */
	struct ynode **items;   /* MAP: values; SEQ: items */
};

struct ydoc {
	char *name;             /* file name used in messages */
	size_t n;
	struct ynode **roots;   /* one per document; an empty document has none */
};

/* Parses data (one or more documents). On error: -1 with "name:line:col: …". */
int ydoc_parse(struct ydoc *doc, const char *name, const char *data, size_t len,
	       struct err *err);
/* Reads and parses a file; a missing or unreadable file names the path. */
int ydoc_load_file(struct ydoc *doc, const char *path, struct err *err);
void ydoc_free(struct ydoc *doc);

struct ynode *ynode_get(const struct ynode *map, const char *key);
/* The scalar's text, or NULL when n is not a scalar. */
const char *ynode_str(const struct ynode *n);
bool ynode_is_null(const struct ynode *n);

/* Refuses keys of map not in allowed (NULL-terminated):
 * "name:line:col: unknown key 'x' in where". */
int ynode_check_keys(const struct ynode *map, const char *const *allowed,
		     const char *name, const char *where, struct err *err);

/* Typed readers that fail with "name:line:col: where: expected …". */
int ynode_expect(const struct ynode *n, enum ynode_kind kind, const char *name,
		 const char *where, struct err *err);
int ynode_int(const struct ynode *n, long long *out, const char *name,
	      const char *where, struct err *err);
int ynode_double(const struct ynode *n, double *out, const char *name,
		 const char *where, struct err *err);
int ynode_bool(const struct ynode *n, bool *out, const char *name,
	       const char *where, struct err *err);

/* Converts to JSON with YAML 1.1 core-schema typing of plain scalars
 * (null, true/false, integers, floats); quoted scalars stay strings. */
cJSON *ynode_to_json(const struct ynode *n);

#endif
