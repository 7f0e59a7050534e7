/* Progressive delivery controllers' objects, when their CRDs are served:
 * Argo Rollouts' Rollout and AnalysisRun (argoproj.io/v1alpha1) and
 * Flagger's Canary (flagger.app/v1beta1), kept as small structs like the
 * built-in kinds (store/kube.h), plus what the plugin and the panes derive
 * from them (phase, step, set and actual weight, which replica set is
 * stable and which canary).
 *
 * Ownership: as store/kube.h — the store owns every object once applied;
 * kube/argo_objects.c builds them, the *_free functions below destroy them. */
#ifndef SHIPDECK_STORE_ARGO_H
#define SHIPDECK_STORE_ARGO_H

#include "store/kube.h"

struct kube_rollout_step {
	char *text;                 /* "setWeight: 25", "pause", "pause: 30s", "analysis" */
	int32_t weight;             /* setWeight, or -1 */
	bool pause;
};

struct kube_rollout {
	struct kube_meta meta;
	int64_t generation;
	char *observed_generation;  /* a string in Argo's status */
	int32_t replicas;           /* spec.replicas (default 1) */
	int32_t status_replicas, updated, ready, available;
	bool blue_green;            /* strategy.blueGreen, else canary */
	bool traffic_routing;       /* canary.trafficRouting set: weights come from the router */
	struct kube_rollout_step *steps;
	size_t nsteps;
	int32_t step_index;         /* status.currentStepIndex, -1 when absent */
	int32_t router_weight;      /* status.canary.weights.canary.weight, -1 when absent */
	bool paused;                /* spec.paused */
	bool controller_pause;
	char *pause_reasons;        /* status.pauseConditions[].reason, ", "-joined; NULL: none */
	bool abort;
	/* status.canary.currentStepAnalysisRunStatus.status is Inconclusive */
	bool step_inconclusive;
	char *phase;                /* status.phase: Healthy Paused Progressing Degraded … */
	char *message;              /* status.message */
	char *stable_hash;          /* status.stableRS */
	char *current_hash;         /* status.currentPodHash */
	char *active_hash;          /* status.blueGreen.activeSelector */
	char *preview_hash;         /* status.blueGreen.previewSelector */
	char *images;               /* the template's images, ", "-joined */
	char *template_json;        /* spec.template, compact JSON (for undo) */
	char *workload_ref;         /* spec.workloadRef.name: a Deployment holds the template */
	int64_t restart_at;         /* spec.restartAt, 0 when none */
	struct kube_condition *conditions;
	size_t nconditions;
};

struct kube_analysis_metric {
	char *name;
	char *phase;                /* Successful Failed Running Error Inconclusive */
	int32_t count, successful, failed, inconclusive, errors;
	char *values;               /* the last measurements' values, oldest first, ", "-joined */
	char *message;              /* the last measurement's, or the metric's */
};

struct kube_analysisrun {
	struct kube_meta meta;
	char *owner;                /* the controlling Rollout's name, NULL when none */
	char *owner_uid;
	long revision;              /* rollout.argoproj.io/revision */
	char *phase;
	char *message;
	struct kube_analysis_metric *metrics;
	size_t nmetrics;
};

/* A Flagger Canary. */
struct kube_flagger_canary {
	struct kube_meta meta;
	char *target;               /* spec.targetRef.name */
	char *provider;             /* spec.provider */
	bool skip_analysis;         /* spec.skipAnalysis */
	bool blue_green;            /* analysis.iterations without stepWeight(s) */
	int32_t iterations, threshold, max_weight, step_weight;  /* spec.analysis, 0 when absent */
	char *phase;                /* status.phase: Initializing Initialized Progressing … */
	int32_t weight;             /* status.canaryWeight */
	int32_t failed_checks;      /* status.failedChecks */
	int32_t done_iterations;    /* status.iterations */
	int64_t last_transition;    /* status.lastTransitionTime */
	char *message;              /* the Promoted condition's message */
};

void kube_rollout_free(struct kube_rollout *r);
void kube_analysisrun_free(struct kube_analysisrun *a);
void kube_flagger_canary_free(struct kube_flagger_canary *c);

/* ---- what `kubectl argo rollouts get rollout` derives (its info package):
 * phase and message, step k of N, set weight and actual weight, and each
 * replica set's role. */

enum kube_rs_role {
	KUBE_RS_OLD,
	KUBE_RS_STABLE,
	KUBE_RS_CANARY,
	KUBE_RS_ACTIVE,             /* blue/green */
	KUBE_RS_PREVIEW,
};

struct kube_rollout_rs {
	const struct kube_replicaset *rs;
	enum kube_rs_role role;
	bool stable;                /* blue/green: also the stable one */
	const char *health;         /* Healthy Progressing ScaledDown ReplicaFailure */
};

enum { KUBE_ROLLOUT_MAX_RS = 64 };

struct kube_rollout_info {
	const char *phase;          /* "Progressing" while the spec is not observed */
	const char *message;        /* may be "" */
	bool has_step;              /* canary with steps and a step index */
	int32_t step, nsteps;
	int32_t set_weight, actual_weight;   /* canary only */
	struct kube_rollout_rs rss[KUBE_ROLLOUT_MAX_RS];   /* newest revision first */
	size_t nrs;
	const struct kube_replicaset *stable, *canary;     /* NULL when none */
};

/* Fills info from the store's replica sets (and pods are the caller's). */
void store_argo_rollout_info(const struct store_kube *k, const struct kube_rollout *ro,
			     struct kube_rollout_info *info);
const char *kube_rs_role_name(enum kube_rs_role role);   /* "stable", "canary", "" … */

/* The analysis runs a rollout controls, newest revision first (then name). */
size_t store_argo_analysisruns_of(const struct store_kube *k, const struct kube_rollout *ro,
				  const struct kube_analysisrun **out, size_t max);
/* The replica set a rollout controls with revision rev, or NULL. */
const struct kube_replicaset *store_argo_revision(const struct store_kube *k,
						 const struct kube_rollout *ro, long rev);

#endif
