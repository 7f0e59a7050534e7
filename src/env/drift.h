/* Configuration drift: how an app's pod templates differ across its
 * environments — images, env vars and their sources (ConfigMap and Secret
 * names, ConfigMap values), command and args, resources, probes, lifecycle
 * hooks, volumes, template annotations, replicas and strategy bounds — as
 * one value per field and environment. Fields an environment declares in
 * expected_differences are left out (and counted). No I/O. */
#ifndef SHIPDECK_ENV_DRIFT_H
#define SHIPDECK_ENV_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "project/project.h"
#include "store/envs.h"

struct drift_item {
	char *field;                /* "containers.web.env.LOG_LEVEL", "replicas" */
	char **values;              /* one per compared environment; NULL: absent there */
};

struct drift {
	char *app;
	char **envs;                /* the environments compared (those that list the app) */
	size_t nenvs;
	struct drift_item *items;
	size_t n;
	size_t expected;            /* differences left out as declared */
	char **missing;             /* "prod: deploy/web not found", "stage: <read error>" */
	size_t nmissing;
};

/* Compares app across the environments that list it, from what the store
 * holds. -1 with err when no environment lists the app. */
int env_drift(const struct project *p, const struct store_envs *se, const char *app,
	      struct drift *out, struct err *err);
void drift_free(struct drift *d);

/* Whether field is covered by an expected_differences entry: the same
 * field or one under it, with or without its "containers.NAME." prefix
 * ("env.LOG_LEVEL" covers "containers.web.env.LOG_LEVEL"). */
bool drift_expected(const char *field, const char *pattern);

/* The drift of the app deployment d (of the context in use) belongs to,
 * found by its namespace and name among the environments, or NULL. */
const char *env_app_of_deployment(const struct project *p, const char *context,
				  const char *ns, const char *deploy);

#endif
