#include "util/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "util/xalloc.h"

pid_t spawn_logged(char *const argv[], const char *log, int *out_fd, bool tied,
		   struct err *err)
{
	int pipefd[2] = { -1, -1 };
	pid_t pid, parent = getpid();

	if (out_fd && pipe2(pipefd, O_CLOEXEC)) {
		err_set(err, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		err_set(err, "fork: %s", strerror(errno));
		if (out_fd) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int null = open("/dev/null", O_RDONLY);
		sigset_t none;

		setsid();
		if (tied) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			/* we may have died before prctl() took */
			if (getppid() != parent)
				_exit(1);
		}
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null >= 0)
			dup2(null, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (out_fd)
			dup2(pipefd[1], 1);
		execv(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out_fd) {
		close(pipefd[1]);
		*out_fd = pipefd[0];
	}
	return pid;
}

uint64_t spawn_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	FILE *f;
	unsigned long long start = 0;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name may hold spaces: fields count from its closing ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			 "%*d %*d %*d %*d %llu", &start) != 1)
		return 0;
	return start;
}

bool spawn_alive(pid_t pid, uint64_t start_time)
{
	return pid > 0 && spawn_start_time(pid) == start_time;
}

char *spawn_find_program(const char *name, bool beside_us)
{
	const char *path = getenv("PATH");
	char exe[PATH_MAX], *copy, *save = NULL;
	ssize_t len;

	if (beside_us && (len = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		char *slash, *p;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			p = xasprintf("%s/%s", exe, name);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);

		if (access(p, X_OK) == 0) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

bool port_is_free(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	bool ok;

	if (fd < 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

/* The lowest port of the range the kernel gives outgoing connections. */
static int ephemeral_low(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	int lo = 32768, hi;

	if (f) {
		if (fscanf(f, "%d %d", &lo, &hi) != 2)
			lo = 32768;
		fclose(f);
	}
	return lo;
}

static int kernel_pick(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0
	    && getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

int port_pick_free(void)
{
	enum { LOWEST = 10000 };
	int top = ephemeral_low();

	for (int i = 0; i < 200 && top > LOWEST + 100; i++) {
		uint32_t r;
		int port;

		if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
			r = (uint32_t)rand();
		port = LOWEST + (int)(r % (uint32_t)(top - LOWEST));
		if (port_is_free(port))
			return port;
	}
	return kernel_pick();   /* no room below the range: the kernel's choice */
}
