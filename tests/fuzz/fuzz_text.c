/* The sanitizer between outside text and the terminal: whatever comes in,
 * what comes out holds no control character but kept SGR, and is valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>

#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = { 0 };

	for (unsigned flags = 0; flags <= TEXT_KEEP_SGR; flags += TEXT_KEEP_SGR) {
		const unsigned char *p;
		size_t i = 0;

		sb_reset(&out);
		text_sanitize((const char *)data, size, &out, flags);
		p = (const unsigned char *)sb_str(&out);
		while (i < out.len) {
			unsigned cp;
			size_t n;

			if (p[i] == 0x1b) {
				/* only "ESC [ digits ; m" may remain, and only when asked */
				if (!(flags & TEXT_KEEP_SGR) || p[i + 1] != '[')
					abort();
				for (i += 2; i < out.len && p[i] != 'm'; i++)
					if (!((p[i] >= '0' && p[i] <= '9') || p[i] == ';'))
						abort();
				i++;
				continue;
			}
			n = text_utf8_decode(p + i, out.len - i, &cp);
			if (!n || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
				abort();
			i += n;
		}
		(void)text_width(sb_str(&out));
	}
	sb_free(&out);
	return 0;
}
