#include "sandbox/patch.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/jsonx.h"
#include "util/xalloc.h"

int patch_type_from_content_type(const char *ct)
{
	size_t n;

	if (!ct)
		return -1;
	n = strcspn(ct, "; ");
	if (n == strlen("application/merge-patch+json")
	    && !strncmp(ct, "application/merge-patch+json", n))
		return PATCH_MERGE;
	if (n == strlen("application/json-patch+json")
	    && !strncmp(ct, "application/json-patch+json", n))
		return PATCH_JSON;
	if (n == strlen("application/strategic-merge-patch+json")
	    && !strncmp(ct, "application/strategic-merge-patch+json", n))
		return PATCH_STRATEGIC;
	return -1;
}

/* ---- RFC 7386 ---- */

static cJSON *merge_patch(cJSON *target, const cJSON *patch)
{
	const cJSON *p;

	if (!cJSON_IsObject(patch)) {
		cJSON_Delete(target);
		return cJSON_Duplicate(patch, 1);
	}
	if (!cJSON_IsObject(target)) {
		cJSON_Delete(target);
		target = cJSON_CreateObject();
	}
	cJSON_ArrayForEach(p, patch) {
		cJSON *cur;

		if (cJSON_IsNull(p)) {
			jdel(target, p->string);
			continue;
		}
		cur = cJSON_DetachItemFromObjectCaseSensitive(target, p->string);
		cJSON_AddItemToObject(target, p->string, merge_patch(cur, p));
	}
	return target;
}

/* ---- RFC 6902 ---- */

/* Decodes one reference token (~1 → /, ~0 → ~). */
static char *pointer_token(const char *s, size_t len)
{
	char *t = xmalloc(len + 1), *o = t;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '~' && i + 1 < len && (s[i + 1] == '0' || s[i + 1] == '1')) {
			*o++ = s[i + 1] == '0' ? '~' : '/';
			i++;
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	return t;
}

static bool array_index(const char *tok, int size, bool allow_end, int *out)
{
	char *end;
	long v;

	if (allow_end && !strcmp(tok, "-")) {
		*out = size;
		return true;
	}
	if (!*tok || (tok[0] == '0' && tok[1]) || strspn(tok, "0123456789") != strlen(tok))
		return false;
	v = strtol(tok, &end, 10);
	if (v < 0 || v > size - (allow_end ? 0 : 1))
		return false;
	*out = (int)v;
	return true;
}

/* Finds the parent container of path and its last token. Returns the parent
 * or NULL; *last is allocated. */
static cJSON *pointer_parent(cJSON *doc, const char *path, char **last)
{
	cJSON *cur = doc;
	const char *p = path;

	*last = NULL;
	if (*p != '/')
		return NULL;
	for (;;) {
		const char *next = strchr(p + 1, '/');
		size_t len = next ? (size_t)(next - p - 1) : strlen(p + 1);
		char *tok = pointer_token(p + 1, len);

		if (!next) {
			*last = tok;
			return cur;
		}
		if (cJSON_IsObject(cur)) {
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		} else if (cJSON_IsArray(cur)) {
			int idx;

			cur = array_index(tok, cJSON_GetArraySize(cur), false, &idx)
				? cJSON_GetArrayItem(cur, idx) : NULL;
		} else {
			cur = NULL;
		}
		free(tok);
		if (!cur)
			return NULL;
		p = next;
	}
}

static cJSON *pointer_get(cJSON *doc, const char *path)
{
	char *last;
	cJSON *parent, *v = NULL;
	int idx;

	if (!*path)
		return doc;
	parent = pointer_parent(doc, path, &last);
	if (parent && cJSON_IsObject(parent))
		v = cJSON_GetObjectItemCaseSensitive(parent, last);
	else if (parent && cJSON_IsArray(parent)
		 && array_index(last, cJSON_GetArraySize(parent), false, &idx))
		v = cJSON_GetArrayItem(parent, idx);
	free(last);
	return v;
}

/* Detaches the value at path; NULL if missing. */
static cJSON *pointer_take(cJSON *doc, const char *path)
{
	char *last;
	cJSON *parent = pointer_parent(doc, path, &last), *v = NULL;
	int idx;

	if (parent && cJSON_IsObject(parent))
		v = cJSON_DetachItemFromObjectCaseSensitive(parent, last);
	else if (parent && cJSON_IsArray(parent)
		 && array_index(last, cJSON_GetArraySize(parent), false, &idx))
		v = cJSON_DetachItemFromArray(parent, idx);
	free(last);
	return v;
}

/* Adds value (taken) at path, replacing an object member or inserting into
 * an array: -1 when the parent is missing. */
static int pointer_add(cJSON **doc, const char *path, cJSON *value)
{
	char *last;
	cJSON *parent;
	int idx, rc = -1;

	if (!*path) {
		cJSON_Delete(*doc);
		*doc = value;
		return 0;
	}
	parent = pointer_parent(*doc, path, &last);
	if (parent && cJSON_IsObject(parent)) {
		jset(parent, last, value);
		rc = 0;
	} else if (parent && cJSON_IsArray(parent)
		   && array_index(last, cJSON_GetArraySize(parent), true, &idx)) {
		jarr_insert(parent, idx, value);
		rc = 0;
	}
	free(last);
	if (rc)
		cJSON_Delete(value);
	return rc;
}

/* Replaces the value at path. A missing object member is added, as the API
 * server's JSON patch tolerates; a missing array element is an error. */
static int json_replace(cJSON **doc, const char *path, const cJSON *value)
{
	char *last;
	cJSON *parent;
	int idx, rc = -1;

	if (!*path) {
		cJSON_Delete(*doc);
		*doc = cJSON_Duplicate(value, 1);
		return 0;
	}
	parent = pointer_parent(*doc, path, &last);
	if (cJSON_IsObject(parent)) {
		jset(parent, last, cJSON_Duplicate(value, 1));
		rc = 0;
	} else if (cJSON_IsArray(parent)
		   && array_index(last, cJSON_GetArraySize(parent), false, &idx)) {
		cJSON_ReplaceItemInArray(parent, idx, cJSON_Duplicate(value, 1));
		rc = 0;
	}
	free(last);
	return rc;
}

static int json_patch(cJSON **doc, const cJSON *ops, int *code, struct err *err)
{
	const cJSON *op;
	int i = 0;

	if (!cJSON_IsArray(ops)) {
		*code = 400;
		return err_set(err, "error decoding patch: json: cannot unmarshal object into Go "
			       "value of type []handlers.jsonPatchOp");
	}
	cJSON_ArrayForEach(op, ops) {
		const char *name = jstr(J(op, "op")), *path = jstr(J(op, "path"));
		const char *from = jstr(J(op, "from"));
		const cJSON *value = J(op, "value");
		cJSON *v;

		i++;
		*code = 400;
		if (!cJSON_IsObject(op) || !name)
			return err_set(err, "json patch operation %d: missing 'op'", i);
		if (!path)
			return err_set(err, "json patch operation %d: missing 'path'", i);
		if (*path && *path != '/')
			return err_set(err, "json patch operation %d: invalid path '%s'", i, path);
		*code = 422;
		if (!strcmp(name, "add")) {
			if (!value)
				return err_set(err,
					       "add operation does not apply: value is missing");
			if (pointer_add(doc, path, cJSON_Duplicate(value, 1)))
				return err_set(err,
					       "add operation does not apply: doc is missing path: "
					       "\"%s\"", path);
		} else if (!strcmp(name, "replace")) {
			if (!value)
				return err_set(err,
					       "replace operation does not apply: value is "
					       "missing");
			if (json_replace(doc, path, value))
				return err_set(err,
					       "replace operation does not apply: doc is missing "
					       "key: %s", path);
		} else if (!strcmp(name, "remove")) {
			if (!*path)
				return err_set(err,
					       "remove operation does not apply: cannot remove the "
					       "root");
			v = pointer_take(*doc, path);
			if (!v)
				return err_set(err,
					       "remove operation does not apply: doc is missing "
					       "path: \"%s\"", path);
			cJSON_Delete(v);
		} else if (!strcmp(name, "move") || !strcmp(name, "copy")) {
			if (!from || (*from && *from != '/'))
				return err_set(err, "%s operation does not apply: missing 'from'",
					       name);
			if (!strcmp(name, "move") && !strncmp(path, from, strlen(from))
			    && (path[strlen(from)] == '/' ) )
				return err_set(err,
					       "move operation does not apply: cannot move into a "
					       "child of itself");
			if (!strcmp(name, "move")) {
				if (!*from)
					return err_set(err,
						       "move operation does not apply: cannot move "
						       "the root");
				v = pointer_take(*doc, from);
			} else {
				v = pointer_get(*doc, from);
				v = v ? cJSON_Duplicate(v, 1) : NULL;
			}
			if (!v)
				return err_set(err,
					       "%s operation does not apply: doc is missing from "
					       "path: %s", name, from);
			if (pointer_add(doc, path, v))
				return err_set(err, "%s operation does not apply: doc is missing "
					       "destination path: %s", name, path);
		} else if (!strcmp(name, "test")) {
			v = pointer_get(*doc, path);
			if (!value)
				return err_set(err,
					       "test operation does not apply: value is missing");
			if (!v || !jequal(v, value))
				return err_set(err, "testing value %s failed: test failed", path);
		} else {
			*code = 400;
			return err_set(err, "Unexpected kind: %s", name);
		}
	}
	return 0;
}

/* ---- strategic merge ---- */

static const char *merge_key(const char *field, const cJSON *orig, const cJSON *patch)
{
	static const struct { const char *field, *key; } keys[] = {
		{ "containers", "name" }, { "initContainers", "name" },
		{ "ephemeralContainers", "name" }, { "env", "name" }, { "volumes", "name" },
		{ "imagePullSecrets", "name" }, { "volumeMounts", "mountPath" },
		{ "volumeDevices", "devicePath" }, { "conditions", "type" },
		{ "ownerReferences", "uid" }, { "hostAliases", "ip" },
		{ "topologySpreadConstraints", "topologyKey" }, { "resourceClaims", "name" },
		{ "readinessGates", NULL },
	};
	const cJSON *it;

	if (!strcmp(field, "ports")) {
		/* Container ports merge by containerPort, Service ports by port. */
		cJSON_ArrayForEach(it, patch)
			if (J(it, "containerPort"))
				return "containerPort";
		cJSON_ArrayForEach(it, orig)
			if (J(it, "containerPort"))
				return "containerPort";
		return "port";
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i].field, field))
			return keys[i].key;
	return NULL;
}

static bool primitive_merge_list(const char *field)
{
	return !strcmp(field, "finalizers");
}

static int smp_map(cJSON *orig, const cJSON *patch, struct err *err);

static bool key_equal(const cJSON *a, const cJSON *b)
{
	return a && b && jequal(a, b);
}

static cJSON *strip_directives(const cJSON *v)
{
	cJSON *c = cJSON_Duplicate(v, 1), *it, *next;

	if (!cJSON_IsObject(c))
		return c;
	for (it = c->child; it; it = next) {
		next = it->next;
		if (it->string && it->string[0] == '$')
			cJSON_Delete(cJSON_DetachItemViaPointer(c, it));
		else if (cJSON_IsObject(it)) {
			cJSON *s = strip_directives(it);

			cJSON_ReplaceItemViaPointer(c, it, s);
		} else if (cJSON_IsNull(it)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(c, it));
		}
	}
	return c;
}

static int smp_list(cJSON *orig, const cJSON *patch, const char *key, struct err *err)
{
	const cJSON *p;
	bool replace = false;

	cJSON_ArrayForEach(p, patch)
		if (!strcmp(jstr(J(p, "$patch")) ? jstr(J(p, "$patch")) : "", "replace"))
			replace = true;
	if (replace) {
		while (orig->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(orig, orig->child));
		cJSON_ArrayForEach(p, patch)
			if (!J(p, "$patch"))
				cJSON_AddItemToArray(orig, strip_directives(p));
		return 0;
	}
	cJSON_ArrayForEach(p, patch) {
		const cJSON *kv = J(p, key);
		const char *directive = jstr(J(p, "$patch"));
		cJSON *o, *match = NULL;

		if (!cJSON_IsObject(p))
			return err_set(err, "unable to find api field in struct for the merge key "
				       "'%s': list items must be objects", key);
		if (!kv)
			return err_set(err, "map: %s does not contain declared merge key: %s",
				       "list item", key);
		cJSON_ArrayForEach(o, orig)
			if (key_equal(J(o, key), kv)) {
				match = o;
				break;
			}
		if (directive && !strcmp(directive, "delete")) {
			if (match)
				cJSON_Delete(cJSON_DetachItemViaPointer(orig, match));
			continue;
		}
		if (directive && strcmp(directive, "merge"))
			return err_set(err, "Unknown patch type: %s", directive);
		if (match) {
			if (smp_map(match, p, err))
				return -1;
		} else {
			cJSON *n = cJSON_CreateObject();

			if (smp_map(n, p, err)) {
				cJSON_Delete(n);
				return -1;
			}
			cJSON_AddItemToArray(orig, n);
		}
	}
	return 0;
}

/* $setElementOrder/<field>: the listed keys first, in that order; the rest
 * (items only the server had) after them in their own order. */
static void smp_order(cJSON *list, const cJSON *order, const char *key)
{
	cJSON *sorted = cJSON_CreateArray();
	const cJSON *o;

	cJSON_ArrayForEach(o, order) {
		const cJSON *want = key ? J(o, key) : o;
		cJSON *it;

		for (it = list->child; it; it = it->next)
			if (key_equal(key ? J(it, key) : it, want))
				break;
		if (it)
			cJSON_AddItemToArray(sorted, cJSON_DetachItemViaPointer(list, it));
	}
	while (list->child)
		cJSON_AddItemToArray(sorted, cJSON_DetachItemViaPointer(list, list->child));
	while (sorted->child)
		cJSON_AddItemToArray(list, cJSON_DetachItemViaPointer(sorted, sorted->child));
	cJSON_Delete(sorted);
}

static int smp_map(cJSON *orig, const cJSON *patch, struct err *err)
{
	const cJSON *p, *retain = J(patch, "$retainKeys");
	const char *directive = jstr(J(patch, "$patch"));

	if (!cJSON_IsObject(patch))
		return err_set(err, "strategic merge patch: expected an object");
	if (directive && !strcmp(directive, "replace")) {
		cJSON *r = strip_directives(patch);

		jdel(r, "$patch");
		while (orig->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(orig, orig->child));
		while (r->child) {
			cJSON *item = cJSON_DetachItemViaPointer(r, r->child);

			cJSON_AddItemToObject(orig, item->string, item);
		}
		cJSON_Delete(r);
		return 0;
	}
	if (directive && strcmp(directive, "merge") && strcmp(directive, "delete"))
		return err_set(err, "Unknown patch type: %s", directive);
	if (retain) {
		cJSON *it, *next;

		if (!cJSON_IsArray(retain))
			return err_set(err, "invalid value for $retainKeys: expected a list");
		for (it = orig->child; it; it = next) {
			const cJSON *k;
			bool keep = false;

			next = it->next;
			cJSON_ArrayForEach(k, retain)
				if (jstr(k) && !strcmp(k->valuestring, it->string))
					keep = true;
			if (!keep)
				cJSON_Delete(cJSON_DetachItemViaPointer(orig, it));
		}
	}
	cJSON_ArrayForEach(p, patch) {
		const char *name = p->string;
		cJSON *cur;

		if (name[0] == '$') {
			if (!strcmp(name, "$patch") || !strcmp(name, "$retainKeys")
			    || !strncmp(name, "$setElementOrder/", 17))
				continue;
			if (!strncmp(name, "$deleteFromPrimitiveList/", 25)) {
				cJSON *list = J(orig, name + 25), *it, *next;
				const cJSON *v;

				if (!cJSON_IsArray(list))
					continue;
				cJSON_ArrayForEach(v, p)
					for (it = list->child; it; it = next) {
						next = it->next;
						if (!jequal(it, v))
							continue;
						cJSON_Delete(cJSON_DetachItemViaPointer(list, it));
					}
				continue;
			}
			return err_set(err, "unknown patch directive: %s", name);
		}
		if (cJSON_IsNull(p)) {
			jdel(orig, name);
			continue;
		}
		cur = cJSON_GetObjectItemCaseSensitive(orig, name);
		if (cJSON_IsObject(p)) {
			const char *d = jstr(J(p, "$patch"));

			if (d && !strcmp(d, "delete")) {
				jdel(orig, name);
				continue;
			}
			if (!cJSON_IsObject(cur)) {
				cur = cJSON_CreateObject();
				jset(orig, name, cur);
			}
			if (smp_map(cur, p, err))
				return -1;
			continue;
		}
		if (cJSON_IsArray(p)) {
			const char *key = merge_key(name, cur, p);
			bool maps = p->child && cJSON_IsObject(p->child);

			if (key && (maps || !p->child) && cJSON_IsArray(cur)) {
				if (smp_list(cur, p, key, err))
					return -1;
			} else if (primitive_merge_list(name) && cJSON_IsArray(cur)) {
				const cJSON *v;

				cJSON_ArrayForEach(v, p) {
					const cJSON *o;
					bool have = false;

					cJSON_ArrayForEach(o, cur)
						if (jequal(o, v))
							have = true;
					if (!have)
						cJSON_AddItemToArray(cur, cJSON_Duplicate(v, 1));
				}
			} else {
				cJSON *copy = cJSON_CreateArray();
				const cJSON *v;

				cJSON_ArrayForEach(v, p) {
					if (J(v, "$patch"))
						continue;
					cJSON_AddItemToArray(copy, strip_directives(v));
				}
				jset(orig, name, copy);
			}
			continue;
		}
		jset(orig, name, cJSON_Duplicate(p, 1));
	}
	cJSON_ArrayForEach(p, patch) {
		cJSON *list;

		if (strncmp(p->string, "$setElementOrder/", 17))
			continue;
		list = J(orig, p->string + 17);
		if (cJSON_IsArray(list) && cJSON_IsArray(p))
			smp_order(list, p, merge_key(p->string + 17, list, NULL));
	}
	return 0;
}

int patch_apply(enum patch_type type, cJSON **doc, const cJSON *patch, int *code,
		struct err *err)
{
	cJSON *work = cJSON_Duplicate(*doc, 1);
	int rc = 0;

	*code = 0;
	switch (type) {
	case PATCH_MERGE:
		work = merge_patch(work, patch);
		break;
	case PATCH_JSON:
		rc = json_patch(&work, patch, code, err);
		break;
	case PATCH_STRATEGIC:
		if (!cJSON_IsObject(patch)) {
			*code = 400;
			rc = err_set(err, "strategic merge patch: the patch must be a JSON object");
			break;
		}
		rc = smp_map(work, patch, err);
		if (rc)
			*code = 422;
		break;
	}
	if (rc) {
		cJSON_Delete(work);
		if (!*code)
			*code = 422;
		return -1;
	}
	cJSON_Delete(*doc);
	*doc = work;
	return 0;
}
