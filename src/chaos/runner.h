/* Running an experiment with Chaos Toolkit itself: `chaos run
 * --rollback-strategy always --journal-path …` as a child process in its own
 * process group, in the run's folder under the state folder
 * ($XDG_STATE_HOME/shipdeck/chaos/N/: run.json, output.log, journal.json,
 * chaostoolkit.log), its output followed through the loop into the log
 * buffer "chaos/N", its journal read when it ends. Interrupting sends SIGINT
 * (Chaos Toolkit then ends "interrupted" and, with that strategy, runs the
 * rollbacks); whatever the group leaves behind is killed when the run ends.
 * One run at a time per app. */
#ifndef SHIPDECK_CHAOS_RUNNER_H
#define SHIPDECK_CHAOS_RUNNER_H

#include <stdbool.h>

#include "action/builder.h"
#include "chaos/blast.h"
#include "chaos/experiment.h"
#include "runtime/rt.h"

struct action_req;

/* The `chaos` program: $SHIPDECK_CHAOS, else on PATH; NULL when missing
 * (caller frees). */
char *chaos_find_tool(void);
/* What to tell a person who has no `chaos`. */
extern const char chaos_install_hint[];

/* Where the experiments are: chaos.dir of .shipdeck.yml (default "chaos")
 * in the repository (caller frees). */
char *chaos_experiments_dir(const struct rt *rt);

/* path as the repository names it ("chaos/web-pod.json"): points into path. */
const char *chaos_short_path(const struct rt *rt, const char *path);

/* $XDG_STATE_HOME/shipdeck/chaos (caller frees). */
char *chaos_runs_dir(void);

/* The action request for running x with blast radius b: target, question,
 * details with the radius and the hypothesis, run (which starts the child
 * and calls gate_finish when it has ended). Takes neither x nor b. */
struct action_req *chaos_run_request(struct rt *rt, const struct chaos_experiment *x,
				     const struct chaos_blast *b);

/* Records through the gate that x was refused for its blast radius
 * (b->refusal); a record that cannot be written is said as the gate says it. */
void chaos_refuse(struct rt *rt, const struct chaos_experiment *x, const struct chaos_blast *b);

/* chaos-run over an experiment (sel: name its file, ns the namespace its
 * radius is resolved in), for action_builders_add (run_builder.c). */
extern const struct action_builder chaos_builders[];

/* The request's run: starts the child (chaos_run_request sets it). */
int chaos_run_start(struct rt *rt, struct action_req *req, struct err *err);

/* SIGINT to the run's group; false when nothing runs. */
bool chaos_run_interrupt(struct rt *rt);
/* At exit: interrupts a run still going and runs the loop until it has
 * ended (its rollbacks too), at most 60 s, then kills what is left. */
void chaos_run_stop(struct rt *rt);

#endif
