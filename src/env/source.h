/* The env source: reads every environment of .shipdeck.yml from its own
 * kube context and namespace — the Deployments of its apps, their pods and
 * the ConfigMaps they name — into the store (store/envs.h), a pass every
 * few seconds in the console, one pass for headless commands. One kube
 * client per environment, so environments on several clusters work the
 * same; they are also what a promotion sends its change with. */
#ifndef SHIPDECK_ENV_SOURCE_H
#define SHIPDECK_ENV_SOURCE_H

#include <stdbool.h>

#include "runtime/rt.h"

/* How often the console reads the environments again. */
enum { ENV_REFRESH_MS = 3000 };

/* Returns 0 when started, 1 when there are no environments, -1 with err for
 * a kubeconfig (or a context an environment names) that cannot be used.
 * period_ms 0: one pass only. */
int env_source_start(struct rt *rt, int64_t period_ms, struct err *err);
void env_source_stop(struct rt *rt);
/* A pass now unless one is under way. */
void env_source_refresh(struct rt *rt);
/* True once a whole pass has ended since start (headless commands). */
bool env_source_finished(const struct rt *rt);
/* The client of environment name, or NULL. */
struct kube_client *env_source_client(struct rt *rt, const char *name);

#endif
