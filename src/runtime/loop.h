/* The one event loop: poll() over file descriptors, one-shot timers, signals
 * through a self-pipe, and child processes. Single-threaded; callbacks run on
 * the loop's thread and may add or remove anything, including themselves. */
#ifndef SHIPDECK_RUNTIME_LOOP_H
#define SHIPDECK_RUNTIME_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;

typedef void (*loop_io_fn)(void *ctx, int fd, short revents);
typedef void (*loop_timer_fn)(void *ctx);
typedef void (*loop_signal_fn)(void *ctx, int signo);
typedef void (*loop_child_fn)(void *ctx, pid_t pid, int wait_status);

/* Allocated by loop_new, freed by loop_free (which clears the pointer). */
struct loop *loop_new(void);
void loop_free(struct loop **loop);

/* Watches fd for events (POLLIN, POLLOUT); one watcher per fd. */
void loop_io_add(struct loop *loop, int fd, short events, loop_io_fn fn, void *ctx);
void loop_io_set_events(struct loop *loop, int fd, short events);
void loop_io_remove(struct loop *loop, int fd);

/* One-shot timer after delay_ms. Returns an id > 0 for loop_timer_cancel. */
uint64_t loop_timer_add(struct loop *loop, int64_t delay_ms, loop_timer_fn fn, void *ctx);
void loop_timer_cancel(struct loop *loop, uint64_t id);

/* Delivers signo through the self-pipe. SIGCHLD is handled by the loop itself
 * (see loop_child_watch); do not watch it here. */
void loop_signal_watch(struct loop *loop, int signo, loop_signal_fn fn, void *ctx);

/* Calls fn once when pid exits (reaped with waitpid). */
void loop_child_watch(struct loop *loop, pid_t pid, loop_child_fn fn, void *ctx);
void loop_child_forget(struct loop *loop, pid_t pid);

/* Waits for at most max_wait_ms (-1: until something happens) and runs what is
 * ready. Returns the number of callbacks run. */
int loop_run_once(struct loop *loop, int64_t max_wait_ms);

/* Runs until loop_stop() or until *done becomes true (done may be NULL). */
void loop_run(struct loop *loop, const bool *done);
void loop_stop(struct loop *loop);
bool loop_stopped(const struct loop *loop);

/* Milliseconds until the next timer, or -1 when none is armed. */
int64_t loop_next_timer_ms(const struct loop *loop);

/* How many times poll() has returned: the idle benchmark counts wake-ups. */
uint64_t loop_wakeups(const struct loop *loop);

#endif
