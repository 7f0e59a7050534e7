#include "util/jsonout.h"

#include <time.h>

#include "util/timefmt.h"

void json_add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

void json_add_time(cJSON *o, const char *key, int64_t t)
{
	char buf[40];

	if (t > 0)
		cJSON_AddStringToObject(o, key, time_format_rfc3339((time_t)t, buf, sizeof buf));
	else
		cJSON_AddNullToObject(o, key);
}
