/* Chaos Toolkit experiments as their authors write them (experiment.json or
 * .yaml): the steady-state hypothesis and its probes with tolerances, the
 * method's actions, probes and pauses, the rollbacks, the configuration and
 * the secrets (whose values are never kept). Read with file:line:col for
 * every error, so a bad file is refused before anything runs.
 *
 * Ownership: chaos_experiment_load fills a caller-owned struct; free it with
 * chaos_experiment_free. */
#ifndef SHIPDECK_CHAOS_EXPERIMENT_H
#define SHIPDECK_CHAOS_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/err.h"

enum chaos_provider { CHAOS_PROVIDER_PYTHON, CHAOS_PROVIDER_PROCESS, CHAOS_PROVIDER_HTTP };

struct chaos_activity {
	bool probe;                 /* else an action */
	char *name;
	enum chaos_provider provider;
	char *module, *func;        /* python */
	char *path;                 /* process */
	char *url;                  /* http */
	cJSON *arguments;           /* an object (empty when none); process: may be a string */
	char *tolerance;            /* as JSON text, NULL when none */
	double pause_before, pause_after;   /* seconds */
	bool background;
	int line, col;
};

struct chaos_experiment {
	char *path;
	char *title;
	char *description;
	char *hypothesis;           /* the steady-state hypothesis' title */
	struct chaos_activity *probes;      /* the hypothesis' probes */
	size_t nprobes;
	struct chaos_activity *method;
	size_t nmethod;
	struct chaos_activity *rollbacks;
	size_t nrollbacks;
	char **configuration;       /* key names */
	size_t nconfiguration;
	char **secrets;             /* "scope.key", values masked */
	size_t nsecrets;
};

/* Reads and checks path. On error: -1 with "path:line:col: field: what". */
int chaos_experiment_load(struct chaos_experiment *x, const char *path, struct err *err);
int chaos_experiment_parse(struct chaos_experiment *x, const char *name, const char *data,
			   size_t len, struct err *err);
void chaos_experiment_free(struct chaos_experiment *x);

/* "python chaosk8s.pod.actions.terminate_pods", "process kubectl", "http URL". */
char *chaos_activity_describe(const struct chaos_activity *a);

/* The experiment files in dir (*.json, *.yaml, *.yml), sorted, as paths
 * dir/NAME; 0 files when dir does not exist. Caller frees each and the array. */
int chaos_experiment_list(const char *dir, char ***paths, size_t *n, struct err *err);

#endif
