/* Directed acyclic graphs as index lists (the steps of a pipeline, the
 * pipelines of a file): cycle finding for the parser, a topological order
 * and depths for drawing. Pure functions. */
#ifndef SHIPDECK_UTIL_DAG_H
#define SHIPDECK_UTIL_DAG_H

#include <stddef.h>

/* Node i waits for deps[i][0..ndeps[i]). */
struct dag {
	size_t n;
	size_t **deps;
	size_t *ndeps;
};

/* When there is a cycle: fills cycle with its nodes in order (n at most) and
 * returns its length; 0 when the graph is acyclic. */
size_t dag_cycle(const struct dag *g, size_t *cycle);

/* A topological order (dependencies first; ties keep the file's order) into
 * order[0..n). -1 when there is a cycle. */
int dag_order(const struct dag *g, size_t *order);

/* depth[i]: the longest chain of dependencies below node i (0 for roots). */
int dag_depths(const struct dag *g, int *depth);

#endif
