/* Kubernetes JSON → the store's small structs. Each object is read once, on
 * arrival, and only what the console shows or acts on is kept; no cJSON tree
 * outlives the call. Untrusted input: every field's type is checked. */
#ifndef SHIPDECK_KUBE_OBJECTS_H
#define SHIPDECK_KUBE_OBJECTS_H

#include <cjson/cJSON.h>

#include "store/kube.h"

/* A new object of kind res (NULL when obj is not one: no metadata.name). */
void *kube_object_parse(enum kube_resource res, const cJSON *obj);

/* Small typed readers shared by the kube module. */
const cJSON *kube_json_path(const cJSON *obj, const char *dotted);    /* "spec.template" */
const char *kube_json_str(const cJSON *obj, const char *dotted);      /* NULL unless a string */
long long kube_json_int(const cJSON *obj, const char *dotted, long long fallback);
/* An int-or-string field (maxSurge): "25%" or "1"; NULL when absent. Caller frees. */
char *kube_json_int_or_string(const cJSON *obj, const char *dotted);
/* RFC 3339 at dotted, or 0. */
int64_t kube_json_time(const cJSON *obj, const char *dotted);

/* v when it is an array (object), else NULL: for cJSON_ArrayForEach over
 * input whose type is not trusted. */
const cJSON *kube_json_array(const cJSON *v);
const cJSON *kube_json_object(const cJSON *v);

/* kubectl's STATUS column for a pod (Terminating, CrashLoopBackOff, Running…). */
char *kube_pod_status_text(const cJSON *pod);

/* The revision annotation of an object, 0 when absent or malformed. */
long kube_revision_of(const cJSON *obj);

#endif
