/* Shared helpers and the controller thread. */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int64_t sb_scaled_ms(const struct sandbox *sb, double sim_ms)
{
	double ms = sim_ms / sb->opt.time_scale;

	return ms <= 0 ? 0 : (int64_t)ceil(ms);
}

double sb_sim_elapsed_ms(const struct sandbox *sb, int64_t real_ms)
{
	return (double)real_ms * sb->opt.time_scale;
}

double sb_rand(struct sandbox *sb)
{
	uint64_t x = sb->rng ? sb->rng : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	sb->rng = x;
	return (double)(x >> 11) / 9007199254740992.0;
}

void sb_rand_suffix(struct sandbox *sb, char *out, int n)
{
	size_t len = strlen(safe_alphabet);

	for (int i = 0; i < n; i++)
		out[i] = safe_alphabet[(size_t)(sb_rand(sb) * (double)len) % len];
	out[n] = 0;
}

void sb_now_rfc3339(char buf[32])
{
	time_format_rfc3339(time(NULL), buf, 32);
}

bool sb_commit_if_changed(struct sandbox *sb, struct obj *o, cJSON *json)
{
	if (jequal(o->cur->json, json)) {
		cJSON_Delete(json);
		return false;
	}
	store_commit(&sb->store, o->kind, json);
	return true;
}

static void timespec_at(struct timespec *ts, int64_t mono_ms)
{
	ts->tv_sec = (time_t)(mono_ms / 1000);
	ts->tv_nsec = (long)(mono_ms % 1000) * 1000000L;
}

void *controller_main(void *arg)
{
	struct sandbox *sb = arg;

	pthread_mutex_lock(&sb->mu);
	while (!sb->stopping) {
		int64_t now = time_mono_ms(), next = now + 1000;
		uint64_t rv_before = sb->store.rv;
		struct timespec ts;

		sb->dirty = false;
		gc_sync(sb);
		kubelet_sync(sb, now, &next);
		rs_sync(sb, now, &next);
		deploy_sync(sb, now, &next);
		sb_events_flush(sb, now);
		traffic_step(sb, now, &next);
		if (sb->store.rv != rv_before || sb->dirty)
			next = time_mono_ms() + PASS_GAP_MS;
		sb->dirty = false;
		timespec_at(&ts, next);
		while (!sb->stopping && !sb->dirty && time_mono_ms() < next)
			if (pthread_cond_timedwait(&sb->kick, &sb->mu, &ts) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&sb->mu);
	return NULL;
}
