/* `kubectl rollout undo`, computed: which revision, the JSON patch that
 * restores its pod template and annotations, the messages kubectl prints,
 * and — what kubectl never shows — the differences between the two pod
 * templates, for the confirm dialog. Pure functions of store objects. */
#ifndef SHIPDECK_KUBE_UNDO_H
#define SHIPDECK_KUBE_UNDO_H

#include <stdbool.h>
#include <stddef.h>

#include "store/kube.h"
#include "util/err.h"

struct kube_undo_plan {
	long from_revision, to_revision;
	char *from_images, *to_images;
	char *to_rs;                /* the replica set restored */
	char *change_cause;         /* what the patch sets, NULL when it keeps the set's */
	char *patch;                /* application/json-patch+json body */
	char **diff;                /* "- web env[LEVEL]=debug", "+ …" lines */
	size_t ndiff;
};

enum kube_undo_result {
	KUBE_UNDO_PLANNED = 0,
	KUBE_UNDO_SKIPPED = 1,      /* the template already matches: err holds kubectl's words */
	KUBE_UNDO_ERROR = -1,       /* no history, no such revision, paused: err says which */
};

/* Plans a rollback of d to to_revision (0: the previous one) from the
 * replica sets it controls (rss, any order). The patch carries d's
 * resourceVersion, so a deployment changed meanwhile is refused (409)
 * instead of overwritten. by: who rolls back; the patch then sets
 * kubernetes.io/change-cause to "shipdeck rollback web to revision 3
 * (web:1.0) by BY" (the controller copies it to the replica set it brings
 * back, so `kubectl rollout history` says what happened). NULL: the
 * restored replica set's cause, as kubectl does. */
enum kube_undo_result kube_undo_plan(const struct kube_deployment *d,
				     const struct kube_replicaset *const *rss, size_t n,
				     long to_revision, const char *by,
				     struct kube_undo_plan *out, struct err *err);
void kube_undo_plan_free(struct kube_undo_plan *p);

/* The differences between two pod templates (JSON), one "-"/"+" line per
 * changed leaf, containers and env entries named rather than numbered;
 * images and pod-template-hash left out. At most max lines (the last says
 * how many more). Caller frees each line and the array. */
char **kube_template_diff(const char *from_json, const char *to_json, size_t max, size_t *n);

/* The restored template: tmpl_json without the pod-template-hash label.
 * Caller frees. */
char *kube_template_without_hash(const char *tmpl_json);

/* The same without another label (Argo's rollouts-pod-template-hash). */
char *kube_template_without_label(const char *tmpl_json, const char *label);
/* Two pod templates equal as apimachinery compares them, hash_label aside. */
bool kube_templates_match(const char *a_json, const char *b_json, const char *hash_label);

#endif
