/* Fields of the JSON that shipdeck writes (--json output, build records, the
 * audit log), where a missing value is written as null rather than left out:
 * scripts read every key. */
#ifndef SHIPDECK_UTIL_JSONOUT_H
#define SHIPDECK_UTIL_JSONOUT_H

#include <stdint.h>

#include <cjson/cJSON.h>

/* key: v, or null when v is NULL. */
void json_add_str(cJSON *o, const char *key, const char *v);
/* key: t (seconds since the epoch) in RFC 3339, or null when t <= 0. */
void json_add_time(cJSON *o, const char *key, int64_t t);

#endif
