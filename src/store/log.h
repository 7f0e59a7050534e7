/* Log buffers: build steps, pods, the audit log. Each keeps its newest lines
 * in memory up to a bound; the full text may stay on disk (disk_path) for
 * paging older lines. Lines are stored as received (sanitized when drawn). */
#ifndef SHIPDECK_STORE_LOG_H
#define SHIPDECK_STORE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct log_line {
	char *text;
	int64_t time_ms;            /* wall clock when received */
};

struct log_buffer {
	char *id;                   /* "build/12/test", "pod/ns/name/container", "audit" */
	char *title;
	char *disk_path;            /* whole log on disk, or NULL */
	struct log_line *lines;     /* ring of cap lines */
	size_t cap, start, count;
	uint64_t dropped;           /* lines that fell out of memory (first in ring = dropped) */
	bool closed;                /* the stream ended */
	char *end_message;          /* why it ended, or NULL */
};

struct store_logs {
	struct log_buffer **bufs;
	size_t n, bufs_cap;
	size_t max_lines;           /* memory bound per buffer */
};

enum log_event_type {
	LOG_EV_OPEN,                /* create or reset buffer id */
	LOG_EV_APPEND,              /* text: one or more lines split on '\n' */
	LOG_EV_CLOSE,
	LOG_EV_DROP,                /* forget buffer id */
};

struct log_event {
	enum log_event_type type;
	char *id;
	char *title;
	char *disk_path;
	char *text;
	size_t text_len;
	int64_t time_ms;
};

void store_logs_init(struct store_logs *logs);
void store_logs_free(struct store_logs *logs);
bool store_logs_apply(struct store_logs *logs, struct log_event *ev);

const struct log_buffer *store_log_find(const struct store_logs *logs, const char *id);
/* Line i of the lines in memory (0 = oldest kept). */
const struct log_line *log_buffer_line(const struct log_buffer *b, size_t i);

#endif
