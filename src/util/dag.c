#include "util/dag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { WHITE, GREY, BLACK };

/* Iterative DFS (a pipeline file is small, but recursion depth should not
 * depend on input). Returns the node where a back edge was found, or n. */
static size_t dfs(const struct dag *g, size_t root, char *color, size_t *parent)
{
	size_t *stack = xcalloc(g->n + 1, sizeof *stack), *next = xcalloc(g->n, sizeof *next);
	size_t top = 0, found = g->n;

	stack[top++] = root;
	color[root] = GREY;
	parent[root] = g->n;
	while (top && found == g->n) {
		size_t v = stack[top - 1];

		if (next[v] < g->ndeps[v]) {
			size_t w = g->deps[v][next[v]++];

			if (color[w] == GREY) {
				parent[g->n] = v;   /* the edge v → w closes the cycle at w */
				found = w;
			} else if (color[w] == WHITE) {
				color[w] = GREY;
				parent[w] = v;
				stack[top++] = w;
			}
		} else {
			color[v] = BLACK;
			top--;
		}
	}
	free(stack);
	free(next);
	return found;
}

size_t dag_cycle(const struct dag *g, size_t *cycle)
{
	char *color = xcalloc(g->n ? g->n : 1, 1);
	size_t *parent = xcalloc(g->n + 1, sizeof *parent);
	size_t len = 0;

	for (size_t r = 0; r < g->n && !len; r++) {
		size_t w;

		if (color[r] != WHITE)
			continue;
		w = dfs(g, r, color, parent);
		if (w == g->n)
			continue;
		/* walk back from the closing node to w, then reverse into order */
		for (size_t v = parent[g->n];; v = parent[v]) {
			cycle[len++] = v;
			if (v == w || len == g->n)
				break;
		}
		for (size_t i = 0; i < len / 2; i++) {
			size_t t = cycle[i];

			cycle[i] = cycle[len - 1 - i];
			cycle[len - 1 - i] = t;
		}
	}
	free(color);
	free(parent);
	return len;
}

int dag_order(const struct dag *g, size_t *order)
{
	bool *done = xcalloc(g->n ? g->n : 1, sizeof *done);
	size_t k = 0;
	int rc = 0;

	/* repeated passes keep the file's order among nodes that are ready together */
	while (k < g->n) {
		size_t before = k;

		for (size_t i = 0; i < g->n; i++) {
			bool ready = !done[i];

			for (size_t d = 0; ready && d < g->ndeps[i]; d++)
				ready = done[g->deps[i][d]];
			if (ready) {
				done[i] = true;
				order[k++] = i;
			}
		}
		if (k == before) {
			rc = -1;
			break;
		}
	}
	free(done);
	return rc;
}

int dag_depths(const struct dag *g, int *depth)
{
	size_t *order = xcalloc(g->n ? g->n : 1, sizeof *order);

	if (dag_order(g, order)) {
		free(order);
		return -1;
	}
	for (size_t k = 0; k < g->n; k++) {
		size_t i = order[k];

		depth[i] = 0;
		for (size_t d = 0; d < g->ndeps[i]; d++)
			if (depth[g->deps[i][d]] + 1 > depth[i])
				depth[i] = depth[g->deps[i][d]] + 1;
	}
	free(order);
	return 0;
}
