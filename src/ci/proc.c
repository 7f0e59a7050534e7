#include "ci/proc.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"
#include "util/xalloc.h"

int proc_stat_read(pid_t pid, struct proc_stat *st)
{
	char path[64], buf[1024];
	const char *p;
	unsigned long long start = 0;
	int pgrp = 0, fd, n;
	char state = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = (int)read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: fields follow the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			 "%*d %*d %*d %*d %llu", &state, &pgrp, &start) != 3)
		return -1;
	st->state = state;
	st->pgrp = (pid_t)pgrp;
	st->start = start;
	return 0;
}

char *proc_boot_id(void)
{
	char *id = file_read_all("/proc/sys/kernel/random/boot_id", NULL, NULL);

	if (!id)
		return xstrdup("");
	id[strcspn(id, "\n")] = '\0';
	return id;
}

bool proc_same(pid_t pid, uint64_t start, const char *boot)
{
	struct proc_stat st;
	char *now;
	bool same;

	if (pid <= 0 || proc_stat_read(pid, &st) || st.state == 'Z' || st.start != start)
		return false;
	now = proc_boot_id();
	same = !boot || !*boot || !*now || !strcmp(now, boot);
	free(now);
	return same;
}

static bool environ_has(pid_t pid, const char *marker)
{
	char path[64];
	size_t len, mlen = strlen(marker);
	char *env;
	bool found = false;

	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	env = file_read_all(path, &len, NULL);
	for (size_t i = 0; env && i < len; i += strlen(env + i) + 1)
		if (!strncmp(env + i, marker, mlen) && !env[i + mlen])
			found = true;
	free(env);
	return found;
}

/* Calls fn for every live member of group pgid until it returns true. */
static bool each_member(pid_t pgid, bool (*fn)(pid_t pid, const void *ctx), const void *ctx)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool hit = false;

	if (!d)
		return false;
	while (!hit && (e = readdir(d))) {
		struct proc_stat st;
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 0 && !proc_stat_read(pid, &st) && st.pgrp == pgid && st.state != 'Z')
			hit = fn(pid, ctx);
	}
	closedir(d);
	return hit;
}

static bool member_marked(pid_t pid, const void *marker)
{
	return environ_has(pid, marker);
}

int proc_signal_marked(const char *marker, const char *marker2, int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct proc_stat st;
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid <= 1 || pid == self || proc_stat_read(pid, &st) || st.state == 'Z')
			continue;
		if (environ_has(pid, marker) && (!marker2 || environ_has(pid, marker2))
		    && !kill(pid, sig))
			n++;
	}
	closedir(d);
	return n;
}

bool proc_group_signal(pid_t pgid, uint64_t leader_start, const char *marker, int sig)
{
	struct proc_stat st;

	if (pgid <= 1)
		return false;
	if (!proc_stat_read(pgid, &st)) {
		/* the leader lives: it must be the one we started */
		if (st.start != leader_start || st.pgrp != pgid)
			return false;
	} else if (!marker || !each_member(pgid, member_marked, marker)) {
		return false;
	}
	return kill(-pgid, sig) == 0;
}
