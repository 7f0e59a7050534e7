/* The pipeline file (`.drone.yml`, or pipeline.file in `.shipdeck.yml`): one
 * or more YAML documents of `kind: pipeline`, in Drone's format. Parsing
 * refuses what it does not understand — unknown keys, wrong types, a
 * depends_on naming a missing step or pipeline, a cycle — with
 * file:line:col and the key, so a typo never silently drops a step. */
#ifndef SHIPDECK_CI_PIPELINE_FILE_H
#define SHIPDECK_CI_PIPELINE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* A `when`/`trigger` condition on one value: glob patterns to include and to
 * exclude. Both empty: anything matches. */
struct ci_cond {
	char **include;
	size_t ninclude;
	char **exclude;
	size_t nexclude;
};

enum {
	CI_ON_SUCCESS = 1 << 0,     /* when.status: success (the default) */
	CI_ON_FAILURE = 1 << 1,     /* when.status: failure */
};

struct ci_when {
	struct ci_cond branch, event, ref;
	unsigned status;            /* CI_ON_* bits */
};

struct ci_env {
	char *name;
	char *value;                /* NULL when from_secret */
	char *secret;               /* from_secret: NAME, or NULL */
};

struct ci_step_def {
	char *name;
	char *image;                /* NULL when none */
	char **commands;
	size_t ncommands;
	struct ci_env *env;
	size_t nenv;
	struct ci_when when;
	char **depends_on;          /* NULL with has_depends_on false: after the previous step */
	size_t ndeps;
	bool has_depends_on;
	bool ignore_failure;
	int line, col;
};

struct ci_pipeline_def {
	char *name;                 /* "default" when not named */
	char *type;                 /* "exec" or "docker" */
	struct ci_env *env;         /* environment for every step */
	size_t nenv;
	struct ci_step_def *steps;
	size_t nsteps;
	bool dag;                   /* some step has depends_on: steps wait only for those */
	char **depends_on;          /* other pipelines */
	size_t ndeps;
	struct ci_when trigger;
	bool clone_disabled;
	int line, col;
};

struct ci_file {
	char *path;
	struct ci_pipeline_def *pipelines;
	size_t n;
};

int ci_file_parse(struct ci_file *f, const char *name, const char *data, size_t len,
		  struct err *err);
void ci_file_free(struct ci_file *f);

/* Does value match the condition (fnmatch globs, like Drone)? */
bool ci_cond_match(const struct ci_cond *c, const char *value);
/* Branch, event and ref conditions of w against a build. */
bool ci_when_match(const struct ci_when *w, const char *branch, const char *event,
		   const char *ref);

#endif
