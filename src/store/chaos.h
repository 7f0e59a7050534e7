/* Chaos experiments: the one run under way or last finished — its number,
 * experiment, blast radius, the deployment it aims at, where Chaos Toolkit
 * is (phase: the hypothesis before, the method, the hypothesis after, the
 * rollbacks) and how it ended. What the run printed is in the log buffer
 * "chaos/N" (store/log.h); the journal is on disk under the state folder.
 *
 * Ownership: every string in an event belongs to the store once applied. */
#ifndef SHIPDECK_STORE_CHAOS_H
#define SHIPDECK_STORE_CHAOS_H

#include <stdbool.h>
#include <stdint.h>

struct store_chaos {
	int number;                 /* 0: none yet */
	char *title;
	char *file;                 /* the experiment file */
	char *blast;                /* "kills 1 of 3 pods of deploy/web in default" */
	char *namespace, *deployment;   /* what the rollout pane should show; NULL when none */
	char *phase;                /* "hypothesis before", "method", … */
	char *status;               /* NULL while running: completed, failed, aborted,
				     * interrupted, deviated */
	bool running;
	bool interrupting;          /* SIGINT sent, rollbacks may be running */
	int64_t started_ms, ended_ms;   /* wall clock */
};

enum chaos_event_type {
	CHAOS_EV_START,             /* number, title, file, blast, namespace, deployment */
	CHAOS_EV_PHASE,             /* text */
	CHAOS_EV_INTERRUPT,
	CHAOS_EV_END,               /* text: the final status */
};

struct chaos_event {
	enum chaos_event_type type;
	int number;
	char *title, *file, *blast, *namespace, *deployment;
	char *text;
	int64_t time_ms;
};

void store_chaos_init(struct store_chaos *c);
void store_chaos_free(struct store_chaos *c);
bool store_chaos_apply(struct store_chaos *c, struct chaos_event *ev);

#endif
