/* Plans and scheduling decisions with made-up step results: what runs,
 * what is skipped after a failure, tests-only selection, the limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ci/plan.h"
#include "ci/sched.h"
#include "tap.h"
#include "util/dag.h"

struct fixture {
	struct ci_file file;
	struct ci_plan plan;
	struct ci_sched sched;
};

static int setup(struct fixture *fx, const char *src, const struct ci_plan_opts *o)
{
	struct err err = { 0 };

	memset(fx, 0, sizeof *fx);
	if (ci_file_parse(&fx->file, "p.yml", src, strlen(src), &err)
	    || ci_plan_make(&fx->plan, &fx->file, o, &err)) {
		printf("# %s\n", err.msg);
		return -1;
	}
	ci_sched_init(&fx->sched, &fx->plan);
	return 0;
}

static void teardown(struct fixture *fx)
{
	ci_sched_free(&fx->sched);
	ci_plan_free(&fx->plan);
	ci_file_free(&fx->file);
}

static size_t idx(const struct fixture *fx, const char *key)
{
	for (size_t i = 0; i < fx->plan.n; i++)
		if (!strcmp(fx->plan.steps[i].key, key))
			return i;
	return SIZE_MAX;
}

/* Starts what may start and returns the keys, space-separated. */
static const char *next(struct fixture *fx, int limit)
{
	static char out[256];
	size_t start[32], n = ci_sched_next(&fx->sched, limit, start), used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", i ? " " : "",
					 fx->plan.steps[start[i]].key);
	return out;
}

static enum ci_status st(const struct fixture *fx, const char *key)
{
	return fx->sched.status[idx(fx, key)];
}

static const struct ci_plan_opts push_main = { .branch = "main", .event = "push",
					       .ref = "refs/heads/main", .clone = true };

static void test_sequential(void)
{
	static const char src[] =
		"kind: pipeline\nsteps:\n"
		"- {name: build, commands: [x]}\n"
		"- {name: test, commands: [x]}\n"
		"- {name: publish, commands: [x]}\n"
		"- {name: notify, commands: [x], when: {status: [success, failure]}}\n";
	struct fixture fx;

	if (setup(&fx, src, &push_main))
		return;
	tap_is_int(fx.plan.n, 5, "clone plus four steps");
	tap_is_str(next(&fx, 2), "clone", "the clone first");
	ci_sched_finish(&fx.sched, idx(&fx, "clone"), CI_PASSED);
	tap_is_str(next(&fx, 2), "build", "then in the order written");
	ci_sched_finish(&fx.sched, idx(&fx, "build"), CI_PASSED);
	tap_is_str(next(&fx, 2), "test", "one at a time");
	ci_sched_finish(&fx.sched, idx(&fx, "test"), CI_FAILED);
	tap_is_str(next(&fx, 2), "notify", "after a failure only what runs on failure");
	tap_is_int(st(&fx, "publish"), CI_SKIPPED, "publish skipped");
	tap_is_str(fx.sched.reason[idx(&fx, "publish")], "a step it depends on failed",
		   "with the reason");
	tap_ok(ci_sched_failed_before(&fx.sched, idx(&fx, "notify")),
	       "DRONE_BUILD_STATUS is failure for notify");
	ci_sched_finish(&fx.sched, idx(&fx, "notify"), CI_PASSED);
	tap_ok(ci_sched_done(&fx.sched), "done");
	tap_is_int(ci_sched_result(&fx.sched), CI_FAILED, "the build failed");
	teardown(&fx);
}

static void test_dag(void)
{
	static const char src[] =
		"kind: pipeline\nsteps:\n"
		"- {name: build, commands: [x]}\n"
		"- {name: unit, commands: [x], depends_on: [build]}\n"
		"- {name: lint, commands: [x], depends_on: [build], failure: ignore}\n"
		"- {name: docs, commands: [x], depends_on: [build]}\n"
		"- {name: publish, commands: [x], depends_on: [unit, lint]}\n"
		"- {name: deploy, commands: [x], depends_on: [publish], when: {branch: [prod]}}\n";
	struct fixture fx;

	if (setup(&fx, src, &push_main))
		return;
	next(&fx, 2);
	ci_sched_finish(&fx.sched, idx(&fx, "clone"), CI_PASSED);
	tap_is_str(next(&fx, 2), "build", "build after the clone");
	ci_sched_finish(&fx.sched, idx(&fx, "build"), CI_PASSED);
	tap_is_str(next(&fx, 2), "unit lint", "two at once within the limit");
	tap_is_str(next(&fx, 2), "", "the limit holds");
	ci_sched_finish(&fx.sched, idx(&fx, "lint"), CI_FAILED);
	tap_is_str(next(&fx, 2), "docs", "an ignored failure blocks nothing");
	ci_sched_finish(&fx.sched, idx(&fx, "unit"), CI_PASSED);
	tap_is_str(next(&fx, 2), "publish", "publish after unit and lint");
	ci_sched_finish(&fx.sched, idx(&fx, "publish"), CI_PASSED);
	ci_sched_finish(&fx.sched, idx(&fx, "docs"), CI_PASSED);
	tap_is_str(next(&fx, 2), "", "deploy's branch does not match");
	tap_is_int(st(&fx, "deploy"), CI_SKIPPED, "deploy skipped by when");
	tap_is_int(ci_sched_result(&fx.sched), CI_PASSED, "passed (lint ignored)");
	teardown(&fx);

	if (setup(&fx, src, &push_main))
		return;
	next(&fx, 4);
	ci_sched_finish(&fx.sched, idx(&fx, "clone"), CI_PASSED);
	next(&fx, 4);
	ci_sched_finish(&fx.sched, idx(&fx, "build"), CI_PASSED);
	tap_is_str(next(&fx, 4), "unit lint docs", "three with a limit of four");
	ci_sched_finish(&fx.sched, idx(&fx, "unit"), CI_FAILED);
	ci_sched_finish(&fx.sched, idx(&fx, "lint"), CI_PASSED);
	tap_is_str(next(&fx, 4), "", "nothing new after unit failed");
	tap_is_int(st(&fx, "publish"), CI_SKIPPED, "its dependent is skipped");
	tap_is_int(st(&fx, "deploy"), CI_SKIPPED, "and what depends on that");
	tap_is_int(st(&fx, "docs"), CI_RUNNING, "an independent step keeps running");
	ci_sched_finish(&fx.sched, idx(&fx, "docs"), CI_PASSED);
	tap_is_int(ci_sched_result(&fx.sched), CI_FAILED, "failed");
	teardown(&fx);
}

static void test_tests_only(void)
{
	static const char src[] =
		"kind: pipeline\nsteps:\n"
		"- {name: deps, commands: [x]}\n"
		"- {name: build, commands: [x], depends_on: [deps]}\n"
		"- {name: test-unit, commands: [x], depends_on: [build]}\n"
		"- {name: docs, commands: [x], depends_on: [deps]}\n"
		"- {name: publish, commands: [x], depends_on: [test-unit]}\n";
	static char *const named[] = { "docs" };
	struct ci_plan_opts o = push_main;
	struct fixture fx;

	o.tests_only = true;
	if (setup(&fx, src, &o))
		return;
	tap_is_int(fx.plan.n, 4, "clone, deps, build, test-unit");
	tap_ok(idx(&fx, "publish") == SIZE_MAX, "nothing downstream of the tests");
	tap_ok(idx(&fx, "docs") == SIZE_MAX, "nor beside them");
	tap_ok(fx.plan.steps[idx(&fx, "test-unit")].is_test, "marked as a test");
	teardown(&fx);

	o.test_steps = named;
	o.ntest_steps = 1;
	if (setup(&fx, src, &o))
		return;
	tap_is_int(fx.plan.n, 3, "test_steps: [docs] picks docs and deps");
	teardown(&fx);

	{
		struct ci_file f;
		struct ci_plan p;
		struct err err = { 0 };
		static const char none[] = "kind: pipeline\nsteps:\n- {name: build, commands: [x]}\n";

		o.test_steps = NULL;
		ci_file_parse(&f, "p.yml", none, strlen(none), &err);
		tap_ok(ci_plan_make(&p, &f, &o, &err) == -1, "no test step is an error");
		tap_is_str(err.msg, "p.yml: no test step (name a step test… or list the steps in "
			   ".shipdeck.yml pipeline.test_steps)", "that says how to fix it");
		ci_file_free(&f);
	}
}

static void test_pipelines(void)
{
	static const char src[] =
		"kind: pipeline\nname: a\nsteps:\n- {name: test, commands: [x]}\n"
		"---\nkind: pipeline\nname: b\ndepends_on: [a]\nsteps:\n- {name: test, commands: [x]}\n"
		"---\nkind: pipeline\nname: tag\ntrigger: {event: [tag]}\n"
		"steps:\n- {name: release, commands: [x]}\n"
		"---\nkind: pipeline\nname: alarm\ndepends_on: [a]\ntrigger: {status: [failure]}\n"
		"steps:\n- {name: page, commands: [x]}\n";
	struct fixture fx;

	if (setup(&fx, src, &push_main))
		return;
	tap_is_int(fx.plan.npipelines, 3, "the tag pipeline is not triggered by a push");
	tap_ok(idx(&fx, "a.test") != SIZE_MAX && idx(&fx, "b.test") != SIZE_MAX,
	       "same step names get the pipeline's name");
	next(&fx, 4);
	ci_sched_finish(&fx.sched, idx(&fx, "clone"), CI_PASSED);
	tap_is_str(next(&fx, 4), "a.test", "b waits for a");
	ci_sched_finish(&fx.sched, idx(&fx, "a.test"), CI_FAILED);
	tap_is_str(next(&fx, 4), "page", "the failure pipeline runs");
	tap_is_int(st(&fx, "b.test"), CI_SKIPPED, "b is skipped after a failed");
	teardown(&fx);
}

static void test_cancel(void)
{
	static const char src[] = "kind: pipeline\nsteps:\n- {name: a, commands: [x]}\n"
				  "- {name: b, commands: [x]}\n";
	struct fixture fx;
	struct ci_plan_opts o = push_main;

	o.clone = false;
	if (setup(&fx, src, &o))
		return;
	tap_is_str(next(&fx, 2), "a", "without a clone the first step starts");
	ci_sched_cancel(&fx.sched);
	tap_is_int(st(&fx, "b"), CI_CANCELLED, "pending steps are cancelled");
	tap_is_str(next(&fx, 2), "", "nothing starts after a cancel");
	ci_sched_finish(&fx.sched, idx(&fx, "a"), CI_CANCELLED);
	tap_ok(ci_sched_done(&fx.sched), "done once the running step ended");
	tap_is_int(ci_sched_result(&fx.sched), CI_CANCELLED, "cancelled");
	teardown(&fx);
}

static void test_graph(void)
{
	size_t d1[] = { 2 }, d2[] = { 0 }, *deps[] = { NULL, d1, d2 };
	size_t nd[] = { 0, 1, 1 }, order[3], cycle[3];
	int depth[3];
	struct dag g = { .n = 3, .deps = deps, .ndeps = nd };

	tap_is_int(dag_cycle(&g, cycle), 0, "acyclic");
	tap_ok(dag_order(&g, order) == 0 && order[0] == 0 && order[1] == 2 && order[2] == 1,
	       "dependencies first");
	tap_ok(dag_depths(&g, depth) == 0 && depth[1] == 2, "depth counts the chain");
	d2[0] = 1;
	nd[0] = 0;
	tap_is_int(dag_cycle(&g, cycle), 2, "a two-node cycle");
}

int main(void)
{
	test_sequential();
	test_dag();
	test_tests_only();
	test_pipelines();
	test_cancel();
	test_graph();
	return tap_done();
}
