/* chaos-run over an experiment (action/builder.h): its file found as the
 * operator named it, loaded, the tool found, the blast radius resolved
 * against what the store holds; a radius beyond chaos: settings is refused
 * (and recorded) before anything runs. cancel over the run under way:
 * SIGINT to its group, Chaos Toolkit then runs the rollbacks. */
#include <stdlib.h>

#include "action/gate.h"
#include "chaos/catalog.h"
#include "chaos/runner.h"
#include "util/xalloc.h"

static struct action_req *run(struct rt *rt, const struct action_sel *s, bool *skipped,
			      struct err *err)
{
	struct chaos_experiment x;
	struct chaos_blast b;
	struct action_req *req = NULL;
	struct err berr;
	char *tool, *path = chaos_experiment_path(rt, s->name);
	int rc;

	if (!path) {
		err_set(err, "chaos: no experiment %s (:chaos lists them)", s->name);
		return NULL;
	}
	rc = chaos_experiment_load(&x, path, err);
	free(path);
	if (rc)
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

static int interrupt_run(struct rt *rt, struct action_req *req, struct err *err)
{
	if (!chaos_run_interrupt(rt))
		return err_set(err, "the experiment has ended already");
	gate_finish(rt, req, true, "interrupting (SIGINT); rollbacks run");
	return 0;
}

static struct action_req *interrupt(struct rt *rt, const struct action_sel *s, bool *skipped,
				    struct err *err)
{
	const struct store_chaos *ch = &rt->store->chaos;
	struct action_req *req;
	char *target;

	if (!ch->running) {
		err_set(err, "no chaos experiment is running");
		return NULL;
	}
	/* named as its chaos-run record names it */
	target = xasprintf("experiment %s", chaos_short_path(rt, ch->file ? ch->file : ""));
	req = action_req_new(ACTION_CANCEL, target);
	free(target);
	req->from = xasprintf("chaos %d running (%s)", ch->number,
			      ch->phase ? ch->phase : "starting");
	req->to = xstrdup("interrupted: the rollbacks run");
	req->run = interrupt_run;
	return req;
}

const struct action_builder chaos_builders[] = {
	{ ACTION_CHAOS_RUN, TARGET_EXPERIMENT, .build = run },
	{ ACTION_CANCEL, TARGET_EXPERIMENT, .build = interrupt },
	{ 0 },
};
