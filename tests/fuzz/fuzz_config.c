/* The operator's files: config.yaml, .shipdeck.yml and themes, one input
 * given to each parser. */
#include <stdint.h>
#include <string.h>

#include "app/config.h"
#include "app/theme.h"
#include "project/project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct config cfg;
	struct project p;
	struct theme t;
	struct err err;

	memset(&cfg, 0, sizeof cfg);
	keymap_init_defaults(&cfg.keymap);
	config_parse(&cfg, "config.yaml", text, size, &err);
	config_free(&cfg);
	if (project_parse(&p, ".shipdeck.yml", text, size, &err) == 0)
		project_free(&p);
	theme_parse(&t, "theme.yaml", text, size, &err);
	return 0;
}
