#include "app/sources.h"

#include <stdlib.h>
#include <string.h>

#include "chaos/runner.h"
#include "ci/source.h"
#include "git/repo.h"
#include "kube/source.h"
#include "metrics/canary_ctl.h"
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
	{
		/* a bad kubeconfig is shown in the rollout pane, not fatal: the
		 * pipeline side of the console works without a cluster */
		struct err kerr;

		kube_source_start(app, &kerr);
	}
	if (!app->repo_root) {
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
		else if (ci_source_start(app, &cerr))
			app_source_state(app, SOURCE_CI, SOURCE_FAILED, 0, "%s", cerr.msg);
		free(file);
	}
	/* without image.name this says how to set it */
	if (registry_source_start(app, false, err))
		return -1;
	if (app->project.prometheus || app->project.napps)
		return canary_ctl_start(app, NULL, err);
	app_source_state(app, SOURCE_METRICS, SOURCE_UNCONFIGURED, 0,
			 "no Prometheus: set prometheus: in .shipdeck.yml");
	return 0;
}

void sources_stop(struct app *app)
{
	chaos_run_stop(app);
	canary_ctl_stop(app);
	ci_source_stop(app);
	registry_source_stop(app);
	kube_source_stop(app);
}

void sources_build_finished(struct app *app)
{
	registry_source_refresh(app);
}
