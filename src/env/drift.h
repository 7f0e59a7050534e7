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

/* Compares app across the environments that list it, from what the store
 * holds (the env source, at the end of every pass; the result goes into the
 * store as its drifts). -1 with err when no environment lists the app. */
int env_drift(const struct project *p, const struct store_envs *se, const char *app,
	      struct drift *out, struct err *err);

/* Whether field is covered by an expected_differences entry: the same
 * field or one under it, with or without its "containers.NAME." prefix
 * ("env.LOG_LEVEL" covers "containers.web.env.LOG_LEVEL"). */
bool drift_expected(const char *field, const char *pattern);

#endif
