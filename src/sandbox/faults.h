/* Faults a simulated pod can be told to show, by pod-template annotation or
 * by image in the --faults file:
 *
 *   - image: "example/web:bad*"      # fnmatch pattern on a container image
 *     never-ready: "true"
 *     crash-loop: "true"
 *     error-rate: "0.2"              # share of simulated requests answered 500
 *     latency-ms: "250"              # added to every simulated request
 *     start-ms: "2000"               # container start delay (default 1000)
 *
 * The annotations are the same keys with the prefix sandbox.shipdeck.dev/.
 * An annotation wins over the file; of the file's rules the first that
 * names a key and matches one of the pod's images wins. */
#ifndef SHIPDECK_SANDBOX_FAULTS_H
#define SHIPDECK_SANDBOX_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/err.h"

#define FAULT_PREFIX "sandbox.shipdeck.dev/"

struct faultset {
	bool never_ready;
	bool crash_loop;
	double error_rate;   /* 0..1 */
	int latency_ms;
	int start_ms;
};

struct fault_rule {
	char *image;         /* pattern */
	char *keys[5];       /* values by key index, NULL when not set */
};

struct faults {
	struct fault_rule *rules;
	size_t n;
};

int faults_load(struct faults *f, const char *path, struct err *err);
void faults_free(struct faults *f);

/* The faults of a pod (or pod template) object: its annotations, then the
 * rules matching its containers' images. */
void faults_for_pod(const struct faults *f, const cJSON *pod, struct faultset *out);

#endif
