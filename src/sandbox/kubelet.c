#include "sandbox/kubelet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "util/imgref.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define LOG_LINES 2000
/* How long after start a crash-looping container dies, and how long a
 * well-behaved container takes to drain and exit after SIGTERM (both
 * simulated ms). */
#define CRASH_AFTER_MS 1500
#define STOP_MS 2000
#define BACKOFF_MAX_S 300

enum pod_state { PS_NEW, PS_CREATING, PS_RUNNING, PS_BACKOFF, PS_STOPPING };

struct csim {
	char *name;
	char *image;
	struct ctrlog *cur, *prev;
	time_t started_wall;
	time_t prev_started, prev_finished;
	int prev_exit;
	char cid[24], prev_cid[24];
};

struct podsim {
	enum pod_state state;
	struct faultset faults;
	int node;
	char ip[16];
	char host_ip[16];
	int restarts;
	bool ready;
	int64_t start_at, ready_at, crash_at, restart_at, probe_at, remove_at;
	int64_t ready_since;       /* monotonic ms when it became ready */
	time_t sched_wall, start_wall, ready_wall, stopped_wall;
	int backoff_s;
	long long period_s;
	struct csim *c;
	size_t nc;
	bool changed;              /* the status must be written again */
	uint64_t published_rv;     /* the pod's resourceVersion after our last write */
};

static const char *const node_names[SANDBOX_NODES] = {
	"sandbox-node-1", "sandbox-node-2", "sandbox-node-3",
};

static void podsim_free(void *p)
{
	struct podsim *ps = p;

	if (!ps)
		return;
	for (size_t i = 0; i < ps->nc; i++) {
		free(ps->c[i].name);
		free(ps->c[i].image);
		if (ps->c[i].cur)
			ps->c[i].cur->ended = true;
		ctrlog_unref(ps->c[i].cur);
		ctrlog_unref(ps->c[i].prev);
	}
	free(ps->c);
	free(ps);
}

static struct podsim *sim(const struct obj *pod)
{
	return pod->sim_free == podsim_free ? pod->sim : NULL;
}

static void rfc3339(time_t t, char buf[32])
{
	time_format_rfc3339(t, buf, 32);
}

static void logts(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
}

static void ctr_log(struct csim *c, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ctr_log(struct csim *c, const char *level, const char *fmt, ...)
{
	char ts[40], msg[512];
	va_list ap;

	if (!c->cur)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	logts(ts, sizeof ts);
	ctrlog_append(c->cur, time_wall_ms(), "time=%s level=%s %s", ts, level, msg);
}

static void new_container_id(struct sandbox *sb, char out[24])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++)
		out[i] = hex[(int)(sandbox_rand(sb) * 16) & 15];
	out[16] = 0;
}

static long long readiness_delay_s(const cJSON *spec)
{
	const cJSON *c;
	long long d = 0;

	cJSON_ArrayForEach(c, J(spec, "containers")) {
		long long x = jint(J(c, "readinessProbe", "initialDelaySeconds"), 0);

		if (x > d)
			d = x;
	}
	return d;
}

static bool has_readiness_probe(const cJSON *spec)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, J(spec, "containers"))
		if (J(c, "readinessProbe"))
			return true;
	return false;
}

static long long probe_period_s(const cJSON *spec)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, J(spec, "containers"))
		if (J(c, "readinessProbe"))
			return jint(J(c, "readinessProbe", "periodSeconds"), 10);
	return 10;
}

static struct podsim *podsim_new(struct sandbox *sb, struct obj *pod)
{
	struct podsim *ps = xcalloc(1, sizeof *ps);
	const cJSON *json = pod->cur->json, *c;
	const char *node = jstr(J(json, "spec", "nodeName"));
	unsigned n;

	faults_for_pod(&sb->faults, json, &ps->faults);
	ps->node = (int)(sb->pod_ip_next % SANDBOX_NODES);
	for (int i = 0; node && i < SANDBOX_NODES; i++)
		if (!strcmp(node, node_names[i]))
			ps->node = i;
	n = sb->pod_ip_next++ / SANDBOX_NODES;
	snprintf(ps->ip, sizeof ps->ip, "10.244.%d.%u", ps->node + (int)(n / 250) * SANDBOX_NODES,
		 n % 250 + 2);
	snprintf(ps->host_ip, sizeof ps->host_ip, "172.18.0.%d", ps->node + 2);
	ps->period_s = probe_period_s(J(json, "spec"));
	cJSON_ArrayForEach(c, J(json, "spec", "containers")) {
		struct csim *cs;

		ps->c = xrealloc(ps->c, (ps->nc + 1) * sizeof *ps->c);
		cs = &ps->c[ps->nc++];
		memset(cs, 0, sizeof *cs);
		cs->name = xstrdup(jstr(J(c, "name")) ? jstr(J(c, "name")) : "app");
		cs->image = xstrdup(jstr(J(c, "image")) ? jstr(J(c, "image")) : "");
	}
	pod->sim = ps;
	pod->sim_free = podsim_free;
	ps->changed = true;
	return ps;
}

static void due(int64_t *next, int64_t at)
{
	if (at && at < *next)
		*next = at;
}

static char *field_path(const struct csim *c)
{
	return xasprintf("spec.containers{%s}", c->name);
}

/* ---- status ---- */

static cJSON *condition(const char *type, bool status, time_t when, const char *reason,
			const char *message)
{
	cJSON *c = cJSON_CreateObject();
	char ts[32];

	jset_str(c, "type", type);
	jset_str(c, "status", status ? "True" : "False");
	jset(c, "lastProbeTime", cJSON_CreateNull());
	rfc3339(when, ts);
	jset_str(c, "lastTransitionTime", ts);
	if (reason)
		jset_str(c, "reason", reason);
	if (message)
		jset_str(c, "message", message);
	return c;
}

static cJSON *container_status(const struct obj *pod, const struct podsim *ps,
			       const struct csim *c)
{
	cJSON *s = cJSON_CreateObject(), *state = cJSON_CreateObject(), *st;
	char ts[32], id[600];

	jset_str(s, "name", c->name);
	jset(s, "state", state);
	if (c->prev_finished) {
		cJSON *last = cJSON_CreateObject(), *t = jchild(last, "terminated");

		jset_int(t, "exitCode", c->prev_exit);
		jset_str(t, "reason", "Error");
		rfc3339(c->prev_started, ts);
		jset_str(t, "startedAt", ts);
		rfc3339(c->prev_finished, ts);
		jset_str(t, "finishedAt", ts);
		snprintf(id, sizeof id, "containerd://%s", c->prev_cid);
		jset_str(t, "containerID", id);
		jset(s, "lastState", last);
	} else {
		jset(s, "lastState", cJSON_CreateObject());
	}
	jset_bool(s, "ready", ps->ready && ps->state == PS_RUNNING);
	jset_int(s, "restartCount", ps->restarts);
	jset_str(s, "image", c->image);
	if (ps->state == PS_NEW || ps->state == PS_CREATING) {
		jset_str(s, "imageID", "");
		jset_bool(s, "started", false);
		st = jchild(state, "waiting");
		jset_str(st, "reason", "ContainerCreating");
		return s;
	}
	{
		/* A kubelet reports the digest it pulled: for an image named by
		 * digest, that one; a tag the sandbox cannot resolve gets a name
		 * that is plainly not a registry's digest. */
		struct imgref r;

		imgref_split(c->image, &r);
		if (r.digest && imgref_is_sha256(r.digest))
			snprintf(id, sizeof id, "%.*s@%s", (int)r.name_len, c->image, r.digest);
		else
			snprintf(id, sizeof id, "sandbox.shipdeck.dev/%s@sha256:%08x", c->image,
				 fnv32a(c->image, strlen(c->image), FNV32A_INIT));
	}
	jset_str(s, "imageID", id);
	snprintf(id, sizeof id, "containerd://%s", c->cid);
	if (ps->state == PS_BACKOFF) {
		char msg[256];

		/* The kubelet still names the container that last ran. */
		snprintf(id, sizeof id, "containerd://%s", c->prev_cid);
		jset_str(s, "containerID", id);
		jset_bool(s, "started", false);
		st = jchild(state, "waiting");
		jset_str(st, "reason", "CrashLoopBackOff");
		snprintf(msg, sizeof msg,
			 "back-off %ds restarting failed container=%s pod=%s_%s(%s)",
			 ps->backoff_s, c->name, pod->name, pod->ns, pod->uid);
		jset_str(st, "message", msg);
		return s;
	}
	jset_str(s, "containerID", id);
	if (ps->state == PS_STOPPING && ps->stopped_wall) {
		st = jchild(state, "terminated");
		jset_int(st, "exitCode", 0);
		jset_str(st, "reason", "Completed");
		rfc3339(c->started_wall, ts);
		jset_str(st, "startedAt", ts);
		rfc3339(ps->stopped_wall, ts);
		jset_str(st, "finishedAt", ts);
		jset_bool(s, "started", false);
		return s;
	}
	jset_bool(s, "started", true);
	st = jchild(state, "running");
	rfc3339(c->started_wall, ts);
	jset_str(st, "startedAt", ts);
	return s;
}

static cJSON *render_status(const struct obj *pod, const struct podsim *ps)
{
	cJSON *st = cJSON_CreateObject(), *conds = cJSON_CreateArray(), *cs, *ips, *ip;
	bool ready = ps->ready && ps->state == PS_RUNNING;
	bool started = ps->state != PS_NEW && ps->state != PS_CREATING;
	struct strbuf unready = { 0 };
	char ts[32];

	jset_str(st, "phase", started ? "Running" : "Pending");
	if (!ready) {
		sb_puts(&unready, "containers with unready status: [");
		for (size_t i = 0; i < ps->nc; i++)
			sb_printf(&unready, "%s%s", i ? " " : "", ps->c[i].name);
		sb_putc(&unready, ']');
	}
	cJSON_AddItemToArray(conds, condition("PodReadyToStartContainers", started,
					      started ? ps->start_wall : ps->sched_wall, NULL,
					      NULL));
	cJSON_AddItemToArray(conds, condition("Initialized", true, ps->sched_wall, NULL, NULL));
	cJSON_AddItemToArray(conds, condition("Ready", ready, ps->ready_wall ? ps->ready_wall
					      : ps->sched_wall, ready ? NULL : "ContainersNotReady",
					      ready ? NULL : sb_str(&unready)));
	cJSON_AddItemToArray(conds, condition("ContainersReady", ready, ps->ready_wall
					      ? ps->ready_wall : ps->sched_wall,
					      ready ? NULL : "ContainersNotReady",
					      ready ? NULL : sb_str(&unready)));
	cJSON_AddItemToArray(conds, condition("PodScheduled", true, ps->sched_wall, NULL, NULL));
	sb_free(&unready);
	jset(st, "conditions", conds);
	jset_str(st, "hostIP", ps->host_ip);
	ips = cJSON_CreateArray();
	ip = cJSON_CreateObject();
	jset_str(ip, "ip", ps->host_ip);
	cJSON_AddItemToArray(ips, ip);
	jset(st, "hostIPs", ips);
	jset_str(st, "podIP", ps->ip);
	ips = cJSON_CreateArray();
	ip = cJSON_CreateObject();
	jset_str(ip, "ip", ps->ip);
	cJSON_AddItemToArray(ips, ip);
	jset(st, "podIPs", ips);
	rfc3339(ps->sched_wall, ts);
	jset_str(st, "startTime", ts);
	cs = cJSON_CreateArray();
	for (size_t i = 0; i < ps->nc; i++)
		cJSON_AddItemToArray(cs, container_status(pod, ps, &ps->c[i]));
	jset(st, "containerStatuses", cs);
	jset_str(st, "qosClass", "BestEffort");
	return st;
}

/* Writes the pod's status when the simulation changed it, or when someone
 * else wrote the pod since (a label patch, a deletion): rendering every pod
 * on every pass would cost a lot at 10,000 pods. */
static void publish(struct sandbox *sb, struct obj *pod, struct podsim *ps)
{
	cJSON *json;

	if (!ps->changed && ps->published_rv == pod->rv)
		return;
	json = cJSON_Duplicate(pod->cur->json, 1);
	if (!jstr(J(json, "spec", "nodeName")))
		jset_str(jchild(json, "spec"), "nodeName", node_names[ps->node]);
	jset(json, "status", render_status(pod, ps));
	sandbox_commit_if_changed(sb, pod, json);
	ps->changed = false;
	ps->published_rv = pod->rv;
}

/* ---- lifecycle ---- */

static void start_containers(struct sandbox *sb, struct obj *pod, struct podsim *ps,
			     int64_t now)
{
	const cJSON *spec = J(pod->cur->json, "spec");

	ps->state = PS_RUNNING;
	ps->start_wall = time(NULL);
	for (size_t i = 0; i < ps->nc; i++) {
		struct csim *c = &ps->c[i];
		char *fp = field_path(c);
		const cJSON *cj = cJSON_GetArrayItem(J(spec, "containers"), (int)i);
		long long port = jint(J(cJSON_GetArrayItem(J(cj, "ports"), 0), "containerPort"),
				      8080);

		if (!c->cur)
			c->cur = ctrlog_new(LOG_LINES);
		c->started_wall = ps->start_wall;
		new_container_id(sb, c->cid);
		sandbox_event(sb, pod, "Normal", "Pulled", "kubelet", node_names[ps->node], fp,
			 "Container image \"%s\" already present on machine", c->image);
		sandbox_event(sb, pod, "Normal", "Created", "kubelet", node_names[ps->node], fp,
			 "Created container: %s", c->name);
		sandbox_event(sb, pod, "Normal", "Started", "kubelet", node_names[ps->node], fp,
			 "Started container %s", c->name);
		free(fp);
		ctr_log(c, "info", "msg=\"starting %s\" image=%s pod=%s", c->name, c->image,
			pod->name);
		ctr_log(c, "info", "msg=\"loading configuration\" path=/etc/%s/config.yaml",
			c->name);
		if (!ps->faults.crash_loop)
			ctr_log(c, "info", "msg=\"listening\" addr=:%lld", port);
	}
	ps->ready = false;
	ps->ready_at = has_readiness_probe(spec)
		? now + sandbox_scaled_ms(sb, (double)readiness_delay_s(spec) * 1000.0) : now;
	ps->probe_at = ps->ready_at;
	ps->crash_at = ps->faults.crash_loop ? now + sandbox_scaled_ms(sb, CRASH_AFTER_MS) : 0;
}

static void crash(struct sandbox *sb, struct obj *pod, struct podsim *ps, int64_t now)
{
	for (size_t i = 0; i < ps->nc; i++) {
		struct csim *c = &ps->c[i];
		char *fp = field_path(c);

		if (c->cur) {
			ctrlog_append(c->cur, time_wall_ms(),
				      "panic: runtime error: invalid memory address or nil pointer "
				      "dereference");
			ctrlog_append(c->cur, time_wall_ms(), "[signal SIGSEGV: segmentation "
				      "violation code=0x1 addr=0x0 pc=0x6b8f2a]");
			ctrlog_append(c->cur, time_wall_ms(), "%s", "");
			ctrlog_append(c->cur, time_wall_ms(), "goroutine 1 [running]:");
			ctrlog_append(c->cur, time_wall_ms(), "main.loadConfig(...)");
			ctrlog_append(c->cur, time_wall_ms(), "\t/src/%s/config.go:42", c->name);
			ctrlog_append(c->cur, time_wall_ms(), "main.main()");
			ctrlog_append(c->cur, time_wall_ms(), "\t/src/%s/main.go:17 +0x2a",
				      c->name);
			c->cur->ended = true;
		}
		ctrlog_unref(c->prev);
		c->prev = c->cur;
		c->cur = NULL;
		c->prev_started = c->started_wall;
		c->prev_finished = time(NULL);
		c->prev_exit = 2;
		memcpy(c->prev_cid, c->cid, sizeof c->cid);
		ps->backoff_s = ps->restarts >= 5 ? BACKOFF_MAX_S : 10 << ps->restarts;
		if (ps->backoff_s > BACKOFF_MAX_S)
			ps->backoff_s = BACKOFF_MAX_S;
		sandbox_event(sb, pod, "Warning", "BackOff", "kubelet", node_names[ps->node], fp,
			 "Back-off restarting failed container %s in pod %s_%s(%s)", c->name,
			 pod->name, pod->ns, pod->uid);
		free(fp);
	}
	if (ps->ready)
		ps->ready_wall = time(NULL);
	ps->ready = false;
	ps->state = PS_BACKOFF;
	ps->crash_at = 0;
	ps->restart_at = now + sandbox_scaled_ms(sb, ps->backoff_s * 1000.0);
}

static void become_ready(struct podsim *ps, int64_t now)
{
	ps->ready = true;
	ps->ready_since = now;
	ps->ready_wall = time(NULL);
	for (size_t i = 0; i < ps->nc; i++)
		ctr_log(&ps->c[i], "info", "msg=\"ready to serve requests\"");
}

static void probe_fails(struct sandbox *sb, struct obj *pod, struct podsim *ps)
{
	for (size_t i = 0; i < ps->nc; i++) {
		char *fp = field_path(&ps->c[i]);

		ctr_log(&ps->c[i], "warn", "msg=\"dependency not reachable, not ready\" "
		     "dependency=db:5432 err=\"connection refused\"");
		sandbox_event(sb, pod, "Warning", "Unhealthy", "kubelet", node_names[ps->node], fp,
			 "Readiness probe failed: HTTP probe failed with statuscode: 503");
		free(fp);
	}
}

static void begin_stop(struct sandbox *sb, struct obj *pod, struct podsim *ps, int64_t now)
{
	long long grace = jint(J(pod->cur->json, "metadata", "deletionGracePeriodSeconds"), 30);
	double stop_ms = grace * 1000.0 < STOP_MS ? grace * 1000.0 : STOP_MS;
	bool was_running = ps->state == PS_RUNNING;

	if (was_running) {
		for (size_t i = 0; i < ps->nc; i++) {
			char *fp = field_path(&ps->c[i]);

			sandbox_event(sb, pod, "Normal", "Killing", "kubelet", node_names[ps->node],
				      fp, "Stopping container %s", ps->c[i].name);
			ctr_log(&ps->c[i], "info",
				"msg=\"received SIGTERM, draining connections\"");
			free(fp);
		}
	}
	if (ps->ready)
		ps->ready_wall = time(NULL);
	ps->ready = false;
	ps->state = PS_STOPPING;
	ps->remove_at = now + sandbox_scaled_ms(sb, was_running ? stop_ms : 0);
}

static void finish_stop(struct podsim *ps)
{
	for (size_t i = 0; i < ps->nc; i++) {
		ctr_log(&ps->c[i], "info", "msg=\"shutdown complete\"");
		if (ps->c[i].cur)
			ps->c[i].cur->ended = true;
	}
	ps->stopped_wall = time(NULL);
}

/* One pod; returns false when the pod was removed. */
static bool sync_pod(struct sandbox *sb, struct obj *pod, int64_t now, int64_t *next)
{
	struct podsim *ps = sim(pod);
	bool deleting = pod->deleting;
	enum pod_state before = ps ? ps->state : PS_NEW;
	bool ready_before = ps && ps->ready;
	int restarts_before = ps ? ps->restarts : 0;
	if (!ps) {
		ps = podsim_new(sb, pod);
		ps->sched_wall = time(NULL);
		sandbox_event(sb, pod, "Normal", "Scheduled", "default-scheduler", NULL, NULL,
			 "Successfully assigned %s/%s to %s", pod->ns, pod->name,
			 node_names[ps->node]);
		ps->state = PS_CREATING;
		ps->start_at = now + sandbox_scaled_ms(sb, ps->faults.start_ms);
	}
	if (deleting && ps->state != PS_STOPPING)
		begin_stop(sb, pod, ps, now);
	switch (ps->state) {
	case PS_NEW:
	case PS_CREATING:
		if (now >= ps->start_at)
			start_containers(sb, pod, ps, now);
		else
			due(next, ps->start_at);
		break;
	case PS_BACKOFF:
		if (now < ps->restart_at) {
			due(next, ps->restart_at);
			break;
		}
		ps->restarts++;
		start_containers(sb, pod, ps, now);
		break;
	case PS_STOPPING:
		if (now >= ps->remove_at) {
			finish_stop(ps);
			objstore_remove(&sb->store, pod);
			return false;
		}
		due(next, ps->remove_at);
		break;
	case PS_RUNNING:
		break;
	}
	if (ps->state == PS_RUNNING) {
		if (ps->crash_at && now >= ps->crash_at) {
			crash(sb, pod, ps, now);
			due(next, ps->restart_at);
		} else {
			if (!ps->ready && now >= ps->ready_at) {
				if (!ps->faults.never_ready) {
					become_ready(ps, now);
				} else if (now >= ps->probe_at) {
					probe_fails(sb, pod, ps);
					ps->probe_at = now
						+ sandbox_scaled_ms(sb, ps->period_s * 1000.0);
				}
			}
			if (!ps->ready)
				due(next, ps->faults.never_ready ? ps->probe_at : ps->ready_at);
			due(next, ps->crash_at);
		}
	}
	if (ps->state != before || ps->ready != ready_before || ps->restarts != restarts_before)
		ps->changed = true;
	publish(sb, pod, ps);
	return true;
}

void kubelet_sync(struct sandbox *sb, int64_t now, int64_t *next_due)
{
	struct kstore *ks = &sb->store.k[K_POD];

	/* Backwards: a removed pod swaps the last one into its place. */
	for (size_t i = ks->n; i-- > 0;)
		if (i < ks->n)
			sync_pod(sb, ks->v[i], now, next_due);
}

void kubelet_add_nodes(struct sandbox *sb)
{
	for (int i = 0; i < SANDBOX_NODES; i++) {
		cJSON *n = cJSON_CreateObject(), *m, *st, *conds, *c, *addrs, *a, *info, *cap;
		char uid[37], ts[32], ip[16];

		objstore_new_uid(uid);
		sb_now_rfc3339(ts);
		snprintf(ip, sizeof ip, "172.18.0.%d", i + 2);
		jset_str(n, "kind", "Node");
		jset_str(n, "apiVersion", "v1");
		m = jchild(n, "metadata");
		jset_str(m, "name", node_names[i]);
		jset_str(m, "uid", uid);
		jset_str(m, "creationTimestamp", ts);
		jmeta_set(n, "labels", "kubernetes.io/hostname", node_names[i]);
		jmeta_set(n, "labels", "kubernetes.io/os", "linux");
		jmeta_set(n, "labels", "kubernetes.io/arch", "amd64");
		jmeta_set(n, "labels", "type", "sandbox");
		jset_str(jchild(n, "spec"), "podCIDR", "10.244.0.0/24");
		st = jchild(n, "status");
		conds = cJSON_CreateArray();
		c = cJSON_CreateObject();
		jset_str(c, "type", "Ready");
		jset_str(c, "status", "True");
		jset_str(c, "reason", "KubeletReady");
		jset_str(c, "message", "kubelet is posting ready status");
		jset_str(c, "lastHeartbeatTime", ts);
		jset_str(c, "lastTransitionTime", ts);
		cJSON_AddItemToArray(conds, c);
		jset(st, "conditions", conds);
		addrs = cJSON_CreateArray();
		a = cJSON_CreateObject();
		jset_str(a, "type", "InternalIP");
		jset_str(a, "address", ip);
		cJSON_AddItemToArray(addrs, a);
		a = cJSON_CreateObject();
		jset_str(a, "type", "Hostname");
		jset_str(a, "address", node_names[i]);
		cJSON_AddItemToArray(addrs, a);
		jset(st, "addresses", addrs);
		cap = jchild(st, "capacity");
		jset_str(cap, "cpu", "32");
		jset_str(cap, "memory", "256Gi");
		jset_str(cap, "pods", "10000");
		jset(st, "allocatable", cJSON_Duplicate(cap, 1));
		info = jchild(st, "nodeInfo");
		jset_str(info, "kubeletVersion", "v1.32.4");
		jset_str(info, "kubeProxyVersion", "v1.32.4");
		jset_str(info, "osImage", "shipdeck sandbox");
		jset_str(info, "kernelVersion", "6.1.0-sandbox");
		jset_str(info, "containerRuntimeVersion", "containerd://1.7.24");
		jset_str(info, "operatingSystem", "linux");
		jset_str(info, "architecture", "amd64");
		objstore_commit(&sb->store, &kinds[K_NODE], n);
	}
}

bool kubelet_pod_ready(const struct obj *pod)
{
	const struct podsim *ps = sim(pod);

	return ps && ps->ready && ps->state == PS_RUNNING;
}

bool kubelet_pod_available(struct sandbox *sb, const struct obj *pod, long long min_ready_s,
			   int64_t now, int64_t *due_at)
{
	const struct podsim *ps = sim(pod);
	int64_t at;

	if (!kubelet_pod_ready(pod))
		return false;
	if (min_ready_s <= 0)
		return true;
	at = ps->ready_since + sandbox_scaled_ms(sb, min_ready_s * 1000.0);
	if (now >= at)
		return true;
	due(due_at, at);
	return false;
}

void kubelet_delete_pod(struct sandbox *sb, struct obj *pod, long long grace)
{
	const cJSON *meta = J(pod->cur->json, "metadata");
	cJSON *json;
	char ts[32];

	if (grace < 0)
		grace = jint(J(pod->cur->json, "spec", "terminationGracePeriodSeconds"), 30);
	if (grace == 0 || !sim(pod) || !jstr(J(pod->cur->json, "spec", "nodeName"))) {
		objstore_remove(&sb->store, pod);
		return;
	}
	if (J(meta, "deletionTimestamp")
	    && jint(J(meta, "deletionGracePeriodSeconds"), 30) <= grace)
		return;
	json = cJSON_Duplicate(pod->cur->json, 1);
	time_format_rfc3339(time(NULL) + grace, ts, sizeof ts);
	jset_str(jchild(json, "metadata"), "deletionTimestamp", ts);
	jset_int(jchild(json, "metadata"), "deletionGracePeriodSeconds", grace);
	objstore_commit(&sb->store, &kinds[K_POD], json);
	sb->dirty = true;
}

struct ctrlog *kubelet_log(struct obj *pod, const char *container, bool previous,
			   char *why, size_t why_size)
{
	struct podsim *ps = sim(pod);
	const cJSON *c;
	struct csim *cs = NULL;

	if (!container || !*container) {
		int n = cJSON_GetArraySize(J(pod->cur->json, "spec", "containers"));

		if (n > 1) {
			struct strbuf names = { 0 };

			cJSON_ArrayForEach(c, J(pod->cur->json, "spec", "containers"))
				sb_printf(&names, "%s%s", names.len ? " " : "",
					  jstr(J(c, "name")) ? jstr(J(c, "name")) : "");
			snprintf(why, why_size, "a container name must be specified for pod %s, "
				 "choose one of: [%s]", pod->name, sb_str(&names));
			sb_free(&names);
			return NULL;
		}
		container = jstr(J(cJSON_GetArrayItem(J(pod->cur->json, "spec", "containers"), 0),
				   "name"));
	}
	for (size_t i = 0; ps && container && i < ps->nc; i++)
		if (!strcmp(ps->c[i].name, container))
			cs = &ps->c[i];
	if (!cs) {
		bool declared = false;

		cJSON_ArrayForEach(c, J(pod->cur->json, "spec", "containers"))
			if (container && !strcmp(jstr(J(c, "name")) ? jstr(J(c, "name")) : "",
						 container))
				declared = true;
		if (declared)
			snprintf(why, why_size,
				 "container \"%s\" in pod \"%s\" is waiting to start: "
				 "ContainerCreating", container, pod->name);
		else
			snprintf(why, why_size, "container %s is not valid for pod %s",
				 container ? container : "", pod->name);
		return NULL;
	}
	if (previous) {
		if (!cs->prev) {
			snprintf(why, why_size,
				 "previous terminated container \"%s\" in pod \"%s\" not found",
				 cs->name, pod->name);
			return NULL;
		}
		return ctrlog_ref(cs->prev);
	}
	if (!cs->cur && ps->state == PS_BACKOFF && cs->prev)
		return ctrlog_ref(cs->prev);  /* the kubelet shows the last run */
	if (!cs->cur) {
		snprintf(why, why_size, "container \"%s\" in pod \"%s\" is waiting to start: %s",
			 cs->name, pod->name, ps->state == PS_BACKOFF ? "CrashLoopBackOff"
			 : "ContainerCreating");
		return NULL;
	}
	return ctrlog_ref(cs->cur);
}

const struct faultset *kubelet_faults(const struct obj *pod)
{
	const struct podsim *ps = sim(pod);

	return ps ? &ps->faults : NULL;
}

struct ctrlog *kubelet_main_log(const struct obj *pod)
{
	const struct podsim *ps = sim(pod);

	return ps && ps->nc ? ps->c[0].cur : NULL;
}
