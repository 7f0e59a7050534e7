/* A build's plan: the pipelines of the file that the build triggers,
 * flattened into one list of steps with dependencies by index, the clone
 * step first, each pipeline's services before its steps. "Run tests" keeps
 * only the test steps and what they depend on. */
#ifndef SHIPDECK_CI_PLAN_H
#define SHIPDECK_CI_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "ci/pipeline_file.h"
#include "util/err.h"

struct ci_plan_step {
	char *key;                  /* unique in the build ("test", or "linux.test") */
	const struct ci_step_def *def;      /* NULL for the clone step */
	size_t pipeline;            /* index in plan->pipelines */
	size_t *deps;               /* steps whose failure it inherits */
	size_t ndeps;
	bool when_ok;               /* when.branch/event/ref match this build */
	bool is_test;
	bool detach;                /* a service or detach step: done for the others once started */
	bool needs_image;           /* no commands: its image's entrypoint would run */
};

struct ci_plan_pipeline {
	const struct ci_pipeline_def *def;  /* NULL for the clone step's own */
	size_t *waits;              /* pipelines it runs after (depends_on) */
	size_t nwaits;
};

struct ci_plan {
	struct ci_plan_step *steps;
	size_t n;
	struct ci_plan_pipeline *pipelines;
	size_t npipelines;
	bool clone;                 /* steps[0] is the checkout */
	bool has_docker;
};

struct ci_plan_opts {
	const char *branch, *event, *ref;
	bool tests_only;
	char *const *test_steps;    /* NULL: names starting with "test" */
	size_t ntest_steps;
	bool clone;                 /* false: --in-place */
	const struct ci_facts *facts;       /* when set, instead of branch/event/ref */
	bool all;                   /* every pipeline and step, triggers and when aside (lint) */
};

/* The plan holds pointers into f: free the plan first. An error when tests_only
 * finds no test step, or no pipeline is triggered. */
int ci_plan_make(struct ci_plan *plan, const struct ci_file *f, const struct ci_plan_opts *o,
		 struct err *err);
void ci_plan_free(struct ci_plan *plan);

#endif
