/* What `shipdeck canary` prints: a release's state and an analysis, as
 * text for people and CI logs, or as JSON (shapes in README). */
#ifndef SHIPDECK_CMD_CANARY_SHOW_H
#define SHIPDECK_CMD_CANARY_SHOW_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "metrics/release.h"
#include "store/canary.h"

cJSON *canary_json_release(const struct release *r);
cJSON *canary_json_result(const char *app, const struct canary_result *res);
void canary_print_release(FILE *out, const struct release *r);
void canary_print_result(FILE *out, const char *app, const struct canary_result *res);

/* Prints o on one line and frees it. */
void canary_json_put(cJSON *o);

#endif
