#include "sandbox/traffic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/jsonx.h"
#include "sandbox/kubelet.h"
#include "sandbox/mirror.h"
#include "util/xalloc.h"

#define STEP_MS 100

static const double buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

struct series {
	char *key;
	char *ns, *svc, *deploy, *pod;
	double ok, errors;
	bool show_errors;           /* emit code="500" even at 0 */
	double bucket[NBUCKETS];
	double sum, count;
};

struct svc_acc {
	double owed;                /* requests due but not yet sent */
	unsigned rr;                /* round-robin position */
};

struct traffic {
	struct series **v;
	size_t n, cap;
	struct hmap by_key;
	struct hmap acc;            /* ns/service → struct svc_acc */
	int64_t last_ms;
};

struct traffic *traffic_new(void)
{
	return xcalloc(1, sizeof(struct traffic));
}

static void series_free(struct series *s)
{
	free(s->key);
	free(s->ns);
	free(s->svc);
	free(s->deploy);
	free(s->pod);
	free(s);
}

void traffic_free(struct traffic *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		series_free(t->v[i]);
	free(t->v);
	hmap_free(&t->by_key);
	for (size_t i = 0; i < t->acc.nbuckets; i++)
		for (struct hmap_entry *e = t->acc.buckets[i]; e; e = e->next)
			free(e->val);
	hmap_free(&t->acc);
	free(t);
}

static const char *owning_deployment(struct sandbox *sb, const struct obj *pod)
{
	const struct obj *rs = objstore_by_uid(&sb->store, pod->owner_uid);
	const struct obj *d = rs ? objstore_by_uid(&sb->store, rs->owner_uid) : NULL;

	return d && d->kind->id == K_DEPLOYMENT ? d->name : "";
}

static struct series *series_get(struct sandbox *sb, const struct obj *svc,
				 const struct obj *pod)
{
	struct traffic *t = sb->traffic;
	char *key = xasprintf("%s/%s/%s", svc->ns, svc->name, pod->name);
	struct series *s = hmap_get(&t->by_key, key);

	if (s) {
		free(key);
		return s;
	}
	s = xcalloc(1, sizeof *s);
	s->key = key;
	s->ns = xstrdup(svc->ns);
	s->svc = xstrdup(svc->name);
	s->deploy = xstrdup(owning_deployment(sb, pod));
	s->pod = xstrdup(pod->name);
	hmap_put(&t->by_key, key, s);
	xgrow(&t->v, &t->cap, t->n + 1, sizeof *t->v);
	t->v[t->n++] = s;
	return s;
}

void traffic_forget_pod(struct sandbox *sb, const char *ns, const char *pod)
{
	struct traffic *t = sb->traffic;

	for (size_t i = 0; i < t->n;) {
		struct series *s = t->v[i];

		if (strcmp(s->ns, ns) || strcmp(s->pod, pod)) {
			i++;
			continue;
		}
		hmap_del(&t->by_key, s->key);
		memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof *t->v);
		t->n--;
		series_free(s);
	}
}

/* The simulated kubelet's word for the sandbox's own pods; the cluster's for
 * mirrored ones (--traffic-only). */
static bool pod_ready(const struct obj *pod)
{
	return kubelet_pod_ready(pod) || mirror_pod_ready(pod);
}

static const struct faultset *pod_faults(const struct obj *pod)
{
	const struct faultset *f = kubelet_faults(pod);

	return f ? f : mirror_pod_faults(pod);
}

static bool selects(const cJSON *selector, const struct obj *pod)
{
	const cJSON *want, *labels = J(pod->cur->json, "metadata", "labels");

	if (!cJSON_IsObject(selector) || !selector->child)
		return false;
	cJSON_ArrayForEach(want, selector) {
		const char *have = jstr(J(labels, want->string));

		if (!jstr(want) || !have || strcmp(have, want->valuestring))
			return false;
	}
	return true;
}

static void one_request(struct sandbox *sb, const struct obj *svc, const struct obj *pod)
{
	static const char *const paths[] = {
		"/api/items", "/api/items/42", "/api/cart", "/api/orders", "/healthz/deep",
		"/api/search?q=boots", "/", "/api/items/7",
	};
	const struct faultset *f = pod_faults(pod);
	struct series *s = series_get(sb, svc, pod);
	struct ctrlog *out = kubelet_main_log(pod);
	bool failed = f && f->error_rate > 0 && sandbox_rand(sb) < f->error_rate;
	double latency = 0.003 + -log(1.0 - sandbox_rand(sb) * 0.999) * 0.012;
	const char *path = paths[(int)(sandbox_rand(sb) * 8) & 7];

	if (f && f->latency_ms > 0)
		latency += f->latency_ms / 1000.0 * (0.9 + 0.2 * sandbox_rand(sb));
	if (f && f->error_rate > 0)
		s->show_errors = true;
	if (failed)
		s->errors++;
	else
		s->ok++;
	for (size_t b = 0; b < NBUCKETS; b++)
		if (latency <= buckets[b])
			s->bucket[b]++;
	s->sum += latency;
	s->count++;
	if (out) {
		char ts[40];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%d/%b/%Y:%H:%M:%S +0000", &tm);
		ctrlog_append(out, (int64_t)now * 1000, "10.244.%d.%d - - [%s] \"GET %s HTTP/1.1\" "
			      "%d %d \"-\" \"shipdeck-loadgen/1.0\" %.3f",
			      (int)(sandbox_rand(sb) * 3), 1 + (int)(sandbox_rand(sb) * 250), ts,
			      path,
			      failed ? 500 : 200, failed ? 21 : 180 + (int)(sandbox_rand(sb) * 900),
			      latency);
	}
}

void traffic_step(struct sandbox *sb, int64_t now, int64_t *next_due)
{
	struct traffic *t = sb->traffic;
	struct kstore *svcs = &sb->store.k[K_SERVICE], *pods = &sb->store.k[K_POD];
	double elapsed;

	if (!t->last_ms)
		t->last_ms = now;
	if (now - t->last_ms < STEP_MS) {
		if (t->last_ms + STEP_MS < *next_due)
			*next_due = t->last_ms + STEP_MS;
		return;
	}
	elapsed = (double)(now - t->last_ms) / 1000.0;
	if (elapsed > 5)
		elapsed = 5;
	t->last_ms = now;
	if (now + STEP_MS < *next_due)
		*next_due = now + STEP_MS;
	for (size_t i = 0; i < svcs->n; i++) {
		const struct obj *svc = svcs->v[i];
		const cJSON *selector = J(svc->cur->json, "spec", "selector");
		struct obj **ready = NULL;
		size_t n = 0, cap = 0;
		struct svc_acc *acc;

		if (!cJSON_IsObject(selector) || !selector->child)
			continue;
		for (size_t p = 0; p < pods->n; p++) {
			struct obj *pod = pods->v[p];

			if (strcmp(pod->ns, svc->ns) || !pod_ready(pod)
			    || J(pod->cur->json, "metadata", "deletionTimestamp")
			    || !selects(selector, pod))
				continue;
			xgrow(&ready, &cap, n + 1, sizeof *ready);
			ready[n++] = pod;
		}
		acc = hmap_get(&t->acc, svc->key);
		if (!acc) {
			acc = xcalloc(1, sizeof *acc);
			hmap_put(&t->acc, svc->key, acc);
		}
		if (!n) {
			acc->owed = 0;
			free(ready);
			continue;
		}
		acc->owed += TRAFFIC_RPS * elapsed;
		for (; acc->owed >= 1; acc->owed -= 1)
			one_request(sb, svc, ready[acc->rr++ % n]);
		free(ready);
	}
	pthread_cond_broadcast(&sb->changed);
}

static void label(struct strbuf *out, const char *name, const char *value, bool comma)
{
	sb_printf(out, "%s%s=\"", comma ? "," : "", name);
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			sb_putc(out, '\\');
		if (*value == '\n') {
			sb_puts(out, "\\n");
			continue;
		}
		sb_putc(out, *value);
	}
	sb_putc(out, '"');
}

static void labels(struct strbuf *out, const struct series *s)
{
	label(out, "namespace", s->ns, false);
	label(out, "service", s->svc, true);
	label(out, "deployment", s->deploy, true);
	label(out, "pod", s->pod, true);
}

void traffic_render(struct sandbox *sb, struct strbuf *out)
{
	struct traffic *t = sb->traffic;

	sb_puts(out, "# HELP sandbox_http_requests_total Simulated HTTP requests, by the pod "
		"that answered and the status code.\n"
		"# TYPE sandbox_http_requests_total counter\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct series *s = t->v[i];

		sb_puts(out, "sandbox_http_requests_total{");
		labels(out, s);
		sb_printf(out, ",code=\"200\"} %.0f\n", s->ok);
		if (s->errors || s->show_errors) {
			sb_puts(out, "sandbox_http_requests_total{");
			labels(out, s);
			sb_printf(out, ",code=\"500\"} %.0f\n", s->errors);
		}
	}
	sb_puts(out, "# HELP sandbox_http_request_duration_seconds Latency of simulated HTTP "
		"requests.\n# TYPE sandbox_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct series *s = t->v[i];

		for (size_t b = 0; b < NBUCKETS; b++) {
			sb_puts(out, "sandbox_http_request_duration_seconds_bucket{");
			labels(out, s);
			sb_printf(out, ",le=\"%g\"} %.0f\n", buckets[b], s->bucket[b]);
		}
		sb_puts(out, "sandbox_http_request_duration_seconds_bucket{");
		labels(out, s);
		sb_printf(out, ",le=\"+Inf\"} %.0f\n", s->count);
		sb_puts(out, "sandbox_http_request_duration_seconds_sum{");
		labels(out, s);
		sb_printf(out, "} %.6f\n", s->sum);
		sb_puts(out, "sandbox_http_request_duration_seconds_count{");
		labels(out, s);
		sb_printf(out, "} %.0f\n", s->count);
	}
}
