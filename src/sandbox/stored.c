#include "sandbox/stored.h"

#include <string.h>

#include "sandbox/defaults.h"
#include "sandbox/jsonx.h"

static void def(cJSON *o, const char *key, cJSON *v)
{
	cJSON *cur = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsObject(o) || (cur && !cJSON_IsNull(cur))) {
		cJSON_Delete(v);
		return;
	}
	jset(o, key, v);
}

static bool is(const cJSON *v, const char *s)
{
	return jstr(v) && !strcmp(jstr(v), s);
}

static void rolling(cJSON *spec, const char *key, bool daemonset)
{
	cJSON *st = jchild(spec, key), *ru;

	def(st, "type", cJSON_CreateString("RollingUpdate"));
	if (!is(J(st, "type"), "RollingUpdate"))
		return;
	ru = jchild(st, "rollingUpdate");
	if (daemonset) {
		def(ru, "maxUnavailable", cJSON_CreateNumber(1));
		def(ru, "maxSurge", cJSON_CreateNumber(0));
	} else {
		def(ru, "partition", cJSON_CreateNumber(0));
	}
}

static void statefulset(cJSON *spec)
{
	cJSON *pvc, *ret;

	def(spec, "replicas", cJSON_CreateNumber(1));
	def(spec, "podManagementPolicy", cJSON_CreateString("OrderedReady"));
	rolling(spec, "updateStrategy", false);
	def(spec, "revisionHistoryLimit", cJSON_CreateNumber(10));
	ret = jchild(spec, "persistentVolumeClaimRetentionPolicy");
	def(ret, "whenDeleted", cJSON_CreateString("Retain"));
	def(ret, "whenScaled", cJSON_CreateString("Retain"));
	cJSON_ArrayForEach(pvc, J(spec, "volumeClaimTemplates")) {
		if (!cJSON_IsObject(pvc))
			continue;
		def(pvc, "apiVersion", cJSON_CreateString("v1"));
		def(pvc, "kind", cJSON_CreateString("PersistentVolumeClaim"));
		def(jchild(pvc, "spec"), "volumeMode", cJSON_CreateString("Filesystem"));
		def(jchild(pvc, "status"), "phase", cJSON_CreateString("Pending"));
	}
}

static void job(cJSON *spec)
{
	if (!J(spec, "completions") && !J(spec, "parallelism")) {
		jset_int(spec, "completions", 1);
		jset_int(spec, "parallelism", 1);
	}
	def(spec, "parallelism", cJSON_CreateNumber(1));
	def(spec, "backoffLimit", cJSON_CreateNumber(6));
	def(spec, "completionMode", cJSON_CreateString("NonIndexed"));
	def(spec, "suspend", cJSON_CreateFalse());
	def(spec, "podReplacementPolicy", cJSON_CreateString("TerminatingOrFailed"));
}

static void hpa(cJSON *spec)
{
	def(spec, "minReplicas", cJSON_CreateNumber(1));
	if (!cJSON_GetArraySize(J(spec, "metrics"))) {
		cJSON *m = cJSON_CreateArray(), *one = cJSON_CreateObject(), *res, *target;

		jset_str(one, "type", "Resource");
		res = jchild(one, "resource");
		jset_str(res, "name", "cpu");
		target = jchild(res, "target");
		jset_str(target, "type", "Utilization");
		jset_int(target, "averageUtilization", 80);
		cJSON_AddItemToArray(m, one);
		jset(spec, "metrics", m);
	}
}

static void subjects(cJSON *obj)
{
	cJSON *s;

	cJSON_ArrayForEach(s, J(obj, "subjects"))
		if (cJSON_IsObject(s) && (is(J(s, "kind"), "User") || is(J(s, "kind"), "Group")))
			def(s, "apiGroup", cJSON_CreateString("rbac.authorization.k8s.io"));
}

void stored_defaults(const struct kind *k, cJSON *obj)
{
	cJSON *spec = cJSON_IsObject(J(obj, "spec")) ? J(obj, "spec") : NULL;

	switch (k->id) {
	case K_SECRET:
		def(obj, "type", cJSON_CreateString("Opaque"));
		return;
	case K_ROLEBINDING:
	case K_CLUSTERROLEBINDING:
		subjects(obj);
		return;
	case K_STATEFULSET:
		spec = jchild(obj, "spec");
		statefulset(spec);
		break;
	case K_DAEMONSET:
		spec = jchild(obj, "spec");
		rolling(spec, "updateStrategy", true);
		def(spec, "revisionHistoryLimit", cJSON_CreateNumber(10));
		break;
	case K_JOB:
		spec = jchild(obj, "spec");
		job(spec);
		break;
	case K_CRONJOB:
		spec = jchild(obj, "spec");
		def(spec, "concurrencyPolicy", cJSON_CreateString("Allow"));
		def(spec, "suspend", cJSON_CreateFalse());
		def(spec, "successfulJobsHistoryLimit", cJSON_CreateNumber(3));
		def(spec, "failedJobsHistoryLimit", cJSON_CreateNumber(1));
		defaults_pod_template(J(spec, "jobTemplate", "spec", "template"));
		return;
	case K_HPA:
		if (spec)
			hpa(spec);
		return;
	case K_NETWORKPOLICY:
		if (spec && !J(spec, "policyTypes")) {
			cJSON *t = cJSON_CreateArray();

			cJSON_AddItemToArray(t, cJSON_CreateString("Ingress"));
			if (J(spec, "egress"))
				cJSON_AddItemToArray(t, cJSON_CreateString("Egress"));
			jset(spec, "policyTypes", t);
		}
		return;
	default:
		return;
	}
	defaults_pod_template(J(spec, "template"));
}

cJSON *stored_initial_status(const struct kind *k)
{
	cJSON *st = cJSON_CreateObject();

	switch (k->id) {
	case K_STATEFULSET:
		jset_int(st, "replicas", 0);
		jset_int(st, "availableReplicas", 0);
		break;
	case K_DAEMONSET:
		jset_int(st, "currentNumberScheduled", 0);
		jset_int(st, "numberMisscheduled", 0);
		jset_int(st, "desiredNumberScheduled", 0);
		jset_int(st, "numberReady", 0);
		break;
	case K_PDB:
		jset_int(st, "disruptionsAllowed", 0);
		jset_int(st, "currentHealthy", 0);
		jset_int(st, "desiredHealthy", 0);
		jset_int(st, "expectedPods", 0);
		break;
	case K_HPA:
		jset_int(st, "desiredReplicas", 0);
		break;
	case K_INGRESS:
		jset(st, "loadBalancer", cJSON_CreateObject());
		break;
	default:
		break;
	}
	return st;
}

void stored_on_create(const struct kind *k, cJSON *obj, const char *uid)
{
	cJSON *spec = J(obj, "spec"), *sel, *ml;
	const char *name = jstr(J(obj, "metadata", "name"));
	cJSON *tmpl;

	if (k->id != K_JOB || !cJSON_IsObject(spec) || jtrue(J(spec, "manualSelector")))
		return;
	tmpl = jchild(spec, "template");
	jmeta_set(tmpl, "labels", "batch.kubernetes.io/controller-uid", uid);
	jmeta_set(tmpl, "labels", "batch.kubernetes.io/job-name", name);
	jmeta_set(tmpl, "labels", "controller-uid", uid);
	jmeta_set(tmpl, "labels", "job-name", name);
	/* A Job without labels takes its template's, selector labels included. */
	if (!cJSON_GetArraySize(J(obj, "metadata", "labels")) && J(tmpl, "metadata", "labels"))
		jset(jchild(obj, "metadata"), "labels",
		     cJSON_Duplicate(J(tmpl, "metadata", "labels"), 1));
	if (J(spec, "selector"))
		return;
	jset_bool(spec, "manualSelector", false);
	sel = jchild(spec, "selector");
	ml = jchild(sel, "matchLabels");
	jset_str(ml, "batch.kubernetes.io/controller-uid", uid);
}

static int invalid(struct response *r, const struct kind *k, const cJSON *obj,
		   const char *field, const char *msg)
{
	resp_invalid(r, k, jstr(J(obj, "metadata", "name")), field, msg);
	return -1;
}

int stored_validate(const struct kind *k, const cJSON *obj, struct response *r)
{
	const cJSON *rule, *path;

	switch (k->id) {
	case K_STATEFULSET:
	case K_DAEMONSET:
	case K_JOB:
		if (!cJSON_GetArraySize(J(obj, "spec", "template", "spec", "containers")))
			return invalid(r, k, obj, "spec.template.spec.containers",
				       "Required value");
		if (k->id == K_JOB && !is(J(obj, "spec", "template", "spec", "restartPolicy"),
					  "Never")
		    && !is(J(obj, "spec", "template", "spec", "restartPolicy"), "OnFailure"))
			return invalid(r, k, obj, "spec.template.spec.restartPolicy",
				       "Required value: valid values: \"OnFailure\", \"Never\"");
		if (k->id != K_JOB && !J(obj, "spec", "selector"))
			return invalid(r, k, obj, "spec.selector", "Required value");
		return 0;
	case K_ROLEBINDING:
	case K_CLUSTERROLEBINDING:
		if (!jstr(J(obj, "roleRef", "name")) || !*jstr(J(obj, "roleRef", "name")))
			return invalid(r, k, obj, "roleRef.name", "Required value");
		return 0;
	case K_INGRESS:
		cJSON_ArrayForEach(rule, J(obj, "spec", "rules"))
			cJSON_ArrayForEach(path, J(rule, "http", "paths"))
				if (!jstr(J(path, "pathType")))
					return invalid(r, k, obj,
						       "spec.rules[0].http.paths[0].pathType",
						       "Required value: pathType must be "
						       "specified");
		return 0;
	case K_CRONJOB:
		if (!jstr(J(obj, "spec", "schedule")) || !*jstr(J(obj, "spec", "schedule")))
			return invalid(r, k, obj, "spec.schedule", "Required value");
		return 0;
	default:
		return 0;
	}
}
