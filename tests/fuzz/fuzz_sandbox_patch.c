/* libFuzzer target: request bodies and the three patch appliers.
 *
 * Input: one byte of mode (bits 0-1: patch type, bit 2: the document is
 * YAML), then the document, a NUL, and the patch. The patched result goes
 * through type checks, defaults, validation and the template hash, as an
 * update of a Deployment would. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sandbox/api.h"
#include "sandbox/defaults.h"
#include "sandbox/jsonx.h"
#include "sandbox/patch.h"
#include "sandbox/select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 1, *sep;
	size_t len = size ? size - 1 : 0, doc_len;
	struct response resp = { 0 };
	cJSON *doc, *patch;
	struct err err;
	struct selector sel;
	int code;

	if (size < 1)
		return 0;
	sep = memchr(in, 0, len);
	doc_len = sep ? (size_t)(sep - in) : len;
	doc = api_parse_body(in, doc_len, data[0] & 4, &resp);
	resp_free(&resp);
	if (!sel_parse_labels(&sel, sep ? NULL : "", &err))
		sel_free(&sel);
	if (!doc)
		return 0;
	if (sep) {
		patch = api_parse_body(sep + 1, len - doc_len - 1, false, &resp);
		resp_free(&resp);
		if (patch && !patch_apply((enum patch_type)(data[0] % 3), &doc, patch, &code, &err)) {
			char hash[16];

			if (!defaults_check_types(&kinds[K_DEPLOYMENT], doc, &resp)) {
				defaults_apply(&kinds[K_DEPLOYMENT], doc);
				resp_free(&resp);
				defaults_validate(&kinds[K_DEPLOYMENT], doc, NULL, &resp);
				template_hash(J(doc, "spec", "template"), 0, hash);
			}
			resp_free(&resp);
		}
		cJSON_Delete(patch);
	}
	cJSON_Delete(doc);
	return 0;
}
