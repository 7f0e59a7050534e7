/* Access reviews (authorization.k8s.io): asked, answered, never stored. The
 * sandbox authorises every request it serves, so every review is allowed;
 * what it checks is the review's own shape, as the API server does. */
#ifndef SHIPDECK_SANDBOX_REVIEW_H
#define SHIPDECK_SANDBOX_REVIEW_H

#include <cjson/cJSON.h>

#include "sandbox/kinds.h"
#include "sandbox/response.h"

/* Answers the POSTed review obj (taken) with 201 and its status, or 400/422. */
void review_answer(const struct kind *k, cJSON *obj, struct response *resp);

#endif
