/* The pipeline file (`.drone.yml`, or pipeline.file in `.shipdeck.yml`): one
 * or more YAML documents of `kind: pipeline` in Drone's 1.x format (every
 * documented key, for every pipeline type; `kind: secret`, `signature` and
 * `template` documents; anchors, aliases and `<<` merge keys), or a Drone
 * 0.8 file (a top-level `pipeline:` map), converted in memory (legacy.c).
 * Parsing refuses what is outside the format — unknown keys, wrong types,
 * a depends_on naming a missing step or pipeline, a cycle — with
 * file:line:col and the key, so a typo never silently drops a step. A key
 * the local runner cannot honour is kept as a notice (drone_keys.c says
 * which and why), never dropped silently. */
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
	struct ci_cond branch, event, ref, target, cron, action;
	struct ci_cond paths;       /* changed files (include: any matches; exclude: not all) */
	struct ci_cond repo, instance;      /* read, not matched: nothing local to match */
	unsigned status;            /* CI_ON_* bits */
};

/* What a build is, for `when` and `trigger`. NULL strings are empty. */
struct ci_facts {
	const char *branch, *event, *ref, *target, *cron, *action;
	char *const *changed;       /* files the commit changes */
	size_t nchanged;
	bool changed_known;         /* false: paths conditions match */
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
	struct ci_env *settings;    /* PLUGIN_* variables (plugin_env.h) */
	size_t nsettings;
	bool detach;                /* runs in the background; the build does not wait */
	bool service;               /* from services: started before the steps, stopped after */
	int line, col;
};

/* A step without commands runs its image's entrypoint: it needs a container. */
static inline bool ci_step_needs_image(const struct ci_step_def *s)
{
	return !s->ncommands;
}

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
	struct ci_step_def *services;
	size_t nservices;
	bool legacy;                /* converted from the Drone 0.8 format */
	/* What the local runner does not honour, one line per key:
	 * "`privileged` (steps build, push): ignored by the local runner: …" */
	char **notices;
	size_t nnotices;
	int line, col;
};

struct ci_file {
	char *path;
	struct ci_pipeline_def *pipelines;
	size_t n;
	char **notices;             /* about documents that are no pipeline (templates) */
	size_t nnotices;
};

int ci_file_parse(struct ci_file *f, const char *name, const char *data, size_t len,
		  struct err *err);
void ci_file_free(struct ci_file *f);

/* Does value match the condition (fnmatch globs, like Drone)? */
bool ci_cond_match(const struct ci_cond *c, const char *value);
/* Branch, event and ref conditions of w against a build. */
bool ci_when_match(const struct ci_when *w, const char *branch, const char *event,
		   const char *ref);
/* Every condition of w but status against the build's facts. */
bool ci_when_match_facts(const struct ci_when *w, const struct ci_facts *f);

#endif
