#include "chaos/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "action/gate.h"
#include "chaos/journal.h"
#include "util/file.h"
#include "util/jsonout.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

extern char **environ;

const char chaos_install_hint[] =
	"Chaos Toolkit is not installed (no `chaos` on PATH): python3 -m venv ~/.local/chaos && "
	"~/.local/chaos/bin/pip install chaostoolkit chaostoolkit-kubernetes, then put "
	"~/.local/chaos/bin on PATH (or set SHIPDECK_CHAOS)";

/* How long rollbacks may take after SIGINT before the group is killed. */
enum { INTERRUPT_GRACE_MS = 60000, LINE_MAX_KEPT = 4096 };
/* After chaos has exited, how long something it started may hold its
 * output open before the run ends without it (and it is killed). */
enum { EOF_GRACE_MS = 2000 };

/* What the action request carries to run. */
struct chaos_plan {
	char *file;                 /* absolute */
	char *title;
	char *blast;
	char *namespace, *deployment;
};

/* The run under way; rt->chaos_run. */
struct chaos_run {
	struct rt *rt;
	struct action_req *req;
	int number;
	char *dir;
	char *log_id;               /* "chaos/N" */
	char *journal;
	pid_t pid;
	int fd;
	int out_fd;                 /* output.log */
	struct strbuf line;
	bool exited, eof;
	int wait_status;
	bool hypothesis_seen, method_seen;
	uint64_t kill_timer;
	uint64_t eof_timer;
	int64_t started_ms;
};

char *chaos_find_tool(void)
{
	const char *env = getenv("SHIPDECK_CHAOS"), *path = getenv("PATH");
	char *copy, *save = NULL;

	if (env && *env)
		return access(env, X_OK) ? NULL : xstrdup(env);
	if (!path)
		return NULL;
	copy = xstrdup(path);
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/chaos", *d ? d : ".");
		struct stat st;

		if (!stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK)) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

char *chaos_runs_dir(void)
{
	return xdg_state_path("chaos");
}

static void plan_free(void *data)
{
	struct chaos_plan *p = data;

	if (!p)
		return;
	free(p->file);
	free(p->title);
	free(p->blast);
	free(p->namespace);
	free(p->deployment);
	free(p);
}

static void emit_log(struct rt *rt, const char *id, char *text)
{
	struct store_event ev = { .domain = STORE_LOG };

	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup(id), .text = text,
				     .text_len = strlen(text), .time_ms = time_wall_ms() };
	rt_apply(rt, &ev);
}

/* One line of ours into the buffer and output.log. */
static void say(struct chaos_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct chaos_run *r, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	if (r->out_fd >= 0) {
		(void)file_write_full(r->out_fd, line, strlen(line));
		(void)file_write_full(r->out_fd, "\n", 1);
	}
	emit_log(r->rt, r->log_id, line);
}

static void phase(struct chaos_run *r, const char *text)
{
	struct store_event ev = { .domain = STORE_CHAOS };

	ev.chaos = (struct chaos_event){ .type = CHAOS_EV_PHASE, .text = xstrdup(text) };
	rt_apply(r->rt, &ev);
}

/* Chaos Toolkit's log lines say where it is. */
static void follow_phase(struct chaos_run *r, const char *line)
{
	if (strstr(line, "Steady state hypothesis:")) {
		phase(r, r->method_seen ? "hypothesis after" : "hypothesis before");
		r->hypothesis_seen = true;
	} else if (strstr(line, "Playing your experiment's method now")) {
		phase(r, "method");
		r->method_seen = true;
	} else if (strstr(line, "Let's rollback")) {
		phase(r, "rollbacks");
	} else if (strstr(line, "Received a termination signal")) {
		phase(r, "interrupted: rollbacks");
	}
}

static void take_line(struct chaos_run *r, const char *s, size_t n)
{
	char *line = xstrndup(s, n > LINE_MAX_KEPT ? LINE_MAX_KEPT : n);

	if (r->out_fd >= 0) {
		(void)file_write_full(r->out_fd, s, n);
		(void)file_write_full(r->out_fd, "\n", 1);
	}
	follow_phase(r, line);
	emit_log(r->rt, r->log_id, line);
}

static void maybe_finish(struct chaos_run *r);

/* The output is done: its last partial line taken, the pipe closed. */
static void end_output(struct chaos_run *r)
{
	if (r->line.len)
		take_line(r, r->line.s, r->line.len);
	sb_reset(&r->line);
	loop_io_remove(r->rt->loop, r->fd);
	close(r->fd);
	r->fd = -1;
	r->eof = true;
	maybe_finish(r);
}

static void on_output(void *ctx, int fd, short revents)
{
	struct chaos_run *r = ctx;
	char buf[8192];
	ssize_t got;

	(void)revents;
	while ((got = read(fd, buf, sizeof buf)) > 0) {
		size_t start = 0;

		sb_append(&r->line, buf, (size_t)got);
		for (size_t i = 0; i < r->line.len; i++) {
			if (r->line.s[i] != '\n')
				continue;
			take_line(r, r->line.s + start, i - start);
			start = i + 1;
		}
		sb_consume(&r->line, start);
	}
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
		end_output(r);
	}
}

static void on_kill_timer(void *ctx)
{
	struct chaos_run *r = ctx;

	r->kill_timer = 0;
	if (!r->exited && r->pid > 0) {
		say(r, "shipdeck: Chaos Toolkit did not end within %d s of SIGINT: killing it",
		    INTERRUPT_GRACE_MS / 1000);
		kill(-r->pid, SIGKILL);
	}
}

/* chaos has exited but its output is still open: a process it left holds
 * it. That process is killed (maybe_finish does) and the run ends. */
static void on_eof_timer(void *ctx)
{
	struct chaos_run *r = ctx;

	r->eof_timer = 0;
	if (r->eof)
		return;
	end_output(r);
}

static void on_exit_child(void *ctx, pid_t pid, int status)
{
	struct chaos_run *r = ctx;

	(void)pid;
	r->exited = true;
	r->wait_status = status;
	if (!r->eof)
		r->eof_timer = loop_timer_add(r->rt->loop, EOF_GRACE_MS, on_eof_timer, r);
	maybe_finish(r);
}

static void write_record(struct chaos_run *r, const char *status, bool deviated)
{
	const struct chaos_plan *p = r->req->data;
	cJSON *o = cJSON_CreateObject();
	char *path = xasprintf("%s/run.json", r->dir), *text;
	struct err err;

	cJSON_AddNumberToObject(o, "number", r->number);
	cJSON_AddStringToObject(o, "experiment", p->file);
	cJSON_AddStringToObject(o, "title", p->title);
	cJSON_AddStringToObject(o, "blast_radius", p->blast);
	json_add_time(o, "started", r->started_ms / 1000);
	if (status) {
		cJSON_AddStringToObject(o, "status", status);
		cJSON_AddBoolToObject(o, "deviated", deviated);
		json_add_time(o, "ended", time_wall_ms() / 1000);
	} else {
		cJSON_AddStringToObject(o, "status", "running");
		cJSON_AddNumberToObject(o, "pid", r->pid);
	}
	text = cJSON_Print(o);
	if (file_write_atomic(path, text, strlen(text), &err))
		say(r, "shipdeck: %s", err.msg);
	free(text);
	free(path);
	cJSON_Delete(o);
}

static void run_free(struct chaos_run *r)
{
	if (r->kill_timer)
		loop_timer_cancel(r->rt->loop, r->kill_timer);
	if (r->eof_timer)
		loop_timer_cancel(r->rt->loop, r->eof_timer);
	if (r->fd >= 0) {
		loop_io_remove(r->rt->loop, r->fd);
		close(r->fd);
	}
	if (r->out_fd >= 0)
		close(r->out_fd);
	sb_free(&r->line);
	free(r->dir);
	free(r->log_id);
	free(r->journal);
	free(r);
}

/* The child has exited and its output is read: the journal tells how it
 * went; whatever the group left is killed; the gate records it. */
static void maybe_finish(struct chaos_run *r)
{
	struct rt *rt = r->rt;
	struct chaos_journal j;
	struct store_event ev = { .domain = STORE_CHAOS };
	struct err err;
	char *message, *status;
	bool ok, deviated = false;

	if (!r->exited || !r->eof)
		return;
	if (kill(-r->pid, 0) == 0) {
		say(r, "shipdeck: processes of the run were left behind: killed");
		kill(-r->pid, SIGKILL);
	}
	if (chaos_journal_load(&j, r->journal, &err)) {
		int code = WIFEXITED(r->wait_status) ? WEXITSTATUS(r->wait_status) : -1;

		status = xstrdup("failed");
		message = WIFSIGNALED(r->wait_status)
			? xasprintf("failed: chaos was killed by signal %d before it wrote its "
				    "journal", WTERMSIG(r->wait_status))
			: xasprintf("failed: chaos exited with %d and wrote no journal (%s); see "
				    "%s/output.log", code, err.msg, r->dir);
		say(r, "shipdeck: %s", message);
	} else {
		say(r, "── journal %s", r->journal);
		for (size_t i = 0; i < j.nlines; i++)
			say(r, "%s", j.lines[i]);
		status = xstrdup(j.status);
		deviated = j.deviated;
		message = xasprintf("%s; deviated: %s; started %s, ended %s; journal %s", j.status,
				    j.deviated ? "yes" : "no", j.start ? j.start : "?",
				    j.end ? j.end : "?", r->journal);
		chaos_journal_free(&j);
	}
	ok = !strcmp(status, "completed");
	write_record(r, status, deviated);
	/* the audit record: what it was allowed to hit, how it ended */
	free(r->req->from);
	r->req->from = xstrdup(((const struct chaos_plan *)r->req->data)->blast);
	free(r->req->to);
	r->req->to = xstrdup(status);
	{
		struct store_event lev = { .domain = STORE_LOG };

		lev.log = (struct log_event){ .type = LOG_EV_CLOSE, .id = xstrdup(r->log_id) };
		rt_apply(rt, &lev);
	}
	ev.chaos = (struct chaos_event){ .type = CHAOS_EV_END, .text = status,
					 .time_ms = time_wall_ms() };
	rt_apply(rt, &ev);
	rt->chaos_run = NULL;
	{
		struct action_req *req = r->req;

		run_free(r);
		gate_finish(rt, req, ok, message);
	}
	free(message);
}

/* The next run number: one more than the highest folder, claimed by mkdir. */
static int claim_dir(const char *root, char **dir, struct err *err)
{
	DIR *d;
	struct dirent *e;
	int max = 0;

	if (file_mkdirs(root, err))
		return -1;
	if (!(d = opendir(root)))
		return err_set(err, "%s: %s", root, strerror(errno));
	while ((e = readdir(d))) {
		char *end;
		long n = strtol(e->d_name, &end, 10);

		if (end != e->d_name && !*end && n > max && n < INT_MAX)
			max = (int)n;
	}
	closedir(d);
	for (int n = max + 1; n < max + 100; n++) {
		*dir = xasprintf("%s/%d", root, n);
		if (!mkdir(*dir, 0700))
			return n;
		free(*dir);
		*dir = NULL;
		if (errno != EEXIST)
			return err_set(err, "%s/%d: %s", root, n, strerror(errno));
	}
	return err_set(err, "%s: cannot claim a run number", root);
}

static char **child_env(struct rt *rt)
{
	size_t n = 0, k = 0;
	char **env;
	const char *ctx = rt->store->kube.context && *rt->store->kube.context
		? rt->store->kube.context : rt->opts->context;

	while (environ[n])
		n++;
	env = xcalloc(n + 3, sizeof *env);
	for (size_t i = 0; i < n; i++) {
		if ((rt->opts->kubeconfig && !strncmp(environ[i], "KUBECONFIG=", 11))
		    || (ctx && !strncmp(environ[i], "KUBERNETES_CONTEXT=", 19)))
			continue;
		env[k++] = xstrdup(environ[i]);
	}
	if (rt->opts->kubeconfig) {
		char *abs = realpath(rt->opts->kubeconfig, NULL);

		env[k++] = xasprintf("KUBECONFIG=%s", abs ? abs : rt->opts->kubeconfig);
		free(abs);
	}
	if (ctx)
		env[k++] = xasprintf("KUBERNETES_CONTEXT=%s", ctx);
	return env;
}

static void env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

int chaos_run_start(struct rt *rt, struct action_req *req, struct err *err)
{
	struct chaos_plan *p = req->data;
	struct chaos_run *r;
	char *tool = chaos_find_tool(), *root = NULL, *logf = NULL, *outf = NULL;
	char **env = NULL;
	int fds[2] = { -1, -1 }, rc = -1, number;
	struct store_event ev = { .domain = STORE_LOG };

	if (rt->chaos_run)
		return err_set(err, "experiment %d is still running (x interrupts it)",
			       rt->chaos_run->number);
	if (!tool)
		return err_set(err, "%s", chaos_install_hint);
	r = xcalloc(1, sizeof *r);
	r->rt = rt;
	r->fd = r->out_fd = -1;
	root = chaos_runs_dir();
	if ((number = claim_dir(root, &r->dir, err)) < 0)
		goto out;
	r->number = number;
	r->log_id = xasprintf("chaos/%d", number);
	r->journal = xasprintf("%s/journal.json", r->dir);
	logf = xasprintf("%s/chaostoolkit.log", r->dir);
	outf = xasprintf("%s/output.log", r->dir);
	r->out_fd = open(outf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (r->out_fd < 0) {
		err_set(err, "%s: %s", outf, strerror(errno));
		goto out;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		err_set(err, "pipe: %s", strerror(errno));
		goto out;
	}
	env = child_env(rt);
	fflush(NULL);
	r->pid = fork();
	if (r->pid < 0) {
		err_set(err, "fork: %s", strerror(errno));
		goto out;
	}
	if (r->pid == 0) {
		char *argv[] = { tool, "--no-version-check", "--log-file", logf, "run",
				 "--rollback-strategy", "always", "--journal-path", r->journal,
				 p->file, NULL };
		sigset_t none;
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		/* SIGINT must reach Python's handler: nothing ignored is inherited */
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (devnull >= 0 && devnull != 0) {
			dup2(devnull, 0);
			close(devnull);
		}
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close_range(3, ~0U, 0);
		if (chdir(r->dir)) {
			dprintf(2, "shipdeck: cannot enter %s: %s\n", r->dir, strerror(errno));
			_exit(126);
		}
		execve(tool, argv, env);
		dprintf(2, "shipdeck: cannot run %s: %s\n", tool, strerror(errno));
		_exit(127);
	}
	setpgid(r->pid, r->pid);
	close(fds[1]);
	fds[1] = -1;
	r->fd = fds[0];
	fds[0] = -1;
	fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
	r->req = req;
	r->started_ms = time_wall_ms();
	rt->chaos_run = r;
	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup(r->log_id),
				     .title = xasprintf("chaos %d: %s", number, p->title) };
	rt_apply(rt, &ev);
	{
		struct store_event cev = { .domain = STORE_CHAOS };

		cev.chaos = (struct chaos_event){
			.type = CHAOS_EV_START, .number = number, .title = xstrdup(p->title),
			.file = xstrdup(p->file), .blast = xstrdup(p->blast),
			.namespace = p->namespace ? xstrdup(p->namespace) : NULL,
			.deployment = p->deployment ? xstrdup(p->deployment) : NULL,
			.time_ms = r->started_ms,
		};
		rt_apply(rt, &cev);
	}
	say(r, "shipdeck: experiment %d: %s (%s)", number, p->title, p->file);
	say(r, "shipdeck: blast radius: %s", p->blast);
	say(r, "shipdeck: %s run --rollback-strategy always --journal-path %s (pid %d)", tool,
	    r->journal, (int)r->pid);
	write_record(r, NULL, false);
	loop_io_add(rt->loop, r->fd, POLLIN, on_output, r);
	loop_child_watch(rt->loop, r->pid, on_exit_child, r);
	rc = 0;
out:
	if (rc)
		run_free(r);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	env_free(env);
	free(tool);
	free(root);
	free(logf);
	free(outf);
	return rc;
}

/* The experiment's path as the repository names it ("chaos/web-pod.json"). */
const char *chaos_short_path(const struct rt *rt, const char *path)
{
	size_t n = rt->repo_root ? strlen(rt->repo_root) : 0;

	if (n && !strncmp(path, rt->repo_root, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

struct action_req *chaos_run_request(struct rt *rt, const struct chaos_experiment *x,
				     const struct chaos_blast *b)
{
	struct chaos_plan *p = xcalloc(1, sizeof *p);
	char *abs = realpath(x->path, NULL);
	char *target = xasprintf("experiment %s", chaos_short_path(rt, x->path));
	struct action_req *req = action_req_new(ACTION_CHAOS_RUN, target);

	free(target);
	p->file = abs ? abs : xstrdup(x->path);
	p->title = xstrdup(x->title);
	p->blast = xstrdup(b->summary);
	p->namespace = b->namespace ? xstrdup(b->namespace) : NULL;
	p->deployment = b->deployment ? xstrdup(b->deployment) : NULL;
	/* the intent record names the blast radius; the result, how it ended */
	req->from = xstrdup(b->summary);
	req->question = xasprintf("It %s. Run it?", b->summary);
	action_req_add_detail(req, "\"%s\"", x->title);
	action_req_add_detail(req, "steady state: %s (%zu probe%s, checked before and after)",
			      x->hypothesis, x->nprobes, x->nprobes == 1 ? "" : "s");
	for (size_t i = 0; i < b->nlines; i++)
		action_req_add_detail(req, "- %s", b->lines[i]);
	action_req_add_detail(req, "method: %zu activit%s; rollbacks: %zu; x interrupts",
			      x->nmethod, x->nmethod == 1 ? "y" : "ies", x->nrollbacks);
	req->data = p;
	req->data_free = plan_free;
	req->run = chaos_run_start;
	return req;
}

bool chaos_run_interrupt(struct rt *rt)
{
	struct chaos_run *r = rt->chaos_run;
	struct store_event ev = { .domain = STORE_CHAOS };

	if (!r || r->exited)
		return false;
	if (r->kill_timer)
		return true;
	say(r, "shipdeck: interrupting (SIGINT to pid %d); Chaos Toolkit runs the rollbacks",
	    (int)r->pid);
	kill(-r->pid, SIGINT);
	r->kill_timer = loop_timer_add(rt->loop, INTERRUPT_GRACE_MS, on_kill_timer, r);
	ev.chaos = (struct chaos_event){ .type = CHAOS_EV_INTERRUPT };
	rt_apply(rt, &ev);
	return true;
}

void chaos_run_stop(struct rt *rt)
{
	int64_t end = time_mono_ms() + INTERRUPT_GRACE_MS + 5000;

	if (!rt->chaos_run)
		return;
	fprintf(stderr, "shipdeck: interrupting chaos experiment %d; waiting for its rollbacks "
		"(at most %d s)\n", rt->chaos_run->number, INTERRUPT_GRACE_MS / 1000);
	chaos_run_interrupt(rt);
	while (rt->chaos_run && time_mono_ms() < end)
		loop_run_once(rt->loop, 1000);
}

void chaos_refuse(struct rt *rt, const struct chaos_experiment *x, const struct chaos_blast *b)
{
	char *target = xasprintf("experiment %s", chaos_short_path(rt, x->path));
	struct action_req *req = action_req_new(ACTION_CHAOS_RUN, target);

	/* nothing is sent: a result record of its own, through the gate */
	req->from = xstrdup(b->summary);
	gate_note(rt, req, "refused", b->refusal);
	free(target);
}

char *chaos_experiments_dir(const struct rt *rt)
{
	const char *dir = rt->project->chaos.dir ? rt->project->chaos.dir : "chaos";

	if (dir[0] == '/' || !rt->repo_root)
		return xstrdup(dir);
	return xasprintf("%s/%s", rt->repo_root, dir);
}
