/* The upstream control plane on 127.0.0.1: etcd, kube-apiserver (TLS with a
 * throwaway CA, RBAC, bearer tokens, an audit log), kube-controller-manager,
 * kube-scheduler and kwok with fake nodes — each a child process with its own
 * data folder and log, on free ports, stopped by pid. */
#ifndef SHIPDECK_UPSTREAM_CLUSTER_H
#define SHIPDECK_UPSTREAM_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

enum upstream_component {
	UP_ETCD, UP_APISERVER, UP_CONTROLLER_MANAGER, UP_SCHEDULER, UP_KWOK, UP_NCOMPONENTS
};

extern const char *const upstream_component_names[UP_NCOMPONENTS];

struct upstream_opts {
	const char *dir;             /* data, logs, certificates (created) */
	const char *bin_dir;         /* the built binaries */
	const char *kubeconfig_out;  /* the admin kubeconfig for clients */
	const char *faults;          /* the sandbox's faults file, or NULL */
	const char *manifests;       /* objects to create once ready, or NULL */
	const char *audit_log;       /* the apiserver's audit log (default dir/audit.log) */
	double time_scale;           /* divides kwok's delays */
	int port;                    /* the apiserver's; 0: a free one */
	int nodes;                   /* fake nodes (default 3) */
	int api_qps;                 /* controllers' client rate; 0: their default */
	const bool *stop;            /* set (by a signal) to give up starting */
};

struct upstream_proc {
	pid_t pid;                   /* 0 when not running */
	uint64_t start_time;
	char *log;
};

struct podlogs;

struct upstream_cluster {
	struct upstream_opts opt;
	struct upstream_proc procs[UP_NCOMPONENTS];
	int port;                    /* the apiserver's */
	char *url;                   /* https://127.0.0.1:PORT */
	char *ca_pem;
	char own_token[65];          /* the launcher's own user, shipdeck-upstream */
	struct podlogs *podlogs;     /* the containers' logs, while it runs */
};

/* The folder the pinned build puts the binaries in, as upstream/build does:
 * $SHIPDECK_UPSTREAM_BIN, else $XDG_CACHE_HOME/shipdeck/upstream/<versions>/bin.
 * Caller frees. */
char *upstream_default_bin_dir(void);

/* The first component missing from bin_dir, or NULL when all are there. */
const char *upstream_missing_binary(const char *bin_dir);

/* Starts every component and waits until the cluster serves (/readyz, nodes
 * Ready, the default service account there) and the manifests are created.
 * On error every process started is stopped again, and err names the
 * component and its log. Waits on loop. */
struct loop;
int upstream_start(struct upstream_cluster *c, const struct upstream_opts *o, struct loop *loop,
		   struct err *err);

/* The component that exited (its pid reaped by the caller), or -1. */
int upstream_component_of(const struct upstream_cluster *c, pid_t pid);

/* Stops what runs, last started first, each with TERM and after grace_ms
 * KILL (UPSTREAM_GRACE_MS for a cluster that served; a start given up has
 * nothing to finish, and a ^C then should not wait 10 s per component). */
#define UPSTREAM_GRACE_MS 10000
void upstream_stop(struct upstream_cluster *c, int grace_ms);
void upstream_free(struct upstream_cluster *c);

#endif
