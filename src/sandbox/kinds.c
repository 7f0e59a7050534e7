#include "sandbox/kinds.h"

#include <stdio.h>
#include <string.h>

#define CORE .group = "", .version = "v1", .api_version = "v1"
#define GV(g, v) .group = g, .version = v, .api_version = g "/" v

/* Names, scopes and short names as kube-apiserver v1.32 serves them. */
const struct kind kinds[KIND_COUNT] = {
	[K_NAMESPACE] = { .id = K_NAMESPACE, .kind = "Namespace", .plural = "namespaces",
		.singular = "namespace", CORE, .short_names = { "ns" }, .has_status = true },
	[K_NODE] = { .id = K_NODE, .kind = "Node", .plural = "nodes", .singular = "node",
		CORE, .read_only = true, .short_names = { "no" }, .has_status = true },
	[K_POD] = { .id = K_POD, .kind = "Pod", .plural = "pods", .singular = "pod",
		CORE, .namespaced = true, .short_names = { "po" }, .category_all = true,
		.has_status = true, .has_log = true },
	[K_SERVICE] = { .id = K_SERVICE, .kind = "Service", .plural = "services",
		.singular = "service", CORE, .namespaced = true, .short_names = { "svc" },
		.category_all = true, .has_status = true },
	[K_EVENT] = { .id = K_EVENT, .kind = "Event", .plural = "events", .singular = "event",
		CORE, .namespaced = true, .short_names = { "ev" } },
	[K_CONFIGMAP] = { .id = K_CONFIGMAP, .kind = "ConfigMap", .plural = "configmaps",
		.singular = "configmap", CORE, .namespaced = true, .short_names = { "cm" } },
	[K_SERVICEACCOUNT] = { .id = K_SERVICEACCOUNT, .kind = "ServiceAccount",
		.plural = "serviceaccounts", .singular = "serviceaccount", CORE,
		.namespaced = true, .short_names = { "sa" } },
	[K_SECRET] = { .id = K_SECRET, .kind = "Secret", .plural = "secrets",
		.singular = "secret", CORE, .namespaced = true },
	[K_DEPLOYMENT] = { .id = K_DEPLOYMENT, .kind = "Deployment", .plural = "deployments",
		.singular = "deployment", GV("apps", "v1"), .namespaced = true,
		.short_names = { "deploy" }, .category_all = true, .has_status = true,
		.has_scale = true, .generation = true },
	[K_REPLICASET] = { .id = K_REPLICASET, .kind = "ReplicaSet", .plural = "replicasets",
		.singular = "replicaset", GV("apps", "v1"), .namespaced = true,
		.short_names = { "rs" }, .category_all = true, .has_status = true,
		.has_scale = true, .generation = true },
	[K_STATEFULSET] = { .id = K_STATEFULSET, .kind = "StatefulSet", .plural = "statefulsets",
		.singular = "statefulset", GV("apps", "v1"), .namespaced = true,
		.short_names = { "sts" }, .category_all = true, .has_status = true,
		.has_scale = true, .generation = true },
	[K_DAEMONSET] = { .id = K_DAEMONSET, .kind = "DaemonSet", .plural = "daemonsets",
		.singular = "daemonset", GV("apps", "v1"), .namespaced = true,
		.short_names = { "ds" }, .category_all = true, .has_status = true,
		.generation = true },
	[K_CONTROLLERREVISION] = { .id = K_CONTROLLERREVISION, .kind = "ControllerRevision",
		.plural = "controllerrevisions", .singular = "controllerrevision",
		GV("apps", "v1"), .namespaced = true },
	[K_JOB] = { .id = K_JOB, .kind = "Job", .plural = "jobs", .singular = "job",
		GV("batch", "v1"), .namespaced = true, .category_all = true,
		.has_status = true, .generation = true },
	[K_CRONJOB] = { .id = K_CRONJOB, .kind = "CronJob", .plural = "cronjobs",
		.singular = "cronjob", GV("batch", "v1"), .namespaced = true,
		.short_names = { "cj" }, .category_all = true, .has_status = true,
		.generation = true },
	[K_ROLE] = { .id = K_ROLE, .kind = "Role", .plural = "roles", .singular = "role",
		GV("rbac.authorization.k8s.io", "v1"), .namespaced = true },
	[K_ROLEBINDING] = { .id = K_ROLEBINDING, .kind = "RoleBinding", .plural = "rolebindings",
		.singular = "rolebinding", GV("rbac.authorization.k8s.io", "v1"),
		.namespaced = true },
	[K_CLUSTERROLE] = { .id = K_CLUSTERROLE, .kind = "ClusterRole", .plural = "clusterroles",
		.singular = "clusterrole", GV("rbac.authorization.k8s.io", "v1") },
	[K_CLUSTERROLEBINDING] = { .id = K_CLUSTERROLEBINDING, .kind = "ClusterRoleBinding",
		.plural = "clusterrolebindings", .singular = "clusterrolebinding",
		GV("rbac.authorization.k8s.io", "v1") },
	[K_INGRESS] = { .id = K_INGRESS, .kind = "Ingress", .plural = "ingresses",
		.singular = "ingress", GV("networking.k8s.io", "v1"), .namespaced = true,
		.short_names = { "ing" }, .has_status = true, .generation = true },
	[K_INGRESSCLASS] = { .id = K_INGRESSCLASS, .kind = "IngressClass",
		.plural = "ingressclasses", .singular = "ingressclass",
		GV("networking.k8s.io", "v1"), .generation = true },
	[K_NETWORKPOLICY] = { .id = K_NETWORKPOLICY, .kind = "NetworkPolicy",
		.plural = "networkpolicies", .singular = "networkpolicy",
		GV("networking.k8s.io", "v1"), .namespaced = true,
		.short_names = { "netpol" }, .generation = true },
	[K_PDB] = { .id = K_PDB, .kind = "PodDisruptionBudget", .plural = "poddisruptionbudgets",
		.singular = "poddisruptionbudget", GV("policy", "v1"), .namespaced = true,
		.short_names = { "pdb" }, .has_status = true, .generation = true },
	[K_HPA] = { .id = K_HPA, .kind = "HorizontalPodAutoscaler",
		.plural = "horizontalpodautoscalers", .singular = "horizontalpodautoscaler",
		GV("autoscaling", "v2"), .namespaced = true, .short_names = { "hpa" },
		.category_all = true, .has_status = true },
	/* `kubectl auth can-i` and k9s ask this before they list anything */
	[K_SSAR] = { .id = K_SSAR, .kind = "SelfSubjectAccessReview",
		.plural = "selfsubjectaccessreviews", .singular = "selfsubjectaccessreview",
		GV("authorization.k8s.io", "v1"), .review = true },
	/* `kubectl auth can-i --list` */
	[K_SSRR] = { .id = K_SSRR, .kind = "SelfSubjectRulesReview",
		.plural = "selfsubjectrulesreviews", .singular = "selfsubjectrulesreview",
		GV("authorization.k8s.io", "v1"), .review = true },
};

const struct kind *kind_by_plural(const char *group, const char *version, const char *plural)
{
	for (int i = 0; i < KIND_COUNT; i++)
		if (!strcmp(kinds[i].group, group) && !strcmp(kinds[i].version, version)
		    && !strcmp(kinds[i].plural, plural))
			return &kinds[i];
	return NULL;
}

const struct kind *kind_by_kind(const char *api_version, const char *kind)
{
	for (int i = 0; api_version && kind && i < KIND_COUNT; i++)
		if (!strcmp(kinds[i].kind, kind) && !strcmp(kinds[i].api_version, api_version))
			return &kinds[i];
	return NULL;
}

int kind_group_versions(const struct kind **first, int max)
{
	int n = 0;

	for (int i = 0; i < KIND_COUNT; i++) {
		int j;

		for (j = 0; j < n; j++)
			if (!strcmp(first[j]->api_version, kinds[i].api_version))
				break;
		if (j == n && n < max)
			first[n++] = &kinds[i];
	}
	return n;
}

const char *kind_resource_name(const struct kind *k, char *buf, int size)
{
	if (k->group[0])
		snprintf(buf, (size_t)size, "%s.%s", k->plural, k->group);
	else
		snprintf(buf, (size_t)size, "%s", k->plural);
	return buf;
}
