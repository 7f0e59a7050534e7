/* What the API server does to an object before it stores it: type checks,
 * defaults, validation; and the pod-template hash the deployment controller
 * names its ReplicaSets with. */
#ifndef SHIPDECK_SANDBOX_DEFAULTS_H
#define SHIPDECK_SANDBOX_DEFAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sandbox/kinds.h"
#include "sandbox/response.h"

/* Checks the JSON types of the fields the sandbox reads, as decoding into Go
 * structs would: -1 with a 400 BadRequest in r. */
int defaults_check_types(const struct kind *k, const cJSON *obj, struct response *r);

/* Fills defaults in place (idempotent). */
void defaults_apply(const struct kind *k, cJSON *obj);
void defaults_pod_template(cJSON *tmpl);

/* Validates a create (old NULL) or an update: -1 with a 422 Invalid in r. */
int defaults_validate(const struct kind *k, const cJSON *obj, const cJSON *old,
		      struct response *r);

/* The canonical text of a template without its pod-template-hash label
 * (equal texts: equal templates); the caller frees. */
char *template_canonical(const cJSON *tmpl);
/* Templates equal apart from the pod-template-hash label, after defaults. */
bool template_equal_ignore_hash(const cJSON *a, const cJSON *b);
/* The pod-template-hash label value: FNV-32a of the canonical template plus
 * the collision count, in the controller's safe alphabet. */
void template_hash(const cJSON *tmpl, long long collision_count, char out[16]);

/* Resolves an IntOrString ("25%" or 2) against total, rounding up or down. */
int intstr_scaled(const cJSON *v, int total, bool round_up, int def);

/* Upstream's SafeEncodeString alphabet, for generated name suffixes. */
extern const char safe_alphabet[];

#endif
