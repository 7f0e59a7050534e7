/* The runner's private state, shared by runner.c (builds), step.c (one
 * step's process and output) and logs.c (log buffers on request). */
#ifndef SHIPDECK_CI_RUNNER_INTERNAL_H
#define SHIPDECK_CI_RUNNER_INTERNAL_H

#include <sys/types.h>

#include "ci/capture.h"
#include "ci/pipeline_file.h"
#include "ci/plan.h"
#include "ci/runner.h"
#include "ci/sched.h"
#include "ci/secrets.h"
#include "git/commit.h"

struct build_run;

struct step_run {
	struct build_run *build;
	size_t index;               /* in the plan and in rec->steps */
	pid_t pid;                  /* 0 when not started */
	int fd;                     /* output pipe, -1 when closed */
	bool exited;
	int wait_status;
	bool capturing;
	struct ci_capture cap;
	uint64_t emitted;           /* lines handed on so far */
	uint64_t eof_timer;         /* after the exit: how long the pipe may stay open */
};

struct cancel_waiter {
	ci_cancel_done_fn fn;
	void *ctx;
};

struct build_run {
	struct ci_runner *runner;
	struct ci_build *rec;       /* what build.json and the store say */
	struct ci_file file;
	struct ci_plan plan;
	struct ci_sched sched;
	struct ci_mask mask;
	struct commit_info commit;
	struct step_run *steps;
	char *marker;               /* SHIPDECK_BUILD=… */
	bool cancelling;
	bool stopping_detached;     /* the steps are done: services and detached steps get TERM */
	uint64_t kill_timer;        /* armed with the TERM: KILL when it fires */
	uint64_t flush_timer;       /* batches of output to the store */
	uint64_t sync_timer;        /* fsync of the logs, once a second */
	struct cancel_waiter *waiters;
	size_t nwaiters;
	struct build_run *next;
};

struct ci_runner {
	struct rt *rt;
	struct ci_history hist;
	struct ci_secrets secrets;
	struct ci_hooks hooks;
	struct build_run *builds;
	char **opened;              /* build log ids loaded from disk, oldest first */
	size_t nopened, opened_cap;
	/* builds other processes run: inotify on the history (watch.c) */
	int inotify_fd;             /* -1 when not watching */
	struct foreign_watch {
		int wd;
		int number;             /* 0: the builds folder itself */
	} *watches;
	size_t nwatches, watches_cap;
};

/* runner.c */
void build_changed(struct build_run *b);          /* build.json + store + hooks */
void build_step_changed(struct build_run *b, size_t i);
void build_advance(struct build_run *b);          /* start, skip or finish */
void build_arm_flush(struct build_run *b);
char *build_log_id(int number, const char *key);

/* step.c */
void step_start(struct build_run *b, size_t i);
/* TERM (or KILL) to the step's process group, if it is still ours. */
void step_signal(struct step_run *s, int sig);
/* sig to the step's processes that left its group (found by environment). */
void step_sweep(struct step_run *s, int sig);
void step_flush(struct step_run *s);
void step_sync(struct step_run *s);
/* Stops waiting for the step (its group killed) and ends it as cancelled. */
void step_abandon(struct step_run *s);
/* Is the step's process still to be waited for? */
bool step_alive(const struct step_run *s);

/* watch.c */
void history_watch_start(struct ci_runner *r);
void history_watch_stop(struct ci_runner *r);
/* Follows build n (run by another process) until it is done. */
void watch_build(struct ci_runner *r, int n);

/* logs.c */
void logs_remember(struct ci_runner *r, const char *id);

#endif
