#include "sandbox/jsonx.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

cJSON *jpath_(const cJSON *o, ...)
{
	va_list ap;
	const char *key;
	cJSON *cur = (cJSON *)o;

	va_start(ap, o);
	while (cur && (key = va_arg(ap, const char *)))
		cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, key) : NULL;
	va_end(ap);
	return cur;
}

const char *jstr(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long jint(const cJSON *v, long long def)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return def;
	if (v->valuedouble >= 9.2e18 || v->valuedouble <= -9.2e18)
		return def;
	return (long long)v->valuedouble;
}

bool jtrue(const cJSON *v)
{
	return cJSON_IsTrue(v);
}

cJSON *jchild(cJSON *o, const char *key)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsObject(c))
		return c;
	c = cJSON_CreateObject();
	jset(o, key, c);
	return c;
}

void jset(cJSON *o, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, item);
	else
		cJSON_AddItemToObject(o, key, item);
}

void jset_str(cJSON *o, const char *key, const char *s)
{
	jset(o, key, cJSON_CreateString(s));
}

void jset_int(cJSON *o, const char *key, long long v)
{
	jset(o, key, cJSON_CreateNumber((double)v));
}

void jset_bool(cJSON *o, const char *key, bool v)
{
	jset(o, key, cJSON_CreateBool(v));
}

void jdel(cJSON *o, const char *key)
{
	if (cJSON_IsObject(o))
		cJSON_DeleteItemFromObjectCaseSensitive(o, key);
}

void jarr_insert(cJSON *arr, int idx, cJSON *item)
{
	cJSON *tmp = cJSON_CreateArray();
	int i = 0;

	while (arr->child)
		cJSON_AddItemToArray(tmp, cJSON_DetachItemViaPointer(arr, arr->child));
	while (tmp->child) {
		if (i++ == idx)
			cJSON_AddItemToArray(arr, item);
		cJSON_AddItemToArray(arr, cJSON_DetachItemViaPointer(tmp, tmp->child));
	}
	if (i <= idx)
		cJSON_AddItemToArray(arr, item);
	cJSON_Delete(tmp);
}

const char *jmeta_get(const cJSON *obj, const char *map, const char *key)
{
	return jstr(J(obj, "metadata", map, key));
}

void jmeta_set(cJSON *obj, const char *map, const char *key, const char *val)
{
	cJSON *m = jchild(jchild(obj, "metadata"), map);

	if (val)
		jset_str(m, key, val);
	else
		jdel(m, key);
}

static bool canon_empty(const cJSON *v)
{
	if (!v || cJSON_IsNull(v))
		return true;
	if ((cJSON_IsObject(v) || cJSON_IsArray(v)) && !v->child)
		return true;
	if (cJSON_IsObject(v)) {
		for (const cJSON *c = v->child; c; c = c->next)
			if (!canon_empty(c))
				return false;
		return true;
	}
	return false;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

static void canon_string(const char *s, struct strbuf *out)
{
	sb_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_putc(out, '\\');
		sb_putc(out, *s);
	}
	sb_putc(out, '"');
}

void jcanon(const cJSON *v, struct strbuf *out)
{
	if (canon_empty(v)) {
		sb_puts(out, "null");
		return;
	}
	if (cJSON_IsObject(v)) {
		size_t n = 0, i = 0;
		const cJSON **items;
		bool first = true;

		for (const cJSON *c = v->child; c; c = c->next)
			n++;
		items = xcalloc(n, sizeof *items);
		for (const cJSON *c = v->child; c; c = c->next)
			items[i++] = c;
		qsort(items, n, sizeof *items, cmp_keys);
		sb_putc(out, '{');
		for (i = 0; i < n; i++) {
			if (canon_empty(items[i]))
				continue;
			if (!first)
				sb_putc(out, ',');
			first = false;
			canon_string(items[i]->string, out);
			sb_putc(out, ':');
			jcanon(items[i], out);
		}
		sb_putc(out, '}');
		free(items);
	} else if (cJSON_IsArray(v)) {
		sb_putc(out, '[');
		for (const cJSON *c = v->child; c; c = c->next) {
			jcanon(c, out);
			if (c->next)
				sb_putc(out, ',');
		}
		sb_putc(out, ']');
	} else if (cJSON_IsString(v)) {
		canon_string(v->valuestring, out);
	} else if (cJSON_IsNumber(v)) {
		sb_printf(out, "%.17g", v->valuedouble);
	} else {
		sb_puts(out, cJSON_IsTrue(v) ? "true" : "false");
	}
}

bool jequal(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return a == b;
	return cJSON_Compare(a, b, 1);
}

char *jprint(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	if (!s)
		abort();
	return s;
}
