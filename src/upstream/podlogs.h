/* Pod logs on the upstream cluster. kwok runs no containers, so nothing
 * writes a log; its kubelet server (the nodes' daemon endpoint) serves a
 * pod's container logs from files named by a kwok.x-k8s.io/v1alpha1 Logs
 * object of the pod's name (kwok --enable-crds=Logs). This watches the pods
 * and plays each container's part, as the sandbox's simulated kubelet does:
 * per container a CRI-format file (the lines the sandbox's containers write:
 * starting, listening, ready, the never-ready warning, SIGTERM and shutdown),
 * a previous-log file with the panic once a crash-looping container has
 * "exited", and the pod's Logs object (owned by the pod, so the garbage
 * collector removes it with the pod). Files are under DIR/podlogs and stay
 * until the cluster's folder goes. */
#ifndef SHIPDECK_UPSTREAM_PODLOGS_H
#define SHIPDECK_UPSTREAM_PODLOGS_H

#include "runtime/loop.h"
#include "sandbox/faults.h"
#include "util/err.h"

struct podlogs;

struct podlogs_opts {
	const char *url;      /* the apiserver */
	const char *ca_pem;
	const char *token;    /* the launcher's own bearer token */
	const char *dir;      /* the cluster's folder */
	const char *faults;   /* the --faults file, or NULL */
};

/* The CustomResourceDefinition kwok's Logs kind needs (JSON): its group,
 * names and version, with an open schema (kwok validates what it reads). */
extern const char podlogs_crd[];
#define PODLOGS_CRD_NAME "logs.kwok.x-k8s.io"

/* Starts the watch on loop (it runs while the loop does). NULL with err when
 * the faults file cannot be read. */
struct podlogs *podlogs_start(struct loop *loop, const struct podlogs_opts *o, struct err *err);
void podlogs_stop(struct podlogs **p);

/* One line of a CRI log file ("TIME stdout F TEXT\n", RFC 3339 with
 * nanoseconds), for the tests. Caller frees. */
char *podlogs_cri_line(const struct timespec *ts, const char *text);

#endif
