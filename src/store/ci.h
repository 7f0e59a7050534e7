/* The repository, the pipeline file and the builds of the local runner.
 *
 * A build is replaced whole by each CI_EV_BUILD (the runner and the history
 * reader send snapshots): builds are small and change a few times a second
 * at most, and a snapshot can never leave the store half updated. */
#ifndef SHIPDECK_STORE_CI_H
#define SHIPDECK_STORE_CI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ci_status {
	CI_PENDING,
	CI_RUNNING,
	CI_PASSED,
	CI_FAILED,
	CI_SKIPPED,                 /* steps only: a `when` did not match, or upstream failed */
	CI_CANCELLED,
	CI_INTERRUPTED,             /* shipdeck died while it ran (found after a restart) */
	CI_ERROR,                   /* builds only: could not start (checkout, work folder) */
	CI_STATUS_COUNT,
};

/* "passed", "failed"…; ci_status_parse returns -1 for an unknown word. */
const char *ci_status_name(enum ci_status s);
int ci_status_parse(const char *s);
/* Passed, failed, skipped, cancelled, interrupted or error: it will not change. */
bool ci_status_done(enum ci_status s);
/* "0.4s", "42s", "3m07s", "1h02m". Returns buf. */
char *ci_duration_format(int64_t ms, char *buf, size_t size);
/* How long from start to end (ms): 0 until both are known. */
int64_t ci_span_ms(int64_t start_ms, int64_t end_ms);

struct ci_step {
	char *key;                  /* unique in the build: log id part and log file name */
	char *name;                 /* as written in the pipeline file */
	char *pipeline;             /* the pipeline (document) it belongs to */
	char *image;                /* kept and shown; NULL for exec steps */
	char **depends_on;          /* keys of the steps it waits for */
	size_t ndeps;
	enum ci_status status;
	int exit_code;              /* -1 while none (not run, or killed by a signal) */
	int signal;                 /* the signal that ended it, or 0 */
	int64_t started_ms;         /* wall clock; 0 when it did not start */
	int64_t finished_ms;
	bool ignore_failure;        /* failure: ignore */
	bool is_test;
	char *message;              /* why it was skipped or could not start, or NULL */
	int pgid;                   /* process group while running (cancel, crash repair) */
	uint64_t pg_start;          /* the group leader's start time (/proc stat), for pid reuse */
	uint64_t lines;             /* log lines so far */
	/* remote CI: the job (Actions) or stage (Drone) number the step's log
	 * is asked by, and the step's number in it (Drone) */
	int64_t remote_job;
	int remote_step;
};

struct ci_build {
	int number;
	enum ci_status status;
	char *commit;               /* 40 hex digits */
	char *subject;              /* the commit's first line */
	char *branch;               /* "" when detached */
	char *event;                /* DRONE_BUILD_EVENT: "push" */
	char *trigger;              /* "console" or "cli" */
	char *user;
	char *image_tag;            /* SHIPDECK_IMAGE_TAG */
	char *runtime;              /* where steps run: "host" (no container runtime) */
	char *pipeline_file;
	char *work_dir;
	char *message;              /* why it errored, was cancelled or interrupted, or NULL */
	bool tests_only;
	bool in_place;              /* ran in the operator's tree (--in-place) */
	bool has_docker;            /* some step was declared for type: docker */
	int64_t created_ms, started_ms, finished_ms;   /* wall clock */
	struct ci_step *steps;
	size_t nsteps;
	/* The process that runs it, so another process can cancel it and a restart
	 * can tell a dead owner (kill -9) from a live one. */
	int owner_pid;
	uint64_t owner_start;       /* /proc/PID/stat starttime */
	char *owner_boot;           /* /proc/sys/kernel/random/boot_id */
	/* remote CI: the run's id in the API (Actions; Drone: the number) and
	 * its page for people */
	int64_t remote_id;
	char *html_url;
};

struct ci_build *ci_build_dup(const struct ci_build *b);
/* Frees everything b holds and b itself; NULL is fine. */
void ci_build_free(struct ci_build *b);
const struct ci_step *ci_build_step(const struct ci_build *b, const char *key);

struct store_ci {
	char *repo_path;            /* work tree root, NULL when not in a repository */
	char *branch;               /* NULL when detached */
	char *head_sha;
	bool dirty;

	char *pipeline_file;        /* the file the runner reads, NULL when none */
	char *pipeline_error;       /* its problem in the work tree (file:line:col), or NULL */
	char *pipeline_notices;     /* what the local runner ignores, one per line, or NULL */
	struct ci_build **builds;   /* newest (highest number) first */
	size_t nbuilds, builds_cap;

	/* The remote CI backend the pane reads (.shipdeck.yml ci:), when one is. */
	struct store_ci_remote {
		char *backend;          /* "gitea http://127.0.0.1:3000 me/app"; NULL: none */
		char *error;            /* the last request's failure, naming its URL, or NULL */
		char *notice;           /* rate limit left, or NULL */
		int64_t as_of_ms;       /* wall clock of the last good answer; 0: none yet */
		struct ci_build **runs; /* newest first, as the server lists them */
		size_t nruns;
		bool promotes;          /* Drone: a build can be promoted to an environment */
	} remote;
};

enum ci_event_type {
	CI_EV_REPO,                 /* repository, branch, HEAD, dirty state */
	CI_EV_PIPELINE,             /* pipeline_file, pipeline_error and pipeline_notices */
	CI_EV_BUILD,                /* build: add or replace the build with its number */
	CI_EV_REMOTE,               /* remote backend, error, notice, as_of; runs when set */
	CI_EV_REMOTE_RUN,           /* build: replace the remote run with its remote_id */
};

struct ci_event {
	enum ci_event_type type;
	char *repo_path;
	char *branch;
	char *head_sha;
	bool dirty;
	char *pipeline_file;
	char *pipeline_error;
	char *pipeline_notices;
	struct ci_build *build;     /* taken by the store */
	/* CI_EV_REMOTE: every member is taken by the store */
	char *backend;
	char *remote_error;
	char *remote_notice;
	int64_t as_of_ms;
	bool has_runs;              /* runs replaces the list (a remote run's steps are kept) */
	bool promotes;
	struct ci_build **runs;
	size_t nruns;
};

void store_ci_init(struct store_ci *ci);
void store_ci_free(struct store_ci *ci);
bool store_ci_apply(struct store_ci *ci, struct ci_event *ev);

const struct ci_build *store_ci_build(const struct store_ci *ci, int number);
const struct ci_build *store_ci_remote_run(const struct store_ci *ci, int64_t remote_id);

/* The builds the pipeline pane lists: the remote backend's runs when one
 * reads (remote.backend set), else the local runner's. */
struct store_ci_list {
	struct ci_build *const *items;  /* newest first; the store's */
	size_t n;
	bool remote;
	bool can_promote;               /* Drone: P asks for an environment */
};
struct store_ci_list store_ci_list(const struct store_ci *ci);
/* A build's key in the list: the run id (remote) or the build number. */
int64_t ci_build_key(const struct ci_build *b);
/* The log buffer of a step: "build/N/KEY" or "remote/RUN_ID/KEY" into buf. */
void ci_build_log_id(const struct ci_build *b, const struct ci_step *s, char *buf,
		     size_t size);

#endif
