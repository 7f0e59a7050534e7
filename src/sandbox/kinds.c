#include "sandbox/kinds.h"

#include <stdio.h>
#include <string.h>

const struct kind kinds[KIND_COUNT] = {
	[K_NAMESPACE] = { .id = K_NAMESPACE, .kind = "Namespace", .plural = "namespaces",
		.singular = "namespace", .group = "", .version = "v1", .api_version = "v1",
		.short_names = { "ns" }, .has_status = true },
	[K_NODE] = { .id = K_NODE, .kind = "Node", .plural = "nodes", .singular = "node",
		.group = "", .version = "v1", .api_version = "v1", .read_only = true,
		.short_names = { "no" }, .has_status = true },
	[K_POD] = { .id = K_POD, .kind = "Pod", .plural = "pods", .singular = "pod",
		.group = "", .version = "v1", .api_version = "v1", .namespaced = true,
		.short_names = { "po" }, .category_all = true, .has_status = true,
		.has_log = true },
	[K_SERVICE] = { .id = K_SERVICE, .kind = "Service", .plural = "services",
		.singular = "service", .group = "", .version = "v1", .api_version = "v1",
		.namespaced = true, .short_names = { "svc" }, .category_all = true,
		.has_status = true },
	[K_EVENT] = { .id = K_EVENT, .kind = "Event", .plural = "events", .singular = "event",
		.group = "", .version = "v1", .api_version = "v1", .namespaced = true,
		.short_names = { "ev" } },
	[K_CONFIGMAP] = { .id = K_CONFIGMAP, .kind = "ConfigMap", .plural = "configmaps",
		.singular = "configmap", .group = "", .version = "v1", .api_version = "v1",
		.namespaced = true, .short_names = { "cm" } },
	[K_DEPLOYMENT] = { .id = K_DEPLOYMENT, .kind = "Deployment", .plural = "deployments",
		.singular = "deployment", .group = "apps", .version = "v1",
		.api_version = "apps/v1", .namespaced = true, .short_names = { "deploy" },
		.category_all = true, .has_status = true, .has_scale = true },
	[K_REPLICASET] = { .id = K_REPLICASET, .kind = "ReplicaSet", .plural = "replicasets",
		.singular = "replicaset", .group = "apps", .version = "v1",
		.api_version = "apps/v1", .namespaced = true, .short_names = { "rs" },
		.category_all = true, .has_status = true, .has_scale = true },
};

const struct kind *kind_by_plural(const char *group, const char *plural)
{
	for (int i = 0; i < KIND_COUNT; i++)
		if (!strcmp(kinds[i].group, group) && !strcmp(kinds[i].plural, plural))
			return &kinds[i];
	return NULL;
}

const char *kind_resource_name(const struct kind *k, char *buf, int size)
{
	if (k->group[0])
		snprintf(buf, (size_t)size, "%s.%s", k->plural, k->group);
	else
		snprintf(buf, (size_t)size, "%s", k->plural);
	return buf;
}
