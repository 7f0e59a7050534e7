/* chaos-run over an experiment file (action/builder.h): loaded, the tool
 * found, the blast radius resolved against what the store holds; a radius
 * beyond chaos: settings is refused (and recorded) before anything runs. */
#include <stdlib.h>

#include "chaos/runner.h"

static struct action_req *run(struct rt *rt, const struct action_sel *s, bool *skipped,
			      struct err *err)
{
	struct chaos_experiment x;
	struct chaos_blast b;
	struct action_req *req = NULL;
	struct err berr;
	char *tool;

	if (chaos_experiment_load(&x, s->name, err))
		return NULL;
	if (!(tool = chaos_find_tool())) {
		err_set(err, "%s", chaos_install_hint);
		chaos_experiment_free(&x);
		return NULL;
	}
	free(tool);
	if (chaos_blast_resolve(&x, &rt->store->kube, s->ns, &rt->project->chaos, &b, &berr)) {
		err_set(err, "%s: %s", x.path, berr.msg);
		chaos_experiment_free(&x);
		return NULL;
	}
	if (b.refusal) {
		chaos_refuse(rt, &x, &b);
		err_set(err, "chaos-run %s: refused before anything ran: %s",
			chaos_short_path(rt, x.path), b.refusal);
	} else {
		req = chaos_run_request(rt, &x, &b);
	}
	chaos_blast_free(&b);
	chaos_experiment_free(&x);
	return req;
}

const struct action_builder chaos_builders[] = {
	{ ACTION_CHAOS_RUN, TARGET_EXPERIMENT, .build = run },
	{ 0 },
};
