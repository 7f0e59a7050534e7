/* kwok's stages for the upstream cluster: how its fake nodes become Ready and
 * how pods move Pending → Running → Ready and away, as the sandbox's
 * simulated kubelet does — including the sandbox's faults by image
 * (never-ready, crash-loop, start-ms), which become stages selected by a
 * jq test on the pod's images. */
#ifndef SHIPDECK_UPSTREAM_STAGES_H
#define SHIPDECK_UPSTREAM_STAGES_H

#include "sandbox/faults.h"

/* The kwok configuration (a YAML stream of kwok.x-k8s.io/v1alpha1 Stage
 * documents) for faults (may be NULL) with every delay divided by
 * time_scale. Caller frees. */
char *upstream_stages_yaml(const struct faults *faults, double time_scale);

/* The glob of a faults rule (fnmatch: * ? [..]) as an anchored regular
 * expression for jq's test(). Caller frees. */
char *upstream_glob_regex(const char *glob);

#endif
