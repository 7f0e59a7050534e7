/* A build as JSON: build.json in the history, and the shape `shipdeck
 * pipeline ls --json` prints. Times are milliseconds since the epoch. */
#ifndef SHIPDECK_CI_RECORD_H
#define SHIPDECK_CI_RECORD_H

#include <cjson/cJSON.h>

#include "store/ci.h"
#include "util/err.h"

cJSON *ci_record_to_json(const struct ci_build *b);
/* NULL with "name: …" when a field has the wrong type or is missing. */
struct ci_build *ci_record_from_json(const cJSON *j, const char *name, struct err *err);

#endif
