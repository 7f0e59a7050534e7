#include "util/ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "util/file.h"
#include "util/xalloc.h"

struct anchor {
	char *name;
	struct ynode *node;
};

struct builder {
	yaml_parser_t parser;
	const char *name;
	struct anchor *anchors;
	size_t nanchors, anchors_cap;
	struct err *err;
};

static void node_free(struct ynode *n)
{
	if (!n)
		return;
	free(n->scalar);
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			node_free(n->keys[i]);
		node_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n);
}

static struct ynode *node_copy(const struct ynode *src)
{
	struct ynode *n = xcalloc(1, sizeof *n);

	*n = *src;
	n->scalar = src->scalar ? xstrdup(src->scalar) : NULL;
	n->keys = NULL;
	n->items = NULL;
	if (src->n) {
		n->items = xcalloc(src->n, sizeof *n->items);
		if (src->keys)
			n->keys = xcalloc(src->n, sizeof *n->keys);
		for (size_t i = 0; i < src->n; i++) {
			n->items[i] = node_copy(src->items[i]);
			if (src->keys)
				n->keys[i] = node_copy(src->keys[i]);
		}
	}
	return n;
}

static struct ynode *node_new(enum ynode_kind kind, yaml_mark_t mark)
{
	struct ynode *n = xcalloc(1, sizeof *n);

	n->kind = kind;
	n->line = (int)mark.line + 1;
	n->col = (int)mark.column + 1;
	return n;
}

static void remember_anchor(struct builder *b, const yaml_char_t *anchor, struct ynode *n)
{
	if (!anchor)
		return;
	xgrow(&b->anchors, &b->anchors_cap, b->nanchors + 1, sizeof *b->anchors);
	b->anchors[b->nanchors].name = xstrdup((const char *)anchor);
	b->anchors[b->nanchors].node = n;
	b->nanchors++;
}

static int parse_error(struct builder *b)
{
	yaml_parser_t *p = &b->parser;
	yaml_mark_t m = p->problem_offset || p->problem_mark.line || p->problem_mark.column
		? p->problem_mark : p->context_mark;

	return err_set(b->err, "%s:%zu:%zu: YAML syntax error: %s%s%s", b->name,
		       m.line + 1, m.column + 1, p->problem ? p->problem : "unknown problem",
		       p->context ? " " : "", p->context ? p->context : "");
}

/* Reads the node that starts with ev (already taken from the parser). */
static struct ynode *build_node(struct builder *b, yaml_event_t *ev);

static struct ynode *build_children(struct builder *b, struct ynode *n, yaml_event_type_t end)
{
	size_t cap = 0, kcap = 0;

	for (;;) {
		yaml_event_t ev;
		struct ynode *key = NULL, *val;

		if (!yaml_parser_parse(&b->parser, &ev)) {
			parse_error(b);
			node_free(n);
			return NULL;
		}
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return n;
		}
		if (n->kind == YNODE_MAP) {
			key = build_node(b, &ev);
			yaml_event_delete(&ev);
			if (!key) {
				node_free(n);
				return NULL;
			}
			if (key->kind != YNODE_SCALAR) {
				err_set(b->err, "%s:%d:%d: a mapping key must be a plain value",
					b->name, key->line, key->col);
				node_free(key);
				node_free(n);
				return NULL;
			}
			if (!yaml_parser_parse(&b->parser, &ev)) {
				parse_error(b);
				node_free(key);
				node_free(n);
				return NULL;
			}
		}
		val = build_node(b, &ev);
		yaml_event_delete(&ev);
		if (!val) {
			node_free(key);
			node_free(n);
			return NULL;
		}
		if (key && ynode_get(n, key->scalar)) {
			err_set(b->err, "%s:%d:%d: duplicate key '%s'", b->name, key->line,
				key->col, key->scalar);
			node_free(key);
			node_free(val);
			node_free(n);
			return NULL;
		}
		xgrow(&n->items, &cap, n->n + 1, sizeof *n->items);
		if (key) {
			xgrow(&n->keys, &kcap, n->n + 1, sizeof *n->keys);
			n->keys[n->n] = key;
		}
		n->items[n->n++] = val;
	}
}

static struct ynode *build_node(struct builder *b, yaml_event_t *ev)
{
	struct ynode *n;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = node_new(YNODE_SCALAR, ev->start_mark);
		n->scalar = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE
			&& ev->data.scalar.style != YAML_ANY_SCALAR_STYLE;
		remember_anchor(b, ev->data.scalar.anchor, n);
		return n;
	case YAML_SEQUENCE_START_EVENT:
		n = node_new(YNODE_SEQ, ev->start_mark);
		n = build_children(b, n, YAML_SEQUENCE_END_EVENT);
		if (n)
			remember_anchor(b, ev->data.sequence_start.anchor, n);
		return n;
	case YAML_MAPPING_START_EVENT:
		n = node_new(YNODE_MAP, ev->start_mark);
		n = build_children(b, n, YAML_MAPPING_END_EVENT);
		if (n)
			remember_anchor(b, ev->data.mapping_start.anchor, n);
		return n;
	case YAML_ALIAS_EVENT:
		for (size_t i = b->nanchors; i-- > 0;)
			if (!strcmp(b->anchors[i].name, (const char *)ev->data.alias.anchor))
				return node_copy(b->anchors[i].node);
		err_set(b->err, "%s:%zu:%zu: unknown alias '*%s'", b->name,
			ev->start_mark.line + 1, ev->start_mark.column + 1,
			(const char *)ev->data.alias.anchor);
		return NULL;
	default:
		err_set(b->err, "%s:%zu:%zu: unexpected YAML event", b->name,
			ev->start_mark.line + 1, ev->start_mark.column + 1);
		return NULL;
	}
}

int ydoc_parse(struct ydoc *doc, const char *name, const char *data, size_t len,
	       struct err *err)
{
	struct builder b = { .name = name, .err = err };
	size_t cap = 0;
	int rc = -1;

	memset(doc, 0, sizeof *doc);
	doc->name = xstrdup(name);
	yaml_parser_initialize(&b.parser);
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)data, len);
	for (;;) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&b.parser, &ev)) {
			parse_error(&b);
			goto out;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_t root_ev;
			struct ynode *root;

			yaml_event_delete(&ev);
			if (!yaml_parser_parse(&b.parser, &root_ev)) {
				parse_error(&b);
				goto out;
			}
			if (root_ev.type == YAML_DOCUMENT_END_EVENT) {
				yaml_event_delete(&root_ev);
				continue;
			}
			root = build_node(&b, &root_ev);
			yaml_event_delete(&root_ev);
			if (!root)
				goto out;
			xgrow(&doc->roots, &cap, doc->n + 1, sizeof *doc->roots);
			doc->roots[doc->n++] = root;
			continue;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
out:
	for (size_t i = 0; i < b.nanchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	yaml_parser_delete(&b.parser);
	if (rc)
		ydoc_free(doc);
	return rc;
}

int ydoc_load_file(struct ydoc *doc, const char *path, struct err *err)
{
	size_t len;
	char *data = file_read_all(path, &len, err);
	int rc;

	memset(doc, 0, sizeof *doc);
	if (!data)
		return -1;
	rc = ydoc_parse(doc, path, data, len, err);
	free(data);
	return rc;
}

void ydoc_free(struct ydoc *doc)
{
	for (size_t i = 0; i < doc->n; i++)
		node_free(doc->roots[i]);
	free(doc->roots);
	free(doc->name);
	memset(doc, 0, sizeof *doc);
}

struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i]->scalar, key))
			return map->items[i];
	return NULL;
}

const char *ynode_str(const struct ynode *n)
{
	return n && n->kind == YNODE_SCALAR ? n->scalar : NULL;
}

bool ynode_is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != YNODE_SCALAR || n->quoted)
		return false;
	return !n->scalar[0] || !strcmp(n->scalar, "~") || !strcasecmp(n->scalar, "null");
}

int ynode_check_keys(const struct ynode *map, const char *const *allowed,
		     const char *name, const char *where, struct err *err)
{
	if (!map || map->kind != YNODE_MAP)
		return 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->keys[i];
		const char *const *a;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, k->scalar))
				break;
		if (!*a)
			return err_set(err, "%s:%d:%d: unknown key '%s' in %s", name, k->line,
				       k->col, k->scalar, where);
	}
	return 0;
}

static const char *kind_name(enum ynode_kind kind)
{
	return kind == YNODE_MAP ? "a mapping" : kind == YNODE_SEQ ? "a list" : "a value";
}

int ynode_expect(const struct ynode *n, enum ynode_kind kind, const char *name,
		 const char *where, struct err *err)
{
	if (n && n->kind == kind)
		return 0;
	if (!n)
		return err_set(err, "%s: %s: expected %s", name, where, kind_name(kind));
	return err_set(err, "%s:%d:%d: %s: expected %s, found %s", name, n->line, n->col,
		       where, kind_name(kind), kind_name(n->kind));
}

int ynode_int(const struct ynode *n, long long *out, const char *name,
	      const char *where, struct err *err)
{
	char *end;

	if (ynode_expect(n, YNODE_SCALAR, name, where, err))
		return -1;
	errno = 0;
	*out = strtoll(n->scalar, &end, 10);
	if (errno || end == n->scalar || *end)
		return err_set(err, "%s:%d:%d: %s: expected a whole number, found '%s'", name,
			       n->line, n->col, where, n->scalar);
	return 0;
}

int ynode_double(const struct ynode *n, double *out, const char *name,
		 const char *where, struct err *err)
{
	char *end;

	if (ynode_expect(n, YNODE_SCALAR, name, where, err))
		return -1;
	errno = 0;
	*out = strtod(n->scalar, &end);
	if (errno || end == n->scalar || *end)
		return err_set(err, "%s:%d:%d: %s: expected a number, found '%s'", name,
			       n->line, n->col, where, n->scalar);
	return 0;
}

int ynode_bool(const struct ynode *n, bool *out, const char *name,
	       const char *where, struct err *err)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };

	if (ynode_expect(n, YNODE_SCALAR, name, where, err))
		return -1;
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(n->scalar, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(n->scalar, no[i])) {
			*out = false;
			return 0;
		}
	}
	return err_set(err, "%s:%d:%d: %s: expected true or false, found '%s'", name,
		       n->line, n->col, where, n->scalar);
}

static cJSON *scalar_to_json(const struct ynode *n)
{
	const char *s = n->scalar;
	char *end;

	if (n->quoted)
		return cJSON_CreateString(s);
	if (ynode_is_null(n))
		return cJSON_CreateNull();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return cJSON_CreateTrue();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return cJSON_CreateFalse();
	if (strspn(s, "+-0123456789") == strlen(s) && strpbrk(s, "0123456789")) {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && !*end)
			return cJSON_CreateNumber((double)v);
	}
	if (strspn(s, "+-0123456789.eE") == strlen(s) && strpbrk(s, "0123456789")) {
		double d = strtod(s, &end);

		if (!*end)
			return cJSON_CreateNumber(d);
	}
	return cJSON_CreateString(s);
}

cJSON *ynode_to_json(const struct ynode *n)
{
	cJSON *j;

	if (!n)
		return cJSON_CreateNull();
	switch (n->kind) {
	case YNODE_SCALAR:
		return scalar_to_json(n);
	case YNODE_SEQ:
		j = cJSON_CreateArray();
		for (size_t i = 0; i < n->n; i++)
			cJSON_AddItemToArray(j, ynode_to_json(n->items[i]));
		return j;
	case YNODE_MAP:
		j = cJSON_CreateObject();
		for (size_t i = 0; i < n->n; i++)
			cJSON_AddItemToObject(j, n->keys[i]->scalar, ynode_to_json(n->items[i]));
		return j;
	}
	return cJSON_CreateNull();
}
