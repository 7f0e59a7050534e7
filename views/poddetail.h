/* The pod-detail screen of the rollout pane, and a pod's colour. */
#ifndef SHIPDECK_VIEWS_PODDETAIL_H
#define SHIPDECK_VIEWS_PODDETAIL_H

#include "store/kube.h"
#include "views/view.h"

/* A pod's role by its state: deleting, failing, ready, running, pending. */
enum role pod_role(const struct kube_pod *p);

/* Pod p (NULL: gone; name says which) of namespace ns over the pane;
 * *container is the one whose log shows, kept within p's containers. */
void pod_detail_draw(struct view_ctx *c, const struct kube_pod *p, const char *name,
		     const char *ns, int *container);

#endif
