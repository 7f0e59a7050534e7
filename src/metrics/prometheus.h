/* The Prometheus HTTP API: instant and range queries, asynchronous on the
 * app's HTTP client, with error bodies turned into messages that name the URL. */
#ifndef SHIPDECK_METRICS_PROMETHEUS_H
#define SHIPDECK_METRICS_PROMETHEUS_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/http.h"
#include "util/err.h"

struct prom_series {
	char *metric;               /* the label set as Prometheus wrote it (JSON) */
	size_t n;
	double *t;                  /* seconds since the epoch */
	double *v;                  /* NaN where Prometheus said "NaN" */
};

struct prom_result {
	struct prom_series *series;
	size_t nseries;
};

/* On success error is NULL; on failure res is empty and error says what
 * failed, naming the URL. */
typedef void (*prom_done_fn)(void *ctx, const struct prom_result *res, const char *error);

/* GET base/api/v1/query_range. Returns the request id, or 0 with err. */
uint64_t prom_query_range(struct http *http, const char *base_url, const char *query,
			  double start, double end, double step, long timeout_ms,
			  prom_done_fn done, void *ctx, struct err *err);
/* GET base/api/v1/query (an instant vector). */
uint64_t prom_query(struct http *http, const char *base_url, const char *query,
		    long timeout_ms, prom_done_fn done, void *ctx, struct err *err);

/* Cancels a query under way: done is not called. */
void prom_cancel(struct http *http, uint64_t id);

/* Parses a response body (a vector, a matrix or a scalar). -1 with err for an
 * error document or anything malformed. */
int prom_parse(const char *body, size_t len, struct prom_result *res, struct err *err);
void prom_result_free(struct prom_result *res);

/* Fills a query template's {namespace}, {deployment} and {interval}; values
 * are escaped for PromQL string literals. Caller frees. */
char *promql_expand(const char *tmpl, const char *namespace, const char *deployment,
		    const char *interval);

#endif
