/* Promotion: the image an environment runs goes to a later one by digest
 * ("repo:tag@sha256:…"), never by re-resolving a tag. Before anything is
 * built the registry is asked, now, which digest the tag points at: when
 * that is not the digest the source environment runs (the tag moved),
 * promotion is refused naming both. The target environment's rules
 * (requires: passed/for, confirm: twice) are checked; the change goes
 * through the gate with the target's context and namespace in the audit
 * record, one PATCH per Deployment of the app, sent with that
 * environment's own kube client. */
#ifndef SHIPDECK_ENV_PROMOTE_H
#define SHIPDECK_ENV_PROMOTE_H

#include <stdbool.h>

#include "action/builder.h"
#include "action/gate.h"
#include "runtime/rt.h"

/* How planning ended (action/builder.h): req to submit (the caller owns
 * it), or refusal (one line), or neither when the target already runs that
 * digest (noop says so). Called exactly once, possibly before
 * env_promote_plan returns. */
typedef action_planned_fn promote_planned_fn;

/* from: an environment's name; to: a later one, or NULL for the next. */
void env_promote_plan(struct rt *rt, const char *app_name, const char *from, const char *to,
		      promote_planned_fn done, void *ctx);

/* promote-image (E) over an environment's app (sel: name the app, from and
 * to the environments), for action_builders_add. */
extern const struct action_builder env_builders[];

#endif
