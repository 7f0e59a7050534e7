#include "upstream/cluster.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "app/loop.h"
#include "net/http.h"
#include "sandbox/faults.h"
#include "sandbox/tls.h"
#include "upstream/stages.h"
#include "util/file.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

const char *const upstream_component_names[UP_NCOMPONENTS] = {
	[UP_ETCD] = "etcd",
	[UP_APISERVER] = "kube-apiserver",
	[UP_CONTROLLER_MANAGER] = "kube-controller-manager",
	[UP_SCHEDULER] = "kube-scheduler",
	[UP_KWOK] = "kwok",
};

enum { START_TIMEOUT_MS = 90000 };

char *upstream_default_bin_dir(void)
{
	const char *env = getenv("SHIPDECK_UPSTREAM_BIN");

	if (env && *env)
		return xstrdup(env);
	return xdg_cache_path("upstream/" SHIPDECK_UPSTREAM_KEY "/bin");
}

const char *upstream_missing_binary(const char *bin_dir)
{
	for (int i = 0; i < UP_NCOMPONENTS; i++) {
		char *p = xasprintf("%s/%s", bin_dir, upstream_component_names[i]);
		bool ok = access(p, X_OK) == 0;

		free(p);
		if (!ok)
			return upstream_component_names[i];
	}
	return NULL;
}

static bool port_free(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	bool ok;

	if (fd < 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

/* A port the kernel calls free now; the components bind it a moment later. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0
	    && getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* The last lines of a component's log, for an error message. */
static void log_tail(const char *log, struct strbuf *out)
{
	size_t len;
	char *data = file_read_all(log, &len, NULL);
	const char *p;
	int lines = 0;

	if (!data)
		return;
	p = data + len;
	while (p > data && lines < 4)
		if (*--p == '\n' && p + 1 < data + len)
			lines++;
	if (*p == '\n')
		p++;
	for (; *p; p++)
		sb_putc(out, *p == '\n' ? (p[1] ? '|' : ' ') : *p);
	free(data);
}

/* err: "COMPONENT WHAT (log: LOG): its last lines". */
static int component_error(struct upstream_cluster *c, int comp, const char *what,
			   struct err *err)
{
	struct strbuf tail = { 0 };

	log_tail(c->procs[comp].log, &tail);
	err_set(err, "%s %s (log: %s)%s%s", upstream_component_names[comp], what,
		c->procs[comp].log, tail.len ? ": " : "", sb_str(&tail));
	sb_free(&tail);
	return -1;
}

static int start_proc(struct upstream_cluster *c, int comp, char **argv, struct err *err)
{
	struct upstream_proc *p = &c->procs[comp];

	argv[0] = xasprintf("%s/%s", c->opt.bin_dir, upstream_component_names[comp]);
	p->log = xasprintf("%s/logs/%s.log", c->opt.dir, upstream_component_names[comp]);
	p->pid = spawn_logged(argv, p->log, NULL, true, err);
	free(argv[0]);
	if (p->pid < 0) {
		p->pid = 0;
		return err_prefix(err, "%s", upstream_component_names[comp]);
	}
	p->start_time = spawn_start_time(p->pid);
	return 0;
}

/* Exited already? Then err says so with its log. */
static int check_alive(struct upstream_cluster *c, int comp, struct err *err)
{
	struct upstream_proc *p = &c->procs[comp];
	int status;

	if (!p->pid || waitpid(p->pid, &status, WNOHANG) != p->pid)
		return 0;
	p->pid = 0;
	return component_error(c, comp, WIFEXITED(status)
			       ? "exited while starting" : "was killed while starting", err);
}

struct waiter {
	struct loop *loop;
	struct http *http;
	struct upstream_cluster *c;
};

static void on_timer(void *ctx)
{
	*(bool *)ctx = true;
}

static bool stopping(const struct waiter *w)
{
	return w->c->opt.stop && *w->c->opt.stop;
}

static void nap(struct waiter *w, int ms)
{
	bool done = false;
	uint64_t timer = loop_timer_add(w->loop, ms, on_timer, &done);

	while (!done && !stopping(w))
		loop_run_once(w->loop, -1);
	if (!done)
		loop_timer_cancel(w->loop, timer);
}

/* One request to the apiserver as ourselves (or plain HTTP for etcd). */
static int request(struct waiter *w, const char *method, const char *url, const char *body,
		   struct http_response *resp, struct err *err)
{
	struct http_tls tls = { .ca_pem = w->c->ca_pem,
				.ca_pem_len = w->c->ca_pem ? strlen(w->c->ca_pem) : 0 };
	const char *headers[] = { "Content-Type: application/json", "Accept: application/json",
				  NULL };
	bool https = !strncmp(url, "https:", 6);

	return http_request_sync(w->http, w->loop, &(struct http_request){
		.method = method, .url = url, .body = body, .body_len = body ? strlen(body) : 0,
		.headers = headers, .bearer_token = https ? w->c->own_token : NULL,
		.tls = https ? &tls : NULL, .timeout_ms = 5000, .connect_timeout_ms = 1000 },
		resp, err);
}

typedef bool (*ready_fn)(struct waiter *w, const struct http_response *resp);

/* Polls url until it answers 200 and ready (may be NULL) agrees, while comp
 * runs; START_TIMEOUT_MS at most. */
static int wait_ready(struct waiter *w, int comp, const char *url, ready_fn ready,
		      const char *what, struct err *err)
{
	int64_t deadline = time_mono_ms() + START_TIMEOUT_MS;
	char last[256] = "", msg[512];

	while (time_mono_ms() < deadline) {
		struct http_response resp;
		bool ok = false;

		if (stopping(w))
			return err_set(err, "stopped while %s was starting", upstream_component_names[comp]);
		if (check_alive(w->c, comp, err))
			return -1;
		if (request(w, "GET", url, NULL, &resp, NULL) == 0) {
			ok = resp.status == 200 && (!ready || ready(w, &resp));
			if (resp.status)
				snprintf(last, sizeof last, "HTTP %ld", resp.status);
			else
				snprintf(last, sizeof last, "%s", resp.error);
			http_response_free(&resp);
		}
		if (ok)
			return 0;
		nap(w, 200);
	}
	snprintf(msg, sizeof msg, "%s within %d s (%s answered: %s)", what, START_TIMEOUT_MS / 1000,
		 url, last[0] ? last : "nothing");
	return component_error(w->c, comp, msg, err);
}

static bool nodes_ready(struct waiter *w, const struct http_response *resp)
{
	cJSON *list = cJSON_Parse(resp->body), *node;
	int ready = 0;

	cJSON_ArrayForEach(node, cJSON_GetObjectItemCaseSensitive(list, "items")) {
		cJSON *conds = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(node, "status"), "conditions"), *cond;

		cJSON_ArrayForEach(cond, conds) {
			const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cond, "type"));
			const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cond, "status"));

			if (type && st && !strcmp(type, "Ready") && !strcmp(st, "True"))
				ready++;
		}
	}
	cJSON_Delete(list);
	return ready >= w->c->opt.nodes;
}

static int write_file(const char *dir, const char *name, const char *data, char **path,
		      struct err *err)
{
	char *p = xasprintf("%s/%s", dir, name);
	int rc = file_write_atomic(p, data, strlen(data), err);

	if (path)
		*path = p;
	else
		free(p);
	return rc;
}

/* The audit policy: every request of every user, at the Metadata level (verb,
 * resource, user, code) — the real equivalent of the sandbox's request log. */
static const char audit_policy[] =
	"apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\n"
	"rules:\n- level: Metadata\n";

struct identity {
	const char *user;
	const char *groups;
	char token[65];
};

static int create_nodes(struct waiter *w, struct err *err)
{
	char *url = xasprintf("%s/api/v1/nodes", w->c->url);
	int rc = 0;

	for (int i = 1; i <= w->c->opt.nodes && !rc; i++) {
		struct http_response resp;
		char *body = xasprintf(
			"{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"kwok-node-%d\","
			"\"annotations\":{\"kwok.x-k8s.io/node\":\"fake\"},"
			"\"labels\":{\"kubernetes.io/hostname\":\"kwok-node-%d\",\"kubernetes.io/os\":\"linux\","
			"\"kubernetes.io/arch\":\"amd64\",\"type\":\"kwok\"}},\"spec\":{}}", i, i);

		rc = request(w, "POST", url, body, &resp, err);
		if (!rc && resp.status != 201 && resp.status != 409)
			rc = err_set(err, "POST %s: HTTP %ld: %.200s", url, resp.status,
				     resp.body ? resp.body : resp.error);
		http_response_free(&resp);
		free(body);
	}
	free(url);
	return rc;
}

/* Where a manifest's object is created: the kinds the demo and the tests
 * hand over (others are refused by name). */
static char *collection_url(const char *base, const char *api_version, const char *kind,
			    const char *ns)
{
	static const struct { const char *kind, *plural; bool cluster; } kinds[] = {
		{ "Namespace", "namespaces", true }, { "Service", "services", false },
		{ "ConfigMap", "configmaps", false }, { "Secret", "secrets", false },
		{ "ServiceAccount", "serviceaccounts", false }, { "Pod", "pods", false },
		{ "Deployment", "deployments", false }, { "ReplicaSet", "replicasets", false },
		{ "StatefulSet", "statefulsets", false }, { "DaemonSet", "daemonsets", false },
		{ "Job", "jobs", false },
	};
	const char *prefix = strchr(api_version, '/') ? "apis" : "api";

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i].kind, kind))
			return kinds[i].cluster
				? xasprintf("%s/%s/%s/%s", base, prefix, api_version, kinds[i].plural)
				: xasprintf("%s/%s/%s/namespaces/%s/%s", base, prefix, api_version,
					    ns, kinds[i].plural);
	return NULL;
}

/* The sandbox's --time-scale also divides a Deployment's own times; the real
 * controller counts them in real seconds, so the manifests it is handed get
 * them divided instead (the progress deadline at least 2 s). */
static void scale_times(cJSON *obj, double scale)
{
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec"), *v;
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "kind"));
	double deadline = 600;

	if (scale == 1 || !kind || strcmp(kind, "Deployment") || !cJSON_IsObject(spec))
		return;
	v = cJSON_GetObjectItemCaseSensitive(spec, "progressDeadlineSeconds");
	if (cJSON_IsNumber(v))
		deadline = v->valuedouble;
	deadline = deadline / scale < 2 ? 2 : deadline / scale + 0.999;
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "progressDeadlineSeconds");
	cJSON_AddNumberToObject(spec, "progressDeadlineSeconds", (int)deadline);
	v = cJSON_GetObjectItemCaseSensitive(spec, "minReadySeconds");
	if (cJSON_IsNumber(v))
		cJSON_SetNumberValue(v, (int)(v->valuedouble / scale + 0.5));
}

static int create_manifests(struct waiter *w, const char *path, struct err *err)
{
	struct ydoc doc;
	int rc = 0;

	if (ydoc_load_file(&doc, path, err))
		return -1;
	for (size_t i = 0; i < doc.n && !rc; i++) {
		cJSON *obj = ynode_to_json(doc.roots[i]);
		const char *av = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "apiVersion"));
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "kind"));
		cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
		const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "namespace"));
		char *url = av && kind ? collection_url(w->c->url, av, kind, ns ? ns : "default") : NULL;
		char *body;
		struct http_response resp;

		if (!url) {
			rc = err_set(err, "%s:%d: %s: not a kind shipdeck-upstream creates", path,
				     doc.roots[i]->line, kind ? kind : "a document without kind");
			cJSON_Delete(obj);
			break;
		}
		scale_times(obj, w->c->opt.time_scale);
		body = cJSON_PrintUnformatted(obj);
		rc = request(w, "POST", url, body, &resp, err);
		if (!rc && resp.status != 201 && resp.status != 409)
			rc = err_set(err, "%s:%d: POST %s: HTTP %ld: %.300s", path, doc.roots[i]->line,
				     url, resp.status, resp.body ? resp.body : resp.error);
		http_response_free(&resp);
		free(body);
		free(url);
		cJSON_Delete(obj);
	}
	ydoc_free(&doc);
	return rc;
}

static char *kwok_config(const struct upstream_opts *o, struct err *err)
{
	struct faults faults = { 0 };
	char *yaml;

	if (o->faults && faults_load(&faults, o->faults, err))
		return NULL;
	yaml = upstream_stages_yaml(&faults, o->time_scale);
	faults_free(&faults);
	return yaml;
}

int upstream_start(struct upstream_cluster *c, const struct upstream_opts *o, struct loop *loop,
		   struct err *err)
{
	struct tls_material tls = { 0 };
	struct identity ids[] = {
		{ .user = "shipdeck-admin", .groups = "system:masters" },
		{ .user = "system:kube-controller-manager", .groups = "" },
		{ .user = "system:kube-scheduler", .groups = "" },
		{ .user = "kwok-controller", .groups = "system:masters" },
		/* our own requests (nodes, manifests), told apart from the
		 * admin's in the audit log */
		{ .user = "shipdeck-upstream", .groups = "system:masters" },
	};
	struct waiter w = { 0 };
	struct strbuf tokens = { 0 };
	char *certs = NULL, *logs = NULL, *ca = NULL, *crt = NULL, *key = NULL, *sa = NULL;
	char *sa_pem = NULL, *token_file = NULL, *policy = NULL, *stages = NULL, *stages_yaml = NULL;
	char *kc[4] = { 0 }, *url = NULL;
	char *etcd_data = NULL, *etcd_client = NULL, *etcd_peer = NULL, *etcd_cluster = NULL;
	char *a[40];
	char port_s[16], kwok_port_s[48], cm_port_s[16], sched_port_s[16];
	int etcd_port, etcd_peer_port, kwok_port, rc = -1;

	memset(c, 0, sizeof *c);
	c->opt = *o;
	if (c->opt.nodes <= 0)
		c->opt.nodes = 3;
	if (c->opt.time_scale <= 0)
		c->opt.time_scale = 1;
	if (o->port && !port_free(o->port))
		return err_set(err, "kube-apiserver: port 127.0.0.1:%d is in use", o->port);
	c->port = o->port ? o->port : free_port();
	c->url = xasprintf("https://127.0.0.1:%d", c->port);

	certs = xasprintf("%s/pki", o->dir);
	logs = xasprintf("%s/logs", o->dir);
	if (file_mkdirs(certs, err) || file_mkdirs(logs, err))
		goto out;
	/* certificates, the service-account key, the tokens and kubeconfigs */
	if (tls_make(&tls, err) || !(sa_pem = tls_make_key_pem(err)))
		goto out;
	c->ca_pem = xstrdup(tls.ca_pem);
	if (write_file(certs, "ca.crt", tls.ca_pem, &ca, err)
	    || write_file(certs, "apiserver.crt", tls.cert_pem, &crt, err)
	    || write_file(certs, "apiserver.key", tls.key_pem, &key, err)
	    || write_file(certs, "sa.key", sa_pem, &sa, err))
		goto out;
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		tls_make_token(ids[i].token);
		sb_printf(&tokens, "%s,%s,%s%s%s%s\n", ids[i].token, ids[i].user, ids[i].user,
			  *ids[i].groups ? ",\"" : "", ids[i].groups, *ids[i].groups ? "\"" : "");
	}
	memcpy(c->own_token, ids[4].token, sizeof c->own_token);
	if (write_file(certs, "tokens.csv", sb_str(&tokens), &token_file, err)
	    || write_file(o->dir, "audit-policy.yaml", audit_policy, &policy, err))
		goto out;
	if (tls_write_kubeconfig_named(o->kubeconfig_out, "shipdeck-upstream", c->url, tls.ca_pem,
				       ids[0].token, err))
		goto out;
	for (int i = 1; i < 4; i++) {
		kc[i] = xasprintf("%s/%s.kubeconfig", certs, ids[i].user);
		if (tls_write_kubeconfig_named(kc[i], "shipdeck-upstream", c->url, tls.ca_pem,
					       ids[i].token, err))
			goto out;
	}
	if (!(stages_yaml = kwok_config(o, err)) || write_file(o->dir, "kwok.yaml", stages_yaml,
							       &stages, err))
		goto out;

	w.loop = loop;
	w.http = http_new(w.loop);
	w.c = c;

	/* etcd */
	etcd_port = free_port();
	etcd_peer_port = free_port();
	etcd_data = xasprintf("%s/etcd", o->dir);
	etcd_client = xasprintf("http://127.0.0.1:%d", etcd_port);
	etcd_peer = xasprintf("http://127.0.0.1:%d", etcd_peer_port);
	etcd_cluster = xasprintf("default=%s", etcd_peer);
	{
		int n = 0;

		a[n++] = NULL;
		a[n++] = "--name=default";
		a[n++] = "--data-dir";
		a[n++] = etcd_data;
		a[n++] = "--listen-client-urls";
		a[n++] = etcd_client;
		a[n++] = "--advertise-client-urls";
		a[n++] = etcd_client;
		a[n++] = "--listen-peer-urls";
		a[n++] = etcd_peer;
		a[n++] = "--initial-advertise-peer-urls";
		a[n++] = etcd_peer;
		a[n++] = "--initial-cluster";
		a[n++] = etcd_cluster;
		a[n++] = "--log-level=warn";
		/* a test cluster: losing the last writes on a power cut is fine */
		a[n++] = "--unsafe-no-fsync";
		a[n] = NULL;
		if (start_proc(c, UP_ETCD, a, err))
			goto out;
	}
	fprintf(stderr, "shipdeck-upstream: etcd starting (%s)…\n", etcd_client);
	url = xasprintf("%s/health", etcd_client);
	if (wait_ready(&w, UP_ETCD, url, NULL, "did not become healthy", err))
		goto out;
	free(url);
	url = NULL;

	/* kube-apiserver */
	snprintf(port_s, sizeof port_s, "%d", c->port);
	{
		char *f[16] = { 0 };
		int n = 0, k = 0;

		a[n++] = NULL;
		a[n++] = f[k++] = xasprintf("--etcd-servers=%s", etcd_client);
		a[n++] = "--bind-address=127.0.0.1";
		a[n++] = "--advertise-address=127.0.0.1";
		a[n++] = f[k++] = xasprintf("--secure-port=%s", port_s);
		a[n++] = f[k++] = xasprintf("--tls-cert-file=%s", crt);
		a[n++] = f[k++] = xasprintf("--tls-private-key-file=%s", key);
		a[n++] = f[k++] = xasprintf("--client-ca-file=%s", ca);
		a[n++] = f[k++] = xasprintf("--token-auth-file=%s", token_file);
		a[n++] = "--authorization-mode=Node,RBAC";
		a[n++] = f[k++] = xasprintf("--service-account-issuer=%s", c->url);
		a[n++] = f[k++] = xasprintf("--service-account-key-file=%s", sa);
		a[n++] = f[k++] = xasprintf("--service-account-signing-key-file=%s", sa);
		a[n++] = "--service-cluster-ip-range=10.96.0.0/16";
		a[n++] = f[k++] = xasprintf("--audit-policy-file=%s", policy);
		a[n++] = f[k++] = o->audit_log ? xasprintf("--audit-log-path=%s", o->audit_log)
			: xasprintf("--audit-log-path=%s/audit.log", o->dir);
		a[n++] = "--audit-log-format=json";
		a[n++] = f[k++] = xasprintf("--cert-dir=%s/apiserver", o->dir);
		a[n++] = "--endpoint-reconciler-type=none";
		/* a node's kubelet is kwok on 127.0.0.1: never look its name up */
		a[n++] = "--kubelet-preferred-address-types=InternalIP";
		a[n] = NULL;
		rc = start_proc(c, UP_APISERVER, a, err);
		for (int i = 0; i < k; i++)
			free(f[i]);
		if (rc)
			goto out;
		rc = -1;
	}
	fprintf(stderr, "shipdeck-upstream: kube-apiserver starting (%s)…\n", c->url);
	url = xasprintf("%s/readyz", c->url);
	if (wait_ready(&w, UP_APISERVER, url, NULL, "did not become ready", err))
		goto out;
	free(url);
	url = NULL;

	/* the controllers, the scheduler and kwok */
	snprintf(cm_port_s, sizeof cm_port_s, "%d", free_port());
	{
		char *f[8] = { 0 };
		int n = 0, k = 0;

		a[n++] = NULL;
		a[n++] = f[k++] = xasprintf("--kubeconfig=%s", kc[1]);
		a[n++] = "--leader-elect=false";
		a[n++] = "--bind-address=127.0.0.1";
		a[n++] = f[k++] = xasprintf("--secure-port=%s", cm_port_s);
		a[n++] = f[k++] = xasprintf("--service-account-private-key-file=%s", sa);
		a[n++] = f[k++] = xasprintf("--root-ca-file=%s", ca);
		a[n++] = f[k++] = xasprintf("--cert-dir=%s/controller-manager", o->dir);
		a[n++] = "--use-service-account-credentials=true";
		a[n] = NULL;
		rc = start_proc(c, UP_CONTROLLER_MANAGER, a, err);
		for (int i = 0; i < k; i++)
			free(f[i]);
		if (rc)
			goto out;
		rc = -1;
	}
	snprintf(sched_port_s, sizeof sched_port_s, "%d", free_port());
	{
		char *f[4] = { 0 };
		int n = 0, k = 0;

		a[n++] = NULL;
		a[n++] = f[k++] = xasprintf("--kubeconfig=%s", kc[2]);
		a[n++] = "--leader-elect=false";
		a[n++] = "--bind-address=127.0.0.1";
		a[n++] = f[k++] = xasprintf("--secure-port=%s", sched_port_s);
		a[n++] = f[k++] = xasprintf("--cert-dir=%s/scheduler", o->dir);
		a[n] = NULL;
		rc = start_proc(c, UP_SCHEDULER, a, err);
		for (int i = 0; i < k; i++)
			free(f[i]);
		if (rc)
			goto out;
		rc = -1;
	}
	kwok_port = free_port();
	snprintf(kwok_port_s, sizeof kwok_port_s, "127.0.0.1:%d", kwok_port);
	{
		char *f[8] = { 0 };
		int n = 0, k = 0;

		a[n++] = NULL;
		a[n++] = f[k++] = xasprintf("--kubeconfig=%s", kc[3]);
		a[n++] = f[k++] = xasprintf("--config=%s", stages);
		/* the nodes' address and kubelet port are kwok's own server on
		 * loopback, with the apiserver's certificate (SAN 127.0.0.1) */
		a[n++] = "--node-ip=127.0.0.1";
		a[n++] = f[k++] = xasprintf("--node-port=%d", kwok_port);
		a[n++] = f[k++] = xasprintf("--tls-cert-file=%s", crt);
		a[n++] = f[k++] = xasprintf("--tls-private-key-file=%s", key);
		a[n++] = "--cidr=10.244.0.0/16";
		a[n++] = "--manage-all-nodes=false";
		a[n++] = "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake";
		a[n++] = "--node-lease-duration-seconds=40";
		a[n++] = "--server-address";
		a[n++] = kwok_port_s;
		a[n] = NULL;
		rc = start_proc(c, UP_KWOK, a, err);
		for (int i = 0; i < k; i++)
			free(f[i]);
		if (rc)
			goto out;
		rc = -1;
	}
	fprintf(stderr, "shipdeck-upstream: controller-manager, scheduler and kwok starting…\n");
	if (create_nodes(&w, err))
		goto out;
	url = xasprintf("%s/api/v1/nodes", c->url);
	if (wait_ready(&w, UP_KWOK, url, nodes_ready, "did not make the nodes Ready", err))
		goto out;
	free(url);
	/* pods are refused until the service-account controller made the
	 * namespace's default account */
	url = xasprintf("%s/api/v1/namespaces/default/serviceaccounts/default", c->url);
	if (wait_ready(&w, UP_CONTROLLER_MANAGER, url, NULL,
		       "did not create the default service account", err))
		goto out;
	for (int i = UP_CONTROLLER_MANAGER; i < UP_NCOMPONENTS; i++)
		if (check_alive(c, i, err))
			goto out;
	if (o->manifests && create_manifests(&w, o->manifests, err))
		goto out;
	rc = 0;
out:
	if (rc)
		upstream_stop(c);
	http_free(&w.http);
	tls_material_free(&tls);
	sb_free(&tokens);
	for (int i = 0; i < 4; i++)
		free(kc[i]);
	free(certs);
	free(logs);
	free(ca);
	free(crt);
	free(key);
	free(sa);
	free(sa_pem);
	free(token_file);
	free(policy);
	free(stages);
	free(stages_yaml);
	free(url);
	free(etcd_data);
	free(etcd_client);
	free(etcd_peer);
	free(etcd_cluster);
	return rc;
}

int upstream_component_of(const struct upstream_cluster *c, pid_t pid)
{
	for (int i = 0; i < UP_NCOMPONENTS; i++)
		if (c->procs[i].pid == pid)
			return i;
	return -1;
}

/* One at a time, dependents first: an apiserver whose etcd went away first
 * takes its whole grace period to give up. */
void upstream_stop(struct upstream_cluster *c)
{
	for (int i = UP_NCOMPONENTS - 1; i >= 0; i--) {
		struct upstream_proc *p = &c->procs[i];
		int64_t deadline = time_mono_ms() + 10000;

		if (!p->pid)
			continue;
		kill(p->pid, SIGTERM);
		while (p->pid && time_mono_ms() < deadline) {
			pid_t r = waitpid(p->pid, NULL, WNOHANG);

			if (r == p->pid || (r < 0 && errno == ECHILD))
				p->pid = 0;
			else
				usleep(20 * 1000);
		}
		if (p->pid) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
			p->pid = 0;
		}
	}
}

void upstream_free(struct upstream_cluster *c)
{
	for (int i = 0; i < UP_NCOMPONENTS; i++)
		free(c->procs[i].log);
	free(c->url);
	free(c->ca_pem);
	memset(c, 0, sizeof *c);
}
