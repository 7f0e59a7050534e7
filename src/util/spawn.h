/* Servers started as child processes: their output in a log file, their own
 * session (a ^C in the terminal does not reach them: whoever started them
 * stops them, by pid), and a start time that tells a reused pid apart. */
#ifndef SHIPDECK_UTIL_SPAWN_H
#define SHIPDECK_UTIL_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

/* Starts argv (argv[0] a path) with stdin from /dev/null and stdout and
 * stderr appended to log; with out_fd, stdout goes to a pipe whose read end
 * is stored there instead. tied: it is killed when we die (SIGKILL: an
 * apiserver told to stop while its etcd goes too takes a minute), so even a
 * kill -9 of ours leaves nothing running. Returns the pid, or -1 with err. */
pid_t spawn_logged(char *const argv[], const char *log, int *out_fd, bool tied,
		   struct err *err);

/* Field 22 of /proc/PID/stat (0 when pid does not exist). */
uint64_t spawn_start_time(pid_t pid);

/* pid runs and is still the process that had start_time. */
bool spawn_alive(pid_t pid, uint64_t start_time);

/* A program next to our own executable (beside_us), else on PATH; NULL when
 * not found. Caller frees. */
char *spawn_find_program(const char *name, bool beside_us);

/* A TCP port on 127.0.0.1 nothing listens on — as the servers see it: one
 * in TIME_WAIT from a last run is free to listen on again. */
bool port_is_free(int port);
/* A free port (0 when none) for a server that binds it a moment later:
 * a random one below the kernel's range for outgoing connections' local
 * ports (ip_local_port_range), where no client's connection can take it
 * meanwhile, as one the kernel hands out for port 0 can be. */
int port_pick_free(void);

#endif
