/* The pipeline file (.drone.yml): whatever it holds parses or is refused
 * with a message, and a parsed file always plans — the whole pipeline and
 * the tests only — into steps whose dependencies name other steps of the
 * plan (the scheduler indexes with them). Drone 0.8 files, merge keys,
 * services and plugin settings go through the same checks. */
#include <stdint.h>
#include <stdlib.h>

#include "ci/pipeline_file.h"
#include "ci/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void plan(const struct ci_file *f, bool tests_only, const char *branch, bool all)
{
	struct ci_plan_opts o = { .branch = branch, .event = "push", .ref = "refs/heads/main",
				  .tests_only = tests_only, .clone = true, .all = all };
	struct ci_plan p;
	struct err err;

	if (ci_plan_make(&p, f, &o, &err))
		return;
	for (size_t i = 0; i < p.n; i++) {
		bool clone = p.clone && i == 0;     /* the checkout belongs to no pipeline */

		if (!p.steps[i].key || (!clone && p.steps[i].pipeline >= p.npipelines))
			abort();
		for (size_t j = 0; j < p.steps[i].ndeps; j++)
			if (p.steps[i].deps[j] >= p.n || p.steps[i].deps[j] == i)
				abort();
	}
	for (size_t i = 0; i < p.npipelines; i++)
		for (size_t j = 0; j < p.pipelines[i].nwaits; j++)
			if (p.pipelines[i].waits[j] >= p.npipelines)
				abort();
	ci_plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ci_file f;
	struct err err;

	if (ci_file_parse(&f, ".drone.yml", (const char *)data, size, &err))
		return 0;
	plan(&f, false, "main", false);
	plan(&f, true, "main", false);
	plan(&f, false, "feature/x", false);
	plan(&f, false, "main", true);     /* pipeline lint */
	for (size_t i = 0; i < f.n; i++)
		for (size_t j = 0; j < f.pipelines[i].nsteps; j++)
			(void)ci_when_match(&f.pipelines[i].steps[j].when, "main", "push",
					    "refs/heads/main");
	ci_file_free(&f);
	return 0;
}
