/* Builds run by another shipdeck (a `pipeline run` in a second terminal)
 * appear in the console and change live: inotify tells when a build folder
 * is created and when a followed build.json is replaced; an idle console
 * still never wakes up. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "ci/runner_internal.h"
#include "util/xalloc.h"

static void publish(struct ci_runner *r, struct ci_build *b)
{
	struct store_event ev = { .domain = STORE_CI };

	ev.ci = (struct ci_event){ .type = CI_EV_BUILD, .build = b };
	rt_apply(r->rt, &ev);
}

static void forget(struct ci_runner *r, size_t i)
{
	inotify_rm_watch(r->inotify_fd, r->watches[i].wd);
	r->watches[i] = r->watches[--r->nwatches];
}

/* Reads build n again; stops following it once it is done. */
static void refresh(struct ci_runner *r, int n)
{
	struct ci_build *b;

	if (ci_runner_owns(r, n))
		return;
	b = ci_history_read(&r->hist, n, NULL);
	if (!b)
		return;
	if (ci_status_done(b->status)) {
		for (size_t i = 0; i < r->nwatches; i++)
			if (r->watches[i].number == n) {
				forget(r, i);
				break;
			}
	}
	publish(r, b);
}

void watch_build(struct ci_runner *r, int n)
{
	char *dir;
	int wd;

	if (r->inotify_fd < 0)
		return;
	for (size_t i = 0; i < r->nwatches; i++)
		if (r->watches[i].number == n)
			return;
	dir = ci_history_build_dir(&r->hist, n);
	wd = inotify_add_watch(r->inotify_fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE);
	free(dir);
	if (wd < 0)
		return;
	xgrow(&r->watches, &r->watches_cap, r->nwatches + 1, sizeof *r->watches);
	r->watches[r->nwatches++] = (struct foreign_watch){ .wd = wd, .number = n };
}

static void on_events(void *ctx, int fd, short revents)
{
	struct ci_runner *r = ctx;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	(void)revents;
	while ((len = read(fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			int number = -1;

			for (size_t i = 0; i < r->nwatches; i++)
				if (r->watches[i].wd == e->wd)
					number = r->watches[i].number;
			if (number == 0 && e->len && (e->mask & IN_ISDIR)) {
				int n = atoi(e->name);

				/* a new build: its build.json follows right after the folder */
				if (n > 0 && !ci_runner_owns(r, n)) {
					watch_build(r, n);
					refresh(r, n);
				}
			} else if (number > 0 && e->len && !strcmp(e->name, "build.json")) {
				refresh(r, number);
			}
			p += sizeof *e + e->len;
		}
	}
}

void history_watch_start(struct ci_runner *r)
{
	int wd;

	r->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->inotify_fd < 0)
		return;
	wd = inotify_add_watch(r->inotify_fd, r->hist.builds_dir, IN_CREATE | IN_ONLYDIR);
	if (wd < 0) {
		close(r->inotify_fd);
		r->inotify_fd = -1;
		return;
	}
	xgrow(&r->watches, &r->watches_cap, r->nwatches + 1, sizeof *r->watches);
	r->watches[r->nwatches++] = (struct foreign_watch){ .wd = wd, .number = 0 };
	loop_io_add(r->rt->loop, r->inotify_fd, POLLIN, on_events, r);
}

void history_watch_stop(struct ci_runner *r)
{
	if (r->inotify_fd >= 0) {
		loop_io_remove(r->rt->loop, r->inotify_fd);
		close(r->inotify_fd);
	}
	r->inotify_fd = -1;
	free(r->watches);
	r->watches = NULL;
	r->nwatches = r->watches_cap = 0;
}
