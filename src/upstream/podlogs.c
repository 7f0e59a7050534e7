#include "upstream/podlogs.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "runtime/http.h"
#include "sandbox/jsonx.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

const char podlogs_crd[] =
	"{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
	"\"metadata\":{\"name\":\"" PODLOGS_CRD_NAME "\"},"
	"\"spec\":{\"group\":\"kwok.x-k8s.io\",\"scope\":\"Namespaced\","
	"\"names\":{\"kind\":\"Logs\",\"listKind\":\"LogsList\",\"plural\":\"logs\","
	"\"singular\":\"logs\"},"
	"\"versions\":[{\"name\":\"v1alpha1\",\"served\":true,\"storage\":true,"
	"\"subresources\":{\"status\":{}},"
	"\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\","
	"\"x-kubernetes-preserve-unknown-fields\":true}}}]}}";

struct ctr {
	char *name, *image, *log, *prev;
	bool started, ready, prev_written;
};

struct pod {
	char *uid, *ns, *name;
	struct ctr *c;
	size_t nc;
	struct faultset faults;
	bool stopping, seen;
};

struct podlogs {
	struct loop *loop;
	struct http *http;
	char *url, *ca_pem, *token, *dir;
	struct faults faults;
	struct pod *pods;
	size_t n, cap;
	char *rv;                 /* where the watch goes on from */
	struct strbuf line;       /* a watch line not yet complete */
	bool relist;              /* the watch said 410 */
	uint64_t timer;
	int backoff_ms;
	struct apply *applies;    /* Logs objects to send (flush_applies) */
	uint64_t flush_timer;
};

struct apply;
static void list_pods(struct podlogs *p);

char *podlogs_cri_line(const struct timespec *ts, const char *text)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ stdout F %s\n", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec,
			 text);
}

/* Appends one line the container "wrote" now, in the sandbox's format
 * (time=… level=… msg=…). */
static void ctr_log(const char *path, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ctr_log(const char *path, const char *level, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char msg[512], *text, *line;
	va_list ap;
	int fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!strcmp(level, "raw"))
		text = xstrdup(msg);
	else
		text = xasprintf("time=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s %s",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, level, msg);
	line = podlogs_cri_line(&ts, text);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || file_write_full(fd, line, strlen(line)))
		fprintf(stderr, "shipdeck-upstream: pod logs: %s: %m\n", path);
	if (fd >= 0)
		close(fd);
	free(text);
	free(line);
}

static void ctr_started(const struct pod *pod, const struct ctr *c, const char *path)
{
	ctr_log(path, "info", "msg=\"starting %s\" image=%s pod=%s", c->name, c->image, pod->name);
	ctr_log(path, "info", "msg=\"loading configuration\" path=/etc/%s/config.yaml", c->name);
}

/* A crash-looping container's last run: it started and panicked (exit 2,
 * the stage's exit code: a Go panic's). */
static void ctr_crashed(const struct pod *pod, const struct ctr *c)
{
	ctr_started(pod, c, c->prev);
	ctr_log(c->prev, "raw", "panic: runtime error: invalid memory address or nil pointer "
		"dereference");
	ctr_log(c->prev, "raw", "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 "
		"pc=0x6b8f2a]");
	ctr_log(c->prev, "raw", "%s", "");
	ctr_log(c->prev, "raw", "goroutine 1 [running]:");
	ctr_log(c->prev, "raw", "main.loadConfig(...)");
	ctr_log(c->prev, "raw", "\t/src/%s/config.go:42", c->name);
	ctr_log(c->prev, "raw", "main.main()");
	ctr_log(c->prev, "raw", "\t/src/%s/main.go:17 +0x2a", c->name);
}

static void pod_free(struct pod *pod)
{
	for (size_t i = 0; i < pod->nc; i++) {
		free(pod->c[i].name);
		free(pod->c[i].image);
		free(pod->c[i].log);
		free(pod->c[i].prev);
	}
	free(pod->c);
	free(pod->uid);
	free(pod->ns);
	free(pod->name);
}

static struct pod *find_pod(struct podlogs *p, const char *uid)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->pods[i].uid, uid))
			return &p->pods[i];
	return NULL;
}

/* ---- requests ---- */

static uint64_t start_request(struct podlogs *p, const char *method, const char *url,
			      const char *content_type, const char *body, http_data_fn on_data,
			      http_done_fn on_done, void *ctx)
{
	struct http_tls tls = { .ca_pem = p->ca_pem, .ca_pem_len = strlen(p->ca_pem) };
	char ct[96];
	const char *headers[] = { "Accept: application/json", ct, NULL };
	struct err err = { 0 };
	uint64_t id;

	snprintf(ct, sizeof ct, "Content-Type: %s",
		 content_type ? content_type : "application/json");
	id = http_start(p->http, &(struct http_request){
		.method = method, .url = url, .headers = headers, .body = body,
		.body_len = body ? strlen(body) : 0, .bearer_token = p->token, .tls = &tls,
		.timeout_ms = on_data ? 0 : 10000, .stall_timeout_ms = on_data ? 90000 : 0,
		.on_data = on_data, .on_done = on_done, .ctx = ctx }, &err);
	if (!id)
		fprintf(stderr, "shipdeck-upstream: pod logs: %s %s: %s\n", method, url, err.msg);
	return id;
}

struct apply {
	char *what, *url, *body;
	struct apply *next;
};

static void on_applied(void *ctx, const struct http_response *resp)
{
	struct apply *a = ctx;

	if (resp->status < 200 || resp->status > 299)
		fprintf(stderr, "shipdeck-upstream: pod logs: %s: %s%ld %.300s\n", a->what,
			resp->status ? "HTTP " : resp->error, resp->status,
			resp->body ? resp->body : "");
	free(a->what);
	free(a->url);
	free(a->body);
	free(a);
}

/* Sends what apply_logs_object queued: it runs inside the watch's data
 * callback, where libcurl takes no new transfer (curl_multi_add_handle says
 * CURLM_RECURSIVE_API_CALL), so the requests start from a timer. */
static void flush_applies(void *ctx)
{
	struct podlogs *p = ctx;
	struct apply *a = p->applies;

	p->applies = NULL;
	p->flush_timer = 0;
	while (a) {
		struct apply *next = a->next;

		if (!start_request(p, "PATCH", a->url, "application/apply-patch+yaml", a->body,
				   NULL, on_applied, a))
			on_applied(a, &(struct http_response){ .status = 0 });
		a = next;
	}
}

/* The pod's Logs object, by server-side apply: made, or taken over from an
 * earlier pod of the same name the garbage collector has not removed yet. */
static void apply_logs_object(struct podlogs *p, const struct pod *pod)
{
	cJSON *obj = cJSON_CreateObject(), *meta, *owner, *logs;
	struct apply *a = xcalloc(1, sizeof *a);

	cJSON_AddStringToObject(obj, "apiVersion", "kwok.x-k8s.io/v1alpha1");
	cJSON_AddStringToObject(obj, "kind", "Logs");
	meta = cJSON_AddObjectToObject(obj, "metadata");
	cJSON_AddStringToObject(meta, "name", pod->name);
	cJSON_AddStringToObject(meta, "namespace", pod->ns);
	owner = cJSON_CreateObject();
	cJSON_AddStringToObject(owner, "apiVersion", "v1");
	cJSON_AddStringToObject(owner, "kind", "Pod");
	cJSON_AddStringToObject(owner, "name", pod->name);
	cJSON_AddStringToObject(owner, "uid", pod->uid);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(meta, "ownerReferences"), owner);
	logs = cJSON_AddArrayToObject(cJSON_AddObjectToObject(obj, "spec"), "logs");
	for (size_t i = 0; i < pod->nc; i++) {
		cJSON *l = cJSON_CreateObject();

		cJSON_AddItemToArray(cJSON_AddArrayToObject(l, "containers"),
				     cJSON_CreateString(pod->c[i].name));
		cJSON_AddStringToObject(l, "logsFile", pod->c[i].log);
		cJSON_AddStringToObject(l, "previousLogsFile", pod->c[i].prev);
		cJSON_AddBoolToObject(l, "follow", true);
		cJSON_AddItemToArray(logs, l);
	}
	a->body = cJSON_PrintUnformatted(obj);
	a->url = xasprintf("%s/apis/kwok.x-k8s.io/v1alpha1/namespaces/%s/logs/%s"
			   "?fieldManager=shipdeck-upstream&force=true", p->url, pod->ns,
			   pod->name);
	a->what = xasprintf("Logs %s/%s", pod->ns, pod->name);
	a->next = p->applies;
	p->applies = a;
	if (!p->flush_timer)
		p->flush_timer = loop_timer_add(p->loop, 0, flush_applies, p);
	cJSON_Delete(obj);
}

/* ---- what the pods say ---- */

static const cJSON *ctr_status(const cJSON *pod, const char *name)
{
	const cJSON *cs;

	cJSON_ArrayForEach(cs, J(pod, "status", "containerStatuses"))
		if (jstr(J(cs, "name")) && !strcmp(jstr(J(cs, "name")), name))
			return cs;
	return NULL;
}

/* A pod seen for the first time on a node: its files (empty: nothing has
 * started) and its Logs object. */
static struct pod *add_pod(struct podlogs *p, const cJSON *obj)
{
	const char *uid = jstr(J(obj, "metadata", "uid"));
	const char *ns = jstr(J(obj, "metadata", "namespace"));
	const char *name = jstr(J(obj, "metadata", "name"));
	const cJSON *c;
	struct err err = { 0 };
	struct pod *pod;
	char *dir;

	if (!uid || !ns || !name)
		return NULL;
	dir = xasprintf("%s/podlogs/%s_%s_%s", p->dir, ns, name, uid);
	if (file_mkdirs(dir, &err)) {
		fprintf(stderr, "shipdeck-upstream: pod logs: %s\n", err.msg);
		free(dir);
		return NULL;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->pods = xrealloc(p->pods, p->cap * sizeof *p->pods);
	}
	pod = &p->pods[p->n++];
	*pod = (struct pod){ .uid = xstrdup(uid), .ns = xstrdup(ns), .name = xstrdup(name) };
	faults_for_pod(&p->faults, obj, &pod->faults);
	pod->c = xcalloc((size_t)cJSON_GetArraySize(J(obj, "spec", "containers")) + 1,
			 sizeof *pod->c);
	cJSON_ArrayForEach(c, J(obj, "spec", "containers")) {
		struct ctr *ct = &pod->c[pod->nc];
		int fd;

		if (!jstr(J(c, "name")))
			continue;
		ct->name = xstrdup(jstr(J(c, "name")));
		ct->image = xstrdup(jstr(J(c, "image")) ? jstr(J(c, "image")) : "");
		ct->log = xasprintf("%s/%s.log", dir, ct->name);
		ct->prev = xasprintf("%s/%s.previous.log", dir, ct->name);
		fd = open(ct->log, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
		pod->nc++;
	}
	free(dir);
	apply_logs_object(p, pod);
	return pod;
}

/* What changed in a pod's status, written to its containers' logs. */
static void sync_pod(struct podlogs *p, const cJSON *obj)
{
	const char *uid = jstr(J(obj, "metadata", "uid"));
	struct pod *pod = uid ? find_pod(p, uid) : NULL;

	if (!pod && jstr(J(obj, "spec", "nodeName")))
		pod = add_pod(p, obj);
	if (!pod)
		return;
	pod->seen = true;
	for (size_t i = 0; i < pod->nc; i++) {
		struct ctr *c = &pod->c[i];
		const cJSON *cs = ctr_status(obj, c->name);

		if (J(cs, "state", "running") && !c->started) {
			c->started = true;
			ctr_started(pod, c, c->log);
			if (!pod->faults.crash_loop)
				ctr_log(c->log, "info", "msg=\"listening\" addr=:%lld",
					jint(J(cJSON_GetArrayItem(J(cJSON_GetArrayItem(
						J(obj, "spec", "containers"), (int)i), "ports"), 0),
					       "containerPort"), 8080));
			if (pod->faults.never_ready)
				ctr_log(c->log, "warn",
					"msg=\"dependency not reachable, not ready\" "
					"dependency=db:5432 err=\"connection refused\"");
		}
		if (J(cs, "lastState", "terminated") && !c->prev_written) {
			c->prev_written = true;
			ctr_crashed(pod, c);
		}
		if (jtrue(J(cs, "ready")) && !c->ready) {
			c->ready = true;
			ctr_log(c->log, "info", "msg=\"ready to serve requests\"");
		}
	}
	if (J(obj, "metadata", "deletionTimestamp") && !pod->stopping) {
		pod->stopping = true;
		for (size_t i = 0; i < pod->nc; i++)
			if (pod->c[i].started)
				ctr_log(pod->c[i].log, "info",
					"msg=\"received SIGTERM, draining connections\"");
	}
}

/* The pod is gone: its containers have stopped. */
static void remove_pod(struct podlogs *p, struct pod *pod)
{
	for (size_t i = 0; i < pod->nc; i++)
		if (pod->c[i].started)
			ctr_log(pod->c[i].log, "info", "msg=\"shutdown complete\"");
	pod_free(pod);
	*pod = p->pods[--p->n];
}

static void set_rv(struct podlogs *p, const cJSON *obj)
{
	const char *rv = jstr(J(obj, "metadata", "resourceVersion"));

	if (rv) {
		free(p->rv);
		p->rv = xstrdup(rv);
	}
}

/* ---- list, then watch ---- */

static void on_timer(void *ctx)
{
	struct podlogs *p = ctx;

	p->timer = 0;
	list_pods(p);
}

static void retry_later(struct podlogs *p)
{
	p->backoff_ms = p->backoff_ms ? (p->backoff_ms * 2 > 8000 ? 8000 : p->backoff_ms * 2) : 250;
	p->timer = loop_timer_add(p->loop, p->backoff_ms, on_timer, p);
}

static void handle_line(struct podlogs *p, const char *line)
{
	cJSON *ev = cJSON_Parse(line);
	const char *type = jstr(J(ev, "type"));
	const cJSON *obj = J(ev, "object");

	if (!type) {
		fprintf(stderr, "shipdeck-upstream: pod logs: not a watch event: %.200s\n", line);
	} else if (!strcmp(type, "ERROR")) {
		p->relist = true;
	} else {
		set_rv(p, obj);
		if (!strcmp(type, "DELETED")) {
			struct pod *pod = jstr(J(obj, "metadata", "uid"))
				? find_pod(p, jstr(J(obj, "metadata", "uid"))) : NULL;

			if (pod)
				remove_pod(p, pod);
		} else if (strcmp(type, "BOOKMARK")) {
			sync_pod(p, obj);
		}
	}
	cJSON_Delete(ev);
}

static bool on_watch_data(void *ctx, const char *data, size_t len)
{
	struct podlogs *p = ctx;
	const char *nl;

	sb_append(&p->line, data, len);
	while ((nl = memchr(sb_str(&p->line), '\n', p->line.len))) {
		size_t n = (size_t)(nl - sb_str(&p->line));
		char *one = xmalloc(n + 1);

		memcpy(one, sb_str(&p->line), n);
		one[n] = '\0';
		sb_consume(&p->line, n + 1);
		if (n)
			handle_line(p, one);
		free(one);
	}
	return !p->relist;
}

static void watch_pods(struct podlogs *p);

static void on_watch_done(void *ctx, const struct http_response *resp)
{
	struct podlogs *p = ctx;

	sb_reset(&p->line);
	if (p->relist || resp->status != 200) {
		p->relist = false;
		retry_later(p);
	} else {
		p->backoff_ms = 0;
		watch_pods(p);
	}
}

static void watch_pods(struct podlogs *p)
{
	char *url = xasprintf("%s/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=300"
			      "&resourceVersion=%s", p->url, p->rv ? p->rv : "0");

	if (!start_request(p, "GET", url, NULL, NULL, on_watch_data, on_watch_done, p))
		retry_later(p);
	free(url);
}

static void on_list(void *ctx, const struct http_response *resp)
{
	struct podlogs *p = ctx;
	cJSON *list = resp->status == 200 ? cJSON_Parse(resp->body) : NULL;
	const cJSON *item;

	if (!cJSON_IsArray(J(list, "items"))) {
		fprintf(stderr, "shipdeck-upstream: pod logs: listing pods: %s%ld\n",
			resp->status ? "HTTP " : resp->error, resp->status);
		cJSON_Delete(list);
		retry_later(p);
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		p->pods[i].seen = false;
	cJSON_ArrayForEach(item, J(list, "items"))
		sync_pod(p, item);
	for (size_t i = p->n; i-- > 0;)
		if (!p->pods[i].seen)
			remove_pod(p, &p->pods[i]);
	set_rv(p, list);
	cJSON_Delete(list);
	watch_pods(p);
}

static void list_pods(struct podlogs *p)
{
	char *url = xasprintf("%s/api/v1/pods", p->url);

	if (!start_request(p, "GET", url, NULL, NULL, NULL, on_list, p))
		retry_later(p);
	free(url);
}

struct podlogs *podlogs_start(struct loop *loop, const struct podlogs_opts *o, struct err *err)
{
	struct podlogs *p = xcalloc(1, sizeof *p);

	if (o->faults && faults_load(&p->faults, o->faults, err)) {
		free(p);
		return NULL;
	}
	p->loop = loop;
	p->http = http_new(loop);
	p->url = xstrdup(o->url);
	p->ca_pem = xstrdup(o->ca_pem);
	p->token = xstrdup(o->token);
	p->dir = xstrdup(o->dir);
	list_pods(p);
	return p;
}

void podlogs_stop(struct podlogs **pp)
{
	struct podlogs *p = *pp;

	if (!p)
		return;
	http_free(&p->http);
	if (p->timer)
		loop_timer_cancel(p->loop, p->timer);
	if (p->flush_timer)
		loop_timer_cancel(p->loop, p->flush_timer);
	while (p->applies) {
		struct apply *next = p->applies->next;

		free(p->applies->what);
		free(p->applies->url);
		free(p->applies->body);
		free(p->applies);
		p->applies = next;
	}
	for (size_t i = 0; i < p->n; i++)
		pod_free(&p->pods[i]);
	free(p->pods);
	faults_free(&p->faults);
	sb_free(&p->line);
	free(p->url);
	free(p->ca_pem);
	free(p->token);
	free(p->dir);
	free(p->rv);
	free(p);
	*pp = NULL;
}
