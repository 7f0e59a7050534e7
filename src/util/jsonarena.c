#include "util/jsonarena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/xalloc.h"

enum { BLOCK = 1 << 20 };

struct json_block {
	struct json_block *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

/* cJSON's hooks are process-wide and take no context: the arena a parse
 * allocates from is set for the length of that call only (one thread). */
static struct json_arena *parsing;

static void *arena_alloc(size_t n)
{
	struct json_arena *a = parsing;
	struct json_block *b = a->blocks;

	n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	if (!b || b->size - b->used < n) {
		size_t size = n > BLOCK ? n : BLOCK;

		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->used = 0;
		b->next = a->blocks;
		a->blocks = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

/* Only a failed parse frees, and only what it took from the arena. */
static void arena_release(void *p)
{
	(void)p;
}

const cJSON *json_arena_parse(struct json_arena *a, const char *text, size_t len)
{
	cJSON *root;

	parsing = a;
	cJSON_InitHooks(&(cJSON_Hooks){ .malloc_fn = arena_alloc, .free_fn = arena_release });
	root = cJSON_ParseWithLength(text, len);
	cJSON_InitHooks(NULL);
	parsing = NULL;
	return root;
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
