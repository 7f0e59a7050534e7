/* Remote CI (issue 17): the request shapes of the Actions client for github
 * and gitea (one code path; only the API root differs), the Drone client's
 * requests and answers in the shapes docs.drone.io documents (no Drone
 * server builds here: tests/README.md), Link pagination, the status map, the
 * one-line failures, and .shipdeck.yml ci:. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci/remote.h"
#include "ci/remote_api.h"
#include "project/project.h"
#include "runtime/http.h"
#include "tap.h"
#include "util/xalloc.h"

static void api_of(struct remote_api *a, enum ci_backend_kind kind, const char *url)
{
	struct ci_conf c = { .backend = kind, .url = (char *)url, .repo = (char *)"acme/shop" };

	remote_api_init(a, &c);
}

/* what follows the API root: the part a backend must not change */
static const char *tail(const struct remote_api *a, const char *url)
{
	size_t n = strlen(a->root);

	return !strncmp(url, a->root, n) ? url + n : "(not under the root)";
}

static void test_same_shapes(void)
{
	struct remote_api gh, gt, ghe;
	struct ci_build b = { .number = 7, .remote_id = 90001 };
	struct ci_step s = { .key = (char *)"job-5", .remote_job = 5 };
	enum remote_op ops[] = { REMOTE_RERUN, REMOTE_RERUN_FAILED, REMOTE_CANCEL };
	char *u1, *u2, *u3;

	api_of(&gh, CI_BACKEND_GITHUB, "https://api.github.com");
	api_of(&gt, CI_BACKEND_GITEA, "http://127.0.0.1:3000");
	api_of(&ghe, CI_BACKEND_GITHUB, "https://ghe.example/api/v3");
	tap_is_str(gt.root, "http://127.0.0.1:3000/api/v1", "gitea: the root is /api/v1");
	tap_is_str(gh.root, "https://api.github.com", "github: the root");

	u1 = remote_api_runs_url(&gh, 1);
	u2 = remote_api_runs_url(&gt, 1);
	u3 = remote_api_runs_url(&ghe, 1);
	tap_is_str(tail(&gh, u1), "/repos/acme/shop/actions/runs?page=1&per_page=30", "runs: github");
	tap_is_str(tail(&gt, u2), tail(&gh, u1), "runs: gitea asks the same path and query");
	tap_is_str(tail(&ghe, u3), tail(&gh, u1), "runs: GitHub Enterprise too");
	free(u1), free(u2), free(u3);

	u1 = remote_api_detail_url(&gh, &b);
	u2 = remote_api_detail_url(&gt, &b);
	tap_is_str(tail(&gh, u1), "/repos/acme/shop/actions/runs/90001/jobs", "jobs: by the run id");
	tap_is_str(tail(&gt, u2), tail(&gh, u1), "jobs: the same on gitea");
	free(u1), free(u2);

	u1 = remote_api_log_url(&gh, &b, &s);
	u2 = remote_api_log_url(&gt, &b, &s);
	tap_is_str(tail(&gh, u1), "/repos/acme/shop/actions/jobs/5/logs", "job log: github");
	tap_is_str(tail(&gt, u2), tail(&gh, u1), "job log: the same on gitea");
	free(u1), free(u2);

	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		struct remote_call c1, c2;
		struct err err;

		tap_ok(!remote_api_call(&gh, ops[i], &b, NULL, &c1, &err)
		       && !remote_api_call(&gt, ops[i], &b, NULL, &c2, &err), remote_op_name(ops[i]));
		tap_is_str(c1.method, "POST", "actions: a POST");
		tap_is_str(c2.method, c1.method, "gitea: the same method");
		tap_is_str(tail(&gt, c2.url), tail(&gh, c1.url), "gitea: the same path");
		free(c1.url), free(c2.url);
	}
	{
		struct remote_call c;
		struct err err;

		tap_ok(remote_api_call(&gh, REMOTE_PROMOTE, &b, "production", &c, &err),
		       "actions: no promote");
		tap_ok(strstr(err.msg, "Drone") != NULL, err.msg);
		remote_api_call(&gh, REMOTE_CANCEL, &b, NULL, &c, &err);
		tap_is_str(tail(&gh, c.url), "/repos/acme/shop/actions/runs/90001/cancel", "cancel path");
		free(c.url);
	}
	remote_api_free(&gh);
	remote_api_free(&gt);
	remote_api_free(&ghe);
}

/* Fields as GitHub's REST reference lists them for "List workflow runs for
 * a repository" (written here for the test, values made up). */
static const char runs_json[] =
	"{\"total_count\":2,\"workflow_runs\":["
	"{\"id\":30433642,\"name\":\"Build\",\"head_branch\":\"main\",\"head_sha\":"
	"\"acb5820ced9479c074f688cc328bf03f341a511d\",\"path\":\".github/workflows/build.yml\","
	"\"display_title\":\"Update README.md\\nmore\",\"run_number\":562,\"event\":\"push\","
	"\"status\":\"completed\",\"conclusion\":\"failure\",\"html_url\":\"https://github.com/"
	"acme/shop/actions/runs/30433642\",\"created_at\":\"2026-01-02T10:00:00Z\","
	"\"updated_at\":\"2026-01-02T10:03:07Z\",\"run_started_at\":\"2026-01-02T10:00:05Z\","
	"\"actor\":{\"login\":\"octocat\"},\"triggering_actor\":{\"login\":\"hubot\"}},"
	"{\"id\":30433643,\"run_number\":563,\"event\":\"workflow_dispatch\",\"status\":\"queued\","
	"\"conclusion\":null,\"head_sha\":\"bcb5820ced9479c074f688cc328bf03f341a511d\","
	"\"head_branch\":\"fix\",\"created_at\":\"2026-01-02T11:00:00Z\","
	"\"head_commit\":{\"message\":\"Fix it\\n\\nbody\"}}]}";

static const char jobs_json[] =
	"{\"total_count\":1,\"jobs\":[{\"id\":399444496,\"run_id\":30433642,\"name\":\"build\","
	"\"status\":\"completed\",\"conclusion\":\"failure\",\"started_at\":\"2026-01-02T10:00:06Z\","
	"\"completed_at\":\"2026-01-02T10:03:00Z\",\"steps\":["
	"{\"name\":\"Set up job\",\"status\":\"completed\",\"conclusion\":\"success\",\"number\":1,"
	"\"started_at\":\"2026-01-02T10:00:06Z\",\"completed_at\":\"2026-01-02T10:00:08Z\"},"
	"{\"name\":\"test\",\"status\":\"completed\",\"conclusion\":\"failure\",\"number\":2,"
	"\"started_at\":\"2026-01-02T10:00:08Z\",\"completed_at\":\"2026-01-02T10:03:00Z\"}]}]}";

static void test_actions_answers(void)
{
	struct remote_api a;
	struct ci_build **runs;
	size_t n;
	struct err err;

	api_of(&a, CI_BACKEND_GITEA, "http://127.0.0.1:3000");
	tap_ok(!remote_api_parse_runs(&a, runs_json, strlen(runs_json), &runs, &n, &err), "runs parse");
	tap_is_int(n, 2, "two runs");
	tap_is_int(runs[0]->number, 562, "run_number");
	tap_is_int(runs[0]->remote_id, 30433642, "id");
	tap_is_int(runs[0]->status, CI_FAILED, "completed + failure: failed");
	tap_is_str(runs[0]->subject, "Update README.md", "display_title's first line");
	tap_is_str(runs[0]->branch, "main", "head_branch");
	tap_is_str(runs[0]->event, "push", "event");
	tap_is_str(runs[0]->user, "hubot", "triggering_actor");
	tap_is_int(runs[0]->finished_ms - runs[0]->started_ms, 182000, "duration from the times");
	tap_is_int(runs[1]->status, CI_PENDING, "queued: pending");
	tap_is_int(runs[1]->started_ms, 0, "queued: no start");
	tap_is_str(runs[1]->subject, "Fix it", "head_commit's first line without a title");
	tap_ok(!remote_api_parse_detail(&a, jobs_json, strlen(jobs_json), runs[0], &err), "jobs parse");
	tap_is_int(runs[0]->nsteps, 3, "a job row and its two steps");
	tap_is_str(runs[0]->steps[0].name, "build", "the job");
	tap_is_str(runs[0]->steps[2].key, "job-399444496/2", "a step's key");
	tap_is_str(runs[0]->steps[2].depends_on[0], "job-399444496", "a step hangs off its job");
	tap_is_int(runs[0]->steps[2].status, CI_FAILED, "the failed step");
	tap_is_int(runs[0]->steps[2].remote_job, 399444496, "its log is its job's");
	for (size_t i = 0; i < n; i++)
		ci_build_free(runs[i]);
	free(runs);
	tap_ok(remote_api_parse_runs(&a, "[]", 2, &runs, &n, &err), "an array is refused");
	tap_ok(strstr(err.msg, "workflow runs") != NULL, err.msg);
	tap_ok(remote_api_parse_runs(&a, "{\"x\":1}", 7, &runs, &n, &err), "no workflow_runs");
	remote_api_free(&a);

	tap_is_int(remote_actions_status("in_progress", NULL), CI_RUNNING, "in_progress");
	tap_is_int(remote_actions_status("waiting", NULL), CI_PENDING, "waiting (Gitea: blocked)");
	tap_is_int(remote_actions_status("completed", "cancelled"), CI_CANCELLED, "cancelled");
	tap_is_int(remote_actions_status("completed", "timed_out"), CI_FAILED, "timed out");
	tap_is_int(remote_actions_status("completed", "skipped"), CI_SKIPPED, "skipped");
}

/* Drone: the shapes of docs.drone.io/api/builds (build list, build info with
 * stages and steps, logs as [{pos,out,time}]). */
static const char drone_builds[] =
	"[{\"id\":100207,\"number\":42,\"status\":\"running\",\"event\":\"push\",\"message\":"
	"\"updated README\\n\",\"after\":\"9fc1ad6ebf12462f3f9773003e26b4c6f54a772e\",\"source\":"
	"\"master\",\"target\":\"master\",\"sender\":\"bradrydzewski\",\"started\":1564085874,"
	"\"finished\":0,\"created\":1564085874},"
	"{\"id\":100206,\"number\":41,\"status\":\"success\",\"event\":\"promote\",\"deploy_to\":"
	"\"production\",\"after\":\"e3320539a4c03ccfda992641646deb67d8bf98f3\",\"source\":\"master\","
	"\"started\":1564085000,\"finished\":1564085100}]";

static const char drone_build[] =
	"{\"id\":100207,\"number\":42,\"status\":\"failure\",\"event\":\"push\",\"after\":"
	"\"9fc1ad6ebf12462f3f9773003e26b4c6f54a772e\",\"started\":100,\"finished\":160,"
	"\"stages\":[{\"id\":199,\"number\":1,\"name\":\"default\",\"status\":\"failure\","
	"\"started\":100,\"stopped\":160,\"steps\":["
	"{\"id\":1,\"number\":1,\"name\":\"clone\",\"status\":\"success\",\"exit_code\":0,"
	"\"started\":100,\"stopped\":105},"
	"{\"id\":2,\"number\":2,\"name\":\"test\",\"status\":\"failure\",\"exit_code\":2,"
	"\"started\":105,\"stopped\":160,\"image\":\"golang:1.22\"}]}]}";

static const char drone_log[] =
	"[{\"pos\":0,\"out\":\"+ go test ./...\\n\",\"time\":0},"
	"{\"pos\":1,\"out\":\"FAIL\\n\",\"time\":3}]";

static void test_drone(void)
{
	struct remote_api a;
	struct ci_build **runs;
	size_t n;
	struct err err;
	struct strbuf log = { 0 };
	struct remote_call c;

	api_of(&a, CI_BACKEND_DRONE, "http://drone.example");
	tap_is_str(a.root, "http://drone.example/api", "drone: /api");
	tap_ok(!remote_api_parse_runs(&a, drone_builds, strlen(drone_builds), &runs, &n, &err),
	       "builds parse");
	tap_is_int(n, 2, "two builds");
	tap_is_int(runs[0]->status, CI_RUNNING, "running");
	tap_is_int(runs[0]->started_ms, 1564085874000LL, "unix seconds");
	tap_is_str(runs[0]->subject, "updated README", "message's first line");
	tap_is_str(runs[1]->trigger, "promote→production", "a promotion names its target");
	{
		char *u = remote_api_runs_url(&a, 2);

		tap_is_str(u, "http://drone.example/api/repos/acme/shop/builds?page=2&per_page=30",
			   "builds: page and per_page");
		free(u);
	}
	tap_ok(!remote_api_parse_detail(&a, drone_build, strlen(drone_build), runs[0], &err),
	       "build info parse");
	tap_is_int(runs[0]->status, CI_FAILED, "the detail updates the status");
	tap_is_int(runs[0]->nsteps, 3, "a stage and its two steps");
	tap_is_int(runs[0]->steps[2].exit_code, 2, "exit_code");
	tap_is_str(runs[0]->steps[2].image, "golang:1.22", "image");
	{
		char *u = remote_api_log_url(&a, runs[0], &runs[0]->steps[2]);

		tap_is_str(u, "http://drone.example/api/repos/acme/shop/builds/42/logs/1/2",
			   "logs/{stage}/{step}");
		free(u);
	}
	tap_ok(!remote_api_parse_log(&a, drone_log, strlen(drone_log), &log, &err), "log parse");
	tap_is_str(sb_str(&log), "+ go test ./...\nFAIL\n", "the lines' out joined");
	sb_free(&log);

	tap_ok(!remote_api_call(&a, REMOTE_RERUN, runs[0], NULL, &c, &err), "restart");
	tap_is_str(c.method, "POST", "restart: POST");
	tap_is_str(c.url, "http://drone.example/api/repos/acme/shop/builds/42", "restart: the build");
	free(c.url);
	tap_ok(!remote_api_call(&a, REMOTE_CANCEL, runs[0], NULL, &c, &err), "cancel");
	tap_is_str(c.method, "DELETE", "cancel: DELETE");
	free(c.url);
	tap_ok(!remote_api_call(&a, REMOTE_PROMOTE, runs[0], "production", &c, &err), "promote");
	tap_is_str(c.url, "http://drone.example/api/repos/acme/shop/builds/42/promote?target=production",
		   "promote?target=");
	free(c.url);
	tap_ok(remote_api_call(&a, REMOTE_PROMOTE, runs[0], "prod&x=1", &c, &err),
	       "a target that would change the query is refused");
	tap_ok(remote_api_call(&a, REMOTE_RERUN_FAILED, runs[0], NULL, &c, &err),
	       "no re-run of failed steps on Drone");
	tap_is_int(remote_drone_status("killed"), CI_CANCELLED, "killed: cancelled");
	tap_is_int(remote_drone_status("blocked"), CI_PENDING, "blocked: pending");
	for (size_t i = 0; i < n; i++)
		ci_build_free(runs[i]);
	free(runs);
	remote_api_free(&a);
}

static void test_link_and_failures(void)
{
	struct remote_api a;
	struct http_response r = { 0 };
	char *next, *line;

	next = remote_link_next("<https://api.github.com/repositories/1/actions/runs?page=2>; "
				"rel=\"next\", <https://api.github.com/repositories/1/actions/runs?"
				"page=5>; rel=\"last\"");
	tap_is_str(next, "https://api.github.com/repositories/1/actions/runs?page=2", "Link: next");
	free(next);
	next = remote_link_next("<https://x/?page=1>; rel=\"prev\", <https://x/?page=1>; rel=\"first\"");
	tap_ok(!next, "Link: no next on the last page");
	tap_ok(!remote_link_next(NULL), "no Link");

	api_of(&a, CI_BACKEND_GITHUB, "https://api.github.com");
	tap_ok(remote_api_same_origin(&a, "https://api.github.com/repositories/1/actions/runs?page=2"),
	       "Link on the API's origin: followed");
	tap_ok(!remote_api_same_origin(&a, "https://api.github.com.evil.example/x"),
	       "a host that only starts the same: not followed");
	tap_ok(!remote_api_same_origin(&a, "http://api.github.com/x"), "another scheme: not followed");
	tap_ok(!remote_api_same_origin(&a, "https://api.github.com:444/x"), "another port: not followed");
	tap_ok(!remote_api_same_origin(&a, "https://api.github.com"), "no path: not a page");
	r.status = 401;
	line = remote_api_failure(&a, false, "GITHUB_TOKEN", "GET", "https://api.github.com/x", &r);
	tap_ok(strstr(line, "401") && strstr(line, "https://api.github.com/x")
	       && strstr(line, "ci.token_env"), line);
	free(line);
	r.status = 404;
	line = remote_api_failure(&a, true, "GITHUB_TOKEN", "GET", "https://api.github.com/y", &r);
	tap_ok(strstr(line, "404") && strstr(line, "acme/shop"), line);
	free(line);
	r.status = 403;
	r.ratelimit_remaining = (char *)"0";
	r.ratelimit_reset = (char *)"1767225600";
	line = remote_api_failure(&a, true, NULL, "GET", "https://api.github.com/z", &r);
	tap_ok(strstr(line, "rate limit") && strstr(line, "2026-01-01T00:00:00Z"), line);
	free(line);
	r = (struct http_response){ .status = 0 };
	snprintf(r.error, sizeof r.error, "Couldn't connect to server");
	line = remote_api_failure(&a, true, NULL, "GET", "http://127.0.0.1:9/api", &r);
	tap_ok(strstr(line, "Couldn't connect") && strstr(line, "http://127.0.0.1:9/api"), line);
	free(line);
	remote_api_free(&a);
}

static void test_config(void)
{
	struct project p;
	struct err err;
	const char *one = "ci: {backend: gitea, url: 'http://127.0.0.1:3000/', repo: me/app, "
			  "token_env: GITEA_TOKEN}\n";
	const char *list = "ci:\n  - {backend: github, repo: acme/shop}\n  - {backend: local}\n";

	tap_ok(!project_parse(&p, "s.yml", one, strlen(one), &err), "one map");
	tap_is_int(p.nci, 1, "one entry");
	tap_is_str(p.ci[0].url, "http://127.0.0.1:3000", "trailing slash dropped");
	tap_is_str(p.ci[0].token_env, "GITEA_TOKEN", "token_env");
	project_free(&p);
	tap_ok(!project_parse(&p, "s.yml", list, strlen(list), &err), "a list");
	tap_is_str(project_ci(&p, CI_BACKEND_GITHUB)->url, "https://api.github.com", "github default");
	tap_ok(project_ci(&p, CI_BACKEND_LOCAL) != NULL, "local listed");
	project_free(&p);
	tap_ok(project_parse(&p, "s.yml", "ci: {backend: jenkins}\n", 23, &err), "unknown backend");
	tap_is_str(err.msg, "s.yml:1:15: ci.backend: expected github, gitea, drone or local, found "
		   "'jenkins'", "named at file:line:col");
	tap_ok(project_parse(&p, "s.yml", "ci: {backend: gitea, repo: a/b}\n", 32, &err), "no url");
	tap_ok(strstr(err.msg, "ci.url") != NULL, err.msg);
	tap_ok(project_parse(&p, "s.yml", "ci: {backend: drone, url: 'http://d', repo: ab}\n", 47,
			     &err), "repo without owner");
	tap_ok(strstr(err.msg, "owner/name") != NULL, err.msg);
	tap_ok(project_parse(&p, "s.yml", "ci: {backend: gitea, token: x}\n", 31, &err), "unknown key");
	tap_ok(strstr(err.msg, "token") != NULL, err.msg);
}

static void test_token(void)
{
	char dir[] = "/tmp/shipdeck-gh.XXXXXX", path[64];
	struct ci_conf gh = { .backend = CI_BACKEND_GITHUB, .url = (char *)"https://api.github.com",
			      .repo = (char *)"acme/shop" };
	struct ci_conf env = gh;
	const char *from;
	char *t;
	FILE *f;

	tap_ok(mkdtemp(dir) != NULL, "a folder for gh's config");
	snprintf(path, sizeof path, "%s/hosts.yml", dir);
	f = fopen(path, "w");
	fputs("github.com:\n    oauth_token: gho_fromhosts\n    user: octocat\n"
	      "ghe.example:\n    oauth_token: gho_ghe\n", f);
	fclose(f);
	setenv("GH_CONFIG_DIR", dir, 1);
	t = ci_remote_token(&gh, &from);
	tap_is_str(t, "gho_fromhosts", "github: gh's hosts.yml for github.com");
	tap_is_str(from, "gh hosts.yml", "…and says where it came from");
	free(t);
	gh.url = (char *)"https://ghe.example/api/v3";
	t = ci_remote_token(&gh, &from);
	tap_is_str(t, "gho_ghe", "GitHub Enterprise: its host's entry");
	free(t);
	env.token_env = (char *)"SHIPDECK_TEST_TOKEN";
	setenv("SHIPDECK_TEST_TOKEN", "from-env", 1);
	t = ci_remote_token(&env, &from);
	tap_is_str(t, "from-env", "token_env wins");
	tap_is_str(from, "SHIPDECK_TEST_TOKEN", "named by its variable");
	free(t);
	unsetenv("SHIPDECK_TEST_TOKEN");
	tap_ok(!ci_remote_token(&env, &from), "an unset variable: no token (not hosts.yml)");
	unlink(path);
	rmdir(dir);
	unsetenv("GH_CONFIG_DIR");
}

int main(void)
{
	test_token();
	test_same_shapes();
	test_actions_answers();
	test_drone();
	test_link_and_failures();
	test_config();
	return tap_done();
}
