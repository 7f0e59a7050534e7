#include "kube/listpage.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kube/objects.h"
#include "util/xalloc.h"

/* Where the head may end: a list's kind, apiVersion and metadata are a few
 * hundred bytes; beyond that "items" is not the top level's. */
enum { HEAD_MAX = 4096 };

bool kube_list_head_continue(const char *text, size_t len, char **cont)
{
	static const char key[] = ",\"items\":";
	/* In JSON a quote after a comma cannot be inside a string, so this is a
	 * member named items; if it is a nested one, the head is unbalanced
	 * and does not parse. */
	const char *at = memmem(text, len < HEAD_MAX ? len : HEAD_MAX, key, sizeof key - 1);
	size_t n = at ? (size_t)(at - text) : 0;
	char *head;
	cJSON *doc;
	bool ok;

	*cont = NULL;
	if (!at)
		return false;
	head = xmalloc(n + 2);
	memcpy(head, text, n);
	head[n] = '}';
	head[n + 1] = '\0';
	doc = cJSON_ParseWithLength(head, n + 1);
	free(head);
	ok = cJSON_IsObject(doc);
	if (ok) {
		const char *c = kube_json_str(doc, "metadata.continue");

		if (c && *c)
			*cont = xstrdup(c);
	}
	cJSON_Delete(doc);
	return ok;
}
