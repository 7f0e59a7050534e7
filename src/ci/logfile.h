/* A log on disk: the full text (`<step>.log`) plus sparse time marks
 * (`<step>.times`, "LINE TIME_MS" each time the clock's second changes), so
 * the log pane can page older lines, search and show timestamps for any line
 * while memory holds only the newest. Generic: any log written this way (a
 * build step, later a pod) can be read back with log_reader. */
#ifndef SHIPDECK_CI_LOGFILE_H
#define SHIPDECK_CI_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* ---- writing (append-only; a crash leaves whole earlier writes) */
enum { LOG_WRITEBACK_BYTES = 4 << 20 };

struct log_writer {
	int fd, times_fd;
	uint64_t lines;             /* complete lines written */
	int64_t marked_sec;         /* second of the last time mark */
	int64_t synced_ms;          /* when fsync last ran (monotonic) */
	bool unsynced;
	uint64_t unsubmitted;       /* bytes written since writeback was last started */
};

int log_writer_open(struct log_writer *w, const char *path, const char *times_path,
		    struct err *err);
/* Appends data (newlines counted in it) received at wall time now_ms. */
int log_writer_write(struct log_writer *w, const char *data, size_t len, int64_t now_ms,
		     struct err *err);
/* fsync when something was written since the last one. The disk writes
 * start as the data comes (every LOG_WRITEBACK_BYTES), so this waits only
 * for the last of it. */
void log_writer_sync(struct log_writer *w);
void log_writer_close(struct log_writer *w);

/* ---- reading */
struct log_mark {
	uint64_t line;
	int64_t time_ms;
};

struct log_reader {
	char *path, *times_path;
	int fd;                     /* -1 until the file exists */
	uint64_t *index;            /* byte offset of line k * LOG_READER_STRIDE */
	size_t nindex, index_cap;
	uint64_t lines;             /* complete lines indexed */
	uint64_t offset;            /* bytes indexed (after the last complete line) */
	struct log_mark *marks;
	size_t nmarks, marks_cap;
	uint64_t times_offset;      /* bytes of the times file read */
};

enum { LOG_READER_STRIDE = 1024 };

/* A line read back: at most LOG_LINE_MAX bytes kept (cut counts the rest). */
struct log_read_line {
	char *text;
	size_t cut;
	int64_t time_ms;            /* from the marks; 0 when unknown */
};

void log_reader_open(struct log_reader *r, const char *path, const char *times_path);
void log_reader_close(struct log_reader *r);
/* Lines on disk so far (a last line without '\n' counts when final is set). */
uint64_t log_reader_count(struct log_reader *r, bool final);
/* Reads up to n lines from line first into out (the caller frees each text
 * with log_read_lines_free). Returns how many were read. */
size_t log_reader_lines(struct log_reader *r, uint64_t first, size_t n, bool final,
			struct log_read_line *out);
void log_read_lines_free(struct log_read_line *lines, size_t n);
/* The time mark for line: when it (or the last marked line before it)
 * arrived; 0 when unknown. */
int64_t log_reader_time(struct log_reader *r, uint64_t line);

#endif
