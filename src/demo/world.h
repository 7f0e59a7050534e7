/* The demo's world: shipdeck-sandbox, Debian's docker-registry and prometheus
 * on free 127.0.0.1 ports, each with its data under the demo folder. The
 * processes are recorded in world.json (pid and start time), so `--down` and
 * a later run stop exactly these and nothing else. */
#ifndef SHIPDECK_DEMO_WORLD_H
#define SHIPDECK_DEMO_WORLD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "app/app.h"

/* DEMO_SANDBOX is the cluster, either kind; DEMO_TRAFFIC runs only beside the
 * upstream one (shipdeck-sandbox --traffic-only: kwok's pods serve nothing). */
enum demo_server { DEMO_SANDBOX, DEMO_REGISTRY, DEMO_PROMETHEUS, DEMO_TRAFFIC, DEMO_NSERVERS };

struct demo_proc {
	pid_t pid;                  /* 0 when not running */
	uint64_t start_time;        /* /proc/PID/stat field 22: tells a reused pid apart */
	int port;
	char *missing;              /* why it is not there: "install Debian's prometheus" */
};

enum demo_cluster { DEMO_CLUSTER_SANDBOX, DEMO_CLUSTER_UPSTREAM };

struct demo_world {
	char *dir;                  /* the state folder */
	enum demo_cluster cluster;  /* shipdeck-sandbox or the real control plane
	                             * (shipdeck-upstream); kept in world.json */
	char *repo;                 /* dir/repo */
	char *kubeconfig;           /* dir/kubeconfig */
	struct demo_proc procs[DEMO_NSERVERS];
	bool started_here;          /* this process started them: stop them on exit */
};

/* dir NULL: $XDG_STATE_HOME/shipdeck/demo. Reads world.json when there is one
 * (its cluster kind included). */
void demo_world_init(struct demo_world *w, const char *dir);
void demo_world_free(struct demo_world *w);

/* True when the recorded processes still run (a world started by --up). */
bool demo_world_running(const struct demo_world *w);

/* Starts the servers — the registry, then the cluster (on first start with
 * the demo's manifests running the image that the first build of first_sha
 * will publish; NULL keeps the cluster's last manifests), on the upstream
 * cluster the simulated traffic, then Prometheus scraping the sandbox or the
 * traffic — waits until each answers, and records them. detach:
 * they outlive this process (--up). A missing registry or prometheus is not
 * an error: its `missing` says which package to install. */
int demo_world_start(struct app *app, struct demo_world *w, const char *first_sha,
		     bool detach, struct err *err);
/* Stops the recorded processes (TERM, then KILL after 5 s) and forgets them. */
void demo_world_stop(struct demo_world *w);

/* "127.0.0.1:PORT" of the registry, "http://127.0.0.1:PORT" of Prometheus;
 * caller frees; NULL when that server is missing. */
char *demo_world_registry(const struct demo_world *w);
char *demo_world_prometheus(const struct demo_world *w);

extern const char *const demo_server_names[DEMO_NSERVERS];

/* "shipdeck-sandbox" or "shipdeck-upstream": the program of the cluster. */
const char *demo_cluster_program(const struct demo_world *w);

#endif
