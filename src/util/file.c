#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

char *file_read_all(const char *path, size_t *len, struct err *err)
{
	struct strbuf sb = { 0 };
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, "%s: %s", path, strerror(errno));
			close(fd);
			sb_free(&sb);
			return NULL;
		}
		if (n == 0)
			break;
		sb_append(&sb, chunk, (size_t)n);
	}
	close(fd);
	if (len)
		*len = sb.len;
	return sb_steal(&sb);
}

int file_write_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int file_write_atomic(const char *path, const void *data, size_t len, struct err *err)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;

	if (fd < 0) {
		err_set(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (file_write_full(fd, data, len) || fsync(fd)) {
		err_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path)) {
		err_set(err, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fsync_dir_of(path);
	rc = 0;
out:
	free(tmp);
	return rc;
}

int file_append_sync(const char *path, const void *data, size_t len, struct err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return err_set(err, "%s: %s", path, strerror(errno));
	/* One write() with O_APPEND: the record lands whole or not at all as far
	 * as other appenders are concerned; a short write is undone below. */
	do
		n = write(fd, data, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		int saved = n < 0 ? errno : ENOSPC;
		struct stat st;

		if (n > 0 && !fstat(fd, &st))
			(void)!ftruncate(fd, st.st_size - n);
		close(fd);
		return err_set(err, "%s: %s", path, strerror(saved));
	}
	if (fsync(fd)) {
		int saved = errno;

		close(fd);
		return err_set(err, "%s: %s", path, strerror(saved));
	}
	close(fd);
	return 0;
}

int file_mkdirs(const char *path, struct err *err)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) && errno != EEXIST) {
				err_set(err, "%s: %s", p, strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return 0;
}

bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static char *xdg_home(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	const char *home = getenv("HOME");

	if (v && v[0] == '/')
		return xstrdup(v);
	return xasprintf("%s/%s", home && *home ? home : "/", fallback);
}

char *xdg_config_home(void)
{
	return xdg_home("XDG_CONFIG_HOME", ".config");
}

char *xdg_state_home(void)
{
	return xdg_home("XDG_STATE_HOME", ".local/state");
}

char *xdg_cache_home(void)
{
	return xdg_home("XDG_CACHE_HOME", ".cache");
}

static char *join(char *base, const char *rel)
{
	char *p = xasprintf("%s/shipdeck%s%s", base, rel && *rel ? "/" : "", rel ? rel : "");

	free(base);
	return p;
}

char *xdg_config_path(const char *rel)
{
	return join(xdg_config_home(), rel);
}

char *xdg_state_path(const char *rel)
{
	return join(xdg_state_home(), rel);
}

char *xdg_cache_path(const char *rel)
{
	return join(xdg_cache_home(), rel);
}

char *path_expand_home(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && (path[1] == '/' || !path[1]) && home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}
