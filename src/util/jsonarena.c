#include "util/jsonarena.h"

#include <limits.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { BLOCK = 1 << 20 };

struct json_block {
	struct json_block *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

/* n bytes aligned to align (a power of two) from the newest block, or a new
 * one. */
static void *arena_take(struct json_arena *a, size_t n, size_t align)
{
	struct json_block *b = a->blocks;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at > b->size || b->size - at < n) {
		size_t size = n > BLOCK ? n : BLOCK;

		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->next = a->blocks;
		a->blocks = b;
		at = 0;
	}
	b->used = at + n;
	return b->data + at;
}

/* ---- the parser: one pass over the text, cJSON's nodes and strings taken
 * from the arena. It accepts and refuses what cJSON_ParseWithLength does
 * (the unit tests compare the two): a UTF-8 byte order mark and any byte up
 * to ' ' skipped as white space, text after the value ignored, numbers read
 * by strtod from at most 63 of the characters "0-9+-eE.", \u escapes with
 * their surrogate pairs written as UTF-8 (a bad hex digit reads as \u0000),
 * nesting up to CJSON_NESTING_LIMIT. One difference: cJSON takes a document
 * whose last bracket is missing when the one before it closes the same kind
 * ("[[]"), a quirk of its white-space skip; this refuses it.
 * cJSON reads a string twice and allocates every node and string on its
 * own; this took a third of cJSON's instructions on a page of 500 pods. */

struct parser {
	const unsigned char *p, *end;
	struct json_arena *a;
	int depth;
};

static cJSON *new_node(struct parser *ps)
{
	cJSON *n = arena_take(ps->a, sizeof *n, alignof(cJSON));

	memset(n, 0, sizeof *n);
	return n;
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && *ps->p <= ' ')
		ps->p++;
}

/* Four hex digits; 0 when one is not (as cJSON reads them). */
static unsigned hex4(const unsigned char *s)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return 0;
	}
	return v;
}

/* \uXXXX (and its low surrogate) at s, before end, into out as UTF-8:
 * the bytes read from s, or 0 when it is not a valid escape. */
static size_t utf16_escape(const unsigned char *s, const unsigned char *end, unsigned char **out)
{
	unsigned first, second, cp;
	size_t used = 6;
	unsigned char *o = *out;

	if (end - s < 6)
		return 0;
	first = hex4(s + 2);
	if (first >= 0xDC00 && first <= 0xDFFF)
		return 0;
	if (first >= 0xD800 && first <= 0xDBFF) {
		if (end - s < 12 || s[6] != '\\' || s[7] != 'u')
			return 0;
		second = hex4(s + 8);
		if (second < 0xDC00 || second > 0xDFFF)
			return 0;
		cp = 0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF));
		used = 12;
	} else {
		cp = first;
	}
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | (cp >> 6));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | (cp >> 12));
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | (cp >> 18));
		*o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*out = o;
	return used;
}

/* The string at ps->p (its opening quote), copied into the arena. */
static char *parse_string(struct parser *ps)
{
	const unsigned char *s = ps->p + 1, *q;
	bool escaped = false;
	unsigned char *out, *o;

	/* most strings have no escape: the quote and a backslash before it by
	 * memchr (a few bytes a cycle), byte by byte only after a backslash */
	q = memchr(s, '"', (size_t)(ps->end - s));
	if (q && memchr(s, '\\', (size_t)(q - s))) {
		for (q = s; q < ps->end && *q != '"'; q++) {
			if (*q == '\\') {
				if (q + 1 >= ps->end)
					return NULL;
				escaped = true;
				q++;
			}
		}
	}
	if (!q || q >= ps->end)
		return NULL;
	out = arena_take(ps->a, (size_t)(q - s) + 1, 1);
	if (!escaped) {
		memcpy(out, s, (size_t)(q - s));
		out[q - s] = '\0';
		ps->p = q + 1;
		return (char *)out;
	}
	for (o = out; s < q;) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		switch (s[1]) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case '"': case '\\': case '/': *o++ = s[1]; break;
		case 'u': {
			size_t used = utf16_escape(s, q, &o);

			if (!used)
				return NULL;
			s += used;
			continue;
		}
		default:
			return NULL;
		}
		s += 2;
	}
	*o = '\0';
	ps->p = q + 1;
	return (char *)out;
}

static bool parse_number(struct parser *ps, cJSON *item)
{
	char text[64], *after;
	size_t n = 0;
	double d;

	while (n < sizeof text - 1 && ps->p + n < ps->end) {
		unsigned char c = ps->p[n];

		if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E'
		      || c == '.'))
			break;
		text[n++] = (char)c;
	}
	text[n] = '\0';
	d = strtod(text, &after);
	if (after == text)
		return false;
	item->type = cJSON_Number;
	item->valuedouble = d;
	item->valueint = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
	ps->p += after - text;
	return true;
}

static bool parse_value(struct parser *ps, cJSON *item);

/* An array or object at ps->p; close is ']' or '}'. */
static bool parse_container(struct parser *ps, cJSON *item, unsigned char close)
{
	bool object = close == '}';
	cJSON *head = NULL, *last = NULL;

	if (ps->depth >= CJSON_NESTING_LIMIT)
		return false;
	ps->depth++;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == close)
		goto done;
	for (;;) {
		cJSON *child = new_node(ps);

		if (!head)
			head = child;
		else {
			last->next = child;
			child->prev = last;
		}
		last = child;
		skip_space(ps);
		if (object) {
			if (ps->p >= ps->end || *ps->p != '"'
			    || !(child->string = parse_string(ps)))
				return false;
			skip_space(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return false;
			ps->p++;
			skip_space(ps);
		}
		if (!parse_value(ps, child))
			return false;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		break;
	}
	if (ps->p >= ps->end || *ps->p != close)
		return false;
done:
	ps->depth--;
	ps->p++;
	if (head)
		head->prev = last;
	item->type = object ? cJSON_Object : cJSON_Array;
	item->child = head;
	return true;
}

static bool literal(struct parser *ps, const char *word, size_t len)
{
	if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len))
		return false;
	ps->p += len;
	return true;
}

static bool parse_value(struct parser *ps, cJSON *item)
{
	if (ps->p >= ps->end)
		return false;
	switch (*ps->p) {
	case 'n':
		item->type = cJSON_NULL;
		return literal(ps, "null", 4);
	case 'f':
		item->type = cJSON_False;
		return literal(ps, "false", 5);
	case 't':
		item->type = cJSON_True;
		item->valueint = 1;
		return literal(ps, "true", 4);
	case '"':
		item->type = cJSON_String;
		return (item->valuestring = parse_string(ps)) != NULL;
	case '[':
		return parse_container(ps, item, ']');
	case '{':
		return parse_container(ps, item, '}');
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, item);
		return false;
	}
}

const cJSON *json_arena_parse(struct json_arena *a, const char *text, size_t len)
{
	struct parser ps = { (const unsigned char *)text, (const unsigned char *)text + len, a, 0 };
	cJSON *root;

	if (!text || !len)
		return NULL;
	if (len > 4 && !memcmp(text, "\xEF\xBB\xBF", 3))
		ps.p += 3;
	root = new_node(&ps);
	skip_space(&ps);
	/* a failed parse leaves its nodes in the arena until the next reset */
	return parse_value(&ps, root) ? root : NULL;
}

void json_arena_reset(struct json_arena *a)
{
	struct json_block *keep = NULL;

	/* one block of the usual size stays: a watch event fits in it */
	while (a->blocks) {
		struct json_block *b = a->blocks;

		a->blocks = b->next;
		if (!keep && b->size == BLOCK) {
			keep = b;
			continue;
		}
		free(b);
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->blocks = keep;
}

void json_arena_free(struct json_arena *a)
{
	json_arena_reset(a);
	free(a->blocks);
	a->blocks = NULL;
}
