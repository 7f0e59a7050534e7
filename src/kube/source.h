/* The kube source of the console: list+watch of deployments, replica sets,
 * pods, events and services in the namespace in use, the SOURCE_KUBE state
 * for the status bar ("reconnecting (3)…"), :ctx and :ns switches, and pod
 * logs for the log pane (the "pod/" log provider). */
#ifndef SHIPDECK_KUBE_SOURCE_H
#define SHIPDECK_KUBE_SOURCE_H

#include "kube/client.h"

/* Opens the kubeconfig and starts watching. Returns 0 (rt->kube set), 1
 * when there is no kubeconfig (the caller shows how to configure one), -1
 * with err for a bad one — the state says so too, for the rollout pane. */
int kube_source_start(struct rt *rt, struct err *err);
void kube_source_stop(struct rt *rt);

/* ":ns NAME" and ":ctx NAME": stop, retarget, watch again. */
int kube_source_set_namespace(struct rt *rt, const char *ns, struct err *err);
int kube_source_set_context(struct rt *rt, const char *context, struct err *err);

/* Publishes the client's context and namespace as the store's target. */
void kube_source_publish_target(struct kube_client *kc);

#endif
