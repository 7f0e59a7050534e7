#include "app/sources.h"

#include <stdlib.h>
#include <string.h>

#include "chaos/catalog.h"
#include "chaos/runner.h"
#include "ci/backend.h"
#include "ci/logpager.h"
#include "ci/remote.h"
#include "ci/source.h"
#include "env/promote.h"
#include "env/source.h"
#include "git/repo.h"
#include "kube/rollout_ops.h"
#include "kube/source.h"
#include "metrics/canary_ctl.h"
#include "metrics/canary_ops.h"
#include "registry/source.h"
#include "util/file.h"
#include "util/xalloc.h"

int sources_open_repo(struct app *app, struct err *err)
{
	struct store_event ev = { .domain = STORE_CI };
	struct git_head head;
	struct err gerr;
	const char *start = app->opts.repo ? app->opts.repo : ".";

	if (git_head_read(&head, start, &gerr)) {
		/* An explicit --repo must exist; otherwise shipdeck runs without one. */
		if (app->opts.repo)
			return err_set(err, "--repo %s: %s", app->opts.repo, gerr.msg);
		app_source_state(app, SOURCE_GIT, SOURCE_UNCONFIGURED, 0,
				 "no repository: run shipdeck inside a git repository or pass "
				 "--repo DIR");
		return project_load(&app->project, NULL, err);
	}
	free(app->repo_root);
	app->repo_root = xstrdup(head.root);
	app->rt.repo_root = app->repo_root;
	ev.ci = (struct ci_event){ .type = CI_EV_REPO, .repo_path = head.root,
				   .branch = head.branch, .head_sha = head.sha,
				   .dirty = head.dirty };
	app_apply(app, &ev);
	app_source_state(app, SOURCE_GIT, SOURCE_READY, 0, NULL);
	project_free(&app->project);
	return project_load(&app->project, app->repo_root, err);
}

/* ---- each source's start, where the console's policy differs from the
 * source's own: what a pane can show instead is not fatal */

static int start_log_pager(struct rt *rt, struct err *err)
{
	(void)err;
	ci_log_pager_start(rt);
	return 0;
}

/* a bad kubeconfig is shown in the rollout pane, not fatal: the pipeline
 * side of the console works without a cluster */
static int start_kube(struct rt *rt, struct err *err)
{
	kube_source_start(rt, err);
	return 0;
}

static int start_ci(struct rt *rt, struct err *err)
{
	const struct project *pj = rt->project;

	if (pj->nci && pj->ci[0].backend != CI_BACKEND_LOCAL) {
		/* the first ci: entry is the one the pane reads */
		if (ci_remote_start(rt, &pj->ci[0], err))
			rt_source_state(rt, SOURCE_CI, SOURCE_FAILED, 0, "%s", err->msg);
		else
			rt_source_state(rt, SOURCE_CI, SOURCE_READY, 0, NULL);
	} else if (!rt->repo_root) {
		rt_source_state(rt, SOURCE_CI, SOURCE_UNCONFIGURED, 0,
				"no pipeline: run shipdeck inside a git repository or pass "
				"--repo DIR");
	} else {
		char *file = xasprintf("%s/%s", rt->repo_root, pj->pipeline_file);

		if (!file_exists(file))
			rt_source_state(rt, SOURCE_CI, SOURCE_UNCONFIGURED, 0,
					"no pipeline: add %s to %s", pj->pipeline_file,
					rt->repo_root);
		else if (ci_source_start(rt, err))
			rt_source_state(rt, SOURCE_CI, SOURCE_FAILED, 0, "%s", err->msg);
		free(file);
	}
	return 0;
}

static void stop_ci(struct rt *rt)
{
	ci_remote_stop(rt);
	ci_source_stop(rt);
}

/* without image.name this says how to set it */
static int start_registry(struct rt *rt, struct err *err)
{
	return registry_source_start(rt, false, err);
}

/* an environment whose context is missing shows in the images pane */
static int start_env(struct rt *rt, struct err *err)
{
	if (env_source_start(rt, ENV_REFRESH_MS, err) < 0)
		rt_message(rt, STATUS_ERROR, "%s", err->msg);
	return 0;
}

static int start_metrics(struct rt *rt, struct err *err)
{
	if (rt->project->prometheus || rt->project->napps)
		return canary_ctl_start(rt, NULL, err);
	rt_source_state(rt, SOURCE_METRICS, SOURCE_UNCONFIGURED, 0,
			"no Prometheus: set prometheus: in .shipdeck.yml");
	return 0;
}

/* The sources the console runs, in the order they start; they stop the
 * other way round. start fails only for what stops the console (the
 * rest is the source's state); no start: it begins on demand. The git
 * repository is read before all of them (sources_open_repo). */
static const struct console_source {
	int (*start)(struct rt *rt, struct err *err);
	void (*stop)(struct rt *rt);
} console_sources[] = {
	{ .start = start_log_pager, .stop = ci_log_pager_stop },
	{ .start = start_kube, .stop = kube_source_stop },
	{ .start = start_ci, .stop = stop_ci },
	{ .start = start_registry, .stop = registry_source_stop },
	{ .start = start_env, .stop = env_source_stop },
	{ .start = start_metrics, .stop = canary_ctl_stop },
	{ .start = chaos_catalog_start, .stop = chaos_run_stop },
};

enum { NSOURCES = sizeof console_sources / sizeof *console_sources };

int sources_start(struct app *app, struct err *err)
{
	if (sources_open_repo(app, err))
		return -1;
	for (int i = 0; i < NSOURCES; i++) {
		struct err serr;

		if (console_sources[i].start && console_sources[i].start(&app->rt, &serr)) {
			*err = serr;
			return -1;
		}
	}
	return 0;
}

void sources_stop(struct app *app)
{
	for (int i = NSOURCES - 1; i >= 0; i--)
		console_sources[i].stop(&app->rt);
}

int sources_set_namespace(struct app *app, const char *ns, struct err *err)
{
	return kube_source_set_namespace(&app->rt, ns, err);
}

int sources_set_context(struct app *app, const char *context, struct err *err)
{
	return kube_source_set_context(&app->rt, context, err);
}

/* A build may have pushed a tag: the registry looks again now rather than
 * at its next refresh. */
static void build_finished(struct rt *rt)
{
	registry_source_refresh(rt);
}

/* The canary asks before it plans a change; the kube slot is the app's to read. */
static bool has_cluster(struct rt *rt)
{
	return rt->kube != NULL;
}

void sources_wire(struct app *app)
{
	app->rt.hooks.build_finished = build_finished;
	app->rt.hooks.resolve_tag = registry_source_resolve;
	app->rt.hooks.has_cluster = has_cluster;
	action_builders_add(&app->rt, kube_rollout_builders);
	action_builders_add(&app->rt, canary_builders);
	action_builders_add(&app->rt, env_builders);
	action_builders_add(&app->rt, ci_builders);
	action_builders_add(&app->rt, chaos_builders);
}
