#include "kube/source.h"

#include <string.h>

#include "kube/discover.h"
#include "kube/podlog.h"
#include "kube/watch.h"
#include "util/xalloc.h"

void kube_source_publish_target(struct kube_client *kc)
{
	struct store_event ev = { .domain = STORE_KUBE };

	ev.kube = (struct kube_event){ .type = KUBE_EV_TARGET,
				       .context = xstrdup(kc->cfg.context),
				       .namespace = xstrdup(kc->namespace) };
	rt_apply(kc->rt, &ev);
}

/* One state for the status bar from the watches: the worst wins. A
 * connection that never worked is shown as failed (it is most likely the
 * kubeconfig); one that worked and broke is "reconnecting (n)…". */
static void update_state(void *ctx)
{
	struct kube_client *kc = ctx;
	const char *error = NULL;
	int attempt = 0, watching = 0;
	bool refused = false;

	for (int r = 0; r < KUBE_RESOURCE_COUNT; r++) {
		const struct kube_watch *w = kc->watches[r];

		if (!w)
			continue;
		if (kube_watch_phase(w) == KUBE_LIST_WATCHING)
			watching++;
		if (kube_watch_error(w) && (!error || (kube_watch_refused(w) && !refused))) {
			error = kube_watch_error(w);
			refused = kube_watch_refused(w);
		}
		if (kube_watch_attempt(w) > attempt)
			attempt = kube_watch_attempt(w);
	}
	if (watching == kc->started_watches) {
		kc->ever_synced = true;
		rt_source_state(kc->rt, SOURCE_KUBE, SOURCE_READY, 0, NULL);
	} else if (refused || (error && !kc->ever_synced)) {
		rt_source_state(kc->rt, SOURCE_KUBE, SOURCE_FAILED, attempt, "%s", error);
	} else if (error) {
		rt_source_state(kc->rt, SOURCE_KUBE, SOURCE_RECONNECTING, attempt, "%s", error);
	} else if (!kc->ever_synced) {
		rt_source_state(kc->rt, SOURCE_KUBE, SOURCE_CONNECTING, 0,
				"connecting to %s (context %s)\xe2\x80\xa6", kc->cfg.server,
				kc->cfg.context);
	}
}

static void watch_one(struct kube_client *kc, enum kube_resource r)
{
	kc->watches[r] = kube_watch_start(kc, &(struct kube_watch_opts){
		.res = r,
		.namespace = kc->namespace,
		.changed = update_state,
		.ctx = kc,
	});
	kc->started_watches++;
}

/* A CRD's kind found served: watched like the others from now on. */
static void on_discovered(void *ctx, enum kube_resource r)
{
	struct kube_client *kc = ctx;

	if (!kc->watches[r])
		watch_one(kc, r);
	update_state(kc);
}

static void watches_start(struct kube_client *kc)
{
	kube_source_publish_target(kc);
	kc->ever_synced = false;
	kc->started_watches = 0;
	for (int r = 0; r < KUBE_RESOURCE_COUNT; r++)
		if (!kube_resource_group((enum kube_resource)r))
			watch_one(kc, (enum kube_resource)r);
	kc->discovery = kube_discover_start(kc, on_discovered, kc);
	update_state(kc);
}

static void watches_stop(struct kube_client *kc)
{
	kube_discover_stop(&kc->discovery);
	for (int r = 0; r < KUBE_RESOURCE_COUNT; r++)
		kube_watch_stop(&kc->watches[r]);
	kc->started_watches = 0;
	kube_pod_logs_stop(kc);
}

int kube_source_start(struct rt *rt, struct err *err)
{
	struct kube_client *kc;
	int rc = kube_client_open(rt, &kc, err);

	if (rc == 1) {
		rt_source_state(rt, SOURCE_KUBE, SOURCE_UNCONFIGURED, 0,
				"no cluster: start with --kubeconfig or `shipdeck demo`");
		return 1;
	}
	if (rc) {
		rt_source_state(rt, SOURCE_KUBE, SOURCE_FAILED, 0, "%s", err->msg);
		return -1;
	}
	rt->kube = kc;
	rt_log_provider(rt, "pod/", kube_pod_log_open, kc);
	watches_start(kc);
	return 0;
}

void kube_source_stop(struct rt *rt)
{
	if (!rt->kube)
		return;
	watches_stop(rt->kube);
	kube_client_free(&rt->kube);
}

int kube_source_set_namespace(struct rt *rt, const char *ns, struct err *err)
{
	struct kube_client *kc = rt->kube;

	if (!kc)
		return err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
	watches_stop(kc);
	kube_client_use_namespace(kc, ns);
	watches_start(kc);
	return 0;
}

int kube_source_set_context(struct rt *rt, const char *context, struct err *err)
{
	struct kube_client *kc = rt->kube;

	if (!kc)
		return err_set(err, "no cluster: start with --kubeconfig or `shipdeck demo`");
	/* the watches hold pointers into the old config: stop them first */
	watches_stop(kc);
	if (kube_client_use_context(kc, context, err)) {
		watches_start(kc);
		return -1;
	}
	watches_start(kc);
	return 0;
}
