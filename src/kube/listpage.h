/* A list page's continue token read from its head, before the whole page is
 * parsed, so that the next page can be asked for at once and the server
 * make it while this one is parsed (kube/watch.c). */
#ifndef SHIPDECK_KUBE_LISTPAGE_H
#define SHIPDECK_KUBE_LISTPAGE_H

#include <stdbool.h>
#include <stddef.h>

/* The server writes a list's metadata before its items (Go encodes ListMeta
 * before Items). True when the text before "items" reads as that: *cont is
 * then the token (a copy, caller frees) or NULL on the last page. False
 * (and *cont NULL) when the head does not read so: parse the whole page. */
bool kube_list_head_continue(const char *text, size_t len, char **cont);

#endif
