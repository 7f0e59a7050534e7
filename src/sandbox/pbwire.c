#include "sandbox/pbwire.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

#define MAX_DEPTH 48

struct rd {
	const unsigned char *p, *end;
};

static bool varint(struct rd *r, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && r->p < r->end; shift += 7) {
		unsigned char b = *r->p++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/* One field: number, wire type, and for length-delimited the bytes. */
struct wire {
	int num, wt;
	uint64_t v;
	const unsigned char *data;
	size_t len;
};

static bool next(struct rd *r, struct wire *w, char *err, size_t es, const char *where)
{
	uint64_t key;

	if (!varint(r, &key) || (key >> 3) == 0 || (key >> 3) > 536870911) {
		snprintf(err, es, "proto: bad field key in %s", where);
		return false;
	}
	w->num = (int)(key >> 3);
	w->wt = (int)(key & 7);
	w->data = NULL;
	w->len = 0;
	switch (w->wt) {
	case 0:
		if (varint(r, &w->v))
			return true;
		break;
	case 1:
	case 5: {
		size_t n = w->wt == 1 ? 8 : 4;

		if ((size_t)(r->end - r->p) >= n) {
			w->v = 0;
			for (size_t i = 0; i < n; i++)
				w->v |= (uint64_t)r->p[i] << (8 * i);
			r->p += n;
			return true;
		}
		break;
	}
	case 2:
		if (varint(r, &w->v) && w->v <= (uint64_t)(r->end - r->p)) {
			w->data = r->p;
			w->len = (size_t)w->v;
			r->p += w->len;
			return true;
		}
		break;
	default:
		snprintf(err, es, "proto: wire type %d of field %d in %s is not supported",
			 w->wt, w->num, where);
		return false;
	}
	snprintf(err, es, "proto: field %d of %s is truncated", w->num, where);
	return false;
}

static cJSON *str_n(const unsigned char *p, size_t n)
{
	char *s = strndup((const char *)p, n);
	cJSON *j = cJSON_CreateString(s ? s : "");

	free(s);
	return j;
}

static cJSON *base64(const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct strbuf sb = { 0 };
	cJSON *j;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0)
			     | (i + 2 < n ? p[i + 2] : 0);

		sb_putc(&sb, tab[v >> 18 & 63]);
		sb_putc(&sb, tab[v >> 12 & 63]);
		sb_putc(&sb, i + 1 < n ? tab[v >> 6 & 63] : '=');
		sb_putc(&sb, i + 2 < n ? tab[v & 63] : '=');
	}
	j = cJSON_CreateString(sb_str(&sb));
	sb_free(&sb);
	return j;
}

static bool decode_into(cJSON *obj, const struct pb_msg *m, const unsigned char *p, size_t len,
			int depth, char *err, size_t es);

/* The one string field (number 1) of a Quantity, or a map entry's key (1)
 * and value (2). */
static bool entry(const unsigned char *p, size_t len, struct wire *k, struct wire *v,
		  char *err, size_t es, const char *where)
{
	struct rd r = { p, p + len };
	struct wire w;

	memset(k, 0, sizeof *k);
	memset(v, 0, sizeof *v);
	while (r.p < r.end) {
		if (!next(&r, &w, err, es, where))
			return false;
		if (w.num == 1)
			*k = w;
		else if (w.num == 2)
			*v = w;
	}
	return true;
}

static cJSON *intstr(const unsigned char *p, size_t len, char *err, size_t es)
{
	struct rd r = { p, p + len };
	struct wire w;
	uint64_t type = 0, iv = 0;
	cJSON *s = NULL, *out;

	while (r.p < r.end) {
		if (!next(&r, &w, err, es, "IntOrString")) {
			cJSON_Delete(s);
			return NULL;
		}
		if (w.num == 1 && w.wt == 0)
			type = w.v;
		else if (w.num == 2 && w.wt == 0)
			iv = w.v;
		else if (w.num == 3 && w.wt == 2) {
			cJSON_Delete(s);
			s = str_n(w.data, w.len);
		}
	}
	if (type == 1) {
		out = s ? s : cJSON_CreateString("");
		return out;
	}
	cJSON_Delete(s);
	return cJSON_CreateNumber((double)(int32_t)iv);
}

static cJSON *time_value(const unsigned char *p, size_t len, char *err, size_t es)
{
	struct rd r = { p, p + len };
	struct wire w;
	uint64_t secs = 0;
	char buf[40];

	while (r.p < r.end) {
		if (!next(&r, &w, err, es, "Time"))
			return NULL;
		if (w.num == 1 && w.wt == 0)
			secs = w.v;
	}
	if (!secs)
		return cJSON_CreateNull();
	time_format_rfc3339((time_t)(int64_t)secs, buf, sizeof buf);
	return cJSON_CreateString(buf);
}

/* The JSON value of one field, or a null JSON for "leave it out"; NULL on
 * error. */
static cJSON *value(const struct pb_field *f, const struct wire *w, int depth, char *err,
		    size_t es, const char *where)
{
	bool want_len = f->type != PB_INT && f->type != PB_BOOL;
	cJSON *o;

	if (f->type == PB_IGNORE)
		return cJSON_CreateNull();
	if (want_len != (w->wt == 2)) {
		snprintf(err, es, "proto: field %d (%s) of %s has wire type %d", w->num, f->json,
			 where, w->wt);
		return NULL;
	}
	switch (f->type) {
	case PB_STR:
		if (!w->len && !(f->flags & (PB_PTR | PB_REP)))
			return cJSON_CreateNull();
		return str_n(w->data, w->len);
	case PB_BYTES:
		return base64(w->data, w->len);
	case PB_INT:
		if (!w->v && !(f->flags & (PB_PTR | PB_REP)))
			return cJSON_CreateNull();
		return cJSON_CreateNumber((double)(int64_t)w->v);
	case PB_BOOL:
		if (!w->v && !(f->flags & PB_PTR))
			return cJSON_CreateNull();
		return cJSON_CreateBool(w->v != 0);
	case PB_MSG:
		o = cJSON_CreateObject();
		if (!decode_into(o, f->msg, w->data, w->len, depth + 1, err, es)) {
			cJSON_Delete(o);
			return NULL;
		}
		return o;
	case PB_INTSTR:
		return intstr(w->data, w->len, err, es);
	case PB_QTY: {
		struct wire k, v;

		if (!entry(w->data, w->len, &k, &v, err, es, "Quantity"))
			return NULL;
		return str_n(k.data ? k.data : (const unsigned char *)"", k.len);
	}
	case PB_TIME:
		return time_value(w->data, w->len, err, es);
	default:
		return cJSON_CreateNull();
	}
}

static bool map_entry(cJSON *obj, const struct pb_field *f, const struct wire *w, char *err,
		      size_t es, const char *where)
{
	struct wire k, v;
	cJSON *map = jchild(obj, f->json), *val;
	char *key;

	if (w->wt != 2 || !entry(w->data, w->len, &k, &v, err, es, where)) {
		if (!*err)
			snprintf(err, es, "proto: map %s of %s is not length-delimited",
				 f->json, where);
		return false;
	}
	if (f->type == PB_MAP_BYTES) {
		val = base64(v.data ? v.data : (const unsigned char *)"", v.len);
	} else if (f->type == PB_MAP_QTY) {
		struct wire qk, qv;

		if (!entry(v.data ? v.data : (const unsigned char *)"", v.len, &qk, &qv, err, es,
			   "Quantity"))
			return false;
		val = str_n(qk.data ? qk.data : (const unsigned char *)"", qk.len);
	} else {
		val = str_n(v.data ? v.data : (const unsigned char *)"", v.len);
	}
	key = strndup(k.data ? (const char *)k.data : "", k.len);
	jset(map, key ? key : "", val);
	free(key);
	return true;
}

static bool decode_into(cJSON *obj, const struct pb_msg *m, const unsigned char *p, size_t len,
			int depth, char *err, size_t es)
{
	struct rd r = { p, p + len };
	struct wire w;

	if (depth > MAX_DEPTH) {
		snprintf(err, es, "proto: messages nested deeper than %d", MAX_DEPTH);
		return false;
	}
	while (r.p < r.end) {
		const struct pb_field *f;
		cJSON *v;

		if (!next(&r, &w, err, es, m->name))
			return false;
		for (f = m->fields; f->num && f->num != w.num; f++)
			;
		if (!f->num) {
			/* gogo-protobuf writes every non-pointer field, so empty
			 * ones of fields without a table entry are harmless. */
			if ((w.wt == 2 && !w.len) || (w.wt == 0 && !w.v))
				continue;
			snprintf(err, es, "proto: field %d of %s is not decoded by "
				 "shipdeck-sandbox; send it as JSON", w.num, m->name);
			return false;
		}
		if (f->type == PB_MAP_STR || f->type == PB_MAP_BYTES || f->type == PB_MAP_QTY) {
			if (!map_entry(obj, f, &w, err, es, m->name))
				return false;
			continue;
		}
		if (f->type == PB_INLINE) {
			if (w.wt != 2) {
				snprintf(err, es, "proto: field %d of %s is not a message", w.num,
					 m->name);
				return false;
			}
			if (!decode_into(obj, f->msg, w.data, w.len, depth + 1, err, es))
				return false;
			continue;
		}
		v = value(f, &w, depth, err, es, m->name);
		if (!v)
			return false;
		if (cJSON_IsNull(v)) {
			cJSON_Delete(v);
			continue;
		}
		if (f->flags & PB_REP) {
			cJSON *a = J(obj, f->json);

			if (!cJSON_IsArray(a)) {
				a = cJSON_CreateArray();
				jset(obj, f->json, a);
			}
			cJSON_AddItemToArray(a, v);
		} else {
			jset(obj, f->json, v);
		}
	}
	return true;
}

cJSON *pb_decode(const struct pb_msg *m, const unsigned char *p, size_t len, char *err,
		 size_t errsize)
{
	cJSON *o = cJSON_CreateObject();

	err[0] = 0;
	if (!decode_into(o, m, p, len, 0, err, errsize)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The internal API group name kube-apiserver's conversion errors use. */
static const char *internal_group(const char *av, char *buf, size_t size)
{
	const char *slash = strchr(av, '/'), *dot;

	if (!slash)
		return "core";
	dot = memchr(av, '.', (size_t)(slash - av));
	snprintf(buf, size, "%.*s", (int)((dot ? dot : slash) - av), av);
	return buf;
}

cJSON *pb_decode_body(const char *body, size_t len, const char *want_av, const char *want_kind,
		      int *code, char *err, size_t errsize)
{
	const unsigned char *p = (const unsigned char *)body;
	struct rd r;
	struct wire w, raw = { 0 };
	char *av = NULL, *kind = NULL, detail[200];
	const struct pb_msg *m;
	cJSON *obj = NULL;

	err[0] = detail[0] = 0;
	*code = 400;
	if (len < 4 || memcmp(p, "k8s\0", 4)) {
		snprintf(detail, sizeof detail, "the body does not start with the \"k8s\\0\" magic "
			 "of application/vnd.kubernetes.protobuf");
		goto bad;
	}
	r = (struct rd){ p + 4, p + len };
	while (r.p < r.end) {
		if (!next(&r, &w, detail, sizeof detail, "runtime.Unknown"))
			goto bad;
		if (w.num == 1 && w.wt == 2) {
			struct wire a, k;

			if (!entry(w.data, w.len, &a, &k, detail, sizeof detail, "TypeMeta"))
				goto bad;
			free(av);
			free(kind);
			av = strndup(a.data ? (const char *)a.data : "", a.len);
			kind = strndup(k.data ? (const char *)k.data : "", k.len);
		} else if (w.num == 2 && w.wt == 2) {
			raw = w;
		} else if (w.num == 3 && w.wt == 2 && w.len) {
			snprintf(detail, sizeof detail, "contentEncoding %.*s is not supported",
				 (int)w.len, w.data);
			goto bad;
		}
	}
	if (!av)
		av = strdup("");
	if (!kind)
		kind = strdup("");
	if (want_kind && (strcmp(kind, want_kind) || strcmp(av, want_av))) {
		const char *v = strrchr(av, '/') ? strrchr(av, '/') + 1 : av;
		char g[64];

		snprintf(err, errsize, "%s in version \"%s\" cannot be handled as a %s: converting "
			 "(%s.%s) to (%s.%s): unknown conversion", *kind ? kind : "(no kind)", v,
			 want_kind, v, *kind ? kind : "(no kind)",
			 internal_group(want_av, g, sizeof g), want_kind);
		goto out;
	}
	m = pb_kind_msg(av, kind);
	if (!m) {
		*code = 415;
		snprintf(err, errsize, "shipdeck-sandbox does not decode %s of apiVersion %s from "
			 "protobuf; send it as JSON", *kind ? kind : "(no kind)",
			 *av ? av : "(none)");
		goto out;
	}
	obj = pb_decode(m, raw.data ? raw.data : (const unsigned char *)"", raw.len, detail,
			sizeof detail);
	if (obj) {
		jset_str(obj, "apiVersion", av);
		jset_str(obj, "kind", kind);
		goto out;
	}
bad:
	snprintf(err, errsize, "the object provided is unrecognized (must be of type %s): %s",
		 want_kind ? want_kind : kind && *kind ? kind : "(unknown)", detail);
out:
	free(av);
	free(kind);
	return obj;
}
