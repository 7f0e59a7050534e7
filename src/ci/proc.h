/* Processes as /proc tells them: a process is "the same one" only when its
 * pid, start time and boot match what was recorded, so a pid reused after a
 * crash is never signalled by mistake. */
#ifndef SHIPDECK_CI_PROC_H
#define SHIPDECK_CI_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_stat {
	char state;                 /* 'R', 'S', 'Z'… */
	pid_t pgrp;
	uint64_t start;             /* clock ticks since boot */
};

/* -1 when the process does not exist. */
int proc_stat_read(pid_t pid, struct proc_stat *st);
/* This boot's id (caller frees), "" when unknown. */
char *proc_boot_id(void);
/* pid is alive (not a zombie) and started at start during boot. */
bool proc_same(pid_t pid, uint64_t start, const char *boot);

/* Signals process group pgid if it is still ours: its leader alive with the
 * recorded start time, or, the leader gone, a live member whose environment
 * holds marker ("SHIPDECK_BUILD=…"). Returns true when it signalled. */
bool proc_group_signal(pid_t pgid, uint64_t leader_start, const char *marker, int sig);
/* Signals every live process whose environment holds marker (and marker2
 * when not NULL): what a step left running even outside its group (setsid).
 * Returns how many. */
int proc_signal_marked(const char *marker, const char *marker2, int sig);

#endif
