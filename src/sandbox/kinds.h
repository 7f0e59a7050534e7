/* The resource kinds the sandbox serves: names for paths, discovery and
 * messages. One static table; everything else looks kinds up here. */
#ifndef SHIPDECK_SANDBOX_KINDS_H
#define SHIPDECK_SANDBOX_KINDS_H

#include <stdbool.h>

enum kind_id {
	K_NAMESPACE,
	K_NODE,
	K_POD,
	K_SERVICE,
	K_EVENT,
	K_CONFIGMAP,
	K_DEPLOYMENT,
	K_REPLICASET,
	K_SERVICEACCOUNT,
	K_SECRET,
	K_STATEFULSET,
	K_DAEMONSET,
	K_CONTROLLERREVISION,
	K_JOB,
	K_CRONJOB,
	K_ROLE,
	K_ROLEBINDING,
	K_CLUSTERROLE,
	K_CLUSTERROLEBINDING,
	K_INGRESS,
	K_INGRESSCLASS,
	K_NETWORKPOLICY,
	K_PDB,
	K_HPA,
	K_SSAR,
	K_SSRR,
	KIND_COUNT
};

struct kind {
	enum kind_id id;
	const char *kind;          /* "Deployment" */
	const char *plural;        /* "deployments" */
	const char *singular;
	const char *group;         /* "" for the core group */
	const char *version;
	const char *api_version;   /* "apps/v1" */
	bool namespaced;
	bool read_only;            /* nodes: made by the sandbox, not by clients */
	bool review;               /* create-only, answered and never stored (access reviews) */
	const char *short_names[3];
	bool category_all;         /* listed by `kubectl get all` */
	bool has_status, has_scale, has_log;
	bool generation;           /* metadata.generation counts spec changes */
};

extern const struct kind kinds[KIND_COUNT];

/* By group ("" or "apps"), version and plural; NULL when not served. */
const struct kind *kind_by_plural(const char *group, const char *version, const char *plural);

/* By apiVersion ("apps/v1") and kind; NULL when not served. */
const struct kind *kind_by_kind(const char *api_version, const char *kind);

/* The served group versions, in discovery order, each once: fills up to max
 * kinds (the first kind of each group version) and returns how many. */
int kind_group_versions(const struct kind **first, int max);

/* "deployments.apps" or "pods", as Status messages name a resource. */
const char *kind_resource_name(const struct kind *k, char *buf, int size);

#endif
