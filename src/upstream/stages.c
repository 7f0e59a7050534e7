#include "upstream/stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

/* The faults file's keys, in faults.h's order. */
enum { F_NEVER_READY, F_CRASH_LOOP, F_ERROR_RATE, F_LATENCY_MS, F_START_MS };
static const char *const fault_keys[5] = {
	"never-ready", "crash-loop", "error-rate", "latency-ms", "start-ms",
};

char *upstream_glob_regex(const char *glob)
{
	struct strbuf sb = { 0 };

	sb_putc(&sb, '^');
	for (const char *p = glob; *p; p++) {
		if (*p == '*') {
			sb_puts(&sb, ".*");
		} else if (*p == '?') {
			sb_putc(&sb, '.');
		} else if (*p == '[') {
			const char *end = strchr(p + 1, ']');

			if (!end) {
				sb_puts(&sb, "\\\\[");
				continue;
			}
			sb_putc(&sb, '[');
			if (p[1] == '!') {
				sb_putc(&sb, '^');
				p++;
			}
			sb_append(&sb, p + 1, (size_t)(end - p - 1));
			sb_putc(&sb, ']');
			p = end;
		} else if (strchr(".+()|{}^$\\", *p)) {
			/* escaped for the regex, and the backslash once more for the
			 * jq string literal it sits in */
			sb_puts(&sb, "\\\\");
			sb_putc(&sb, *p);
		} else if (*p == '"') {
			sb_puts(&sb, "\\\"");
		} else {
			sb_putc(&sb, *p);
		}
	}
	sb_putc(&sb, '$');
	return sb_steal(&sb);
}

/* A jq expression giving a fault key's value for a pod, as the sandbox
 * decides it: the pod's annotation, else the first rule naming the key that
 * matches one of its images, else null. */
static void fault_value_jq(struct strbuf *sb, const struct faults *f, int key)
{
	bool any = false;

	sb_printf(sb, "((.metadata.annotations // {})[\"sandbox.shipdeck.dev/%s\"] // (",
		  fault_keys[key]);
	for (size_t i = 0; f && i < f->n; i++) {
		char *re;
		const char *v = f->rules[i].keys[key];

		if (!v)
			continue;
		re = upstream_glob_regex(f->rules[i].image);
		sb_printf(sb, "%s([.spec.containers[].image | test(\"%s\")] | any) then \"",
			  any ? " elif " : "if ", re);
		for (const char *c = v; *c; c++) {
			if (*c == '"' || *c == '\\')
				sb_putc(sb, '\\');
			sb_putc(sb, *c);
		}
		sb_putc(sb, '"');
		free(re);
		any = true;
	}
	sb_puts(sb, any ? " else null end))" : "null))");
}

/* A selector key that is "true" or "false": does the fault key say true? */
static char *fault_flag_key(const struct faults *f, int key)
{
	struct strbuf sb = { 0 };

	fault_value_jq(&sb, f, key);
	sb_puts(&sb, " == \"true\"");
	return sb_steal(&sb);
}

/* Single-quoted YAML scalar. */
static void yq(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_putc(sb, '\'');
		sb_putc(sb, *s);
	}
	sb_putc(sb, '\'');
}

static void stage_begin(struct strbuf *sb, const char *name, const char *kind)
{
	sb_printf(sb, "---\napiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n"
		  "  name: %s\nspec:\n  resourceRef:\n    apiGroup: v1\n    kind: %s\n"
		  "  selector:\n    matchExpressions:\n", name, kind);
}

static void match(struct strbuf *sb, const char *key, const char *op, const char *value)
{
	sb_puts(sb, "    - key: ");
	yq(sb, key);
	sb_printf(sb, "\n      operator: %s\n", op);
	if (value) {
		sb_puts(sb, "      values: [");
		yq(sb, value);
		sb_puts(sb, "]\n");
	}
}

static void delay_ms(struct strbuf *sb, double ms)
{
	sb_printf(sb, "  delay:\n    durationMilliseconds: %lld\n", (long long)(ms + 0.5));
}

/* A delay computed per pod: expr yields milliseconds (a number). */
static void delay_jq(struct strbuf *sb, const char *expr, double time_scale)
{
	struct strbuf e = { 0 };

	sb_printf(&e, "((%s) / %g | floor | tostring) + \"ms\"", expr, time_scale);
	sb_puts(sb,
		"  delay:\n    durationMilliseconds: 0\n    durationFrom:\n      expressionFrom: ");
	yq(sb, sb_str(&e));
	sb_putc(sb, '\n');
	sb_free(&e);
}

static const char pod_conditions_fmt[] =
	"      conditions:\n"
	"      - {type: Initialized, status: \"True\", lastTransitionTime: {{ $now | Quote }}}\n"
	"      - {type: PodScheduled, status: \"True\", lastTransitionTime: {{ $now | Quote }}}\n"
	"      - {type: ContainersReady, status: \"%s\", lastTransitionTime: {{ $now | Quote "
	"}}%s}\n"
	"      - {type: Ready, status: \"%s\", lastTransitionTime: {{ $now | Quote }}%s}\n";

static void pod_conditions(struct strbuf *sb, bool ready)
{
	const char *why = ready ? "" : ", reason: ContainersNotReady";

	sb_printf(sb, pod_conditions_fmt, ready ? "True" : "False", why,
		  ready ? "True" : "False", why);
}

/* The event a kubelet would record on this transition ("Type Reason
 * message"), as the sandbox's simulated kubelet does. */
static void next_event(struct strbuf *sb, const char *type, const char *reason, const char *msg)
{
	sb_printf(sb, "    event: {type: %s, reason: %s, message: ", type, reason);
	yq(sb, msg);
	sb_puts(sb, "}\n");
}

/* next: the pod's status; container is the YAML of each container's status
 * (in a range over the spec's containers). */
static void pod_next(struct strbuf *sb, const char *phase, bool ready, const char *container)
{
	sb_puts(sb, "    statusTemplate: |\n      {{ $now := Now }}\n");
	pod_conditions(sb, ready);
	sb_puts(sb, "      containerStatuses:\n      {{ range .spec.containers }}\n");
	sb_puts(sb, container);
	sb_puts(sb, "      {{ end }}\n");
	sb_printf(sb, "      phase: %s\n", phase);
}

static void node_stages(struct strbuf *sb)
{
	stage_begin(sb, "shipdeck-node-ready", "Node");
	match(sb, ".metadata.deletionTimestamp", "DoesNotExist", NULL);
	match(sb, ".status.conditions.[] | select(.type == \"Ready\") | .status", "NotIn", "True");
	sb_puts(sb,
		"  next:\n    statusTemplate: |\n      {{ $now := Now }}\n"
		"      addresses:\n      - {type: InternalIP, address: {{ NodeIP | Quote }}}\n"
		"      - {type: Hostname, address: {{ .metadata.name | Quote }}}\n"
		"      allocatable: {cpu: \"32\", memory: 256Gi, pods: \"110\"}\n"
		"      capacity: {cpu: \"32\", memory: 256Gi, pods: \"110\"}\n"
		"      conditions:\n");
	static const char *const quiet[] = { "MemoryPressure", "DiskPressure", "PIDPressure",
					     "NetworkUnavailable" };
	for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++)
		sb_printf(sb,
			  "      - {type: %s, status: \"False\", lastHeartbeatTime: {{ $now | "
			  "Quote }}, lastTransitionTime: {{ $now | Quote }}}\n", quiet[i]);
	sb_puts(sb,
		"      - {type: Ready, status: \"True\", reason: KubeletReady, "
		"message: kwok node is ready, lastHeartbeatTime: {{ $now | Quote }}, "
		"lastTransitionTime: {{ $now | Quote }}}\n"
		"      daemonEndpoints: {kubeletEndpoint: {Port: {{ NodePort }}}}\n"
		"      nodeInfo: {architecture: amd64, operatingSystem: linux, "
		"kubeletVersion: kwok-{{ Version }}, kubeProxyVersion: kwok-{{ Version }}}\n"
		"      phase: Running\n");
}

/* A container's status once started (for pod_next's range). */
static char *running_container(bool ready)
{
	return xasprintf("      - name: {{ .name | Quote }}\n        image: {{ .image | Quote }}\n"
			 "        ready: %s\n        restartCount: 0\n        started: true\n"
			 "        state: {running: {startedAt: {{ $now | Quote }}}}\n",
			 ready ? "true" : "false");
}

char *upstream_stages_yaml(const struct faults *faults, double time_scale)
{
	struct strbuf sb = { 0 }, start = { 0 };
	char *never_ready = fault_flag_key(faults, F_NEVER_READY);
	char *crash_loop = fault_flag_key(faults, F_CRASH_LOOP);
	char *ready_delay;
	char *c_running = running_container(false), *c_ready = running_container(true);

	if (time_scale <= 0)
		time_scale = 1;
	node_stages(&sb);

	/* scheduled: addresses, containers being created */
	stage_begin(&sb, "shipdeck-pod-create", "Pod");
	match(&sb, ".metadata.deletionTimestamp", "DoesNotExist", NULL);
	match(&sb, ".spec.nodeName", "Exists", NULL);
	match(&sb, ".status.podIP", "DoesNotExist", NULL);
	sb_puts(&sb,
		"  next:\n    statusTemplate: |\n      {{ $now := Now }}\n"
		"      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}\n"
		"      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or "
		".metadata.uid \"\" ) ( or .metadata.name \"\" ) ( or .metadata.namespace \"\" ) | "
		"Quote }}\n"
		"      startTime: {{ $now | Quote }}\n");
	pod_conditions(&sb, false);
	sb_puts(&sb,
		"      containerStatuses:\n      {{ range .spec.containers }}\n"
		"      - name: {{ .name | Quote }}\n        image: {{ .image | Quote }}\n"
		"        ready: false\n        restartCount: 0\n        started: false\n"
		"        state: {waiting: {reason: ContainerCreating}}\n      {{ end }}\n"
		"      phase: Pending\n");

	/* the containers start after start-ms (default 1000) */
	fault_value_jq(&start, faults, F_START_MS);
	sb_printf(&start, " // \"1000\" | tonumber");
	stage_begin(&sb, "shipdeck-pod-running", "Pod");
	match(&sb, ".metadata.deletionTimestamp", "DoesNotExist", NULL);
	match(&sb, ".status.phase", "In", "Pending");
	match(&sb, ".status.podIP", "Exists", NULL);
	match(&sb, crash_loop, "NotIn", "true");
	match(&sb, never_ready, "NotIn", "true");
	delay_jq(&sb, sb_str(&start), time_scale);
	sb_puts(&sb, "  next:\n");
	next_event(&sb, "Normal", "Started", "Started container");
	pod_next(&sb, "Running", false, c_running);

	/* never-ready: started, and the readiness probe fails */
	stage_begin(&sb, "shipdeck-pod-never-ready", "Pod");
	match(&sb, ".metadata.deletionTimestamp", "DoesNotExist", NULL);
	match(&sb, ".status.phase", "In", "Pending");
	match(&sb, ".status.podIP", "Exists", NULL);
	match(&sb, never_ready, "In", "true");
	delay_jq(&sb, sb_str(&start), time_scale);
	sb_puts(&sb, "  next:\n");
	next_event(&sb, "Warning", "Unhealthy",
		   "Readiness probe failed: HTTP probe failed with statuscode: 503");
	pod_next(&sb, "Running", false, c_running);

	/* ready once the readiness probe's initial delay has passed */
	ready_delay = xasprintf("(.spec.containers[0].readinessProbe.initialDelaySeconds // 0) * "
				"1000");
	stage_begin(&sb, "shipdeck-pod-ready", "Pod");
	match(&sb, ".metadata.deletionTimestamp", "DoesNotExist", NULL);
	match(&sb, ".status.phase", "In", "Running");
	match(&sb, ".status.conditions.[] | select(.type == \"Ready\") | .status", "NotIn", "True");
	match(&sb, never_ready, "NotIn", "true");
	match(&sb, crash_loop, "NotIn", "true");
	delay_jq(&sb, ready_delay, time_scale);
	sb_puts(&sb, "  next:\n");
	pod_next(&sb, "Running", true, c_ready);

	/* crash-loop: the container exits, and is waiting in back-off */
	stage_begin(&sb, "shipdeck-pod-crash-loop", "Pod");
	match(&sb, ".metadata.deletionTimestamp", "DoesNotExist", NULL);
	match(&sb, ".status.phase", "In", "Pending");
	match(&sb, ".status.podIP", "Exists", NULL);
	match(&sb, crash_loop, "In", "true");
	delay_jq(&sb, sb_str(&start), time_scale);
	sb_puts(&sb, "  next:\n");
	next_event(&sb, "Warning", "BackOff", "Back-off restarting failed container");
	pod_next(&sb, "Running", false,
		 "      - name: {{ .name | Quote }}\n        image: {{ .image | Quote }}\n"
		 "        ready: false\n        restartCount: 1\n        started: false\n"
		 "        lastState: {terminated: {exitCode: 2, reason: Error, "
		 "startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}}\n"
		 "        state: {waiting: {reason: CrashLoopBackOff, "
		 "message: back-off restarting failed container}}\n");

	/* deleted: gone once its containers stopped (a second) */
	stage_begin(&sb, "shipdeck-pod-delete", "Pod");
	match(&sb, ".metadata.deletionTimestamp", "Exists", NULL);
	delay_ms(&sb, 1000 / time_scale);
	sb_puts(&sb, "  next:\n");
	next_event(&sb, "Normal", "Killing", "Stopping container");
	sb_puts(&sb, "    finalizers: {empty: true}\n    delete: true\n");

	free(never_ready);
	free(crash_loop);
	free(ready_delay);
	free(c_running);
	free(c_ready);
	sb_free(&start);
	return sb_steal(&sb);
}
