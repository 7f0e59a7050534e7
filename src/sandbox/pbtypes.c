/* Protobuf field tables of the kinds `kubectl create` sends, and the parts
 * of PodSpec and ObjectMeta they carry; written from the Kubernetes API
 * reference (each field's protobuf number). A field missing here is
 * refused by name when it carries a value (pbwire.c). */
#include "sandbox/pbwire.h"

#include <string.h>

#define S(n, j) { n, j, PB_STR, 0, NULL }
#define SP(n, j) { n, j, PB_STR, PB_PTR, NULL }
#define SR(n, j) { n, j, PB_STR, PB_REP, NULL }
#define I(n, j) { n, j, PB_INT, 0, NULL }
#define IP(n, j) { n, j, PB_INT, PB_PTR, NULL }
#define B(n, j) { n, j, PB_BOOL, 0, NULL }
#define BP(n, j) { n, j, PB_BOOL, PB_PTR, NULL }
#define M(n, j, m) { n, j, PB_MSG, 0, &m }
#define MR(n, j, m) { n, j, PB_MSG, PB_REP, &m }
#define IN(n, m) { n, "", PB_INLINE, 0, &m }
#define MAP(n, j) { n, j, PB_MAP_STR, 0, NULL }
#define MAPB(n, j) { n, j, PB_MAP_BYTES, 0, NULL }
#define MAPQ(n, j) { n, j, PB_MAP_QTY, 0, NULL }
#define IS(n, j) { n, j, PB_INTSTR, 0, NULL }
#define Q(n, j) { n, j, PB_QTY, 0, NULL }
#define T(n, j) { n, j, PB_TIME, 0, NULL }
#define IGN(n) { n, "", PB_IGNORE, 0, NULL }
#define MSG(var, name, ...) \
	static const struct pb_msg var = { name, (const struct pb_field[]){ __VA_ARGS__, { 0 } } }
#define DECL(var) static const struct pb_msg var

/* apimachinery meta/v1 */
DECL(owner_ref);
DECL(label_req);
MSG(object_meta, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    S(1, "name"), S(2, "generateName"), S(3, "namespace"), S(4, "selfLink"), S(5, "uid"),
    S(6, "resourceVersion"), I(7, "generation"), T(8, "creationTimestamp"),
    T(9, "deletionTimestamp"), IP(10, "deletionGracePeriodSeconds"), MAP(11, "labels"),
    MAP(12, "annotations"), MR(13, "ownerReferences", owner_ref), SR(14, "finalizers"),
    IGN(17));
MSG(owner_ref, "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
    S(1, "kind"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), BP(6, "controller"),
    BP(7, "blockOwnerDeletion"));
MSG(label_selector, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
    MAP(1, "matchLabels"), MR(2, "matchExpressions", label_req));
MSG(label_req, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
    S(1, "key"), S(2, "operator"), SR(3, "values"));

/* core/v1: references, config */
MSG(local_ref, "io.k8s.api.core.v1.LocalObjectReference", S(1, "name"));
MSG(object_ref, "io.k8s.api.core.v1.ObjectReference",
    S(1, "kind"), S(2, "namespace"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"),
    S(6, "resourceVersion"), S(7, "fieldPath"));
MSG(namespace_spec, "io.k8s.api.core.v1.NamespaceSpec", SR(1, "finalizers"));
MSG(namespace, "io.k8s.api.core.v1.Namespace",
    M(1, "metadata", object_meta), M(2, "spec", namespace_spec), IGN(3));
MSG(configmap, "io.k8s.api.core.v1.ConfigMap",
    M(1, "metadata", object_meta), MAP(2, "data"), MAPB(3, "binaryData"),
    BP(4, "immutable"));
MSG(secret, "io.k8s.api.core.v1.Secret",
    M(1, "metadata", object_meta), MAPB(2, "data"), S(3, "type"), MAP(4, "stringData"),
    BP(5, "immutable"));
MSG(service_account, "io.k8s.api.core.v1.ServiceAccount",
    M(1, "metadata", object_meta), MR(2, "secrets", object_ref),
    MR(3, "imagePullSecrets", local_ref), BP(4, "automountServiceAccountToken"));

/* core/v1: containers */
MSG(container_port, "io.k8s.api.core.v1.ContainerPort",
    S(1, "name"), I(2, "hostPort"), I(3, "containerPort"), S(4, "protocol"), S(5, "hostIP"));
MSG(field_sel, "io.k8s.api.core.v1.ObjectFieldSelector", S(1, "apiVersion"), S(2, "fieldPath"));
MSG(resource_sel, "io.k8s.api.core.v1.ResourceFieldSelector",
    S(1, "containerName"), S(2, "resource"), Q(3, "divisor"));
MSG(cm_key, "io.k8s.api.core.v1.ConfigMapKeySelector",
    IN(1, local_ref), S(2, "key"), BP(3, "optional"));
MSG(secret_key, "io.k8s.api.core.v1.SecretKeySelector",
    IN(1, local_ref), S(2, "key"), BP(3, "optional"));
MSG(env_source, "io.k8s.api.core.v1.EnvVarSource",
    M(1, "fieldRef", field_sel), M(2, "resourceFieldRef", resource_sel),
    M(3, "configMapKeyRef", cm_key), M(4, "secretKeyRef", secret_key));
MSG(env_var, "io.k8s.api.core.v1.EnvVar",
    S(1, "name"), S(2, "value"), M(3, "valueFrom", env_source));
MSG(cm_env, "io.k8s.api.core.v1.ConfigMapEnvSource", IN(1, local_ref), BP(2, "optional"));
MSG(secret_env, "io.k8s.api.core.v1.SecretEnvSource", IN(1, local_ref), BP(2, "optional"));
MSG(env_from, "io.k8s.api.core.v1.EnvFromSource",
    S(1, "prefix"), M(2, "configMapRef", cm_env), M(3, "secretRef", secret_env));
MSG(resources, "io.k8s.api.core.v1.ResourceRequirements",
    MAPQ(1, "limits"), MAPQ(2, "requests"));
MSG(volume_mount, "io.k8s.api.core.v1.VolumeMount",
    S(1, "name"), B(2, "readOnly"), S(3, "mountPath"), S(4, "subPath"),
    SP(5, "mountPropagation"), S(6, "subPathExpr"), SP(7, "recursiveReadOnly"));
MSG(exec_action, "io.k8s.api.core.v1.ExecAction", SR(1, "command"));
MSG(http_header, "io.k8s.api.core.v1.HTTPHeader", S(1, "name"), S(2, "value"));
MSG(http_get, "io.k8s.api.core.v1.HTTPGetAction",
    S(1, "path"), IS(2, "port"), S(3, "host"), S(4, "scheme"),
    MR(5, "httpHeaders", http_header));
MSG(tcp_socket, "io.k8s.api.core.v1.TCPSocketAction", IS(1, "port"), S(2, "host"));
MSG(probe_handler, "io.k8s.api.core.v1.ProbeHandler",
    M(1, "exec", exec_action), M(2, "httpGet", http_get), M(3, "tcpSocket", tcp_socket));
MSG(probe, "io.k8s.api.core.v1.Probe",
    IN(1, probe_handler), I(2, "initialDelaySeconds"), I(3, "timeoutSeconds"),
    I(4, "periodSeconds"), I(5, "successThreshold"), I(6, "failureThreshold"),
    IP(7, "terminationGracePeriodSeconds"));
MSG(container, "io.k8s.api.core.v1.Container",
    S(1, "name"), S(2, "image"), SR(3, "command"), SR(4, "args"), S(5, "workingDir"),
    MR(6, "ports", container_port), MR(7, "env", env_var), M(8, "resources", resources),
    MR(9, "volumeMounts", volume_mount), M(10, "livenessProbe", probe),
    M(11, "readinessProbe", probe), S(13, "terminationMessagePath"),
    S(14, "imagePullPolicy"), B(16, "stdin"), B(17, "stdinOnce"), B(18, "tty"),
    MR(19, "envFrom", env_from), S(20, "terminationMessagePolicy"),
    M(22, "startupProbe", probe), SP(24, "restartPolicy"));

/* core/v1: volumes and the pod */
MSG(key_to_path, "io.k8s.api.core.v1.KeyToPath", S(1, "key"), S(2, "path"), IP(3, "mode"));
MSG(host_path, "io.k8s.api.core.v1.HostPathVolumeSource", S(1, "path"), SP(2, "type"));
MSG(empty_dir, "io.k8s.api.core.v1.EmptyDirVolumeSource", S(1, "medium"), Q(2, "sizeLimit"));
MSG(secret_vol, "io.k8s.api.core.v1.SecretVolumeSource",
    S(1, "secretName"), MR(2, "items", key_to_path), IP(3, "defaultMode"), BP(4, "optional"));
MSG(pvc_vol, "io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource",
    S(1, "claimName"), B(2, "readOnly"));
MSG(cm_vol, "io.k8s.api.core.v1.ConfigMapVolumeSource",
    IN(1, local_ref), MR(2, "items", key_to_path), IP(3, "defaultMode"), BP(4, "optional"));
MSG(volume_source, "io.k8s.api.core.v1.VolumeSource",
    M(1, "hostPath", host_path), M(2, "emptyDir", empty_dir), M(6, "secret", secret_vol),
    M(10, "persistentVolumeClaim", pvc_vol), M(19, "configMap", cm_vol));
MSG(volume, "io.k8s.api.core.v1.Volume", S(1, "name"), IN(2, volume_source));
MSG(toleration, "io.k8s.api.core.v1.Toleration",
    S(1, "key"), S(2, "operator"), S(3, "value"), S(4, "effect"), IP(5, "tolerationSeconds"));
MSG(pod_spec, "io.k8s.api.core.v1.PodSpec",
    MR(1, "volumes", volume), MR(2, "containers", container), S(3, "restartPolicy"),
    IP(4, "terminationGracePeriodSeconds"), IP(5, "activeDeadlineSeconds"),
    S(6, "dnsPolicy"), MAP(7, "nodeSelector"), S(8, "serviceAccountName"),
    S(9, "serviceAccount"), S(10, "nodeName"), B(11, "hostNetwork"), B(12, "hostPID"),
    B(13, "hostIPC"), MR(15, "imagePullSecrets", local_ref), S(16, "hostname"),
    S(17, "subdomain"), S(19, "schedulerName"), MR(20, "initContainers", container),
    BP(21, "automountServiceAccountToken"), MR(22, "tolerations", toleration),
    S(24, "priorityClassName"), IP(25, "priority"), BP(27, "shareProcessNamespace"),
    SP(29, "runtimeClassName"), BP(30, "enableServiceLinks"));
MSG(pod_template, "io.k8s.api.core.v1.PodTemplateSpec",
    M(1, "metadata", object_meta), M(2, "spec", pod_spec));

/* core/v1: services */
MSG(service_port, "io.k8s.api.core.v1.ServicePort",
    S(1, "name"), S(2, "protocol"), I(3, "port"), IS(4, "targetPort"), I(5, "nodePort"),
    SP(6, "appProtocol"));
MSG(service_spec, "io.k8s.api.core.v1.ServiceSpec",
    MR(1, "ports", service_port), MAP(2, "selector"), S(3, "clusterIP"), S(4, "type"),
    SR(5, "externalIPs"), S(7, "sessionAffinity"), S(8, "loadBalancerIP"),
    SR(9, "loadBalancerSourceRanges"), S(10, "externalName"),
    S(11, "externalTrafficPolicy"), I(12, "healthCheckNodePort"),
    B(13, "publishNotReadyAddresses"), SP(17, "ipFamilyPolicy"), SR(18, "clusterIPs"),
    SR(19, "ipFamilies"), BP(20, "allocateLoadBalancerNodePorts"),
    SP(21, "loadBalancerClass"), SP(22, "internalTrafficPolicy"));
MSG(service, "io.k8s.api.core.v1.Service",
    M(1, "metadata", object_meta), M(2, "spec", service_spec), IGN(3));

/* apps/v1 */
MSG(rolling_update, "io.k8s.api.apps.v1.RollingUpdateDeployment",
    IS(1, "maxUnavailable"), IS(2, "maxSurge"));
MSG(deploy_strategy, "io.k8s.api.apps.v1.DeploymentStrategy",
    S(1, "type"), M(2, "rollingUpdate", rolling_update));
MSG(deploy_spec, "io.k8s.api.apps.v1.DeploymentSpec",
    IP(1, "replicas"), M(2, "selector", label_selector), M(3, "template", pod_template),
    M(4, "strategy", deploy_strategy), I(5, "minReadySeconds"),
    IP(6, "revisionHistoryLimit"), B(7, "paused"), IP(9, "progressDeadlineSeconds"));
MSG(deployment, "io.k8s.api.apps.v1.Deployment",
    M(1, "metadata", object_meta), M(2, "spec", deploy_spec), IGN(3));

/* batch/v1 */
MSG(job_spec, "io.k8s.api.batch.v1.JobSpec",
    IP(1, "parallelism"), IP(2, "completions"), IP(3, "activeDeadlineSeconds"),
    M(4, "selector", label_selector), BP(5, "manualSelector"), M(6, "template", pod_template),
    IP(7, "backoffLimit"), IP(8, "ttlSecondsAfterFinished"), SP(9, "completionMode"),
    BP(10, "suspend"), IP(12, "backoffLimitPerIndex"), IP(13, "maxFailedIndexes"),
    SP(14, "podReplacementPolicy"), SP(15, "managedBy"));
MSG(job, "io.k8s.api.batch.v1.Job",
    M(1, "metadata", object_meta), M(2, "spec", job_spec), IGN(3));
MSG(job_template, "io.k8s.api.batch.v1.JobTemplateSpec",
    M(1, "metadata", object_meta), M(2, "spec", job_spec));
MSG(cronjob_spec, "io.k8s.api.batch.v1.CronJobSpec",
    S(1, "schedule"), IP(2, "startingDeadlineSeconds"), S(3, "concurrencyPolicy"),
    BP(4, "suspend"), M(5, "jobTemplate", job_template),
    IP(6, "successfulJobsHistoryLimit"), IP(7, "failedJobsHistoryLimit"), SP(8, "timeZone"));
MSG(cronjob, "io.k8s.api.batch.v1.CronJob",
    M(1, "metadata", object_meta), M(2, "spec", cronjob_spec), IGN(3));

/* rbac.authorization.k8s.io/v1 */
MSG(policy_rule, "io.k8s.api.rbac.v1.PolicyRule",
    SR(1, "verbs"), SR(2, "apiGroups"), SR(3, "resources"), SR(4, "resourceNames"),
    SR(5, "nonResourceURLs"));
MSG(aggregation_rule, "io.k8s.api.rbac.v1.AggregationRule",
    MR(1, "clusterRoleSelectors", label_selector));
MSG(role, "io.k8s.api.rbac.v1.Role", M(1, "metadata", object_meta), MR(2, "rules", policy_rule));
MSG(cluster_role, "io.k8s.api.rbac.v1.ClusterRole",
    M(1, "metadata", object_meta), MR(2, "rules", policy_rule),
    M(3, "aggregationRule", aggregation_rule));
MSG(subject, "io.k8s.api.rbac.v1.Subject",
    S(1, "kind"), S(2, "apiGroup"), S(3, "name"), S(4, "namespace"));
MSG(role_ref, "io.k8s.api.rbac.v1.RoleRef", S(1, "apiGroup"), S(2, "kind"), S(3, "name"));
MSG(role_binding, "io.k8s.api.rbac.v1.RoleBinding",
    M(1, "metadata", object_meta), MR(2, "subjects", subject), M(3, "roleRef", role_ref));

/* networking.k8s.io/v1 */
MSG(backend_port, "io.k8s.api.networking.v1.ServiceBackendPort", S(1, "name"), I(2, "number"));
MSG(service_backend, "io.k8s.api.networking.v1.IngressServiceBackend",
    S(1, "name"), M(2, "port", backend_port));
MSG(typed_ref, "io.k8s.api.core.v1.TypedLocalObjectReference",
    SP(1, "apiGroup"), S(2, "kind"), S(3, "name"));
MSG(ingress_backend, "io.k8s.api.networking.v1.IngressBackend",
    M(3, "resource", typed_ref), M(4, "service", service_backend));
MSG(http_path, "io.k8s.api.networking.v1.HTTPIngressPath",
    S(1, "path"), M(2, "backend", ingress_backend), SP(3, "pathType"));
MSG(http_rule, "io.k8s.api.networking.v1.HTTPIngressRuleValue", MR(1, "paths", http_path));
MSG(rule_value, "io.k8s.api.networking.v1.IngressRuleValue", M(1, "http", http_rule));
MSG(ingress_rule, "io.k8s.api.networking.v1.IngressRule", S(1, "host"), IN(2, rule_value));
MSG(ingress_tls, "io.k8s.api.networking.v1.IngressTLS", SR(1, "hosts"), S(2, "secretName"));
MSG(ingress_spec, "io.k8s.api.networking.v1.IngressSpec",
    M(1, "defaultBackend", ingress_backend), MR(2, "tls", ingress_tls),
    MR(3, "rules", ingress_rule), SP(4, "ingressClassName"));
MSG(ingress, "io.k8s.api.networking.v1.Ingress",
    M(1, "metadata", object_meta), M(2, "spec", ingress_spec), IGN(3));

/* policy/v1 */
MSG(pdb_spec, "io.k8s.api.policy.v1.PodDisruptionBudgetSpec",
    IS(1, "minAvailable"), M(2, "selector", label_selector), IS(3, "maxUnavailable"),
    SP(4, "unhealthyPodEvictionPolicy"));
MSG(pdb, "io.k8s.api.policy.v1.PodDisruptionBudget",
    M(1, "metadata", object_meta), M(2, "spec", pdb_spec), IGN(3));

/* authorization.k8s.io/v1 (the selectors of 1.31 are not read: ignored) */
MSG(resource_attrs, "io.k8s.api.authorization.v1.ResourceAttributes",
    S(1, "namespace"), S(2, "verb"), S(3, "group"), S(4, "version"), S(5, "resource"),
    S(6, "subresource"), S(7, "name"), IGN(8), IGN(9));
MSG(nonresource_attrs, "io.k8s.api.authorization.v1.NonResourceAttributes",
    S(1, "path"), S(2, "verb"));
MSG(ssar_spec, "io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec",
    M(1, "resourceAttributes", resource_attrs), M(2, "nonResourceAttributes", nonresource_attrs));
MSG(ssar, "io.k8s.api.authorization.v1.SelfSubjectAccessReview",
    M(1, "metadata", object_meta), M(2, "spec", ssar_spec), IGN(3));
MSG(ssrr_spec, "io.k8s.api.authorization.v1.SelfSubjectRulesReviewSpec", S(1, "namespace"));
MSG(ssrr, "io.k8s.api.authorization.v1.SelfSubjectRulesReview",
    M(1, "metadata", object_meta), M(2, "spec", ssrr_spec), IGN(3));

static const struct {
	const char *api_version, *kind;
	const struct pb_msg *msg;
} top[] = {
	{ "v1", "Namespace", &namespace },
	{ "v1", "ConfigMap", &configmap },
	{ "v1", "Secret", &secret },
	{ "v1", "ServiceAccount", &service_account },
	{ "v1", "Service", &service },
	{ "apps/v1", "Deployment", &deployment },
	{ "batch/v1", "Job", &job },
	{ "batch/v1", "CronJob", &cronjob },
	{ "rbac.authorization.k8s.io/v1", "Role", &role },
	{ "rbac.authorization.k8s.io/v1", "ClusterRole", &cluster_role },
	{ "rbac.authorization.k8s.io/v1", "RoleBinding", &role_binding },
	{ "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &role_binding },
	{ "networking.k8s.io/v1", "Ingress", &ingress },
	{ "policy/v1", "PodDisruptionBudget", &pdb },
	{ "authorization.k8s.io/v1", "SelfSubjectAccessReview", &ssar },
	{ "authorization.k8s.io/v1", "SelfSubjectRulesReview", &ssrr },
};

const struct pb_msg *pb_kind_msg(const char *api_version, const char *kind)
{
	for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
		if (!strcmp(top[i].api_version, api_version) && !strcmp(top[i].kind, kind))
			return top[i].msg;
	return NULL;
}
