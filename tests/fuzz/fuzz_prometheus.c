/* Prometheus answers: any body must parse or fail cleanly. */
#include <stdint.h>

#include "metrics/prometheus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_result r;
	struct err err;

	if (prom_parse((const char *)data, size, &r, &err) == 0)
		prom_result_free(&r);
	return 0;
}
