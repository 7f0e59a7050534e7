#include "ci/history.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ci/proc.h"
#include "ci/record.h"
#include "util/file.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static char *make_repo_id(const char *root)
{
	char real[PATH_MAX];
	const char *path = realpath(root, real) ? real : root, *base = strrchr(path, '/');
	char *id = xasprintf("%s-%012llx", base && base[1] ? base + 1 : "repo",
			     (unsigned long long)(fnv1a(path) & 0xffffffffffffULL));

	for (char *p = id; *p; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9')
		      || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			*p = '_';
	return id;
}

int ci_history_open(struct ci_history *h, const char *repo_root, struct err *err)
{
	char *rel, *work;

	memset(h, 0, sizeof *h);
	h->repo_root = xstrdup(repo_root);
	h->repo_id = make_repo_id(repo_root);
	rel = xasprintf("repos/%s", h->repo_id);
	h->dir = xdg_state_path(rel);
	h->builds_dir = xasprintf("%s/builds", h->dir);
	work = xasprintf("work/%s", h->repo_id);
	h->work_root = xdg_cache_path(work);
	free(rel);
	free(work);
	if (file_mkdirs(h->builds_dir, err)) {
		ci_history_close(h);
		return err_prefix(err, "build history");
	}
	return 0;
}

void ci_history_close(struct ci_history *h)
{
	free(h->repo_root);
	free(h->repo_id);
	free(h->dir);
	free(h->builds_dir);
	free(h->work_root);
	memset(h, 0, sizeof *h);
}

char *ci_history_build_dir(const struct ci_history *h, int n)
{
	return xasprintf("%s/%d", h->builds_dir, n);
}

char *ci_history_work_dir(const struct ci_history *h, int n)
{
	return xasprintf("%s/%d", h->work_root, n);
}

/* Step keys come from the pipeline file: never let one name a path. */
static char *file_key(const char *key)
{
	char *k = xstrdup(key);

	for (char *p = k; *p; p++)
		if (*p == '/')
			*p = '_';
	return k;
}

char *ci_history_log_path(const struct ci_history *h, int n, const char *key)
{
	char *k = file_key(key), *p = xasprintf("%s/%d/%s.log", h->builds_dir, n, k);

	free(k);
	return p;
}

char *ci_history_times_path(const struct ci_history *h, int n, const char *key)
{
	char *k = file_key(key), *p = xasprintf("%s/%d/%s.times", h->builds_dir, n, k);

	free(k);
	return p;
}

char *ci_history_cancel_path(const struct ci_history *h, int n)
{
	return xasprintf("%s/%d/cancel", h->builds_dir, n);
}

char *ci_history_marker(const struct ci_history *h, int n)
{
	return xasprintf("SHIPDECK_BUILD=%s/%d", h->repo_id, n);
}

static int cmp_desc(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x < y) - (x > y);
}

static size_t numbers_in(const char *dir, int **out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (*end || end == e->d_name || v <= 0 || v > INT_MAX)
			continue;
		xgrow(out, &cap, n + 1, sizeof **out);
		(*out)[n++] = (int)v;
	}
	closedir(d);
	if (n)
		qsort(*out, n, sizeof **out, cmp_desc);
	return n;
}

size_t ci_history_numbers(const struct ci_history *h, int **out)
{
	return numbers_in(h->builds_dir, out);
}

int ci_history_allocate(struct ci_history *h, int *number, struct err *err)
{
	char *last_path = xasprintf("%s/last-build", h->dir), *data, *line;
	int *nums = NULL, n = 0, rc = -1;
	size_t count;

	/* the larger of the recorded last number and what is on disk: a deleted
	 * newest build does not give its number out again */
	data = file_read_all(last_path, NULL, NULL);
	if (data)
		n = atoi(data);
	free(data);
	count = ci_history_numbers(h, &nums);
	if (count && nums[0] > n)
		n = nums[0];
	free(nums);
	for (;;) {
		char *dir = ci_history_build_dir(h, ++n);
		int r = mkdir(dir, 0700);
		int saved = errno;

		free(dir);
		if (!r)
			break;
		if (saved != EEXIST) {
			err_set(err, "%s/%d: %s", h->builds_dir, n, strerror(saved));
			goto out;
		}
	}
	line = xasprintf("%d\n", n);
	rc = file_write_atomic(last_path, line, strlen(line), err);
	free(line);
	*number = n;
out:
	free(last_path);
	return rc;
}

int ci_history_write(const struct ci_history *h, const struct ci_build *b, struct err *err)
{
	char *dir = ci_history_build_dir(h, b->number), *path = xasprintf("%s/build.json", dir);
	cJSON *j = ci_record_to_json(b);
	char *text = cJSON_Print(j);
	int rc = file_write_atomic(path, text, strlen(text), err);

	cJSON_free(text);
	cJSON_Delete(j);
	free(path);
	free(dir);
	return rc;
}

struct ci_build *ci_history_read(const struct ci_history *h, int n, struct err *err)
{
	char *path = xasprintf("%s/%d/build.json", h->builds_dir, n), *data;
	struct ci_build *b = NULL;
	cJSON *j;

	data = file_read_all(path, NULL, err);
	if (!data)
		goto out;
	j = cJSON_Parse(data);
	if (!j)
		err_set(err, "%s: not valid JSON", path);
	else
		b = ci_record_from_json(j, path, err);
	cJSON_Delete(j);
	if (b && b->number != n) {
		err_set(err, "%s: number %d in folder %d", path, b->number, n);
		ci_build_free(b);
		b = NULL;
	}
out:
	free(data);
	free(path);
	return b;
}

bool ci_history_owner_gone(const struct ci_build *b)
{
	return !ci_status_done(b->status)
		&& !proc_same(b->owner_pid, b->owner_start, b->owner_boot);
}

static int64_t mtime_ms(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
}

bool ci_history_settle(const struct ci_history *h, struct ci_build *b, bool repair)
{
	char *marker, *json = xasprintf("%s/%d/build.json", h->builds_dir, b->number);
	int64_t last = mtime_ms(json);
	struct err err;

	free(json);
	if (!ci_history_owner_gone(b))
		return false;
	marker = ci_history_marker(h, b->number);
	for (size_t i = 0; i < b->nsteps; i++) {
		struct ci_step *s = &b->steps[i];

		if (s->status == CI_RUNNING) {
			char *log = ci_history_log_path(h, b->number, s->key);
			int64_t t = mtime_ms(log);

			free(log);
			if (repair)
				proc_group_signal(s->pgid, s->pg_start, marker, SIGKILL);
			s->status = CI_INTERRUPTED;
			s->finished_ms = t > s->started_ms ? t : s->started_ms;
			if (s->finished_ms > last)
				last = s->finished_ms;
		} else if (s->status == CI_PENDING) {
			s->status = CI_SKIPPED;
			free(s->message);
			s->message = xstrdup("the build was interrupted");
		}
	}
	/* and what left its group: the dead owner can no longer tell */
	if (repair)
		proc_signal_marked(marker, NULL, SIGKILL);
	free(marker);
	b->status = CI_INTERRUPTED;
	b->finished_ms = last > b->started_ms ? last : b->started_ms;
	free(b->message);
	b->message = xasprintf("interrupted: shipdeck (pid %d) stopped while the build ran",
			       b->owner_pid);
	if (repair && ci_history_write(h, b, &err))
		fprintf(stderr, "shipdeck: %s\n", err.msg);
	return true;
}

static int make_writable(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	if (type == FTW_D || type == FTW_DNR)
		chmod(path, (st->st_mode & 07777) | S_IRWXU);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP || type == FTW_D)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void ci_history_prune_work(const struct ci_history *h, int keep, const int *busy, size_t nbusy)
{
	int *nums = NULL;
	size_t n = numbers_in(h->work_root, &nums);

	for (size_t i = (size_t)keep; i < n; i++) {
		bool in_use = false;

		for (size_t k = 0; k < nbusy; k++)
			in_use |= busy[k] == nums[i];
		if (in_use)
			continue;
		ci_history_remove_work(h, nums[i]);
	}
	free(nums);
}

void ci_history_remove_work(const struct ci_history *h, int n)
{
	char *dir = ci_history_work_dir(h, n);

	/* builds may leave read-only folders (Go's module cache does) */
	nftw(dir, make_writable, 16, FTW_PHYS);
	nftw(dir, remove_entry, 16, FTW_PHYS | FTW_DEPTH);
	free(dir);
}
