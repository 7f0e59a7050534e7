/* Cluster state: the target (context, namespace) and the objects listed and
 * watched there — deployments, replica sets, pods, events and services — kept as small
 * structs (no JSON trees), plus how each list/watch is doing.
 *
 * Ownership: every object, and every string in it, belongs to the store once
 * an event carrying it has been applied. Objects are built by kube/objects.c
 * with the kube_*_free functions below as their only destructors. */
#ifndef SHIPDECK_STORE_KUBE_H
#define SHIPDECK_STORE_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kube_resource {
	KUBE_DEPLOYMENTS,
	KUBE_REPLICASETS,
	KUBE_PODS,
	KUBE_EVENTS,
	KUBE_SERVICES,              /* a blue/green release switches a Service's selector */
	/* served only where their CRDs are installed (kube_resource_group) */
	KUBE_ROLLOUTS,              /* Argo Rollouts (store/argo.h) */
	KUBE_ANALYSISRUNS,
	KUBE_CANARIES,              /* Flagger */
	KUBE_RESOURCE_COUNT,
};

/* What every object starts with, so the store can sort and find any kind.
 * Strings marked "shared" come from intern() (util/intern.h): set them with
 * intern(), never free() them; the _free functions below drop them. */
struct kube_meta {
	const char *namespace;      /* shared */
	char *name;
	char *uid;
	char *rv;                   /* resourceVersion */
	int64_t created;            /* creationTimestamp, seconds since the epoch */
};

struct kube_condition {
	char *type;                 /* "Progressing" */
	char *status;               /* "True" | "False" | "Unknown" */
	char *reason;
	char *message;
	int64_t last_update;        /* lastUpdateTime, else lastTransitionTime */
};

/* Facts about a pod template the pane's practice checks need, computed once
 * when the object is parsed. */
struct kube_template_facts {
	bool image_pinned;          /* every container: a tag that is not latest, or a digest */
	bool readiness_probe;       /* every container has one */
	bool pre_stop;              /* every container has a preStop hook */
	bool requests;              /* every container requests cpu or memory */
	uint16_t ncontainers;
};

struct kube_deployment {
	struct kube_meta meta;
	int64_t generation, observed_generation;
	int32_t replicas;           /* spec.replicas */
	int32_t status_replicas, updated, ready, available, unavailable;
	int32_t revision_history_limit;
	int32_t progress_deadline;
	int32_t min_ready_seconds;
	long revision;              /* deployment.kubernetes.io/revision, 0 when absent */
	bool paused;
	bool recreate;              /* strategy Recreate (else RollingUpdate) */
	bool bounds_deliberate;     /* maxSurge/maxUnavailable chosen, not the 25%/25% default */
	char *max_surge;            /* "25%" or "1"; NULL for Recreate */
	char *max_unavailable;
	char *selector;             /* spec.selector.matchLabels as "a=b,c=d" */
	char *images;               /* the template's images, ", "-joined */
	char *change_cause;         /* kubernetes.io/change-cause */
	char *template_json;        /* spec.template, compact JSON (for undo and diffs) */
	char *annotations_json;     /* metadata.annotations, compact JSON ("{}" when none) */
	struct kube_template_facts facts;
	struct kube_condition *conditions;
	size_t nconditions;
};

struct kube_replicaset {
	struct kube_meta meta;
	char *owner;                /* the controlling Deployment's name, NULL when none */
	char *owner_uid;
	char *rollout;              /* the controlling Argo Rollout's name, NULL when none */
	char *rollout_uid;
	long revision;              /* deployment.kubernetes.io/ or rollout.argoproj.io/revision */
	int64_t generation, observed_generation;
	int32_t replicas, status_replicas, ready, available;
	bool replica_failure;       /* condition ReplicaFailure True */
	char *template_hash;        /* pod-template-hash (or rollouts-pod-template-hash) label */
	char *images;
	char *change_cause;
	char *template_json;
	char *annotations_json;
};

enum kube_container_state {
	KUBE_CS_UNKNOWN,
	KUBE_CS_WAITING,
	KUBE_CS_RUNNING,
	KUBE_CS_TERMINATED,
};

struct kube_container {
	const char *name;           /* shared */
	const char *image;          /* shared */
	const char *image_id;       /* shared; status imageID: what the kubelet pulled
				     * ("repo@sha256:…") */
	const char *reason;         /* shared; waiting or terminated reason */
	char *message;
	const char *last_reason;    /* shared; lastState.terminated */
	int64_t since;              /* startedAt / finishedAt of the current state */
	int64_t last_finished;
	int32_t restarts;
	int32_t exit_code;
	int32_t last_exit_code;
	uint8_t state;              /* enum kube_container_state */
	bool ready;
	bool has_last;
};

enum {
	KUBE_POD_SCHEDULED = 1 << 0,
	KUBE_POD_INITIALIZED = 1 << 1,
	KUBE_POD_CONTAINERS_READY = 1 << 2,
	KUBE_POD_READY = 1 << 3,
};

struct kube_pod {
	struct kube_meta meta;
	const char *owner;          /* shared; the controlling ReplicaSet's name */
	const char *template_hash;  /* shared */
	const char *node;           /* shared */
	const char *phase;          /* shared */
	const char *status;         /* shared; as kubectl's STATUS column */
	char *ready_message;        /* the Ready condition's message when not ready */
	int32_t restarts;
	uint16_t ready, total;
	uint8_t conditions;         /* KUBE_POD_* */
	bool deleting;
	struct kube_container *containers;
	uint16_t ncontainers;
};

struct kube_event_obj {
	struct kube_meta meta;
	char *kind;                 /* involvedObject.kind */
	char *object;               /* involvedObject.name */
	char *type;                 /* Normal | Warning */
	char *reason;
	char *message;
	int32_t count;
	int64_t last;               /* lastTimestamp / eventTime / creation */
};

struct kube_service {
	struct kube_meta meta;
	char *selector;             /* spec.selector as "a=b,c=d" ("" when none) */
	char *annotations_json;     /* metadata.annotations, compact JSON ("{}" when none) */
};

enum kube_list_phase {
	KUBE_LIST_NONE,
	KUBE_LIST_LISTING,
	KUBE_LIST_WATCHING,         /* listed, the watch is open */
	KUBE_LIST_RECONNECTING,
	KUBE_LIST_FAILED,
};

/* One list of objects of a kind, sorted by namespace then name. */
struct kube_table {
	void **items;
	size_t n, cap;
	enum kube_list_phase phase;
	char *error;                /* why the last list or watch failed */
};

/* How many events are kept: the newest. */
enum { KUBE_EVENTS_MAX = 2000 };

struct store_kube {
	char *context;
	char *namespace;            /* "" while watching every namespace */
	struct kube_table tables[KUBE_RESOURCE_COUNT];
};

enum kube_event_type {
	KUBE_EV_TARGET,             /* context and namespace in use; forgets every object */
	KUBE_EV_SYNC,               /* a whole list: replaces every object of res */
	KUBE_EV_UPSERT,             /* one object added or changed */
	KUBE_EV_DELETE,             /* one object gone (obj holds its last state) */
	KUBE_EV_PHASE,              /* res's list/watch phase, text: the error */
};

struct kube_event {
	enum kube_event_type type;
	char *context;              /* TARGET */
	char *namespace;            /* TARGET */
	enum kube_resource res;
	void *obj;                  /* UPSERT, DELETE */
	void **objs;                /* SYNC: an array of nobjs objects (the array too) */
	size_t nobjs;
	enum kube_list_phase phase; /* PHASE */
	char *text;
};

void store_kube_init(struct store_kube *k);
void store_kube_free(struct store_kube *k);
bool store_kube_apply(struct store_kube *k, struct kube_event *ev);

/* Destructors of the objects (NULL is fine); the first two free the parts
 * every kind shares. */
void kube_meta_free(struct kube_meta *m);
void kube_conditions_free(struct kube_condition *c, size_t n);
void kube_object_free(enum kube_resource res, void *obj);
void kube_deployment_free(struct kube_deployment *d);
void kube_replicaset_free(struct kube_replicaset *rs);
void kube_pod_free(struct kube_pod *p);
void kube_event_obj_free(struct kube_event_obj *e);
void kube_service_free(struct kube_service *s);

/* Lookups; results point into the store (valid until the next apply). */
const void *store_kube_find(const struct store_kube *k, enum kube_resource res,
			    const char *ns, const char *name);
const struct kube_deployment *store_kube_deployment(const struct store_kube *k, const char *ns,
						    const char *name);
/* The replica sets a deployment controls, newest revision first. Returns
 * how many were written to out (at most max). */
size_t store_kube_replicasets_of(const struct store_kube *k, const struct kube_deployment *d,
				 const struct kube_replicaset **out, size_t max);
/* The replica set with revision rev of deployment d, or NULL. */
const struct kube_replicaset *store_kube_revision(const struct store_kube *k,
						 const struct kube_deployment *d, long rev);
/* Pods a replica set controls, by name. */
size_t store_kube_pods_of(const struct store_kube *k, const struct kube_replicaset *rs,
			  const struct kube_pod **out, size_t max);
/* Events about an object (kind "Pod", name), newest first. */
size_t store_kube_events_about(const struct store_kube *k, const char *ns, const char *kind,
			       const char *name, const struct kube_event_obj **out, size_t max);
/* A condition of d by type, or NULL. */
const struct kube_condition *kube_deployment_condition(const struct kube_deployment *d,
						       const char *type);
/* The containers of a template (template_json of a deployment or Rollout),
 * "name=image" each, for pickers and set image. Caller frees the array and
 * strings. */
char **kube_template_containers(const char *template_json, size_t *n);

#endif
