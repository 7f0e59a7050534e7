/* shipdeck-sandbox: a small Kubernetes API server with a deployment
 * controller, a ReplicaSet controller, a simulated kubelet and simulated
 * traffic, for demos and tests. This is the one state they share.
 *
 * Threads: libmicrohttpd serves each connection on its own thread; one
 * controller thread runs the controllers, the kubelet and the traffic; the
 * main thread waits for SIGTERM. `mu` guards everything in struct sandbox
 * below it; `changed` is broadcast on every store event and log line so that
 * watch and log streams wake up. */
#ifndef SHIPDECK_SANDBOX_SANDBOX_H
#define SHIPDECK_SANDBOX_SANDBOX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox/faults.h"
#include "sandbox/hmap.h"
#include "sandbox/objstore.h"

struct sandbox_opts {
	int port;
	const char *kubeconfig_out;
	bool plain_http;
	double time_scale;
	const char *manifests;
	const char *faults;
	const char *request_log;
	size_t watch_history;
	bool traffic_only;           /* --traffic-only: the store mirrors `kubeconfig`'s */
	const char *kubeconfig;      /* cluster; only traffic and /metrics run (mirror.h) */
};

struct traffic;

struct sandbox {
	struct sandbox_opts opt;
	char token[65];              /* bearer token; empty with --plain-http */
	const char *ca_pem;          /* the CA (not owned); NULL with --plain-http */
	int port;                    /* the port actually bound */
	int reqlog_fd;               /* -1 without --request-log */
	bool debug;                  /* SHIPDECK_SANDBOX_DEBUG: slow passes, MHD errors */
	pthread_mutex_t reqlog_mu;

	pthread_mutex_t mu;
	pthread_cond_t changed;      /* store event, log line, stop */
	pthread_cond_t kick;         /* wakes the controller thread */
	bool stopping;
	bool dirty;                  /* the store changed since the last controller pass */

	struct objstore store;
	struct faults faults;
	struct traffic *traffic;
	struct hmap event_keys;      /* aggregation key → struct agg_event */
	char **event_fifo;           /* names of recorded Events, oldest first (ring) */
	size_t event_fifo_cap, event_fifo_head, event_fifo_n;
	unsigned pod_ip_next;
	unsigned svc_ip_next;
	unsigned node_port_next;
	uint64_t rng;
	uint64_t gc_removals;        /* store.removals at the last GC */
	int64_t gc_next_ms;
};

/* Sets up the lock, the store (with the default namespaces and the nodes),
 * traffic and events; opt is copied. Faults and manifests come after. */
void sandbox_init(struct sandbox *sb, const struct sandbox_opts *opt);
/* Frees everything; the server and the controller thread must be stopped. */
void sandbox_free(struct sandbox *sb);
/* One pass of every controller, the kubelet and the traffic (lock held).
 * Lowers *next_due to the next time something is due. */
void sandbox_pass(struct sandbox *sb, int64_t now, int64_t *next_due);

/* A delay of the simulated world (sim_ms at --time-scale 1) in real ms. */
int64_t sandbox_scaled_ms(const struct sandbox *sb, double sim_ms);

/* A uniform random number in [0, 1) (xorshift; guarded by mu). */
double sandbox_rand(struct sandbox *sb);
/* n characters of the controller's safe alphabet, for generated names. */
void sandbox_rand_suffix(struct sandbox *sb, char *out, int n);

/* Records a v1 Event about obj (aggregated like the real recorder: the same
 * object, reason and message bump count and lastTimestamp). */
void sandbox_event(struct sandbox *sb, const struct obj *involved, const char *type,
	      const char *reason, const char *component, const char *host,
	      const char *field_path, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
/* Flushes aggregated counts held back by rate limiting. */
void sandbox_events_flush(struct sandbox *sb, int64_t now);
void sandbox_events_free(struct sandbox *sb);

/* "2026-11-26T15:54:45Z" for now. */
void sb_now_rfc3339(char buf[32]);

/* Commits obj (taken) unless it equals the stored state; true if committed. */
bool sandbox_commit_if_changed(struct sandbox *sb, struct obj *o, cJSON *json);

#endif
