/* An environment's state from what its API server answered: the lists of
 * Deployments, Pods and ConfigMaps of its namespace (JSON, untrusted) turned
 * into what each of its apps runs (store/envs.h). No I/O: unit-tested with
 * plain JSON. */
#ifndef SHIPDECK_ENV_READ_H
#define SHIPDECK_ENV_READ_H

#include <cjson/cJSON.h>

#include "project/project.h"
#include "store/envs.h"

/* repository: image.name (NULL: each Deployment's first container). Any list
 * may be NULL (not read). Returns a new state the caller owns. */
struct env_state *env_state_read(const struct env_conf *conf, const char *context,
				 const char *repository, const cJSON *deployments,
				 const cJSON *pods, const cJSON *configmaps);

/* The digest an imageID names ("docker-pullable://reg/app@sha256:…"), or
 * NULL when it names none (caller frees). */
char *env_digest_of_image_id(const char *image_id);

#endif
