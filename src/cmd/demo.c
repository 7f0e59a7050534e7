/* shipdeck demo: a small real world started by shipdeck itself — a sandbox
 * cluster, a registry, Prometheus, a git repository with a pipeline — and the
 * console on it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/sources.h"
#include "ci/history.h"
#include "ci/source.h"
#include "cmd/cmd.h"
#include "demo/repo.h"
#include "demo/seed.h"
#include "demo/template.h"
#include "demo/world.h"
#include "kube/client.h"
#include "util/file.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/ui.h"

/* Steps run `shipdeck deploy` and find the cluster through KUBECONFIG, like a
 * CI runner configured for the cluster would. */
static void export_environment(const struct demo_world *w)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *path = getenv("PATH");

	setenv("KUBECONFIG", w->kubeconfig, 1);
	if (len > 0) {
		char *slash, *p;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			p = xasprintf("%s:%s", exe, path ? path : "/usr/bin:/bin");
			setenv("PATH", p, 1);
			free(p);
		}
	}
}

static int write_settings(const struct demo_world *w, struct err *err)
{
	char *registry = demo_world_registry(w), *prom = demo_world_prometheus(w);
	char *yml = demo_project_settings(registry ? registry : "127.0.0.1:1",
					  prom ? prom : "http://127.0.0.1:1");
	char *path = xasprintf("%s/.shipdeck.yml", w->repo);
	int rc = file_write_atomic(path, yml, strlen(yml), err);

	free(registry);
	free(prom);
	free(yml);
	free(path);
	return rc;
}

/* The first good build: a tag exists in the registry and runs in the cluster
 * when the console opens. */
static int first_build(struct app *app, const struct demo_world *w, const char *sha,
		       struct err *err)
{
	char *layer;
	int rc;

	struct ci_run_result result = { 0 };
	const struct ci_build *b = NULL;
	int64_t t0 = time_mono_ms();

	fprintf(stderr, "demo: building %.7s-1 (build, test, publish, deploy)…\n", sha);
	gate_submit_unattended(&app->rt,
			       ci_action_run(&app->rt, false, sha, false, "demo", &result), NULL,
			       NULL);
	if (!result.number)
		return err_set(err, "the first build did not start: %s",
			       app->store.status.message ? app->store.status.message : "?");
	while (!(b = store_ci_build(&app->store.ci, result.number)) || !ci_status_done(b->status))
		if (loop_run_once(app->loop, -1) < 0)
			break;
	if (!b || b->status != CI_PASSED)
		return err_set(err, "the first build %s (see `shipdeck pipeline logs %d` in %s)",
			       b ? ci_status_name(b->status) : "did not finish", result.number,
			       app->repo_root);
	fprintf(stderr, "demo: build %d passed in %.1f s; pushing the bad images…\n",
		result.number, (double)(time_mono_ms() - t0) / 1000);
	layer = xasprintf("%s/dist/app.tar.gz", b->work_dir);
	rc = demo_seed_bad_images(app, w, layer, err);
	free(layer);
	if (!rc && b->image_tag)
		rc = demo_seed_stage(app, b->image_tag, err);
	return rc;
}

/* A missing optional server: its pane says which package to install. */
static void mark_missing(struct app *app, const struct demo_world *w)
{
	if (w->procs[DEMO_REGISTRY].missing)
		app_source_state(app, SOURCE_REGISTRY, SOURCE_UNCONFIGURED, 0, "%s",
				 w->procs[DEMO_REGISTRY].missing);
	if (w->procs[DEMO_PROMETHEUS].missing)
		app_source_state(app, SOURCE_METRICS, SOURCE_UNCONFIGURED, 0, "%s",
				 w->procs[DEMO_PROMETHEUS].missing);
}

/* Build history lives under XDG_STATE_HOME by repository path: a new demo
 * repository at the same path starts with none (its builds number from 1, as
 * the first deploy's manifests expect). */
static void forget_builds(const char *repo)
{
	struct ci_history h;
	struct err err;
	char *cmd;

	if (ci_history_open(&h, repo, &err))
		return;
	cmd = xasprintf("rm -rf -- '%s' '%s'", h.dir, h.work_root);
	if (system(cmd) != 0)
		fprintf(stderr, "demo: could not remove the old build history %s\n", h.dir);
	free(cmd);
	ci_history_close(&h);
}

/* --fresh removes the folder, but only one that holds a demo. */
static int remove_state(const struct demo_world *w, struct err *err)
{
	char *marker = xasprintf("%s/world.json", w->dir), *cmd;
	int rc = 0;

	if (file_exists(w->dir) && !file_exists(marker) && !file_exists(w->repo)) {
		rc = err_set(err,
			     "--fresh: %s does not look like a demo folder; remove it yourself",
			     w->dir);
	} else if (file_exists(w->dir)) {
		cmd = xasprintf("rm -rf -- '%s'", w->dir);
		if (system(cmd) != 0)
			rc = err_set(err, "--fresh: cannot remove %s", w->dir);
		free(cmd);
	}
	free(marker);
	return rc;
}

/* --down keeps the cluster's state for the next run, as quitting does. */
static void save_before_down(struct app *app, const struct demo_world *w)
{
	struct err err = { 0 };

	app->opts.kubeconfig = w->kubeconfig;
	if (kube_client_open(&app->rt, &app->rt.kube, &err) == 0) {
		if (demo_save_cluster(app, w, &err))
			fprintf(stderr, "demo: the cluster's state was not saved: %s\n", err.msg);
		kube_client_free(&app->rt.kube);
	}
}

static void print_endpoints(const struct demo_world *w)
{
	char *registry = demo_world_registry(w), *prom = demo_world_prometheus(w);

	printf("kubeconfig: %s\nrepository: %s\nregistry: %s\nprometheus: %s\n"
	       "%s: https://127.0.0.1:%d\n", w->kubeconfig, w->repo,
	       registry ? registry : "(not installed)", prom ? prom : "(not installed)",
	       w->cluster == DEMO_CLUSTER_UPSTREAM ? "apiserver" : "sandbox",
	       w->procs[DEMO_SANDBOX].port);
	free(registry);
	free(prom);
}

static int run(struct app *app, struct cmd_args *args)
{
	struct cmd_flag flags[] = { { .name = "--dir", .takes_value = true }, { .name = "--fresh" },
				    { .name = "--up" }, { .name = "--down" },
				    { .name = "--cluster", .takes_value = true },
				    { .name = NULL } };
	struct demo_world w;
	struct err err = { 0 };
	char *good_sha = NULL;
	bool up, down, first, attached;
	int code = EXIT_OK;

	if (cmd_parse_flags(args, flags, "demo", &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (args->argc)
		return cmd_fail(EXIT_USAGE, "demo: unexpected '%s'", args->argv[0]);
	up = flags[2].set;
	down = flags[3].set;
	if (up && down)
		return cmd_fail(EXIT_USAGE, "demo: --up and --down exclude each other");
	if (flags[4].set && strcmp(flags[4].value, "sandbox") && strcmp(flags[4].value, "upstream"))
		return cmd_fail(EXIT_USAGE,
				"demo: --cluster: expected sandbox or upstream, got '%s'",
				flags[4].value);
	demo_world_init(&w, flags[0].value);
	if (down) {
		if (demo_world_running(&w)) {
			if (w.cluster == DEMO_CLUSTER_SANDBOX)
				save_before_down(app, &w);
			demo_world_stop(&w);
			printf("demo: stopped the world in %s\n", w.dir);
		} else {
			printf("demo: nothing runs from %s\n", w.dir);
		}
		goto out;
	}
	if (flags[1].set) {
		if (demo_world_running(&w))
			demo_world_stop(&w);
		if (remove_state(&w, &err)) {
			code = cmd_fail(EXIT_USAGE, "%s", err.msg);
			goto out;
		}
		demo_world_free(&w);
		demo_world_init(&w, flags[0].value);
	}
	if (flags[4].set) {
		enum demo_cluster want = strcmp(flags[4].value, "upstream")
			? DEMO_CLUSTER_SANDBOX : DEMO_CLUSTER_UPSTREAM;

		if (demo_world_running(&w) && w.cluster != want) {
			code = cmd_fail(EXIT_USAGE, "demo: the world in %s runs on the %s cluster: "
					"stop it first (shipdeck demo --down) or use --fresh",
					w.dir,
					w.cluster == DEMO_CLUSTER_UPSTREAM ? "upstream"
					: "sandbox");
			goto out;
		}
		w.cluster = want;
	}
	first = !file_exists(w.repo);
	if (first && (file_mkdirs(w.dir, &err) || demo_repo_create(w.repo, &good_sha, &err))) {
		code = cmd_fail(EXIT_FAILED, "%s", err.msg);
		goto out;
	}
	if (first)
		forget_builds(w.repo);
	attached = demo_world_running(&w);
	if (!attached && demo_world_start(app, &w, good_sha, up, &err)) {
		code = cmd_fail(EXIT_FAILED, "%s", err.msg);
		goto out;
	}
	if (write_settings(&w, &err)) {
		code = cmd_fail(EXIT_FAILED, "%s", err.msg);
		goto out;
	}
	export_environment(&w);
	app->opts.kubeconfig = w.kubeconfig;
	app->opts.repo = w.repo;
	if (sources_start(app, &err)) {
		code = cmd_fail(EXIT_USAGE, "%s", err.msg);
		goto stop;
	}
	mark_missing(app, &w);
	if (first && !w.procs[DEMO_REGISTRY].missing && first_build(app, &w, good_sha, &err)) {
		code = cmd_fail(EXIT_FAILED, "%s", err.msg);
		goto stop;
	}
	if (up) {
		print_endpoints(&w);
		goto out;
	}
	if (attached)
		/* said in the console, where it is read: quitting changes nothing */
		app_message(app, STATUS_WARN,
			    "demo: another shipdeck (a console or demo --up) runs the world in %s; "
			    "this console joins it, and quitting leaves it running (shipdeck demo "
			    "--down stops it)", w.dir);
	if (ui_run(app, &err))
		code = cmd_fail(EXIT_USAGE, "%s", err.msg);
stop:
	if (w.started_here) {
		/* the real cluster keeps its state in etcd itself */
		if (w.cluster == DEMO_CLUSTER_SANDBOX && demo_save_cluster(app, &w, &err))
			fprintf(stderr, "demo: the cluster's state was not saved: %s\n", err.msg);
		demo_world_stop(&w);
	}
out:
	free(good_sha);
	demo_world_free(&w);
	return code;
}

const struct cmd cmd_demo = {
	.name = "demo",
	.summary = "start a cluster (the sandbox, or the upstream control plane), pipeline, "
		   "registry and Prometheus, and the console",
	.usage = "demo [--cluster sandbox|upstream] [--dir D] [--fresh] [--up | --down]",
	.run = run,
};
