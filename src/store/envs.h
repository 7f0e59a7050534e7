/* Environments (environments: in .shipdeck.yml): what each one runs, read
 * from its own context and namespace by the env source (env/source.c) — the
 * Deployments of its apps, their pods, the ConfigMaps they name — for the
 * images pane's columns, promotion by digest and drift.
 *
 * Ownership: the store owns every state and string once an event carrying it
 * has been applied. */
#ifndef SHIPDECK_STORE_ENVS_H
#define SHIPDECK_STORE_ENVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/kube.h"

/* What one Deployment of an app runs: its container of image.name's
 * repository (else its only one). */
struct env_run {
	char *app;
	char *deployment;
	bool found;                 /* the Deployment exists */
	char *container;            /* NULL when the template has none */
	char *image;                /* as the template names it */
	char *tag;                  /* NULL when the image names none */
	char *digest;               /* the template's digest, else the one its pods report */
	bool digest_from_pods;      /* read from the pods' imageID, not the template */
	bool pods_disagree;         /* the pods report different digests */
	int pods, ready;            /* pods of the current template */
	int64_t oldest_ready;       /* creation of its oldest ready pod, seconds; 0 when none */
};

struct env_configmap {
	char *name;
	char *data_json;            /* .data as compact JSON ("{}" when none) */
};

struct env_state {
	char *name;
	char *context;              /* as used: the environment's, or the kubeconfig's
				     * current one */
	char *namespace;
	char *error;                /* why it could not be read; NULL when it was */
	int64_t read_ms;            /* wall time of the last read; 0 before the first */
	struct env_run *runs;
	size_t nruns;
	struct kube_deployment **deploys;   /* the apps' Deployments that exist */
	size_t ndeploys;
	struct env_configmap *configmaps;
	size_t nconfigmaps;
};

/* Configuration drift: how one app's pod templates differ across the
 * environments that list it, one value per field and environment, as the
 * env source compared them at the end of a pass (env/drift.h). */
struct drift_item {
	char *field;                /* "containers.web.env.LOG_LEVEL", "replicas" */
	char **values;              /* one per compared environment; NULL: absent there */
};

struct drift {
	char *app;
	char **envs;                /* the environments compared (those that list the app) */
	size_t nenvs;
	struct drift_item *items;
	size_t n;
	size_t expected;            /* differences left out as declared */
	char **missing;             /* "prod: deploy/web not found", "stage: <read error>" */
	size_t nmissing;
};

struct store_envs {
	struct env_state *envs;     /* in the order of .shipdeck.yml */
	size_t n;
	uint64_t passes;            /* whole passes over every environment */
	struct drift *drifts;       /* one per app, of the last pass */
	size_t ndrifts;
};

enum envs_event_type {
	ENVS_EV_STATE,              /* environment index's state, replacing the last */
	ENVS_EV_PASS,               /* every environment has been read once more */
};

struct envs_event {
	enum envs_event_type type;
	size_t index;
	struct env_state *state;    /* STATE: moved into the store (the struct too) */
	struct drift *drifts;       /* PASS: each app's, moved into the store (the array too) */
	size_t ndrifts;
};

void store_envs_init(struct store_envs *e);
void store_envs_free(struct store_envs *e);
bool store_envs_apply(struct store_envs *e, struct envs_event *ev);
void env_state_free(struct env_state *s);
void drift_free(struct drift *d);

/* Lookups; results point into the store (valid until the next apply). */
const struct env_state *store_envs_find(const struct store_envs *e, const char *name);
/* The first run of app in s (its first Deployment), or NULL. */
const struct env_run *env_state_run(const struct env_state *s, const char *app);
const struct kube_deployment *env_state_deployment(const struct env_state *s, const char *name);
const char *env_state_configmap(const struct env_state *s, const char *name);
/* app's drift of the last pass, or NULL (no pass yet, or no environment lists it). */
const struct drift *store_envs_drift(const struct store_envs *e, const char *app);

#endif
