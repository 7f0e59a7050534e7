/* Pagination of the tags list: the `Link: </v2/app/tags/list?n=50&last=x>;
 * rel="next"` header (RFC 8288) and a walk that notices when a registry sends
 * us round in a circle. */
#ifndef SHIPDECK_REGISTRY_LINK_H
#define SHIPDECK_REGISTRY_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* The rel="next" target of header, resolved against base_url (the URL the
 * answer came from). Returns 1 with *next (caller frees), 0 when there is no
 * next page, -1 with err when the header is malformed or points to another
 * host (credentials for this registry must not follow it there). */
int link_next(const char *header, const char *base_url, char **next, struct err *err);

/* One page of the tags list, {"name":"app","tags":["1.0",…]} ("tags" may
 * be null): appends to *tags (n used, cap allocated; caller frees) the tags
 * docker allows — tags go into URLs and onto the screen, so others are
 * dropped. -1 with err when the answer is not a tags list; url is only for
 * messages. */
int tags_page_parse(const char *body, size_t len, const char *url, char ***tags, size_t *n,
		    size_t *cap, struct err *err);

/* The pages visited on one walk. */
struct link_walk {
	char **seen;
	size_t n, cap;
};

/* Records url; false when the walk has been there already: a Link loop. */
bool link_walk_visit(struct link_walk *w, const char *url);
void link_walk_free(struct link_walk *w);

#endif
