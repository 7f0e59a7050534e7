/* The blast radius of an experiment before it runs: what its Kubernetes
 * actions (chaostoolkit-kubernetes' pod, deployment and node actions) would
 * hit in the cluster as the store holds it — namespace, label selector,
 * name pattern, qty / percentage / all — and whether that stays inside the
 * limits of .shipdeck.yml's chaos: section. Pure: reads the store, no I/O.
 *
 * Ownership: chaos_blast_resolve fills a caller-owned struct; free it with
 * chaos_blast_free. */
#ifndef SHIPDECK_CHAOS_BLAST_H
#define SHIPDECK_CHAOS_BLAST_H

#include <stddef.h>

#include "chaos/experiment.h"
#include "project/project.h"
#include "store/kube.h"

struct chaos_blast {
	char **lines;               /* one per method activity that changes something */
	size_t nlines;
	/* the first pod-killing line, or "changes nothing it can resolve" */
	char *summary;
	int pods;                   /* pods killed or replaced, all activities together */
	char *namespace;            /* the main target, for the rollout pane; NULL when none */
	char *deployment;
	char *refusal;              /* NULL when within the limits, else why not, with numbers */
};

/* current_ns: the namespace in use (the default allowed one when
 * chaos.namespaces is not set). -1 with err only for what cannot be
 * resolved at all (a bad label selector or name pattern). */
int chaos_blast_resolve(const struct chaos_experiment *x, const struct store_kube *k,
			const char *current_ns, const struct chaos_conf *limits,
			struct chaos_blast *out, struct err *err);
void chaos_blast_free(struct chaos_blast *b);

/* Whether labels ("a=b,c=d") satisfy selector ("a=b,c!=d,e,!f"). -1 with err
 * for a selector shipdeck cannot read (set-based "in (…)" forms). */
int chaos_selector_match(const char *selector, const char *labels, struct err *err);

#endif
