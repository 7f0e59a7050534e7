#include "app/sources.h"

#include <stdlib.h>
#include <string.h>

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

int sources_start(struct app *app, struct err *err)
{
	if (sources_open_repo(app, err))
		return -1;
	ci_log_pager_start(&app->rt);
	{
		/* a bad kubeconfig is shown in the rollout pane, not fatal: the
		 * pipeline side of the console works without a cluster */
		struct err kerr;

		kube_source_start(&app->rt, &kerr);
	}
	if (app->project.nci && app->project.ci[0].backend != CI_BACKEND_LOCAL) {
		/* the first ci: entry is the one the pane reads */
		struct err rerr;

		if (ci_remote_start(&app->rt, &app->project.ci[0], &rerr))
			app_source_state(app, SOURCE_CI, SOURCE_FAILED, 0, "%s", rerr.msg);
		else
			app_source_state(app, SOURCE_CI, SOURCE_READY, 0, NULL);
	} else if (!app->repo_root) {
		app_source_state(app, SOURCE_CI, SOURCE_UNCONFIGURED, 0,
				 "no pipeline: run shipdeck inside a git repository or pass "
				 "--repo DIR");
	} else {
		char *file = xasprintf("%s/%s", app->repo_root, app->project.pipeline_file);
		struct err cerr;

		if (!file_exists(file))
			app_source_state(app, SOURCE_CI, SOURCE_UNCONFIGURED, 0,
					 "no pipeline: add %s to %s", app->project.pipeline_file,
					 app->repo_root);
		else if (ci_source_start(&app->rt, &cerr))
			app_source_state(app, SOURCE_CI, SOURCE_FAILED, 0, "%s", cerr.msg);
		free(file);
	}
	/* without image.name this says how to set it */
	if (registry_source_start(&app->rt, false, err))
		return -1;
	{
		/* an environment whose context is missing shows in the images pane */
		struct err eerr;

		if (env_source_start(&app->rt, ENV_REFRESH_MS, &eerr) < 0)
			app_message(app, STATUS_ERROR, "%s", eerr.msg);
	}
	if (app->project.prometheus || app->project.napps)
		return canary_ctl_start(&app->rt, NULL, err);
	app_source_state(app, SOURCE_METRICS, SOURCE_UNCONFIGURED, 0,
			 "no Prometheus: set prometheus: in .shipdeck.yml");
	return 0;
}

void sources_stop(struct app *app)
{
	chaos_run_stop(&app->rt);
	env_source_stop(&app->rt);
	canary_ctl_stop(&app->rt);
	ci_remote_stop(&app->rt);
	ci_source_stop(&app->rt);
	ci_log_pager_stop(&app->rt);
	registry_source_stop(&app->rt);
	kube_source_stop(&app->rt);
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

void sources_wire(struct app *app)
{
	app->rt.hooks.build_finished = build_finished;
	app->rt.hooks.resolve_tag = registry_source_resolve;
	action_builders_add(&app->rt, kube_rollout_builders);
	action_builders_add(&app->rt, canary_builders);
	action_builders_add(&app->rt, env_builders);
	action_builders_add(&app->rt, ci_builders);
	action_builders_add(&app->rt, chaos_builders);
}
