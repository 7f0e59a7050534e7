#include "upstream/cluster.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "runtime/http.h"
#include "runtime/loop.h"
#include "sandbox/faults.h"
#include "sandbox/tls.h"
#include "upstream/podlogs.h"
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
			return err_set(err, "stopped while %s was starting",
				       upstream_component_names[comp]);
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
			const char *type = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(cond, "type"));
			const char *st = cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(cond, "status"));

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

static int create_nodes(struct waiter *w, struct err *err)
{
	char *url = xasprintf("%s/api/v1/nodes", w->c->url);
	int rc = 0;

	for (int i = 1; i <= w->c->opt.nodes && !rc; i++) {
		struct http_response resp;
		char *body = xasprintf(
			"{\"apiVersion\":\"v1\",\"kind\":\"Node\","
			"\"metadata\":{\"name\":\"kwok-node-%d\","
			"\"annotations\":{\"kwok.x-k8s.io/node\":\"fake\"},"
			"\"labels\":{\"kubernetes.io/hostname\":\"kwok-node-%d\","
			"\"kubernetes.io/os\":\"linux\","
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
				? xasprintf("%s/%s/%s/%s", base, prefix, api_version,
					    kinds[i].plural)
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
		const char *av = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(obj, "apiVersion"));
		const char *kind = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(obj, "kind"));
		cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
		const char *ns = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(meta, "namespace"));
		char *url = av && kind ? collection_url(w->c->url, av, kind, ns ? ns : "default")
			: NULL;
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
			rc = err_set(err, "%s:%d: POST %s: HTTP %ld: %.300s", path,
				     doc.roots[i]->line,
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

/* A component's command line: argv[0] is filled in by start_proc; each
 * argument is a copy, freed with the list. */
struct args {
	char *v[32];
	int n;
};

static void argf(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void argf(struct args *a, const char *fmt, ...)
{
	va_list ap;

	if (!a->n)
		a->v[a->n++] = NULL;
	if (a->n >= (int)(sizeof a->v / sizeof *a->v) - 1)
		abort();
	va_start(ap, fmt);
	a->v[a->n] = xvasprintf(fmt, ap);
	va_end(ap);
	a->v[++a->n] = NULL;
}

static void args_free(struct args *a)
{
	for (int i = 1; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

static int start_args(struct upstream_cluster *c, int comp, struct args *a, struct err *err)
{
	int rc = start_proc(c, comp, a->v, err);

	args_free(a);
	return rc;
}

/* What the components are started with, made in dir/pki and dir. */
struct files {
	char *ca, *crt, *key, *sa;            /* certificates, the service-account key */
	char *tokens, *policy, *stages;       /* token CSV, audit policy, kwok's stages */
	char *kubeconfig[UP_NCOMPONENTS];     /* per component that talks to the apiserver */
};

static void files_free(struct files *f)
{
	free(f->ca);
	free(f->crt);
	free(f->key);
	free(f->sa);
	free(f->tokens);
	free(f->policy);
	free(f->stages);
	for (int i = 0; i < UP_NCOMPONENTS; i++)
		free(f->kubeconfig[i]);
}

/* Who talks to the apiserver, with which groups: the admin (the kubeconfig
 * for clients), the controllers, and the launcher itself — its requests
 * (nodes, manifests) told apart from the admin's in the audit log. */
enum { ID_ADMIN, ID_CONTROLLER_MANAGER, ID_SCHEDULER, ID_KWOK, ID_LAUNCHER, NIDS };
static const struct { const char *user, *groups; int comp; } identities[NIDS] = {
	[ID_ADMIN] = { "shipdeck-admin", "system:masters", -1 },
	[ID_CONTROLLER_MANAGER] = { "system:kube-controller-manager", "", UP_CONTROLLER_MANAGER },
	[ID_SCHEDULER] = { "system:kube-scheduler", "", UP_SCHEDULER },
	[ID_KWOK] = { "kwok-controller", "system:masters", UP_KWOK },
	[ID_LAUNCHER] = { "shipdeck-upstream", "system:masters", -1 },
};

/* A cluster started again on the same --dir keeps its certificates and
 * tokens, as a real control plane keeps its CA: clients' kubeconfigs stay
 * good across the restart. 1 when D/pki held a whole set (loaded into tls,
 * sa_pem and tokens), 0 when there is none yet, -1 with err when it is
 * broken. */
static int load_pki(const char *pki, struct tls_material *tls, char **sa_pem,
		    char tokens[NIDS][65], struct err *err)
{
	static const char *const names[] = { "ca.crt", "apiserver.crt", "apiserver.key", "sa.key",
					     "tokens.csv" };
	char *data[5] = { 0 };
	int rc = -1, found = 0;

	for (int i = 0; i < 5; i++) {
		char *p = xasprintf("%s/%s", pki, names[i]);
		size_t len;

		data[i] = file_read_all(p, &len, NULL);
		found += data[i] != NULL;
		free(p);
	}
	if (!found) {
		rc = 0;
		goto out;
	}
	for (int i = 0; i < 5; i++)
		if (!data[i]) {
			err_set(err, "%s/%s: missing beside the rest of an earlier start's "
				"certificates (remove %s to start afresh)", pki, names[i], pki);
			goto out;
		}
	for (int i = 0; i < NIDS; i++) {
		const char *line = data[4];

		tokens[i][0] = '\0';
		while (line && *line) {
			const char *comma = strchr(line, ','), *eol = strchr(line, '\n');
			size_t ulen = strlen(identities[i].user);

			if (comma && comma - line == 64
			    && !strncmp(comma + 1, identities[i].user, ulen)
			    && comma[1 + ulen] == ',') {
				memcpy(tokens[i], line, 64);
				tokens[i][64] = '\0';
				break;
			}
			line = eol ? eol + 1 : NULL;
		}
		if (!tokens[i][0]) {
			err_set(err, "%s/tokens.csv: no token for %s (remove %s to start afresh)",
				pki, identities[i].user, pki);
			goto out;
		}
	}
	tls->ca_pem = data[0];
	tls->cert_pem = data[1];
	tls->key_pem = data[2];
	*sa_pem = data[3];
	data[0] = data[1] = data[2] = data[3] = NULL;
	rc = 1;
out:
	for (int i = 0; i < 5; i++)
		free(data[i]);
	return rc;
}

static int make_files(struct upstream_cluster *c, struct files *f, struct err *err)
{
	const struct upstream_opts *o = &c->opt;
	struct tls_material tls = { 0 };
	struct strbuf tokens = { 0 };
	char *pki = xasprintf("%s/pki", o->dir), *logs = xasprintf("%s/logs", o->dir);
	char *sa_pem = NULL, *stages = NULL;
	char kept[NIDS][65];
	int rc = -1, reuse;

	if (file_mkdirs(pki, err) || file_mkdirs(logs, err))
		goto out;
	reuse = load_pki(pki, &tls, &sa_pem, kept, err);
	if (reuse < 0 || (!reuse && (tls_make(&tls, err) || !(sa_pem = tls_make_key_pem(err)))))
		goto out;
	c->ca_pem = xstrdup(tls.ca_pem);
	if (write_file(pki, "ca.crt", tls.ca_pem, &f->ca, err)
	    || write_file(pki, "apiserver.crt", tls.cert_pem, &f->crt, err)
	    || write_file(pki, "apiserver.key", tls.key_pem, &f->key, err)
	    || write_file(pki, "sa.key", sa_pem, &f->sa, err))
		goto out;
	for (int i = 0; i < NIDS; i++) {
		char token[65];

		if (reuse)
			memcpy(token, kept[i], sizeof token);
		else
			tls_make_token(token);
		sb_printf(&tokens, "%s,%s,%s%s%s%s\n", token, identities[i].user,
			  identities[i].user,
			  *identities[i].groups ? ",\"" : "", identities[i].groups,
			  *identities[i].groups ? "\"" : "");
		if (i == ID_LAUNCHER)
			memcpy(c->own_token, token, sizeof c->own_token);
		if (i == ID_ADMIN
		    && tls_write_kubeconfig_named(o->kubeconfig_out, "shipdeck-upstream",
						  c->url, tls.ca_pem, token, err))
			goto out;
		if (identities[i].comp >= 0) {
			char **kc = &f->kubeconfig[identities[i].comp];

			*kc = xasprintf("%s/%s.kubeconfig", pki, identities[i].user);
			if (tls_write_kubeconfig_named(*kc, "shipdeck-upstream", c->url, tls.ca_pem,
						       token, err))
				goto out;
		}
	}
	if (write_file(pki, "tokens.csv", sb_str(&tokens), &f->tokens, err)
	    || write_file(o->dir, "audit-policy.yaml", audit_policy, &f->policy, err)
	    || !(stages = kwok_config(o, err))
	    || write_file(o->dir, "kwok.yaml", stages, &f->stages, err))
		goto out;
	rc = 0;
out:
	tls_material_free(&tls);
	sb_free(&tokens);
	free(pki);
	free(logs);
	free(sa_pem);
	free(stages);
	return rc;
}

static int start_etcd(struct waiter *w, char **client_url, struct err *err)
{
	const char *dir = w->c->opt.dir;
	int client = port_pick_free(), peer = port_pick_free();
	struct args a = { 0 };

	*client_url = xasprintf("http://127.0.0.1:%d", client);
	argf(&a, "--name=default");
	argf(&a, "--data-dir=%s/etcd", dir);
	argf(&a, "--listen-client-urls=%s", *client_url);
	argf(&a, "--advertise-client-urls=%s", *client_url);
	argf(&a, "--listen-peer-urls=http://127.0.0.1:%d", peer);
	argf(&a, "--initial-advertise-peer-urls=http://127.0.0.1:%d", peer);
	argf(&a, "--initial-cluster=default=http://127.0.0.1:%d", peer);
	argf(&a, "--log-level=warn");
	/* a test cluster: losing the last writes on a power cut is fine */
	argf(&a, "--unsafe-no-fsync");
	if (start_args(w->c, UP_ETCD, &a, err))
		return -1;
	fprintf(stderr, "shipdeck-upstream: etcd starting (%s)…\n", *client_url);
	return 0;
}

static int wait_etcd(struct waiter *w, const char *client_url, struct err *err)
{
	char *url = xasprintf("%s/health", client_url);
	int rc = wait_ready(w, UP_ETCD, url, NULL, "did not become healthy", err);

	free(url);
	return rc;
}

static int start_apiserver(struct waiter *w, const struct files *f, const char *etcd,
			   struct err *err)
{
	const struct upstream_opts *o = &w->c->opt;
	struct args a = { 0 };
	char *url;
	int rc;

	argf(&a, "--etcd-servers=%s", etcd);
	argf(&a, "--bind-address=127.0.0.1");
	argf(&a, "--advertise-address=127.0.0.1");
	argf(&a, "--secure-port=%d", w->c->port);
	argf(&a, "--tls-cert-file=%s", f->crt);
	argf(&a, "--tls-private-key-file=%s", f->key);
	argf(&a, "--client-ca-file=%s", f->ca);
	argf(&a, "--token-auth-file=%s", f->tokens);
	argf(&a, "--authorization-mode=Node,RBAC");
	argf(&a, "--service-account-issuer=%s", w->c->url);
	argf(&a, "--service-account-key-file=%s", f->sa);
	argf(&a, "--service-account-signing-key-file=%s", f->sa);
	argf(&a, "--service-cluster-ip-range=10.96.0.0/16");
	argf(&a, "--audit-policy-file=%s", f->policy);
	if (o->audit_log)
		argf(&a, "--audit-log-path=%s", o->audit_log);
	else
		argf(&a, "--audit-log-path=%s/audit.log", o->dir);
	argf(&a, "--audit-log-format=json");
	argf(&a, "--cert-dir=%s/apiserver", o->dir);
	argf(&a, "--endpoint-reconciler-type=none");
	/* a node's kubelet is kwok on 127.0.0.1: never look its name up; its
	 * serving certificate is the apiserver's, so the CA checks it */
	argf(&a, "--kubelet-preferred-address-types=InternalIP");
	argf(&a, "--kubelet-certificate-authority=%s", f->ca);
	if (start_args(w->c, UP_APISERVER, &a, err))
		return -1;
	fprintf(stderr, "shipdeck-upstream: kube-apiserver starting (%s)…\n", w->c->url);
	/* started beside etcd (it retries until etcd answers): etcd's second
	 * overlaps the apiserver's own start; a broken etcd is still named */
	if (wait_etcd(w, etcd, err))
		return -1;
	url = xasprintf("%s/readyz", w->c->url);
	rc = wait_ready(w, UP_APISERVER, url, NULL, "did not become ready", err);
	free(url);
	return rc;
}

/* kwok's Logs kind (podlogs.h), made before kwok starts so that its
 * informer finds it at once. */
static int create_logs_crd(struct waiter *w, struct err *err)
{
	char *url = xasprintf("%s/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
			      w->c->url);
	struct http_response resp;
	int rc = request(w, "POST", url, podlogs_crd, &resp, err);

	if (!rc && resp.status != 201 && resp.status != 409)
		rc = err_set(err, "POST %s: HTTP %ld: %.300s", url, resp.status,
			     resp.body ? resp.body : resp.error);
	http_response_free(&resp);
	free(url);
	return rc;
}

static bool crd_established(struct waiter *w, const struct http_response *resp)
{
	cJSON *crd = cJSON_Parse(resp->body), *cond;
	bool ok = false;

	(void)w;
	cJSON_ArrayForEach(cond, cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(crd, "status"), "conditions")) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cond,
											 "type"));
		const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cond,
										       "status"));

		ok |= type && st && !strcmp(type, "Established") && !strcmp(st, "True");
	}
	cJSON_Delete(crd);
	return ok;
}

static int start_controllers(struct waiter *w, const struct files *f, struct err *err)
{
	const char *dir = w->c->opt.dir;
	struct args cm = { 0 }, sched = { 0 }, kwok = { 0 };
	int kwok_port = port_pick_free(), rc;

	argf(&cm, "--kubeconfig=%s", f->kubeconfig[UP_CONTROLLER_MANAGER]);
	argf(&cm, "--leader-elect=false");
	argf(&cm, "--bind-address=127.0.0.1");
	argf(&cm, "--secure-port=%d", port_pick_free());
	argf(&cm, "--service-account-private-key-file=%s", f->sa);
	argf(&cm, "--root-ca-file=%s", f->ca);
	argf(&cm, "--cert-dir=%s/controller-manager", dir);
	/* each controller with its own service account, as kubeadm runs it */
	argf(&cm, "--use-service-account-credentials=true");
	/* making those accounts and their tokens, one controller after the
	 * other, is ~120 requests: at the default 20 per second they took 5 of
	 * the 10 s a start took (the namespace's default account comes last) */
	argf(&cm, "--kube-api-qps=200");
	argf(&cm, "--kube-api-burst=400");

	argf(&sched, "--kubeconfig=%s", f->kubeconfig[UP_SCHEDULER]);
	argf(&sched, "--leader-elect=false");
	argf(&sched, "--bind-address=127.0.0.1");
	argf(&sched, "--secure-port=%d", port_pick_free());
	argf(&sched, "--cert-dir=%s/scheduler", dir);
	if (w->c->opt.api_qps) {
		argf(&cm, "--kube-api-qps=%d", w->c->opt.api_qps);
		argf(&cm, "--kube-api-burst=%d", 2 * w->c->opt.api_qps);
		argf(&sched, "--kube-api-qps=%d", w->c->opt.api_qps);
		argf(&sched, "--kube-api-burst=%d", 2 * w->c->opt.api_qps);
	}

	argf(&kwok, "--kubeconfig=%s", f->kubeconfig[UP_KWOK]);
	argf(&kwok, "--config=%s", f->stages);
	argf(&kwok, "--manage-all-nodes=false");
	argf(&kwok, "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake");
	argf(&kwok, "--node-lease-duration-seconds=40");
	/* the nodes' address and kubelet port are kwok's own server on
	 * loopback, with the apiserver's certificate (SAN 127.0.0.1) */
	argf(&kwok, "--server-address=127.0.0.1:%d", kwok_port);
	argf(&kwok, "--node-ip=127.0.0.1");
	argf(&kwok, "--node-port=%d", kwok_port);
	argf(&kwok, "--tls-cert-file=%s", f->crt);
	argf(&kwok, "--tls-private-key-file=%s", f->key);
	argf(&kwok, "--cidr=10.244.0.0/16");
	/* pod logs: the Logs objects podlogs.c makes, served by that server */
	argf(&kwok, "--enable-crds=Logs");

	rc = start_args(w->c, UP_CONTROLLER_MANAGER, &cm, err);
	if (!rc)
		rc = start_args(w->c, UP_SCHEDULER, &sched, err);
	if (!rc)
		rc = start_args(w->c, UP_KWOK, &kwok, err);
	args_free(&sched);
	args_free(&kwok);
	if (rc)
		return -1;
	fprintf(stderr, "shipdeck-upstream: controller-manager, scheduler and kwok starting…\n");
	return 0;
}

int upstream_start(struct upstream_cluster *c, const struct upstream_opts *o, struct loop *loop,
		   struct err *err)
{
	struct waiter w = { .loop = loop, .c = c };
	struct files f = { 0 };
	char *etcd = NULL, *url = NULL;
	int rc = -1;

	memset(c, 0, sizeof *c);
	c->opt = *o;
	if (c->opt.nodes <= 0)
		c->opt.nodes = 3;
	if (c->opt.time_scale <= 0)
		c->opt.time_scale = 1;
	if (o->port && !port_is_free(o->port))
		return err_set(err, "kube-apiserver: port 127.0.0.1:%d is in use", o->port);
	c->port = o->port ? o->port : port_pick_free();
	c->url = xasprintf("https://127.0.0.1:%d", c->port);
	w.http = http_new(loop);

	if (make_files(c, &f, err) || start_etcd(&w, &etcd, err)
	    || start_apiserver(&w, &f, etcd, err) || create_logs_crd(&w, err)
	    || start_controllers(&w, &f, err) || create_nodes(&w, err))
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
	free(url);
	url = xasprintf("%s/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
			PODLOGS_CRD_NAME, c->url);
	if (wait_ready(&w, UP_APISERVER, url, crd_established,
		       "did not establish kwok's Logs kind", err))
		goto out;
	/* before the manifests' pods, so that each gets its log from the start */
	c->podlogs = podlogs_start(loop, &(struct podlogs_opts){
		.url = c->url, .ca_pem = c->ca_pem, .token = c->own_token, .dir = c->opt.dir,
		.faults = c->opt.faults }, err);
	if (!c->podlogs)
		goto out;
	if (o->manifests && create_manifests(&w, o->manifests, err))
		goto out;
	rc = 0;
out:
	if (rc)
		upstream_stop(c, 2000);
	http_free(&w.http);
	files_free(&f);
	free(etcd);
	free(url);
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
void upstream_stop(struct upstream_cluster *c, int grace_ms)
{
	podlogs_stop(&c->podlogs);
	for (int i = UP_NCOMPONENTS - 1; i >= 0; i--) {
		struct upstream_proc *p = &c->procs[i];
		int64_t deadline = time_mono_ms() + grace_ms;

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
