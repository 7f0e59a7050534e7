/* The builders of the action list's entries: over the current selection,
 * the source that owns an action builds its request (a table per source,
 * added by app/sources.c), so a view passes what is selected, shows the
 * confirm text and submits what comes back to the gate; it never builds a
 * request or includes a source's header (tests/unit/layering.sh).
 *
 *   view ─ action_sel ─▶ action_build ─▶ the source's builder ─▶ action_req
 *     ─▶ gate_submit */
#ifndef SHIPDECK_ACTION_BUILDER_H
#define SHIPDECK_ACTION_BUILDER_H

#include <stdbool.h>

#include "action/action.h"
#include "util/err.h"

struct rt;
struct action_req;
struct ci_build;

/* What an action is aimed at: the same key means a different change on
 * each (p promotes a canary, or an Argo Rollout). */
enum action_target {
	TARGET_DEPLOYMENT,
	TARGET_ROLLOUT,             /* an Argo Rollout */
	TARGET_POD,
	TARGET_RELEASE,             /* an app of .shipdeck.yml: its canary or blue/green */
	TARGET_ENVIRONMENT,         /* what an app runs in an environment */
	TARGET_BUILD,               /* a build of the pipeline pane, local or remote */
	TARGET_EXPERIMENT,          /* a chaos experiment's file */
};

/* The selection: what the pane has selected and what a prompt asked. */
struct action_sel {
	enum action_target target;
	const char *ns;             /* the namespace in use (a release has its own) */
	const char *name;           /* the deployment, Rollout, pod or app */
	long revision;              /* rollback: the selected one; 0: the previous */
	int replicas;               /* scale */
	bool on;                    /* pause (else resume); automatic analysis on */
	const char *container;      /* deploy: NULL for the only one */
	const char *image;          /* deploy: an image or a tag; canary-start: the image */
	const char *from, *to;      /* promote-image: environments (to NULL: the next);
				     * ci-promote: to */
	const struct ci_build *build;   /* the selected build; NULL: none */
	const char *commit;         /* run-pipeline, run-tests: the commit (NULL: HEAD) */
};

/* A builder: the request for the gate, or NULL with err (*skipped set when
 * there is nothing to do because it is done already, as kubectl's "skipped
 * rollback"). Called after gate_check(). */
typedef struct action_req *(*action_build_fn)(struct rt *rt, const struct action_sel *sel,
					      bool *skipped, struct err *err);

/* How a builder that asks first ended: req to submit (the caller owns it),
 * or refusal (one line), or neither when there is nothing to do (noop says
 * so). Called exactly once, possibly before action_plan returns. */
typedef void (*action_planned_fn)(void *ctx, struct action_req *req, const char *refusal,
				  const char *noop);
/* A builder that asks something first (promote-image asks the registry
 * which digest the tag points at now). */
typedef void (*action_plan_fn)(struct rt *rt, const struct action_sel *sel,
			       action_planned_fn done, void *ctx);

struct action_builder {
	enum action_id action;
	enum action_target target;
	action_build_fn build;      /* one of the two */
	action_plan_fn plan;
};

/* Adds a source's table, ended by an entry with neither build nor plan. */
void action_builders_add(struct rt *rt, const struct action_builder *table);

/* The request for action over sel, from the builder added for it; NULL
 * with err (and *skipped, may be NULL) when it cannot be made. */
struct action_req *action_build(struct rt *rt, enum action_id action,
				const struct action_sel *sel, bool *skipped, struct err *err);

/* The same for an action whose builder asks first: done hears how it
 * ended (a refusal when there is no builder for it). */
void action_plan(struct rt *rt, enum action_id action, const struct action_sel *sel,
		 action_planned_fn done, void *ctx);

#endif
