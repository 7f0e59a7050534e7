/* What kube-controller-manager puts in every namespace: the "default"
 * ServiceAccount (serviceaccount controller) and the kube-root-ca.crt
 * ConfigMap with the cluster's CA (root-ca-cert-publisher); both come back
 * when deleted, as there. */
#include <stdio.h>
#include <string.h>

#include "sandbox/api.h"
#include "sandbox/controllers.h"
#include "sandbox/jsonx.h"

static cJSON *object(const struct kind *k, const char *ns, const char *name)
{
	cJSON *o = cJSON_CreateObject(), *meta = cJSON_CreateObject();

	jset_str(o, "apiVersion", k->api_version);
	jset_str(o, "kind", k->kind);
	jset_str(meta, "name", name);
	jset_str(meta, "namespace", ns);
	jset(o, "metadata", meta);
	return o;
}

void ns_sync(struct sandbox *sb)
{
	struct kstore *ks = &sb->store.k[K_NAMESPACE];
	struct err err = { 0 };

	for (size_t i = 0; i < ks->n; i++) {
		struct obj *n = ks->v[i];
		cJSON *o;

		if (n->deleting)
			continue;
		if (!objstore_get(&sb->store, &kinds[K_SERVICEACCOUNT], n->name, "default")
		    && api_create_object(sb, object(&kinds[K_SERVICEACCOUNT], n->name, "default"),
					 &err))
			fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
		if (!sb->ca_pem
		    || objstore_get(&sb->store, &kinds[K_CONFIGMAP], n->name, "kube-root-ca.crt"))
			continue;
		o = object(&kinds[K_CONFIGMAP], n->name, "kube-root-ca.crt");
		jset(o, "data", cJSON_CreateObject());
		jset_str(J(o, "data"), "ca.crt", sb->ca_pem);
		jmeta_set(o, "annotations", "kubernetes.io/description", "Contains a CA bundle "
			  "that can be used to verify the kube-apiserver when using internal "
			  "endpoints such as the internal service IP or kubernetes.default.svc. No "
			  "other usage is guaranteed across distributions of Kubernetes clusters.");
		if (api_create_object(sb, o, &err))
			fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
	}
}
