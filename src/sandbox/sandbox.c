/* Shared helpers and the controller thread. */
#include "sandbox/sandbox.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/api.h"
#include "sandbox/controllers.h"
#include "sandbox/defaults.h"
#include "sandbox/jsonx.h"
#include "sandbox/kubelet.h"
#include "sandbox/traffic.h"
#include "util/timefmt.h"

/* How long the controller thread pauses between passes that changed
 * something: long enough for API requests to get the lock in between, as
 * real controllers interleave with clients. */
#define PASS_GAP_MS 2

int64_t sandbox_scaled_ms(const struct sandbox *sb, double sim_ms)
{
	double ms = sim_ms / sb->opt.time_scale;

	return ms <= 0 ? 0 : (int64_t)ceil(ms);
}

double sandbox_rand(struct sandbox *sb)
{
	uint64_t x = sb->rng ? sb->rng : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	sb->rng = x;
	return (double)(x >> 11) / 9007199254740992.0;
}

void sandbox_rand_suffix(struct sandbox *sb, char *out, int n)
{
	size_t len = strlen(safe_alphabet);

	for (int i = 0; i < n; i++)
		out[i] = safe_alphabet[(size_t)(sandbox_rand(sb) * (double)len) % len];
	out[n] = 0;
}

void sb_now_rfc3339(char buf[32])
{
	time_format_rfc3339(time(NULL), buf, 32);
}

bool sandbox_commit_if_changed(struct sandbox *sb, struct obj *o, cJSON *json)
{
	if (jequal(o->cur->json, json)) {
		cJSON_Delete(json);
		return false;
	}
	objstore_commit(&sb->store, o->kind, json);
	return true;
}

static void on_event(void *ctx, const struct wevent *ev)
{
	struct sandbox *sb = ctx;

	if (ev->kind->id == K_POD && ev->type == EV_DELETED)
		traffic_forget_pod(sb, jstr(J(ev->obj->json, "metadata", "namespace")) ?
				   jstr(J(ev->obj->json, "metadata", "namespace")) : "",
				   jstr(J(ev->obj->json, "metadata", "name")) ?
				   jstr(J(ev->obj->json, "metadata", "name")) : "");
	/* Events feed no controller: they need not wake one. */
	if (ev->kind->id != K_EVENT) {
		sb->dirty = true;
		pthread_cond_signal(&sb->kick);
	}
	pthread_cond_broadcast(&sb->changed);
}

static void add_namespace(struct sandbox *sb, const char *name)
{
	cJSON *ns = cJSON_CreateObject();
	struct err err;

	jset_str(ns, "apiVersion", "v1");
	jset_str(ns, "kind", "Namespace");
	jset_str(jchild(ns, "metadata"), "name", name);
	api_create_object(sb, ns, &err);
}

void sandbox_init(struct sandbox *sb, const struct sandbox_opts *opt)
{
	pthread_condattr_t attr;

	memset(sb, 0, sizeof *sb);
	sb->opt = *opt;
	if (!(sb->opt.time_scale > 0))
		sb->opt.time_scale = 1;
	sb->reqlog_fd = -1;
	sb->debug = getenv("SHIPDECK_SANDBOX_DEBUG") != NULL;
	pthread_mutex_init(&sb->mu, NULL);
	pthread_mutex_init(&sb->reqlog_mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&sb->changed, &attr);
	pthread_cond_init(&sb->kick, &attr);
	pthread_condattr_destroy(&attr);
	sb->rng = (uint64_t)time_wall_ms() * 2654435761u ^ (uint64_t)getpid();
	objstore_init(&sb->store, sb->opt.watch_history);
	sb->store.on_event = on_event;
	sb->store.ctx = sb;
	sb->traffic = traffic_new();
	if (sb->opt.traffic_only)
		return;     /* the mirror fills the store */
	pthread_mutex_lock(&sb->mu);
	add_namespace(sb, "default");
	add_namespace(sb, "kube-system");
	add_namespace(sb, "kube-public");
	add_namespace(sb, "kube-node-lease");
	kubelet_add_nodes(sb);
	pthread_mutex_unlock(&sb->mu);
}

void sandbox_free(struct sandbox *sb)
{
	objstore_free(&sb->store);
	sandbox_events_free(sb);
	traffic_free(sb->traffic);
	faults_free(&sb->faults);
	if (sb->reqlog_fd >= 0)
		close(sb->reqlog_fd);
	pthread_cond_destroy(&sb->changed);
	pthread_cond_destroy(&sb->kick);
	pthread_mutex_destroy(&sb->mu);
	pthread_mutex_destroy(&sb->reqlog_mu);
}

static void timespec_at(struct timespec *ts, int64_t mono_ms)
{
	ts->tv_sec = (time_t)(mono_ms / 1000);
	ts->tv_nsec = (long)(mono_ms % 1000) * 1000000L;
}

void sandbox_pass(struct sandbox *sb, int64_t now, int64_t *next_due)
{
	gc_sync(sb);
	ns_sync(sb);
	kubelet_sync(sb, now, next_due);
	rs_sync(sb, now, next_due);
	deploy_sync(sb, now, next_due);
	sandbox_events_flush(sb, now);
	traffic_step(sb, now, next_due);
}

/* The controllers run when the store changed or a timer of theirs is due
 * (at least once a second); the traffic has its own 100 ms beat, so that
 * 10,000 idle pods do not cost ten full passes a second. A pass that writes
 * leaves the store dirty, and the next one follows after a pause as long as
 * the pass took (at least PASS_GAP_MS): clients get the lock at least half
 * the time however many objects there are. */
void *controller_main(void *arg)
{
	struct sandbox *sb = arg;
	int64_t ctl_due = 0, not_before = 0, traffic_due = 0;

	pthread_mutex_lock(&sb->mu);
	while (!sb->stopping) {
		int64_t now = time_mono_ms(), took;
		struct timespec ts;

		if ((sb->dirty || now >= ctl_due) && now >= not_before) {
			sb->dirty = false;
			ctl_due = now + 1000;
			gc_sync(sb);
			ns_sync(sb);
			kubelet_sync(sb, now, &ctl_due);
			rs_sync(sb, now, &ctl_due);
			deploy_sync(sb, now, &ctl_due);
			sandbox_events_flush(sb, now);
			took = time_mono_ms() - now;
			if (sb->debug && took >= 20)
				fprintf(stderr, "shipdeck-sandbox: controller pass took %lld ms "
					"(resourceVersion %llu)\n", (long long)took,
					(unsigned long long)sb->store.rv);
			not_before = time_mono_ms() + (took > PASS_GAP_MS ? took : PASS_GAP_MS);
		}
		if (now >= traffic_due) {
			traffic_due = now + 1000;
			traffic_step(sb, now, &traffic_due);
		}
		while (!sb->stopping) {
			int64_t ctl_at = sb->dirty || ctl_due < not_before ? not_before : ctl_due;
			int64_t wake = ctl_at < traffic_due ? ctl_at : traffic_due;

			if (time_mono_ms() >= wake)
				break;
			timespec_at(&ts, wake);
			pthread_cond_timedwait(&sb->kick, &sb->mu, &ts);
		}
	}
	pthread_mutex_unlock(&sb->mu);
	return NULL;
}

void *traffic_only_main(void *arg)
{
	struct sandbox *sb = arg;

	pthread_mutex_lock(&sb->mu);
	while (!sb->stopping) {
		int64_t due = time_mono_ms() + 1000;
		struct timespec ts;

		traffic_step(sb, time_mono_ms(), &due);
		timespec_at(&ts, due);
		while (!sb->stopping && time_mono_ms() < due)
			pthread_cond_timedwait(&sb->kick, &sb->mu, &ts);
	}
	pthread_mutex_unlock(&sb->mu);
	return NULL;
}
