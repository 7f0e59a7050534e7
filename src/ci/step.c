/* One step: its process group, its output, its end. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ci/env.h"
#include "ci/proc.h"
#include "ci/runner_internal.h"
#include "git/checkout.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* How long a pipe may stay open after its shell exited (a process that
 * escaped the group can hold it): then the step ends without it. Reads take
 * at most READ_MAX bytes per wake-up so keys are answered during a flood. */
enum { EOF_WAIT_MS = 2000, READ_MAX = 1 << 20 };

static void emit(void *ctx, const char *text, size_t len, size_t last_cut)
{
	struct step_run *s = ctx;
	struct build_run *b = s->build;
	const struct ci_hooks *h = &b->runner->hooks;
	struct ci_step *rs = &b->rec->steps[s->index];
	struct store_event ev = { .domain = STORE_LOG };
	uint64_t lines = 0;

	for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
		lines++;
	ev.log = (struct log_event){ .type = LOG_EV_APPEND,
				     .id = build_log_id(b->rec->number, rs->key),
				     .text = xstrndup(text, len), .text_len = len,
				     .last_cut = last_cut, .time_ms = time_wall_ms() };
	rt_apply(b->runner->rt, &ev);
	if (h->lines)
		h->lines(h->ctx, b->rec, rs, s->emitted, text, len);
	s->emitted += lines;
	rs->lines = s->emitted;
}

static void open_buffer(struct step_run *s, const char *log, const char *times)
{
	struct build_run *b = s->build;
	const struct ci_step *rs = &b->rec->steps[s->index];
	struct store_event ev = { .domain = STORE_LOG };
	char *id = build_log_id(b->rec->number, rs->key);

	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup(id),
				     .title = xasprintf("build %d \xc2\xb7 %s", b->rec->number,
							rs->key),
				     .disk_path = xstrdup(log), .times_path = xstrdup(times) };
	rt_apply(b->runner->rt, &ev);
	logs_remember(b->runner, id);
	free(id);
}

static void close_buffer(struct step_run *s, const char *why)
{
	struct build_run *b = s->build;
	struct store_event ev = { .domain = STORE_LOG };

	ev.log = (struct log_event){ .type = LOG_EV_CLOSE,
				     .id = build_log_id(b->rec->number,
							b->rec->steps[s->index].key),
				     .text = xstrdup(why) };
	rt_apply(b->runner->rt, &ev);
}

/* The step ends with status st (the scheduler and the record agree). */
static void conclude(struct step_run *s, enum ci_status st, const char *why)
{
	struct build_run *b = s->build;
	struct ci_step *rs = &b->rec->steps[s->index];

	if (s->capturing) {
		ci_capture_close(&s->cap, time_wall_ms());
		s->capturing = false;
		if (s->cap.failed && !rs->message)
			rs->message = xstrdup(s->cap.err.msg);
	}
	rs->status = st;
	rs->finished_ms = time_wall_ms();
	if (!rs->started_ms)
		rs->started_ms = rs->finished_ms;
	rs->lines = s->emitted;
	ci_sched_finish(&b->sched, s->index, st);
	close_buffer(s, why);
	build_step_changed(b, s->index);
}

/* Could not start: the reason goes into the step's log too. */
static void fail_to_start(struct step_run *s, const char *msg)
{
	struct ci_step *rs = &s->build->rec->steps[s->index];

	if (s->capturing) {
		char *line = xasprintf("shipdeck: %s\n", msg);

		ci_capture_feed(&s->cap, line, strlen(line), time_wall_ms());
		free(line);
	}
	free(rs->message);
	rs->message = xstrdup(msg);
	conclude(s, CI_FAILED, msg);
}

/* A step that would run its image's entrypoint: without a container runtime
 * it does not run. Its log says so and lists the PLUGIN_* variables it
 * would get (secret values are masked on the way to the log). A service is
 * skipped; a step fails (failure: ignore lets the build pass). */
static void needs_image(struct step_run *s)
{
	struct build_run *b = s->build;
	const struct ci_step_def *def = b->plan.steps[s->index].def;
	struct ci_step *rs = &b->rec->steps[s->index];
	const struct ci_secrets *sec = &b->runner->secrets;
	char *msg = xasprintf("needs image %s: no container runtime here (runtime: host)",
			      def->image);
	char *line = xasprintf("shipdeck: %s\n", msg);

	ci_capture_feed(&s->cap, line, strlen(line), time_wall_ms());
	free(line);
	for (size_t k = 0; k < def->nsettings; k++) {
		const struct ci_env *e = &def->settings[k];
		const char *v = e->secret ? ci_secret_get(sec, e->secret) : e->value;

		if (v)
			line = xasprintf("shipdeck: it would get %s=%s\n", e->name, v);
		else
			line = xasprintf("shipdeck: it would get %s from secret '%s', which is not "
					 "set\n", e->name, e->secret);
		ci_capture_feed(&s->cap, line, strlen(line), time_wall_ms());
		free(line);
	}
	free(rs->message);
	rs->message = msg;
	if (def->service) {
		conclude(s, CI_SKIPPED, "needs an image");
		return;
	}
	ci_sched_detached_failed(&b->sched, s->index);
	conclude(s, CI_FAILED, "needs an image");
}

static void set_drone_env(struct build_run *b, size_t i, struct ci_envv *e, const char *work)
{
	const struct ci_build *rec = b->rec;
	const struct ci_plan_step *p = &b->plan.steps[i];
	const struct ci_pipeline_def *pd = b->plan.pipelines[p->pipeline].def;
	const char *repo = strrchr(b->runner->rt->repo_root, '/');
	char num[32], started[32], stepno[32];
	char *ref = *rec->branch ? xasprintf("refs/heads/%s", rec->branch) : xstrdup("");

	repo = repo ? repo + 1 : b->runner->rt->repo_root;
	snprintf(num, sizeof num, "%d", rec->number);
	snprintf(started, sizeof started, "%lld", (long long)(rec->started_ms / 1000));
	snprintf(stepno, sizeof stepno, "%zu", i + 1);
	ci_envv_set(e, "CI", "true");
	ci_envv_set(e, "DRONE", "true");
	ci_envv_set(e, "DRONE_BUILD_NUMBER", num);
	ci_envv_set(e, "DRONE_BUILD_EVENT", rec->event);
	ci_envv_set(e, "DRONE_BUILD_STATUS",
		    ci_sched_failed_before(&b->sched, i) ? "failure" : "success");
	ci_envv_set(e, "DRONE_BUILD_CREATED", started);
	ci_envv_set(e, "DRONE_BUILD_STARTED", started);
	ci_envv_set(e, "DRONE_BRANCH", rec->branch);
	ci_envv_set(e, "DRONE_COMMIT", rec->commit);
	ci_envv_set(e, "DRONE_COMMIT_SHA", rec->commit);
	ci_envv_set(e, "DRONE_COMMIT_BRANCH", rec->branch);
	ci_envv_set(e, "DRONE_COMMIT_REF", ref);
	ci_envv_set(e, "DRONE_COMMIT_MESSAGE", b->commit.message);
	ci_envv_set(e, "DRONE_COMMIT_AUTHOR", b->commit.author);
	ci_envv_set(e, "DRONE_COMMIT_AUTHOR_EMAIL", b->commit.email);
	ci_envv_set(e, "DRONE_REPO", repo);
	ci_envv_set(e, "DRONE_REPO_NAME", repo);
	ci_envv_set(e, "DRONE_REPO_BRANCH", rec->branch);
	ci_envv_set(e, "DRONE_WORKSPACE", work);
	ci_envv_set(e, "DRONE_STAGE_KIND", "pipeline");
	ci_envv_set(e, "DRONE_STAGE_NAME", pd->name);
	ci_envv_set(e, "DRONE_STAGE_TYPE", pd->type);
	ci_envv_set(e, "DRONE_STEP_NAME", p->def->name);
	ci_envv_set(e, "DRONE_STEP_NUMBER", stepno);
	ci_envv_set(e, "DRONE_RUNNER_NAME", "shipdeck");
	ci_envv_set(e, "DRONE_SYSTEM_HOST", "localhost");
	ci_envv_set(e, "SHIPDECK_IMAGE_TAG", rec->image_tag);
	if (b->runner->rt->project->image_name) {
		/* the whole reference a publish step pushes: image.name:tag */
		char *image = xasprintf("%s:%s", b->runner->rt->project->image_name,
					rec->image_tag);

		ci_envv_set(e, "SHIPDECK_IMAGE", image);
		free(image);
	}
	/* the marker lets a restart tell the build's leftovers from strangers */
	ci_envv_set(e, "SHIPDECK_BUILD", b->marker + strlen("SHIPDECK_BUILD="));
	ci_envv_set(e, "SHIPDECK_STEP", b->rec->steps[i].key);
	free(ref);
}

/* After fork, in the child: its own process group, default signals, the
 * pipe as stdout and stderr, nothing else inherited. Never returns. */
static void child(struct build_run *b, size_t i, int wfd, char *const argv[],
		  char *const envp[])
{
	const char *dir = b->plan.steps[i].def ? b->rec->work_dir : b->runner->hist.work_root;
	sigset_t none;
	int devnull;

	setpgid(0, 0);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0 && devnull != 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	dup2(wfd, 1);
	dup2(wfd, 2);
	/* the console's terminal and the loop's pipes stay out of reach */
	close_range(3, ~0U, 0);
	if (chdir(dir)) {
		dprintf(2, "shipdeck: cannot enter %s: %s\n", dir, strerror(errno));
		_exit(126);
	}
	if (!b->plan.steps[i].def) {
		FILE *out = fdopen(1, "w");
		struct err err;
		int rc = out ? workdir_checkout(b->runner->rt->repo_root, b->rec->commit,
						b->rec->branch, b->rec->work_dir, out, &err) : -1;

		if (rc && out)
			fprintf(out, "shipdeck: checkout failed: %s\n", err.msg);
		if (out)
			fflush(out);
		_exit(rc ? 1 : 0);
	}
	execve("/bin/sh", argv, envp);
	dprintf(2, "shipdeck: cannot run /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

static void on_eof_timeout(void *ctx);

static void maybe_done(struct step_run *s)
{
	struct build_run *b = s->build;
	enum ci_status st;
	char why[64];
	int code = -1, sig = 0;

	if (!s->exited || s->fd >= 0)
		return;
	if (s->eof_timer) {
		loop_timer_cancel(b->runner->rt->loop, s->eof_timer);
		s->eof_timer = 0;
	}
	if (WIFEXITED(s->wait_status))
		code = WEXITSTATUS(s->wait_status);
	else if (WIFSIGNALED(s->wait_status))
		sig = WTERMSIG(s->wait_status);
	st = code == 0 ? CI_PASSED : CI_FAILED;
	if (b->cancelling && st != CI_PASSED)
		st = CI_CANCELLED;
	/* a service stopped because the steps are done has done its part */
	if (b->stopping_detached && b->plan.steps[s->index].detach && !b->cancelling)
		st = CI_PASSED;
	b->rec->steps[s->index].exit_code = code;
	b->rec->steps[s->index].signal = sig;
	if (st == CI_CANCELLED)
		snprintf(why, sizeof why, "cancelled");
	else if (st == CI_PASSED && b->stopping_detached && b->plan.steps[s->index].detach) {
		snprintf(why, sizeof why, "stopped after the steps");
		free(b->rec->steps[s->index].message);
		b->rec->steps[s->index].message = xstrdup(why);
	}
	else if (sig)
		snprintf(why, sizeof why, "killed by signal %d (%s)", sig, strsignal(sig));
	else
		snprintf(why, sizeof why, "exit %d", code);
	conclude(s, st, why);
	build_advance(b);   /* last: it may finish and free the build */
}

static void on_output(void *ctx, int fd, short revents)
{
	struct step_run *s = ctx;
	char buf[65536];
	size_t total = 0;
	bool eof = false;

	(void)revents;
	while (total < READ_MAX) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n > 0) {
			ci_capture_feed(&s->cap, buf, (size_t)n, time_wall_ms());
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		eof = n == 0 || errno != EAGAIN;
		break;
	}
	if (s->cap.batch.len)
		build_arm_flush(s->build);
	if (!eof)
		return;
	loop_io_remove(s->build->runner->rt->loop, fd);
	close(fd);
	s->fd = -1;
	maybe_done(s);
}

static void on_eof_timeout(void *ctx)
{
	struct step_run *s = ctx;

	s->eof_timer = 0;
	if (s->fd >= 0) {
		loop_io_remove(s->build->runner->rt->loop, s->fd);
		close(s->fd);
		s->fd = -1;
	}
	maybe_done(s);
}

static void on_child_exit(void *ctx, pid_t pid, int status)
{
	struct step_run *s = ctx;
	struct build_run *b = s->build;

	(void)pid;
	s->exited = true;
	s->wait_status = status;
	/* a step ends with its shell, as a container does: what it left running
	 * in the background goes too, in its group or not */
	step_signal(s, SIGKILL);
	step_sweep(s, SIGKILL);
	if (s->fd >= 0)
		s->eof_timer = loop_timer_add(b->runner->rt->loop, EOF_WAIT_MS, on_eof_timeout, s);
	maybe_done(s);
}

void step_start(struct build_run *b, size_t i)
{
	struct step_run *s = &b->steps[i];
	struct ci_step *rs = &b->rec->steps[i];
	const struct ci_plan_step *p = &b->plan.steps[i];
	struct ci_history *h = &b->runner->hist;
	char *log = ci_history_log_path(h, b->rec->number, rs->key);
	char *times = ci_history_times_path(h, b->rec->number, rs->key);
	struct ci_envv env = { 0 };
	char *script = NULL, *argv[5] = { "sh", "-e", "-c", NULL, NULL };
	struct proc_stat st = { 0 };
	struct err err;
	int fds[2] = { -1, -1 };
	pid_t pid;

	open_buffer(s, log, times);
	rs->started_ms = time_wall_ms();
	if (ci_capture_open(&s->cap, log, times, &b->mask, emit, s, &err)) {
		fail_to_start(s, err.msg);
		goto out;
	}
	s->capturing = true;
	if (p->def && p->needs_image) {
		needs_image(s);
		goto out;
	}
	if (p->def) {
		const struct ci_pipeline_def *pd = b->plan.pipelines[p->pipeline].def;

		ci_envv_from_environ(&env);
		set_drone_env(b, i, &env, b->rec->work_dir);
		if (ci_envv_apply(&env, pd->env, pd->nenv, &b->runner->secrets, &err)
		    || ci_envv_apply(&env, p->def->settings, p->def->nsettings, &b->runner->secrets,
				     &err)
		    || ci_envv_apply(&env, p->def->env, p->def->nenv, &b->runner->secrets, &err)) {
			fail_to_start(s, err.msg);
			goto out;
		}
		script = ci_script(p->def->commands, p->def->ncommands);
		argv[3] = script;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		fail_to_start(s, strerror(errno));
		goto out;
	}
	/* a chatty step fills the default 64 KiB in a moment, then waits on us
	 * each time: 1 MiB (the unprivileged limit) lets it go on while we
	 * write to disk. Best effort: the default works, only slower. */
	(void)fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
	fflush(NULL);   /* the child must not write out our buffered output again */
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		fail_to_start(s, strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(b, i, fds[1], argv, env.v);
	/* set here too: the group must exist before anyone signals it */
	setpgid(pid, pid);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	s->pid = pid;
	s->fd = fds[0];
	rs->status = CI_RUNNING;
	rs->pgid = pid;
	if (!proc_stat_read(pid, &st))
		rs->pg_start = st.start;
	loop_io_add(b->runner->rt->loop, s->fd, POLLIN, on_output, s);
	loop_child_watch(b->runner->rt->loop, pid, on_child_exit, s);
	build_step_changed(b, i);
out:
	ci_envv_free(&env);
	free(script);
	free(log);
	free(times);
}

void step_signal(struct step_run *s, int sig)
{
	const struct ci_step *rs = &s->build->rec->steps[s->index];

	if (s->pid > 0)
		proc_group_signal(s->pid, rs->pg_start, s->build->marker, sig);
}

void step_sweep(struct step_run *s, int sig)
{
	char *step = xasprintf("SHIPDECK_STEP=%s", s->build->rec->steps[s->index].key);

	if (s->pid > 0)
		proc_signal_marked(s->build->marker, step, sig);
	free(step);
}

void step_flush(struct step_run *s)
{
	ci_capture_flush(&s->cap);
}

void step_sync(struct step_run *s)
{
	log_writer_sync(&s->cap.writer);
}

void step_abandon(struct step_run *s)
{
	struct build_run *b = s->build;
	struct loop *loop = b->runner->rt->loop;

	if (s->eof_timer) {
		loop_timer_cancel(loop, s->eof_timer);
		s->eof_timer = 0;
	}
	if (s->fd >= 0) {
		loop_io_remove(loop, s->fd);
		close(s->fd);
		s->fd = -1;
	}
	if (s->pid && !s->exited) {
		step_signal(s, SIGKILL);
		loop_child_forget(loop, s->pid);
		s->exited = true;
	}
	if (b->sched.status[s->index] == CI_RUNNING)
		conclude(s, CI_CANCELLED, "cancelled");
}

bool step_alive(const struct step_run *s)
{
	return s->pid > 0 && (!s->exited || s->fd >= 0);
}
