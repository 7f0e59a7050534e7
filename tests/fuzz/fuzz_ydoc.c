/* YAML documents: every config file shipdeck reads goes through ydoc. */
#include <stdint.h>
#include <stdlib.h>

#include "util/ydoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ydoc doc;
	struct err err;

	if (ydoc_parse(&doc, "fuzz.yaml", (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < doc.n; i++) {
			cJSON *j = ynode_to_json(doc.roots[i]);

			cJSON_Delete(j);
		}
		ydoc_free(&doc);
	}
	return 0;
}
