/* The answers of each API family as ci_build snapshots (remote_api.h's
 * parse functions dispatch here): remote_actions.c for GitHub and Gitea,
 * remote_drone.c for Drone. Shared: cJSON readers that tolerate a missing or
 * null field, as both servers leave fields out. */
#ifndef SHIPDECK_CI_REMOTE_PARSE_H
#define SHIPDECK_CI_REMOTE_PARSE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/ci.h"
#include "util/err.h"
#include "util/strbuf.h"

int remote_actions_parse_runs(const char *body, size_t len, struct ci_build ***out, size_t *n,
			      struct err *err);
int remote_actions_parse_jobs(const char *body, size_t len, struct ci_build *b,
			      struct err *err);
int remote_drone_parse_builds(const char *body, size_t len, struct ci_build ***out, size_t *n,
			      struct err *err);
int remote_drone_parse_build(const char *body, size_t len, struct ci_build *b,
			     struct err *err);
int remote_drone_parse_log(const char *body, size_t len, struct strbuf *out, struct err *err);


/* A string member, or NULL (absent, null or not a string). */
const char *rjson_str(const cJSON *o, const char *name);
/* A number member, or 0; as a whole number, 0 when out of range. */
double rjson_num(const cJSON *o, const char *name);
int64_t rjson_i64(const cJSON *o, const char *name);
int rjson_int(const cJSON *o, const char *name);
/* RFC 3339 → ms; 0 for absent or before 1971 (Gitea's unset times). */
int64_t rjson_time_ms(const cJSON *o, const char *name);
/* The first line of s, copied; NULL for NULL. */
char *rjson_first_line(const char *s);
/* Appends a step to b (its strings copied); returns it. */
struct ci_step *remote_add_step(struct ci_build *b, const char *key, const char *name,
				const char *pipeline, const char *depends_on);
/* Replaces b's steps by from's (from is left without any). */
void remote_take_steps(struct ci_build *b, struct ci_build *from);

#endif
