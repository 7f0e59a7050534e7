/* The environments in the image tags pane: a line per environment saying
 * what each app runs there (tag, digest, ×pods, and whether the digest is
 * still what the tag points at in the registry), and a column per
 * environment on each build's row. Drawing only, from the store. */
#ifndef SHIPDECK_VIEWS_ENVCOLS_H
#define SHIPDECK_VIEWS_ENVCOLS_H

#include "views/view.h"

/* Lines envcols_draw_summary takes (0 without environments). */
int envcols_summary_lines(const struct view_ctx *c);
/* Draws them from y; returns how many. */
int envcols_draw_summary(struct view_ctx *c, int y);
/* The width of all environment columns together (0 without environments). */
int envcols_width(const struct view_ctx *c);
/* The header and one row's cells, from x within width. */
void envcols_draw_header(struct view_ctx *c, int y, int x, int width);
void envcols_draw_row(struct view_ctx *c, int y, int x, int width, const struct image_row *r,
		      bool selected);
/* The environment promote-image (E) promotes from for a build: the last
 * one (in order) that runs digest (or tag, when it runs by tag) of the app
 * of image.name and has a next one; NULL when none does. *app_name is set
 * to its app. */
const char *envcols_promote_source(const struct view_ctx *c, const char *tag,
				   const char *digest, const char **app_name);

#endif
