#include "sandbox/table.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "sandbox/select.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

#define COL(n, t) { n, t, "", 0 }
#define WIDE(n, t) { n, t, "", 1 }
#define NAMECOL { "Name", "string", "name", 0 }
#define add_str(...) table_cell_str(__VA_ARGS__)
#define add_int(...) table_cell_int(__VA_ARGS__)
#define age(...) table_age(__VA_ARGS__)

static const struct table_column deploy_cols[] = {
	NAMECOL, COL("Ready", "string"), COL("Up-to-date", "integer"),
	COL("Available", "integer"), COL("Age", "string"), WIDE("Containers", "string"),
	WIDE("Images", "string"), WIDE("Selector", "string"), { 0 } };
static const struct table_column rs_cols[] = {
	NAMECOL, COL("Desired", "integer"), COL("Current", "integer"), COL("Ready", "integer"),
	COL("Age", "string"), WIDE("Containers", "string"), WIDE("Images", "string"),
	WIDE("Selector", "string"), { 0 } };
static const struct table_column pod_cols[] = {
	NAMECOL, COL("Ready", "string"), COL("Status", "string"), COL("Restarts", "string"),
	COL("Age", "string"), WIDE("IP", "string"), WIDE("Node", "string"),
	WIDE("Nominated Node", "string"), WIDE("Readiness Gates", "string"), { 0 } };
static const struct table_column svc_cols[] = {
	NAMECOL, COL("Type", "string"), COL("Cluster-IP", "string"),
	COL("External-IP", "string"), COL("Port(s)", "string"), COL("Age", "string"),
	WIDE("Selector", "string"), { 0 } };
static const struct table_column event_cols[] = {
	COL("Last Seen", "string"), COL("Type", "string"), COL("Reason", "string"),
	COL("Object", "string"), WIDE("Subobject", "string"), WIDE("Source", "string"),
	COL("Message", "string"), WIDE("First Seen", "string"), WIDE("Count", "string"),
	{ "Name", "string", "name", 1 }, { 0 } };
static const struct table_column ns_cols[] = {
	NAMECOL, COL("Status", "string"), COL("Age", "string"), { 0 } };
static const struct table_column node_cols[] = {
	NAMECOL, COL("Status", "string"), COL("Roles", "string"), COL("Age", "string"),
	COL("Version", "string"), WIDE("Internal-IP", "string"), WIDE("External-IP", "string"),
	WIDE("OS-Image", "string"), WIDE("Kernel-Version", "string"),
	WIDE("Container-Runtime", "string"), { 0 } };
static const struct table_column cm_cols[] = {
	NAMECOL, COL("Data", "integer"), COL("Age", "string"), { 0 } };

static const struct table_column *columns(const struct kind *k)
{
	switch (k->id) {
	case K_DEPLOYMENT: return deploy_cols;
	case K_REPLICASET: return rs_cols;
	case K_POD: return pod_cols;
	case K_SERVICE: return svc_cols;
	case K_EVENT: return event_cols;
	case K_NAMESPACE: return ns_cols;
	case K_NODE: return node_cols;
	case K_CONFIGMAP: return cm_cols;
	default: break;
	}
	return table_stored_columns(k) ? table_stored_columns(k) : ns_cols;
}

enum table_object table_object_mode(const char *v)
{
	if (v && !strcmp(v, "Object"))
		return TABLE_OBJ_FULL;
	if (v && !strcmp(v, "None"))
		return TABLE_OBJ_NONE;
	return TABLE_OBJ_METADATA;
}

cJSON *table_new(const struct kind *k, bool headers)
{
	cJSON *t = cJSON_CreateObject(), *defs = cJSON_CreateArray();

	jset_str(t, "kind", "Table");
	jset_str(t, "apiVersion", "meta.k8s.io/v1");
	jset(t, "metadata", cJSON_CreateObject());
	for (const struct table_column *c = columns(k); headers && c->name; c++) {
		cJSON *d = cJSON_CreateObject();

		jset_str(d, "name", c->name);
		jset_str(d, "type", c->type);
		jset_str(d, "format", c->format);
		jset_str(d, "description", "");
		jset_int(d, "priority", c->priority);
		cJSON_AddItemToArray(defs, d);
	}
	jset(t, "columnDefinitions", defs);
	jset(t, "rows", cJSON_CreateArray());
	return t;
}

void table_age(const char *ts, char *buf, size_t size)
{
	time_t t;

	if (!ts || time_parse_rfc3339(ts, &t)) {
		snprintf(buf, size, "<unknown>");
		return;
	}
	time_human_duration((int64_t)(time(NULL) - t), buf, size);
}

void table_cell_str(cJSON *cells, const char *s)
{
	cJSON_AddItemToArray(cells, cJSON_CreateString(s && *s ? s : "<none>"));
}

void table_cell_int(cJSON *cells, long long v)
{
	cJSON_AddItemToArray(cells, cJSON_CreateNumber((double)v));
}

static void containers_images(const cJSON *podspec, struct strbuf *names, struct strbuf *images)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, J(podspec, "containers")) {
		sb_printf(names, "%s%s", names->len ? "," : "",
			  jstr(J(c, "name")) ? jstr(J(c, "name")) : "");
		sb_printf(images, "%s%s", images->len ? "," : "",
			  jstr(J(c, "image")) ? jstr(J(c, "image")) : "");
	}
}

void table_workload_wide(cJSON *cells, const cJSON *obj, bool with_selector)
{
	struct strbuf names = { 0 }, images = { 0 }, sel = { 0 };

	containers_images(J(obj, "spec", "template", "spec"), &names, &images);
	sel_label_selector_string(J(obj, "spec", "selector"), &sel);
	add_str(cells, sb_str(&names));
	add_str(cells, sb_str(&images));
	if (with_selector)
		add_str(cells, sb_str(&sel));
	sb_free(&names);
	sb_free(&images);
	sb_free(&sel);
}

static void pod_cells(cJSON *cells, const cJSON *obj)
{
	const cJSON *st = J(obj, "status"), *cond;
	const char *reason = jstr(J(st, "phase"));
	int total = cJSON_GetArraySize(J(obj, "spec", "containers")), ready = 0;
	long long restarts = 0;
	time_t last_restart = 0;
	bool running = false;
	char buf[64], ago[32];

	if (jstr(J(st, "reason")))
		reason = jstr(J(st, "reason"));
	for (int i = cJSON_GetArraySize(J(st, "containerStatuses")) - 1; i >= 0; i--) {
		const cJSON *cs = cJSON_GetArrayItem(J(st, "containerStatuses"), i);
		time_t t;

		restarts += jint(J(cs, "restartCount"), 0);
		if (jstr(J(cs, "lastState", "terminated", "finishedAt"))
		    && !time_parse_rfc3339(jstr(J(cs, "lastState", "terminated", "finishedAt")), &t)
		    && t > last_restart)
			last_restart = t;
		if (jstr(J(cs, "state", "waiting", "reason"))) {
			reason = jstr(J(cs, "state", "waiting", "reason"));
		} else if (jstr(J(cs, "state", "terminated", "reason"))) {
			reason = jstr(J(cs, "state", "terminated", "reason"));
		} else if (J(cs, "state", "terminated")) {
			snprintf(buf, sizeof buf, "ExitCode:%lld",
				 jint(J(cs, "state", "terminated", "exitCode"), 0));
			reason = buf;
		} else if (jtrue(J(cs, "ready")) && J(cs, "state", "running")) {
			running = true;
			ready++;
		}
	}
	if (reason && !strcmp(reason, "Completed") && running) {
		reason = "NotReady";
		cJSON_ArrayForEach(cond, J(st, "conditions"))
			if (!strcmp(jstr(J(cond, "type")) ? jstr(J(cond, "type")) : "", "Ready")
			    && !strcmp(jstr(J(cond, "status")) ? jstr(J(cond, "status")) : "",
				       "True"))
				reason = "Running";
	}
	if (J(obj, "metadata", "deletionTimestamp"))
		reason = "Terminating";
	add_str(cells, jstr(J(obj, "metadata", "name")));
	snprintf(buf + 32, 32, "%d/%d", ready, total);
	add_str(cells, buf + 32);
	add_str(cells, reason ? reason : "Unknown");
	if (last_restart) {
		char r[64];

		time_human_duration((int64_t)(time(NULL) - last_restart), ago, sizeof ago);
		snprintf(r, sizeof r, "%lld (%s ago)", restarts, ago);
		add_str(cells, r);
	} else {
		snprintf(ago, sizeof ago, "%lld", restarts);
		add_str(cells, ago);
	}
	age(jstr(J(obj, "metadata", "creationTimestamp")), ago, sizeof ago);
	add_str(cells, ago);
	add_str(cells, jstr(J(st, "podIP")));
	add_str(cells, jstr(J(obj, "spec", "nodeName")));
	add_str(cells, jstr(J(st, "nominatedNodeName")));
	add_str(cells, NULL);
}

static void service_cells(cJSON *cells, const cJSON *obj)
{
	const cJSON *spec = J(obj, "spec"), *p, *s;
	const char *type = jstr(J(spec, "type"));
	struct strbuf ports = { 0 }, sel = { 0 };
	char ag[32];

	add_str(cells, jstr(J(obj, "metadata", "name")));
	add_str(cells, type ? type : "ClusterIP");
	add_str(cells, jstr(J(spec, "clusterIP")));
	if (type && !strcmp(type, "LoadBalancer"))
		add_str(cells, jstr(J(cJSON_GetArrayItem(J(obj, "status", "loadBalancer",
							   "ingress"), 0), "ip"))
			       ? jstr(J(cJSON_GetArrayItem(J(obj, "status", "loadBalancer",
							     "ingress"), 0), "ip"))
			       : "<pending>");
	else if (type && !strcmp(type, "ExternalName"))
		add_str(cells, jstr(J(spec, "externalName")));
	else
		add_str(cells, NULL);
	cJSON_ArrayForEach(p, J(spec, "ports")) {
		if (ports.len)
			sb_putc(&ports, ',');
		if (J(p, "nodePort"))
			sb_printf(&ports, "%lld:%lld/%s", jint(J(p, "port"), 0),
				  jint(J(p, "nodePort"), 0),
				  jstr(J(p, "protocol")) ? jstr(J(p, "protocol")) : "TCP");
		else
			sb_printf(&ports, "%lld/%s", jint(J(p, "port"), 0),
				  jstr(J(p, "protocol")) ? jstr(J(p, "protocol")) : "TCP");
	}
	add_str(cells, sb_str(&ports));
	age(jstr(J(obj, "metadata", "creationTimestamp")), ag, sizeof ag);
	add_str(cells, ag);
	cJSON_ArrayForEach(s, J(spec, "selector"))
		sb_printf(&sel, "%s%s=%s", sel.len ? "," : "", s->string,
			  jstr(s) ? s->valuestring : "");
	add_str(cells, sb_str(&sel));
	sb_free(&ports);
	sb_free(&sel);
}

static void event_cells(cJSON *cells, const cJSON *obj)
{
	const cJSON *io = J(obj, "involvedObject");
	char last[32], first[32], buf[128], ls[96];
	const char *kind = jstr(J(io, "kind"));
	long long count = jint(J(obj, "count"), 1);
	size_t i;

	age(jstr(J(obj, "lastTimestamp")), last, sizeof last);
	age(jstr(J(obj, "firstTimestamp")), first, sizeof first);
	if (count > 1)
		snprintf(ls, sizeof ls, "%s (x%lld over %s)", last, count, first);
	else
		snprintf(ls, sizeof ls, "%s", last);
	add_str(cells, ls);
	add_str(cells, jstr(J(obj, "type")));
	add_str(cells, jstr(J(obj, "reason")));
	snprintf(buf, sizeof buf, "%s/%s", kind ? kind : "",
		 jstr(J(io, "name")) ? jstr(J(io, "name")) : "");
	for (i = 0; buf[i] && buf[i] != '/'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	add_str(cells, buf);
	add_str(cells, jstr(J(io, "fieldPath")) ? jstr(J(io, "fieldPath")) : "");
	if (jstr(J(obj, "source", "host")))
		snprintf(buf, sizeof buf, "%s, %s", jstr(J(obj, "source", "component"))
			 ? jstr(J(obj, "source", "component")) : "",
			 jstr(J(obj, "source", "host")));
	else
		snprintf(buf, sizeof buf, "%s", jstr(J(obj, "source", "component"))
			 ? jstr(J(obj, "source", "component")) : "");
	add_str(cells, buf);
	add_str(cells, jstr(J(obj, "message")) ? jstr(J(obj, "message")) : "");
	add_str(cells, first);
	snprintf(buf, sizeof buf, "%lld", count);
	add_str(cells, buf);
	add_str(cells, jstr(J(obj, "metadata", "name")));
}

static void node_cells(cJSON *cells, const cJSON *obj)
{
	const cJSON *a, *info = J(obj, "status", "nodeInfo");
	const char *internal = NULL;
	char ag[32];

	cJSON_ArrayForEach(a, J(obj, "status", "addresses"))
		if (!strcmp(jstr(J(a, "type")) ? jstr(J(a, "type")) : "", "InternalIP"))
			internal = jstr(J(a, "address"));
	add_str(cells, jstr(J(obj, "metadata", "name")));
	add_str(cells, "Ready");
	add_str(cells, NULL);
	age(jstr(J(obj, "metadata", "creationTimestamp")), ag, sizeof ag);
	add_str(cells, ag);
	add_str(cells, jstr(J(info, "kubeletVersion")));
	add_str(cells, internal);
	add_str(cells, NULL);
	add_str(cells, jstr(J(info, "osImage")));
	add_str(cells, jstr(J(info, "kernelVersion")));
	add_str(cells, jstr(J(info, "containerRuntimeVersion")));
}

static cJSON *row_object(const cJSON *obj, enum table_object incl)
{
	cJSON *o;

	if (incl == TABLE_OBJ_FULL)
		return cJSON_Duplicate(obj, 1);
	o = cJSON_CreateObject();
	jset_str(o, "kind", "PartialObjectMetadata");
	jset_str(o, "apiVersion", "meta.k8s.io/v1");
	jset(o, "metadata", J(obj, "metadata") ? cJSON_Duplicate(J(obj, "metadata"), 1)
					       : cJSON_CreateObject());
	return o;
}

void table_add_row(cJSON *table, const struct kind *k, const cJSON *obj, enum table_object incl)
{
	cJSON *row = cJSON_CreateObject(), *cells = cJSON_CreateArray();
	const cJSON *spec = J(obj, "spec"), *st = J(obj, "status");
	char buf[64], ag[32];

	age(jstr(J(obj, "metadata", "creationTimestamp")), ag, sizeof ag);
	switch (k->id) {
	case K_DEPLOYMENT:
		add_str(cells, jstr(J(obj, "metadata", "name")));
		snprintf(buf, sizeof buf, "%lld/%lld", jint(J(st, "readyReplicas"), 0),
			 jint(J(spec, "replicas"), 1));
		add_str(cells, buf);
		add_int(cells, jint(J(st, "updatedReplicas"), 0));
		add_int(cells, jint(J(st, "availableReplicas"), 0));
		add_str(cells, ag);
		table_workload_wide(cells, obj, true);
		break;
	case K_REPLICASET:
		add_str(cells, jstr(J(obj, "metadata", "name")));
		add_int(cells, jint(J(spec, "replicas"), 1));
		add_int(cells, jint(J(st, "replicas"), 0));
		add_int(cells, jint(J(st, "readyReplicas"), 0));
		add_str(cells, ag);
		table_workload_wide(cells, obj, true);
		break;
	case K_POD:
		pod_cells(cells, obj);
		break;
	case K_SERVICE:
		service_cells(cells, obj);
		break;
	case K_EVENT:
		event_cells(cells, obj);
		break;
	case K_NODE:
		node_cells(cells, obj);
		break;
	case K_CONFIGMAP:
		add_str(cells, jstr(J(obj, "metadata", "name")));
		add_int(cells, cJSON_GetArraySize(J(obj, "data"))
			+ cJSON_GetArraySize(J(obj, "binaryData")));
		add_str(cells, ag);
		break;
	default:
		if (table_stored_columns(k)) {
			table_stored_cells(k, cells, obj);
			break;
		}
		/* fall through */
	case K_NAMESPACE:
		add_str(cells, jstr(J(obj, "metadata", "name")));
		add_str(cells, jstr(J(st, "phase")) ? jstr(J(st, "phase")) : "Active");
		add_str(cells, ag);
		break;
	}
	jset(row, "cells", cells);
	if (incl != TABLE_OBJ_NONE)
		jset(row, "object", row_object(obj, incl));
	cJSON_AddItemToArray(J(table, "rows"), row);
}
