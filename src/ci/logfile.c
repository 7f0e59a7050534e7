#include "ci/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/log.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

enum { BLOCK = 65536 };

int log_writer_open(struct log_writer *w, const char *path, const char *times_path,
		    struct err *err)
{
	memset(w, 0, sizeof *w);
	w->times_fd = -1;
	w->marked_sec = -1;
	w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return err_set(err, "%s: %s", path, strerror(errno));
	w->times_fd = open(times_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (w->times_fd < 0) {
		err_set(err, "%s: %s", times_path, strerror(errno));
		close(w->fd);
		w->fd = -1;
		return -1;
	}
	w->synced_ms = time_mono_ms();
	return 0;
}

int log_writer_write(struct log_writer *w, const char *data, size_t len, int64_t now_ms,
		     struct err *err)
{
	const char *p = data, *end = data + len;

	if (!len)
		return 0;
	if (now_ms / 1000 != w->marked_sec) {
		char mark[64];
		int n = snprintf(mark, sizeof mark, "%" PRIu64 " %" PRId64 "\n", w->lines, now_ms);

		w->marked_sec = now_ms / 1000;
		if (file_write_full(w->times_fd, mark, (size_t)n))
			return err_set(err, "log times: %s", strerror(errno));
	}
	if (file_write_full(w->fd, data, len))
		return err_set(err, "log: %s", strerror(errno));
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		w->lines++;
		p++;
	}
	w->unsynced = true;
	w->unsubmitted += len;
	if (w->unsubmitted >= LOG_WRITEBACK_BYTES) {
		/* Start the disk writes of what is dirty now, without waiting for
		 * them: the once-a-second fsync found a second of a chatty step
		 * dirty (60 MB and more) and wrote it all while the loop waited
		 * (57-69 ms, the step's pipe full behind it). Durability is the
		 * fsync's, as before; this only leaves it less to do. */
		(void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		w->unsubmitted = 0;
	}
	return 0;
}

void log_writer_sync(struct log_writer *w)
{
	if (!w->unsynced)
		return;
	if (w->fd >= 0)
		fsync(w->fd);
	if (w->times_fd >= 0)
		fsync(w->times_fd);
	w->unsynced = false;
	w->synced_ms = time_mono_ms();
}

void log_writer_close(struct log_writer *w)
{
	log_writer_sync(w);
	if (w->fd >= 0)
		close(w->fd);
	if (w->times_fd >= 0)
		close(w->times_fd);
	w->fd = w->times_fd = -1;
}

void log_reader_open(struct log_reader *r, const char *path, const char *times_path)
{
	memset(r, 0, sizeof *r);
	r->path = xstrdup(path);
	r->times_path = times_path ? xstrdup(times_path) : NULL;
	r->fd = -1;
	xgrow(&r->index, &r->index_cap, 1, sizeof *r->index);
	r->index[r->nindex++] = 0;
}

void log_reader_close(struct log_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r->times_path);
	free(r->index);
	free(r->marks);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

static bool ensure_open(struct log_reader *r)
{
	if (r->fd < 0)
		r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
	return r->fd >= 0;
}

/* Indexes complete lines up to the end of the file as it is now. A last line
 * without '\n' is read again next time (it may still grow). */
static void scan(struct log_reader *r)
{
	uint64_t pos = r->offset;
	char *buf;
	ssize_t n;

	if (!ensure_open(r))
		return;
	buf = xmalloc(BLOCK);
	while ((n = pread(r->fd, buf, BLOCK, (off_t)pos)) > 0) {
		const char *p = buf, *end = buf + n, *nl;

		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			r->lines++;
			r->offset = pos + (uint64_t)(nl - buf) + 1;
			if (r->lines % LOG_READER_STRIDE == 0) {
				xgrow(&r->index, &r->index_cap, r->nindex + 1, sizeof *r->index);
				r->index[r->nindex++] = r->offset;
			}
			p = nl + 1;
		}
		pos += (uint64_t)n;
	}
	free(buf);
}

static uint64_t file_size(struct log_reader *r)
{
	off_t size;

	if (!ensure_open(r))
		return 0;
	size = lseek(r->fd, 0, SEEK_END);
	return size < 0 ? 0 : (uint64_t)size;
}

uint64_t log_reader_count(struct log_reader *r, bool final)
{
	scan(r);
	return r->lines + (final && file_size(r) > r->offset ? 1 : 0);
}

static void load_marks(struct log_reader *r)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	ssize_t n;
	int fd;

	if (!r->times_path || (fd = open(r->times_path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((n = pread(fd, buf, sizeof buf, (off_t)(r->times_offset + sb.len))) > 0)
		sb_append(&sb, buf, (size_t)n);
	close(fd);
	for (const char *p = sb.s, *nl; p && (nl = memchr(p, '\n', sb.len - (size_t)(p - sb.s)));
	     p = nl + 1) {
		struct log_mark m;

		r->times_offset += (uint64_t)(nl - p) + 1;
		if (sscanf(p, "%" SCNu64 " %" SCNd64, &m.line, &m.time_ms) != 2)
			continue;
		xgrow(&r->marks, &r->marks_cap, r->nmarks + 1, sizeof *r->marks);
		r->marks[r->nmarks++] = m;
	}
	sb_free(&sb);
}

/* The marks file grows while a step runs: read what was added when a line
 * lies beyond the last mark. */
static void marks_cover(struct log_reader *r, uint64_t line)
{
	if (!r->nmarks || r->marks[r->nmarks - 1].line < line)
		load_marks(r);
}

static int64_t mark_time(const struct log_reader *r, uint64_t line)
{
	size_t lo = 0, hi = r->nmarks;

	/* the last mark at or before line */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->marks[mid].line <= line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? r->marks[lo - 1].time_ms : 0;
}

int64_t log_reader_time(struct log_reader *r, uint64_t line)
{
	marks_cover(r, line);
	return mark_time(r, line);
}

/* Appends bytes to the line being read, keeping at most LOG_LINE_MAX. */
static void take(struct strbuf *line, size_t *cut, const char *p, size_t n)
{
	size_t room = line->len < LOG_LINE_MAX ? LOG_LINE_MAX - line->len : 0;

	if (n > room) {
		*cut += n - room;
		n = room;
	}
	sb_append(line, p, n);
}

static void finish_line(struct log_reader *r, struct strbuf *line, size_t cut, uint64_t no,
			struct log_read_line *out)
{
	size_t keep = line->len;

	if (keep && !cut && line->s[keep - 1] == '\r')
		keep--;
	out->text = xstrndup(line->s ? line->s : "", keep);
	out->cut = cut;
	out->time_ms = mark_time(r, no);
	sb_reset(line);
}

size_t log_reader_lines(struct log_reader *r, uint64_t first, size_t n, bool final,
			struct log_read_line *out)
{
	uint64_t total = log_reader_count(r, final), no, pos, end_pos;
	struct strbuf line = { 0 };
	size_t got = 0, cut = 0;
	char *buf;

	if (first >= total || !n)
		return 0;
	if (n > total - first)
		n = (size_t)(total - first);
	/* once for the lines asked, not once per line: every line after the
	 * last mark (all of them, for a step that ran within a second) would
	 * open and read the marks file again */
	marks_cover(r, first + n - 1);
	no = first / LOG_READER_STRIDE * LOG_READER_STRIDE;
	pos = r->index[first / LOG_READER_STRIDE];
	end_pos = final ? file_size(r) : r->offset;
	buf = xmalloc(BLOCK);
	while (got < n && pos < end_pos) {
		size_t want = end_pos - pos < BLOCK ? (size_t)(end_pos - pos) : BLOCK;
		ssize_t m = pread(r->fd, buf, want, (off_t)pos);
		const char *p = buf, *end, *nl;

		if (m <= 0)
			break;
		end = buf + m;
		while (got < n && p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (no >= first)
				take(&line, &cut, p, nl ? (size_t)(nl - p) : (size_t)(end - p));
			if (!nl) {
				p = end;
				break;
			}
			if (no >= first) {
				finish_line(r, &line, cut, no, &out[got++]);
				cut = 0;
			}
			no++;
			p = nl + 1;
		}
		pos += (uint64_t)(p - buf);
	}
	if (got < n && no >= first && (line.len || cut) && final)
		finish_line(r, &line, cut, no, &out[got++]);
	sb_free(&line);
	free(buf);
	return got;
}

void log_read_lines_free(struct log_read_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
}
