/* Simulated request traffic and the Prometheus metrics it leaves behind.
 *
 * Every Service with a selector gets TRAFFIC_RPS requests a second, in real
 * time (not scaled), split over its ready pods by count. A pod's faults set
 * the share of 500s and the added latency. Each request is a line in the
 * pod's log and a sample in /metrics:
 *   sandbox_http_requests_total{namespace,service,deployment,pod,code}
 *   sandbox_http_request_duration_seconds{_bucket,_sum,_count}
 *     {namespace,service,deployment,pod[,le]}
 * where deployment is the name of the Deployment owning the pod. */
#ifndef SHIPDECK_SANDBOX_TRAFFIC_H
#define SHIPDECK_SANDBOX_TRAFFIC_H

#include <stdint.h>

#include "sandbox/sandbox.h"
#include "util/strbuf.h"

#define TRAFFIC_RPS 20.0

struct traffic *traffic_new(void);
void traffic_free(struct traffic *t);

/* Sends the requests due since the last step; lowers *next_due. */
void traffic_step(struct sandbox *sb, int64_t now, int64_t *next_due);
/* The text exposition of all series. */
void traffic_render(struct sandbox *sb, struct strbuf *out);
/* A pod is gone: its series go too, as an application's metrics do. */
void traffic_forget_pod(struct sandbox *sb, const char *ns, const char *pod);

#endif
