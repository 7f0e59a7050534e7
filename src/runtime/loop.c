#include "runtime/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/timefmt.h"
#include "util/xalloc.h"

struct io_watch {
	int fd;
	short events;
	loop_io_fn fn;
	void *ctx;
};

struct timer {
	uint64_t id;
	int64_t due;
	loop_timer_fn fn;
	void *ctx;
};

struct sig_watch {
	int signo;
	loop_signal_fn fn;
	void *ctx;
};

struct child_watch {
	pid_t pid;
	loop_child_fn fn;
	void *ctx;
};

struct loop {
	struct io_watch *io;
	size_t nio, io_cap;
	struct timer *timers;      /* unsorted; there are few */
	size_t ntimers, timers_cap;
	uint64_t next_timer_id;
	struct sig_watch *sigs;
	size_t nsigs, sigs_cap;
	struct child_watch *children;
	size_t nchildren, children_cap;
	int sigpipe[2];
	bool stopped;
	uint64_t wakeups;
	struct pollfd *pfds;
	size_t pfds_cap;
};

/* The self-pipe's write end for the signal handler: the one piece of state a
 * handler can reach. Only one loop exists per process. */
static int signal_write_fd = -1;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (signal_write_fd >= 0)
		(void)!write(signal_write_fd, &b, 1);
	errno = saved;
}

static void install_handler(int signo)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(signo, &sa, NULL);
}

struct loop *loop_new(void)
{
	struct loop *loop = xcalloc(1, sizeof *loop);

	if (pipe2(loop->sigpipe, O_CLOEXEC | O_NONBLOCK)) {
		free(loop);
		return NULL;
	}
	signal_write_fd = loop->sigpipe[1];
	install_handler(SIGCHLD);
	signal(SIGPIPE, SIG_IGN);
	return loop;
}

void loop_free(struct loop **loopp)
{
	struct loop *loop = *loopp;

	if (!loop)
		return;
	for (size_t i = 0; i < loop->nsigs; i++)
		signal(loop->sigs[i].signo, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal_write_fd = -1;
	close(loop->sigpipe[0]);
	close(loop->sigpipe[1]);
	free(loop->io);
	free(loop->timers);
	free(loop->sigs);
	free(loop->children);
	free(loop->pfds);
	free(loop);
	*loopp = NULL;
}

static struct io_watch *find_io(struct loop *loop, int fd)
{
	for (size_t i = 0; i < loop->nio; i++)
		if (loop->io[i].fd == fd)
			return &loop->io[i];
	return NULL;
}

void loop_io_add(struct loop *loop, int fd, short events, loop_io_fn fn, void *ctx)
{
	struct io_watch *w = find_io(loop, fd);

	if (!w) {
		xgrow(&loop->io, &loop->io_cap, loop->nio + 1, sizeof *loop->io);
		w = &loop->io[loop->nio++];
	}
	*w = (struct io_watch){ .fd = fd, .events = events, .fn = fn, .ctx = ctx };
}

void loop_io_set_events(struct loop *loop, int fd, short events)
{
	struct io_watch *w = find_io(loop, fd);

	if (w)
		w->events = events;
}

void loop_io_remove(struct loop *loop, int fd)
{
	struct io_watch *w = find_io(loop, fd);

	if (w) {
		/* Keep the order: the dispatch loop below walks by index. */
		size_t i = (size_t)(w - loop->io);

		memmove(&loop->io[i], &loop->io[i + 1], (loop->nio - i - 1) * sizeof *w);
		loop->nio--;
	}
}

uint64_t loop_timer_add(struct loop *loop, int64_t delay_ms, loop_timer_fn fn, void *ctx)
{
	struct timer *t;

	xgrow(&loop->timers, &loop->timers_cap, loop->ntimers + 1, sizeof *loop->timers);
	t = &loop->timers[loop->ntimers++];
	t->id = ++loop->next_timer_id;
	t->due = time_mono_ms() + (delay_ms > 0 ? delay_ms : 0);
	t->fn = fn;
	t->ctx = ctx;
	return t->id;
}

void loop_timer_cancel(struct loop *loop, uint64_t id)
{
	for (size_t i = 0; i < loop->ntimers; i++) {
		if (loop->timers[i].id == id) {
			loop->timers[i] = loop->timers[--loop->ntimers];
			return;
		}
	}
}

void loop_signal_watch(struct loop *loop, int signo, loop_signal_fn fn, void *ctx)
{
	xgrow(&loop->sigs, &loop->sigs_cap, loop->nsigs + 1, sizeof *loop->sigs);
	loop->sigs[loop->nsigs++] = (struct sig_watch){ signo, fn, ctx };
	install_handler(signo);
}

void loop_child_watch(struct loop *loop, pid_t pid, loop_child_fn fn, void *ctx)
{
	xgrow(&loop->children, &loop->children_cap, loop->nchildren + 1,
	      sizeof *loop->children);
	loop->children[loop->nchildren++] = (struct child_watch){ pid, fn, ctx };
}

void loop_child_forget(struct loop *loop, pid_t pid)
{
	for (size_t i = 0; i < loop->nchildren; i++) {
		if (loop->children[i].pid == pid) {
			loop->children[i] = loop->children[--loop->nchildren];
			return;
		}
	}
}

static int reap_children(struct loop *loop)
{
	int ran = 0;

	for (size_t i = 0; i < loop->nchildren;) {
		struct child_watch c = loop->children[i];
		int status;
		pid_t r = waitpid(c.pid, &status, WNOHANG);

		if (r == c.pid || (r < 0 && errno == ECHILD)) {
			loop->children[i] = loop->children[--loop->nchildren];
			if (r < 0)
				status = 0;
			c.fn(c.ctx, c.pid, status);
			ran++;
			continue;
		}
		i++;
	}
	return ran;
}

static int drain_signals(struct loop *loop)
{
	unsigned char buf[64];
	int ran = 0;
	ssize_t n;

	while ((n = read(loop->sigpipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t k = 0; k < n; k++) {
			if (buf[k] == SIGCHLD)
				continue;
			for (size_t i = 0; i < loop->nsigs; i++) {
				if (loop->sigs[i].signo == buf[k]) {
					loop->sigs[i].fn(loop->sigs[i].ctx, buf[k]);
					ran++;
				}
			}
		}
	}
	return ran + reap_children(loop);
}

int64_t loop_next_timer_ms(const struct loop *loop)
{
	int64_t now = time_mono_ms(), best = -1;

	for (size_t i = 0; i < loop->ntimers; i++) {
		int64_t d = loop->timers[i].due - now;

		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	return best;
}

static int run_timers(struct loop *loop)
{
	int64_t now = time_mono_ms();
	uint64_t last_id = loop->next_timer_id;   /* timers added by callbacks wait */
	int ran = 0;

	for (size_t i = 0; i < loop->ntimers;) {
		struct timer t = loop->timers[i];

		if (t.due <= now && t.id <= last_id) {
			loop->timers[i] = loop->timers[--loop->ntimers];
			t.fn(t.ctx);
			ran++;
			i = 0;   /* the callback may have changed the array */
			continue;
		}
		i++;
	}
	return ran;
}

int loop_run_once(struct loop *loop, int64_t max_wait_ms)
{
	int64_t timeout = loop_next_timer_ms(loop);
	size_t n = loop->nio + 1;
	int ran = 0, r;

	if (max_wait_ms >= 0 && (timeout < 0 || max_wait_ms < timeout))
		timeout = max_wait_ms;
	xgrow(&loop->pfds, &loop->pfds_cap, n, sizeof *loop->pfds);
	loop->pfds[0] = (struct pollfd){ .fd = loop->sigpipe[0], .events = POLLIN };
	for (size_t i = 0; i < loop->nio; i++)
		loop->pfds[i + 1] = (struct pollfd){ .fd = loop->io[i].fd,
						     .events = loop->io[i].events };
	r = poll(loop->pfds, n, timeout > INT32_MAX ? INT32_MAX : (int)timeout);
	loop->wakeups++;
	if (r < 0 && errno != EINTR)
		return -1;
	if (r > 0) {
		if (loop->pfds[0].revents)
			ran += drain_signals(loop);
		for (size_t i = 1; i < n; i++) {
			struct pollfd p = loop->pfds[i];
			struct io_watch *w;

			if (!p.revents)
				continue;
			/* The watcher may be gone or replaced by an earlier callback. */
			w = find_io(loop, p.fd);
			if (!w)
				continue;
			w->fn(w->ctx, p.fd, p.revents);
			ran++;
		}
	}
	/* A child may exit before its watcher was added; reap on every pass. */
	if (loop->nchildren)
		ran += reap_children(loop);
	ran += run_timers(loop);
	return ran;
}

void loop_run(struct loop *loop, const bool *done)
{
	while (!loop->stopped && !(done && *done))
		if (loop_run_once(loop, -1) < 0)
			break;
}

void loop_stop(struct loop *loop)
{
	loop->stopped = true;
}

bool loop_stopped(const struct loop *loop)
{
	return loop->stopped;
}

uint64_t loop_wakeups(const struct loop *loop)
{
	return loop->wakeups;
}
