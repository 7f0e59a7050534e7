/* Table columns and cells of the kinds without a controller (stored.h), as
 * kube-apiserver v1.32's printers make them. */
#include "sandbox/table.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "sandbox/select.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

#define COL(n, t) { n, t, "", 0 }
#define WIDE(n, t) { n, t, "", 1 }
#define NAMECOL { "Name", "string", "name", 0 }
#define END { 0 }

static const struct table_column sa_cols[] = {
	NAMECOL, COL("Secrets", "integer"), COL("Age", "string"), END };
static const struct table_column secret_cols[] = {
	NAMECOL, COL("Type", "string"), COL("Data", "integer"), COL("Age", "string"), END };
static const struct table_column sts_cols[] = {
	NAMECOL, COL("Ready", "string"), COL("Age", "string"), WIDE("Containers", "string"),
	WIDE("Images", "string"), END };
static const struct table_column ds_cols[] = {
	NAMECOL, COL("Desired", "integer"), COL("Current", "integer"), COL("Ready", "integer"),
	COL("Up-to-date", "integer"), COL("Available", "integer"),
	COL("Node Selector", "string"), COL("Age", "string"), WIDE("Containers", "string"),
	WIDE("Images", "string"), WIDE("Selector", "string"), END };
static const struct table_column cr_cols[] = {
	NAMECOL, COL("Controller", "string"), COL("Revision", "integer"), COL("Age", "string"),
	END };
static const struct table_column job_cols[] = {
	NAMECOL, COL("Status", "string"), COL("Completions", "string"),
	COL("Duration", "string"), COL("Age", "string"), WIDE("Containers", "string"),
	WIDE("Images", "string"), WIDE("Selector", "string"), END };
static const struct table_column cj_cols[] = {
	NAMECOL, COL("Schedule", "string"), COL("Timezone", "string"),
	COL("Suspend", "boolean"), COL("Active", "integer"), COL("Last Schedule", "string"),
	COL("Age", "string"), WIDE("Containers", "string"), WIDE("Images", "string"),
	WIDE("Selector", "string"), END };
static const struct table_column role_cols[] = {
	NAMECOL, COL("Created At", "date"), END };
static const struct table_column binding_cols[] = {
	NAMECOL, COL("Role", "string"), COL("Age", "string"), WIDE("Users", "string"),
	WIDE("Groups", "string"), WIDE("ServiceAccounts", "string"), END };
static const struct table_column ing_cols[] = {
	NAMECOL, COL("Class", "string"), COL("Hosts", "string"), COL("Address", "string"),
	COL("Ports", "string"), COL("Age", "string"), END };
static const struct table_column ingclass_cols[] = {
	NAMECOL, COL("Controller", "string"), COL("Parameters", "string"),
	COL("Age", "string"), END };
static const struct table_column netpol_cols[] = {
	NAMECOL, COL("Pod-Selector", "string"), COL("Age", "string"), END };
static const struct table_column pdb_cols[] = {
	NAMECOL, COL("Min Available", "string"), COL("Max Unavailable", "string"),
	COL("Allowed Disruptions", "integer"), COL("Age", "string"), END };
static const struct table_column hpa_cols[] = {
	NAMECOL, COL("Reference", "string"), COL("Targets", "string"),
	COL("MinPods", "string"), COL("MaxPods", "integer"), COL("Replicas", "integer"),
	COL("Age", "string"), END };

const struct table_column *table_stored_columns(const struct kind *k)
{
	switch (k->id) {
	case K_SERVICEACCOUNT: return sa_cols;
	case K_SECRET: return secret_cols;
	case K_STATEFULSET: return sts_cols;
	case K_DAEMONSET: return ds_cols;
	case K_CONTROLLERREVISION: return cr_cols;
	case K_JOB: return job_cols;
	case K_CRONJOB: return cj_cols;
	case K_ROLE:
	case K_CLUSTERROLE: return role_cols;
	case K_ROLEBINDING:
	case K_CLUSTERROLEBINDING: return binding_cols;
	case K_INGRESS: return ing_cols;
	case K_INGRESSCLASS: return ingclass_cols;
	case K_NETWORKPOLICY: return netpol_cols;
	case K_PDB: return pdb_cols;
	case K_HPA: return hpa_cols;
	default: return NULL;
	}
}

static const char *str_or(const cJSON *v, const char *def)
{
	return jstr(v) ? jstr(v) : def;
}

/* An IntOrString as the printers show it ("50%", "2"), or def. */
static void intstr(const cJSON *v, const char *def, char *buf, size_t size)
{
	if (jstr(v))
		snprintf(buf, size, "%s", jstr(v));
	else if (cJSON_IsNumber(v))
		snprintf(buf, size, "%lld", jint(v, 0));
	else
		snprintf(buf, size, "%s", def);
}

static void binding_cells(cJSON *cells, const cJSON *obj)
{
	struct strbuf users = { 0 }, groups = { 0 }, sas = { 0 };
	const cJSON *s;
	char buf[256];

	snprintf(buf, sizeof buf, "%s/%s", str_or(J(obj, "roleRef", "kind"), ""),
		 str_or(J(obj, "roleRef", "name"), ""));
	table_cell_str(cells, buf);
	table_age(jstr(J(obj, "metadata", "creationTimestamp")), buf, sizeof buf);
	table_cell_str(cells, buf);
	cJSON_ArrayForEach(s, J(obj, "subjects")) {
		const char *kind = str_or(J(s, "kind"), ""), *name = str_or(J(s, "name"), "");

		if (!strcmp(kind, "User"))
			sb_printf(&users, "%s%s", users.len ? ", " : "", name);
		else if (!strcmp(kind, "Group"))
			sb_printf(&groups, "%s%s", groups.len ? ", " : "", name);
		else if (!strcmp(kind, "ServiceAccount"))
			sb_printf(&sas, "%s%s/%s", sas.len ? ", " : "",
				  str_or(J(s, "namespace"), ""), name);
	}
	/* Joined lists: empty cells when there are none. */
	cJSON_AddItemToArray(cells, cJSON_CreateString(sb_str(&users)));
	cJSON_AddItemToArray(cells, cJSON_CreateString(sb_str(&groups)));
	cJSON_AddItemToArray(cells, cJSON_CreateString(sb_str(&sas)));
	sb_free(&users);
	sb_free(&groups);
	sb_free(&sas);
}

static void ingress_cells(cJSON *cells, const cJSON *obj)
{
	struct strbuf hosts = { 0 }, addr = { 0 };
	const cJSON *r, *lb;
	int n = 0;

	table_cell_str(cells, str_or(J(obj, "spec", "ingressClassName"), NULL));
	cJSON_ArrayForEach(r, J(obj, "spec", "rules")) {
		if (!jstr(J(r, "host")) || !*jstr(J(r, "host")))
			continue;
		if (n++ < 3)
			sb_printf(&hosts, "%s%s", hosts.len ? "," : "", jstr(J(r, "host")));
	}
	if (n > 3)
		sb_printf(&hosts, " + %d more...", n - 3);
	table_cell_str(cells, hosts.len ? sb_str(&hosts) : "*");
	cJSON_ArrayForEach(lb, J(obj, "status", "loadBalancer", "ingress"))
		sb_printf(&addr, "%s%s", addr.len ? "," : "",
			  str_or(J(lb, "ip"), str_or(J(lb, "hostname"), "")));
	/* An Ingress without an address prints an empty cell, not <none>. */
	cJSON_AddItemToArray(cells, cJSON_CreateString(sb_str(&addr)));
	table_cell_str(cells, cJSON_GetArraySize(J(obj, "spec", "tls")) ? "80, 443" : "80");
	sb_free(&hosts);
	sb_free(&addr);
}

static void hpa_targets(const cJSON *obj, struct strbuf *out)
{
	const cJSON *m;
	int i = 0, n = cJSON_GetArraySize(J(obj, "spec", "metrics"));

	cJSON_ArrayForEach(m, J(obj, "spec", "metrics")) {
		const cJSON *t = J(m, "resource", "target");

		if (i == 2) {
			sb_printf(out, " + %d more...", n - 2);
			break;
		}
		if (i++)
			sb_puts(out, ", ");
		if (!strcmp(str_or(J(m, "type"), ""), "Resource")
		    && J(t, "averageUtilization"))
			sb_printf(out, "%s: <unknown>/%lld%%", str_or(J(m, "resource", "name"), ""),
				  jint(J(t, "averageUtilization"), 0));
		else if (!strcmp(str_or(J(m, "type"), ""), "Resource"))
			sb_printf(out, "%s: <unknown>/%s", str_or(J(m, "resource", "name"), ""),
				  str_or(J(t, "averageValue"), str_or(J(t, "value"), "")));
		else
			sb_puts(out, "<unknown>");
	}
	if (!n)
		sb_puts(out, "<none>");
}

static void job_cells(cJSON *cells, const cJSON *obj)
{
	const cJSON *c, *st = J(obj, "status");
	const char *status = "Running";
	char buf[64];
	time_t start, end;

	if (jtrue(J(obj, "spec", "suspend")))
		status = "Suspended";
	cJSON_ArrayForEach(c, J(st, "conditions"))
		if (!strcmp(str_or(J(c, "status"), ""), "True")
		    && (!strcmp(str_or(J(c, "type"), ""), "Complete")
			|| !strcmp(str_or(J(c, "type"), ""), "Failed")))
			status = jstr(J(c, "type"));
	table_cell_str(cells, status);
	if (J(obj, "spec", "completions"))
		snprintf(buf, sizeof buf, "%lld/%lld", jint(J(st, "succeeded"), 0),
			 jint(J(obj, "spec", "completions"), 0));
	else
		snprintf(buf, sizeof buf, "%lld/1 of %lld", jint(J(st, "succeeded"), 0),
			 jint(J(obj, "spec", "parallelism"), 1));
	table_cell_str(cells, buf);
	buf[0] = 0;
	if (jstr(J(st, "startTime")) && !time_parse_rfc3339(jstr(J(st, "startTime")), &start)) {
		if (!jstr(J(st, "completionTime"))
		    || time_parse_rfc3339(jstr(J(st, "completionTime")), &end))
			end = time(NULL);
		time_human_duration((int64_t)(end - start), buf, sizeof buf);
	}
	cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
}

void table_stored_cells(const struct kind *k, cJSON *cells, const cJSON *obj)
{
	const cJSON *spec = J(obj, "spec"), *st = J(obj, "status");
	char ag[32], buf[256], b2[64];
	struct strbuf sb = { 0 };

	table_age(jstr(J(obj, "metadata", "creationTimestamp")), ag, sizeof ag);
	table_cell_str(cells, jstr(J(obj, "metadata", "name")));
	switch (k->id) {
	case K_SERVICEACCOUNT:
		table_cell_int(cells, cJSON_GetArraySize(J(obj, "secrets")));
		table_cell_str(cells, ag);
		break;
	case K_SECRET:
		table_cell_str(cells, jstr(J(obj, "type")));
		table_cell_int(cells, cJSON_GetArraySize(J(obj, "data")));
		table_cell_str(cells, ag);
		break;
	case K_STATEFULSET:
		snprintf(buf, sizeof buf, "%lld/%lld", jint(J(st, "readyReplicas"), 0),
			 jint(J(spec, "replicas"), 1));
		table_cell_str(cells, buf);
		table_cell_str(cells, ag);
		table_workload_wide(cells, obj, false);
		break;
	case K_DAEMONSET: {
		const cJSON *kv;

		table_cell_int(cells, jint(J(st, "desiredNumberScheduled"), 0));
		table_cell_int(cells, jint(J(st, "currentNumberScheduled"), 0));
		table_cell_int(cells, jint(J(st, "numberReady"), 0));
		table_cell_int(cells, jint(J(st, "updatedNumberScheduled"), 0));
		table_cell_int(cells, jint(J(st, "numberAvailable"), 0));
		cJSON_ArrayForEach(kv, J(spec, "template", "spec", "nodeSelector"))
			sb_printf(&sb, "%s%s=%s", sb.len ? "," : "", kv->string, str_or(kv, ""));
		table_cell_str(cells, sb_str(&sb));
		table_cell_str(cells, ag);
		table_workload_wide(cells, obj, true);
		break;
	}
	case K_CONTROLLERREVISION: {
		const cJSON *ref;

		/* "daemonset.apps/NAME": kind and group of the controller. */
		buf[0] = 0;
		cJSON_ArrayForEach(ref, J(obj, "metadata", "ownerReferences")) {
			const char *av = str_or(J(ref, "apiVersion"), ""), *slash = strchr(av, '/');
			size_t n;

			if (!jtrue(J(ref, "controller")))
				continue;
			snprintf(buf, sizeof buf, "%s", str_or(J(ref, "kind"), ""));
			for (n = 0; buf[n]; n++)
				buf[n] = (char)tolower((unsigned char)buf[n]);
			snprintf(buf + n, sizeof buf - n, "%s%.*s/%s", slash ? "." : "",
				 slash ? (int)(slash - av) : 0, av, str_or(J(ref, "name"), ""));
		}
		table_cell_str(cells, buf);
		table_cell_int(cells, jint(J(obj, "revision"), 0));
		table_cell_str(cells, ag);
		break;
	}
	case K_JOB:
		job_cells(cells, obj);
		table_cell_str(cells, ag);
		table_workload_wide(cells, obj, true);
		break;
	case K_CRONJOB: {
		cJSON *t = cJSON_Duplicate(J(spec, "jobTemplate"), 1);
		char last[32] = "";

		table_cell_str(cells, jstr(J(spec, "schedule")));
		table_cell_str(cells, jstr(J(spec, "timeZone")));
		table_cell_str(cells, jtrue(J(spec, "suspend")) ? "True" : "False");
		table_cell_int(cells, cJSON_GetArraySize(J(st, "active")));
		if (jstr(J(st, "lastScheduleTime")))
			table_age(jstr(J(st, "lastScheduleTime")), last, sizeof last);
		table_cell_str(cells, last);
		table_cell_str(cells, ag);
		table_workload_wide(cells, t ? t : obj, true);
		cJSON_Delete(t);
		break;
	}
	case K_ROLE:
	case K_CLUSTERROLE:
		table_cell_str(cells, jstr(J(obj, "metadata", "creationTimestamp")));
		break;
	case K_ROLEBINDING:
	case K_CLUSTERROLEBINDING:
		binding_cells(cells, obj);
		break;
	case K_INGRESS:
		ingress_cells(cells, obj);
		table_cell_str(cells, ag);
		break;
	case K_INGRESSCLASS:
		table_cell_str(cells, jstr(J(spec, "controller")));
		if (jstr(J(spec, "parameters", "name")))
			snprintf(buf, sizeof buf, "%s/%s",
				 str_or(J(spec, "parameters", "kind"), ""),
				 jstr(J(spec, "parameters", "name")));
		else
			buf[0] = 0;
		table_cell_str(cells, buf);
		table_cell_str(cells, ag);
		break;
	case K_NETWORKPOLICY:
		sel_label_selector_string(J(spec, "podSelector"), &sb);
		table_cell_str(cells, sb_str(&sb));
		table_cell_str(cells, ag);
		break;
	case K_PDB:
		intstr(J(spec, "minAvailable"), "N/A", buf, sizeof buf);
		table_cell_str(cells, buf);
		intstr(J(spec, "maxUnavailable"), "N/A", b2, sizeof b2);
		table_cell_str(cells, b2);
		table_cell_int(cells, jint(J(st, "disruptionsAllowed"), 0));
		table_cell_str(cells, ag);
		break;
	case K_HPA:
		snprintf(buf, sizeof buf, "%s/%s", str_or(J(spec, "scaleTargetRef", "kind"), ""),
			 str_or(J(spec, "scaleTargetRef", "name"), ""));
		table_cell_str(cells, buf);
		hpa_targets(obj, &sb);
		table_cell_str(cells, sb_str(&sb));
		if (J(spec, "minReplicas"))
			snprintf(b2, sizeof b2, "%lld", jint(J(spec, "minReplicas"), 1));
		else
			snprintf(b2, sizeof b2, "<unset>");
		table_cell_str(cells, b2);
		table_cell_int(cells, jint(J(spec, "maxReplicas"), 0));
		table_cell_int(cells, jint(J(st, "currentReplicas"), 0));
		table_cell_str(cells, ag);
		break;
	default:
		break;
	}
	sb_free(&sb);
}
