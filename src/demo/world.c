#include "demo/world.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "demo/template.h"
#include "kube/kubeconfig.h"
#include "util/file.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

const char *const demo_server_names[DEMO_NSERVERS] = {
	[DEMO_SANDBOX] = "shipdeck-sandbox",
	[DEMO_REGISTRY] = "docker-registry",
	[DEMO_PROMETHEUS] = "prometheus",
	[DEMO_TRAFFIC] = "traffic",
};

/* the real control plane takes 10–30 s to start on two cores */
enum { READY_TIMEOUT_MS = 30000, UPSTREAM_READY_TIMEOUT_MS = 180000 };

const char *demo_cluster_program(const struct demo_world *w)
{
	return w->cluster == DEMO_CLUSTER_UPSTREAM ? "shipdeck-upstream" : "shipdeck-sandbox";
}

static char *world_file(const struct demo_world *w)
{
	return xasprintf("%s/world.json", w->dir);
}

static bool proc_alive(const struct demo_proc *p)
{
	return spawn_alive(p->pid, p->start_time);
}

static void load(struct demo_world *w)
{
	char *path = world_file(w);
	size_t len;
	char *data = file_read_all(path, &len, NULL);
	cJSON *root = data ? cJSON_Parse(data) : NULL;

	{
		/* which cluster: kept in its server's entry, so every entry of
		 * world.json stays a server */
		cJSON *kind = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(root, demo_server_names[DEMO_SANDBOX]),
				"cluster");

		if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "upstream"))
			w->cluster = DEMO_CLUSTER_UPSTREAM;
	}
	for (int s = 0; root && s < DEMO_NSERVERS; s++) {
		cJSON *o = cJSON_GetObjectItemCaseSensitive(root, demo_server_names[s]);
		cJSON *pid = cJSON_GetObjectItemCaseSensitive(o, "pid");
		cJSON *start = cJSON_GetObjectItemCaseSensitive(o, "start_time");
		cJSON *port = cJSON_GetObjectItemCaseSensitive(o, "port");

		if (cJSON_IsNumber(port))
			w->procs[s].port = port->valueint;
		if (cJSON_IsNumber(pid) && cJSON_IsNumber(start)) {
			w->procs[s].pid = pid->valueint;
			w->procs[s].start_time = (uint64_t)start->valuedouble;
		}
	}
	cJSON_Delete(root);
	free(data);
	free(path);
}

static int save(const struct demo_world *w, struct err *err)
{
	cJSON *root = cJSON_CreateObject();
	char *path = world_file(w), *json;
	int rc;

	for (int s = 0; s < DEMO_NSERVERS; s++) {
		cJSON *o = cJSON_AddObjectToObject(root, demo_server_names[s]);

		cJSON_AddNumberToObject(o, "port", w->procs[s].port);
		if (s == DEMO_SANDBOX)
			cJSON_AddStringToObject(o, "cluster", w->cluster == DEMO_CLUSTER_UPSTREAM
						? "upstream" : "sandbox");
		if (w->procs[s].pid) {
			cJSON_AddNumberToObject(o, "pid", w->procs[s].pid);
			cJSON_AddNumberToObject(o, "start_time", (double)w->procs[s].start_time);
		}
	}
	json = cJSON_Print(root);
	rc = file_write_atomic(path, json, strlen(json), err);
	cJSON_free(json);
	cJSON_Delete(root);
	free(path);
	return rc;
}

void demo_world_init(struct demo_world *w, const char *dir)
{
	memset(w, 0, sizeof *w);
	w->dir = dir ? xstrdup(dir) : xdg_state_path("demo");
	w->repo = xasprintf("%s/repo", w->dir);
	w->kubeconfig = xasprintf("%s/kubeconfig", w->dir);
	load(w);
}

void demo_world_free(struct demo_world *w)
{
	for (int s = 0; s < DEMO_NSERVERS; s++)
		free(w->procs[s].missing);
	free(w->dir);
	free(w->repo);
	free(w->kubeconfig);
	memset(w, 0, sizeof *w);
}

bool demo_world_running(const struct demo_world *w)
{
	return proc_alive(&w->procs[DEMO_SANDBOX]);
}

/* The port used last time when it is still free (so addresses stay the same
 * across runs), else one the kernel picks. */
static int choose_port(int previous)
{
	return previous > 0 && port_is_free(previous) ? previous : port_pick_free();
}

struct line_wait {
	struct strbuf buf;
	bool done, eof;
};

static void on_output(void *ctx, int fd, short revents)
{
	struct line_wait *lw = ctx;
	char chunk[512];
	ssize_t n = read(fd, chunk, sizeof chunk);

	(void)revents;
	if (n <= 0) {
		lw->eof = true;
		return;
	}
	sb_append(&lw->buf, chunk, (size_t)n);
	if (strchr(sb_str(&lw->buf), '\n'))
		lw->done = true;
}

static void on_deadline(void *ctx)
{
	*(bool *)ctx = true;
}

/* The cluster says "shipdeck-sandbox listening on https://127.0.0.1:PORT"
 * (or shipdeck-upstream, or the traffic's http://) once it accepts
 * connections. */
static int wait_listening(struct app *app, const char *name, int limit, int fd, int *port,
			  struct err *err)
{
	struct line_wait lw = { 0 };
	bool late = false;
	uint64_t timer = loop_timer_add(app->loop, limit, on_deadline, &late);
	const char *colon;
	int rc = 0;

	loop_io_add(app->loop, fd, POLLIN, on_output, &lw);
	while (!lw.done && !lw.eof && !late)
		loop_run_once(app->loop, -1);
	loop_io_remove(app->loop, fd);
	loop_timer_cancel(app->loop, timer);
	colon = strrchr(sb_str(&lw.buf), ':');
	if (!lw.done || !strstr(sb_str(&lw.buf), "listening on") || !colon)
		rc = err_set(err, "%s did not start%s", name,
			     late ? (limit > READY_TIMEOUT_MS ? " within 3 minutes"
				     : " within 30 s") : "");
	else
		*port = atoi(colon + 1);
	sb_free(&lw.buf);
	return rc;
}

/* Polls url until it answers 200 (or the deadline). */
static int wait_http_ok(struct app *app, const char *what, const char *url, pid_t pid,
			struct err *err)
{
	int64_t deadline = time_mono_ms() + READY_TIMEOUT_MS;

	while (time_mono_ms() < deadline) {
		struct http_response resp;
		bool slept = false;
		int status;

		if (waitpid(pid, &status, WNOHANG) == pid)
			return err_set(err, "%s exited while starting (exit %d)", what,
				       WIFEXITED(status) ? WEXITSTATUS(status) : 128
				       + WTERMSIG(status));
		if (http_request_sync(app->http, app->loop, &(struct http_request){
			    .url = url, .timeout_ms = 2000, .connect_timeout_ms = 1000 },
			    &resp, err) == 0) {
			long code = resp.status;

			http_response_free(&resp);
			if (code == 200)
				return 0;
		}
		loop_timer_add(app->loop, 200, on_deadline, &slept);
		while (!slept)
			loop_run_once(app->loop, -1);
	}
	return err_set(err, "%s did not answer %s within 30 s", what, url);
}

/* The sandbox's CA, from the kubeconfig it wrote, for Prometheus to check
 * the sandbox's certificate with. */
static int write_sandbox_ca(const struct demo_world *w, const char *ca_path, struct err *err)
{
	struct ydoc doc;
	const struct ynode *clusters, *cluster;
	const char *data;
	char *pem;
	size_t len;
	int rc = -1;

	if (ydoc_load_file(&doc, w->kubeconfig, err))
		return -1;
	clusters = doc.n ? ynode_get(doc.roots[0], "clusters") : NULL;
	cluster = clusters && clusters->kind == YNODE_SEQ && clusters->n
		? ynode_get(clusters->items[0], "cluster") : NULL;
	data = ynode_str(ynode_get(cluster, "certificate-authority-data"));
	if (!data) {
		/* a --plain-http sandbox has no CA */
		ydoc_free(&doc);
		return 0;
	}
	pem = kube_base64_decode(data, &len);
	if (pem)
		rc = file_write_atomic(ca_path, pem, len, err);
	else
		err_set(err, "%s: certificate-authority-data is not base64", w->kubeconfig);
	free(pem);
	ydoc_free(&doc);
	return rc;
}

/* The last line of a log, for an error message. Caller frees. */
static char *last_line(const char *log)
{
	size_t len;
	char *data = file_read_all(log, &len, NULL), *line = NULL;

	while (data && len && data[len - 1] == '\n')
		data[--len] = '\0';
	if (data && len) {
		char *nl = strrchr(data, '\n');

		line = xstrdup(nl ? nl + 1 : data);
	}
	free(data);
	return line;
}

/* Starts a server that prints "… listening on URL" when it serves, and waits
 * for that line (limit ms); on failure err names it, its log and the log's
 * last line. */
static int run_listener(struct app *app, struct demo_proc *p, const char *what, char *const argv[],
			const char *log, int limit, struct err *err)
{
	int fd = -1, rc = 0;

	p->pid = spawn_logged(argv, log, &fd, false, err);
	if (p->pid < 0) {
		p->pid = 0;
		return -1;
	}
	p->start_time = spawn_start_time(p->pid);
	if (wait_listening(app, argv[0], limit, fd, &p->port, err)) {
		char *last = last_line(log);

		rc = err_prefix(err, "the demo's %s (log: %s)", what, log);
		if (last) {
			size_t n = strlen(err->msg);

			snprintf(err->msg + n, sizeof err->msg - n, ": %s", last);
			free(last);
		}
	}
	close(fd);
	return rc;
}

static int start_cluster(struct app *app, struct demo_world *w, const char *manifests,
			 struct err *err)
{
	struct demo_proc *p = &w->procs[DEMO_SANDBOX];
	bool upstream = w->cluster == DEMO_CLUSTER_UPSTREAM;
	const char *name = demo_cluster_program(w);
	char *prog = spawn_find_program(name, true);
	char *dir = xasprintf("%s/%s", w->dir, upstream ? "upstream" : "sandbox");
	char *log = xasprintf("%s/%s.log", dir, upstream ? "upstream" : "sandbox");
	char *mf = xasprintf("%s/manifests.yaml", dir);
	char *faults = xasprintf("%s/faults.yaml", dir);
	char port[16], *scale = getenv("SHIPDECK_DEMO_TIME_SCALE");
	int rc = -1;

	if (!prog) {
		err_set(err, "%s not found next to shipdeck or on PATH (build it: "
			"meson compile -C build)", name);
		goto out;
	}
	if (file_mkdirs(dir, err))
		goto out;
	if ((manifests && file_write_atomic(mf, manifests, strlen(manifests), err))
	    || file_write_atomic(faults, demo_faults, strlen(demo_faults), err))
		goto out;
	snprintf(port, sizeof port, "%d", choose_port(p->port));
	{
		/* the real cluster keeps its objects in etcd under dir: the
		 * manifests only make the first world */
		char *argv[] = { prog, "--port", port, "--kubeconfig-out", w->kubeconfig,
				 "--faults", faults, "--time-scale", scale && *scale ? scale : "1",
				 upstream ? "--dir" : "--manifests", upstream ? dir : mf,
				 manifests && upstream ? "--manifests" : NULL, mf, NULL };

		rc = run_listener(app, p, "cluster", argv, log,
				  upstream ? UPSTREAM_READY_TIMEOUT_MS : READY_TIMEOUT_MS, err);
	}
out:
	free(prog);
	free(dir);
	free(log);
	free(mf);
	free(faults);
	return rc;
}

/* Starts a server and waits until ready_url answers 200. */
static int run_server(struct app *app, struct demo_proc *p, const char *what, char *const argv[],
		      const char *log, const char *ready_url, struct err *err)
{
	p->pid = spawn_logged(argv, log, NULL, false, err);
	if (p->pid < 0) {
		p->pid = 0;
		return -1;
	}
	p->start_time = spawn_start_time(p->pid);
	if (wait_http_ok(app, what, ready_url, p->pid, err))
		return err_prefix(err, "the demo's %s (log: %s)", what, log);
	return 0;
}

static int start_registry(struct app *app, struct demo_world *w, struct err *err)
{
	struct demo_proc *p = &w->procs[DEMO_REGISTRY];
	char *prog = spawn_find_program("docker-registry", false);
	char *dir = xasprintf("%s/registry", w->dir), *config = xasprintf("%s/config.yml", dir);
	char *log = xasprintf("%s/registry.log", dir), *url = NULL, *yml = NULL;
	int rc = -1;

	if (!prog) {
		p->missing = xstrdup("the demo's registry needs Debian's docker-registry: "
				     "sudo apt-get install docker-registry");
		rc = 0;
		goto out;
	}
	p->port = choose_port(p->port);
	yml = xasprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
			"    rootdirectory: %s/data\n  delete:\n    enabled: true\n"
			"http:\n  addr: 127.0.0.1:%d\n", dir, p->port);
	if (file_mkdirs(dir, err) || file_write_atomic(config, yml, strlen(yml), err))
		goto out;
	url = xasprintf("http://127.0.0.1:%d/v2/", p->port);
	{
		char *argv[] = { prog, "serve", config, NULL };

		rc = run_server(app, p, "docker-registry", argv, log, url, err);
	}
out:
	free(prog);
	free(dir);
	free(config);
	free(log);
	free(url);
	free(yml);
	return rc;
}

/* Beside the upstream cluster: the sandbox's simulated traffic for its pods,
 * with the demo's faults, and its /metrics for Prometheus. */
static int start_traffic(struct app *app, struct demo_world *w, struct err *err)
{
	struct demo_proc *p = &w->procs[DEMO_TRAFFIC];
	char *prog = spawn_find_program("shipdeck-sandbox", true);
	char *log = xasprintf("%s/upstream/traffic.log", w->dir);
	char *faults = xasprintf("%s/upstream/faults.yaml", w->dir);
	char port[16];
	int rc = -1;

	if (!prog) {
		err_set(err,
			"shipdeck-sandbox (the simulated traffic) not found next to shipdeck or on "
			"PATH (build it: meson compile -C build)");
		goto out;
	}
	snprintf(port, sizeof port, "%d", choose_port(p->port));
	{
		char *argv[] = { prog, "--traffic-only", "--kubeconfig", w->kubeconfig, "--port",
				 port,
				 "--faults", faults, NULL };

		rc = run_listener(app, p, "simulated traffic", argv, log, READY_TIMEOUT_MS, err);
	}
out:
	free(prog);
	free(log);
	free(faults);
	return rc;
}

static int start_prometheus(struct app *app, struct demo_world *w, struct err *err)
{
	struct demo_proc *p = &w->procs[DEMO_PROMETHEUS];
	char *prog = spawn_find_program("prometheus", false);
	char *dir = xasprintf("%s/prometheus", w->dir),
		*config = xasprintf("%s/prometheus.yml", dir);
	char *log = xasprintf("%s/prometheus.log", dir), *ca = xasprintf("%s/sandbox-ca.crt", dir);
	char *url = NULL, *yml = NULL, *flag_config = NULL, *flag_data = NULL, *flag_addr = NULL;
	int rc = -1;

	if (!prog) {
		p->missing = xstrdup("the demo's canary analysis needs Debian's prometheus: "
				     "sudo apt-get install prometheus");
		rc = 0;
		goto out;
	}
	if (file_mkdirs(dir, err) || write_sandbox_ca(w, ca, err))
		goto out;
	p->port = choose_port(p->port);
	/* the sandbox's /metrics (or the traffic's beside the upstream cluster),
	 * every second, so a canary shows within seconds */
	if (w->cluster == DEMO_CLUSTER_UPSTREAM)
		yml = xasprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
				"scrape_configs:\n  - job_name: sandbox\n    scheme: http\n"
				"    static_configs:\n      - targets: ['127.0.0.1:%d']\n",
				w->procs[DEMO_TRAFFIC].port);
	else
		yml = xasprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
				"scrape_configs:\n  - job_name: sandbox\n    scheme: https\n"
				"    tls_config:\n      ca_file: %s\n"
				"    static_configs:\n      - targets: ['127.0.0.1:%d']\n",
				ca, w->procs[DEMO_SANDBOX].port);
	if (file_write_atomic(config, yml, strlen(yml), err))
		goto out;
	flag_config = xasprintf("--config.file=%s", config);
	flag_data = xasprintf("--storage.tsdb.path=%s/data", dir);
	flag_addr = xasprintf("--web.listen-address=127.0.0.1:%d", p->port);
	url = xasprintf("http://127.0.0.1:%d/-/ready", p->port);
	{
		char *argv[] = { prog, flag_config, flag_data, flag_addr,
				 "--storage.tsdb.retention.time=2d", NULL };

		rc = run_server(app, p, "prometheus", argv, log, url, err);
	}
out:
	free(prog);
	free(dir);
	free(config);
	free(log);
	free(ca);
	free(url);
	free(yml);
	free(flag_config);
	free(flag_data);
	free(flag_addr);
	return rc;
}

int demo_world_start(struct app *app, struct demo_world *w, const char *first_sha,
		     bool detach, struct err *err)
{
	char *manifests = NULL;
	int rc;

	if (file_mkdirs(w->dir, err))
		return -1;
	w->started_here = !detach;
	fprintf(stderr, "demo: starting the registry…\n");
	rc = start_registry(app, w, err);
	if (!rc && first_sha) {
		char *registry = demo_world_registry(w);
		char *image = xasprintf("%s/demo/greet:%.7s-1",
					registry ? registry : "registry.invalid", first_sha);

		manifests = demo_manifests(image);
		free(image);
		free(registry);
	}
	if (!rc) {
		fprintf(stderr, "demo: starting the %s cluster…\n",
			w->cluster == DEMO_CLUSTER_UPSTREAM ? "upstream" : "sandbox");
		rc = start_cluster(app, w, manifests, err);
	}
	free(manifests);
	if (!rc && w->cluster == DEMO_CLUSTER_UPSTREAM) {
		fprintf(stderr, "demo: starting the simulated traffic…\n");
		rc = start_traffic(app, w, err);
	}
	if (!rc) {
		fprintf(stderr, "demo: starting Prometheus…\n");
		rc = start_prometheus(app, w, err);
	}
	if (rc) {
		demo_world_stop(w);
		return -1;
	}
	for (int s = 0; s < DEMO_NSERVERS; s++)
		if (w->procs[s].missing)
			fprintf(stderr, "demo: %s\n", w->procs[s].missing);
	return save(w, err);
}

void demo_world_stop(struct demo_world *w)
{
	int64_t deadline = time_mono_ms() + 5000;
	bool any;

	for (int s = 0; s < DEMO_NSERVERS; s++)
		if (proc_alive(&w->procs[s]))
			kill(w->procs[s].pid, SIGTERM);
	do {
		any = false;
		for (int s = 0; s < DEMO_NSERVERS; s++) {
			struct demo_proc *p = &w->procs[s];

			if (!p->pid)
				continue;
			/* our child: reap it; a detached one (--up) is reaped by init */
			waitpid(p->pid, NULL, WNOHANG);
			if (proc_alive(p))
				any = true;
			else
				p->pid = 0;
		}
		if (any)
			usleep(50 * 1000);
	} while (any && time_mono_ms() < deadline);
	for (int s = 0; s < DEMO_NSERVERS; s++) {
		struct demo_proc *p = &w->procs[s];

		if (p->pid && proc_alive(p)) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
		}
		p->pid = 0;
		p->start_time = 0;
	}
	save(w, NULL);
}

char *demo_world_registry(const struct demo_world *w)
{
	const struct demo_proc *p = &w->procs[DEMO_REGISTRY];

	return p->missing || !p->port ? NULL : xasprintf("127.0.0.1:%d", p->port);
}

char *demo_world_prometheus(const struct demo_world *w)
{
	const struct demo_proc *p = &w->procs[DEMO_PROMETHEUS];

	return p->missing || !p->port ? NULL : xasprintf("http://127.0.0.1:%d", p->port);
}
