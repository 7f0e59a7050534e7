/* Log buffers: build steps, pods, the audit log. Each keeps its newest lines
 * in memory within a bound of lines and bytes (and cuts a very long line);
 * the full text may stay on disk (disk_path) and older lines are read back
 * from it on request into a window (lines are numbered from the first line
 * on disk).
 * Lines are stored as received (sanitized when drawn). */
#ifndef SHIPDECK_STORE_LOG_H
#define SHIPDECK_STORE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A line longer than this keeps its first LOG_LINE_MAX bytes in memory. */
enum { LOG_LINE_MAX = 16384 };

struct log_chunk;

struct log_line {
	char *text;
	int64_t time_ms;            /* wall clock when received */
	size_t cut;                 /* bytes of the line not kept in memory */
	struct log_chunk *chunk;    /* the batch text points into, or NULL (text is its own) */
};

/* A search runs on the loop in chunks; what it has found so far. */
enum log_search_state {
	LOG_SEARCH_NONE,
	LOG_SEARCH_RUNNING,
	LOG_SEARCH_FOUND,
	LOG_SEARCH_MISSING,         /* no line matches */
};

struct log_search {
	uint64_t seq;               /* the request this answers (rt_log_search's number) */
	enum log_search_state state;
	uint64_t scanned;           /* lines looked at so far */
	uint64_t hit;               /* FOUND: the line */
	bool wrapped;               /* FOUND: past the end (or the start) and round */
};

struct log_buffer {
	char *id;                   /* "build/12/test", "pod/ns/name/container", "audit" */
	char *title;
	char *disk_path;            /* whole log on disk, or NULL */
	char *times_path;           /* "LINE TIME_MS" marks for the disk lines, or NULL */
	uint64_t generation;        /* new for every LOG_EV_OPEN: a reader's cache is stale */
	struct log_line *lines;     /* ring of cap lines */
	size_t cap, start, count;
	size_t bytes;               /* text held by the ring */
	uint64_t dropped;           /* lines before the ring (on disk only): line numbers
				     * of the ring start here */
	bool closed;                /* the stream ended */
	char *end_message;          /* why it ended, or NULL */

	/* Older lines the log pane asked for (rt_log_window), read from disk by
	 * the log pager: win_n lines from win_first (texts owned here). */
	bool win_valid;             /* a window was answered (it may hold no line) */
	uint64_t win_first;
	size_t win_n;
	struct log_line *win;
	struct log_search search;   /* the search asked last (rt_log_search) */
};

struct store_logs {
	struct log_buffer **bufs;
	size_t n, bufs_cap;
	size_t max_lines;           /* memory bound per buffer */
	size_t max_bytes;
	uint64_t generations;
};

enum log_event_type {
	LOG_EV_OPEN,                /* create or reset buffer id */
	LOG_EV_APPEND,              /* text: one or more lines split on '\n' */
	LOG_EV_CLOSE,
	LOG_EV_DROP,                /* forget buffer id */
	LOG_EV_WINDOW,              /* lines, nlines from first: older lines read back */
	LOG_EV_SEARCH,              /* search: how a search stands */
};

struct log_event {
	enum log_event_type type;
	char *id;
	char *title;
	char *disk_path;
	char *times_path;           /* OPEN */
	uint64_t base;              /* OPEN: lines already on disk before the first appended */
	char *text;                 /* APPEND: the store keeps it as its lines' storage */
	size_t text_len;
	size_t last_cut;            /* APPEND: bytes of the text's last line the source cut */
	int64_t time_ms;
	uint64_t generation;        /* WINDOW, SEARCH: of the buffer asked (else ignored) */
	uint64_t first;             /* WINDOW */
	struct log_line *lines;     /* WINDOW: the store keeps them (chunk NULL) */
	size_t nlines;
	struct log_search search;   /* SEARCH */
};

void store_logs_init(struct store_logs *logs);
void store_logs_free(struct store_logs *logs);
bool store_logs_apply(struct store_logs *logs, struct log_event *ev);

const struct log_buffer *store_log_find(const struct store_logs *logs, const char *id);
/* Line i of the lines in memory (0 = oldest kept). */
const struct log_line *log_buffer_line(const struct log_buffer *b, size_t i);
/* All lines so far, on disk and in memory. */
uint64_t log_buffer_total(const struct log_buffer *b);
/* Line number n (from the first line on disk) when it is in memory, else NULL. */
const struct log_line *log_buffer_at(const struct log_buffer *b, uint64_t n);
/* Line n when the window read back from disk holds it, else NULL. */
const struct log_line *log_buffer_window_at(const struct log_buffer *b, uint64_t n);

#endif
