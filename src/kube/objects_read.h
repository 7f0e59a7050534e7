/* The readers kube/objects.c shares with the parsers of other kinds
 * (kube/argo_objects.c). Each copies what it returns (caller frees) and
 * checks the JSON types of untrusted input. */
#ifndef SHIPDECK_KUBE_OBJECTS_READ_H
#define SHIPDECK_KUBE_OBJECTS_READ_H

#include <cjson/cJSON.h>

#include "store/kube.h"

char *kube_dup_str(const cJSON *obj, const char *dotted);      /* NULL unless a string */
char *kube_annotation(const cJSON *obj, const char *key);
char *kube_label(const cJSON *obj, const char *path, const char *key);
/* v as compact JSON ("{}" when NULL). */
char *kube_compact(const cJSON *v);
void kube_read_meta(struct kube_meta *m, const cJSON *obj);
/* The controller of kind from metadata.ownerReferences (uid may be NULL). */
void kube_read_owner(const cJSON *obj, const char *kind, char **name, char **uid);
void kube_template_facts(const cJSON *tmpl, struct kube_template_facts *f, char **images);
void kube_read_conditions(const cJSON *obj, struct kube_condition **out, size_t *n);
/* A revision annotation (a decimal number), 0 when absent or malformed. */
long kube_revision_annotation(const cJSON *obj, const char *key);

/* The progressive delivery kinds (kube/argo_objects.c). */
void *kube_rollout_parse(const cJSON *obj);
void *kube_analysisrun_parse(const cJSON *obj);
void *kube_flagger_canary_parse(const cJSON *obj);

#endif
