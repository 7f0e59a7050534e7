#include "store/log.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* 20,000 lines of a chatty build is a few screens of search and scrollback in
 * memory; the rest is paged from disk. The byte bound keeps a log of long
 * lines from holding cap × LOG_LINE_MAX. */
enum { DEFAULT_MAX_LINES = 20000, DEFAULT_MAX_BYTES = 8 << 20 };

/* An APPEND's text, kept as it came: its lines point into it ('\n' made
 * '\0'), so a batch of 15,000 lines costs no allocation per line. It goes
 * when its last line leaves the ring. Lines leave oldest first, so at most
 * one chunk is held in part: memory stays within max_bytes plus one batch.
 * A line cut to LOG_LINE_MAX, or one not ended by '\n', gets its own copy. */
struct log_chunk {
	char *text;
	size_t refs;                /* lines in the ring, plus one while appending */
};

static void chunk_release(struct log_chunk *c)
{
	if (--c->refs)
		return;
	free(c->text);
	free(c);
}

static void line_release(struct log_line *l)
{
	if (l->chunk)
		chunk_release(l->chunk);
	else
		free(l->text);
	l->text = NULL;
	l->chunk = NULL;
}

void store_logs_init(struct store_logs *logs)
{
	memset(logs, 0, sizeof *logs);
	logs->max_lines = DEFAULT_MAX_LINES;
	logs->max_bytes = DEFAULT_MAX_BYTES;
}

static void lines_free(struct log_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
}

static void buffer_free(struct log_buffer *b)
{
	lines_free(b->win, b->win_n);
	for (size_t i = 0; i < b->count; i++)
		line_release(&b->lines[(b->start + i) % b->cap]);
	free(b->lines);
	free(b->id);
	free(b->title);
	free(b->disk_path);
	free(b->times_path);
	free(b->end_message);
	free(b);
}

void store_logs_free(struct store_logs *logs)
{
	for (size_t i = 0; i < logs->n; i++)
		buffer_free(logs->bufs[i]);
	free(logs->bufs);
	logs->bufs = NULL;
	logs->n = logs->bufs_cap = 0;
}

static size_t find_index(const struct store_logs *logs, const char *id)
{
	for (size_t i = 0; i < logs->n; i++)
		if (!strcmp(logs->bufs[i]->id, id))
			return i;
	return (size_t)-1;
}

const struct log_buffer *store_log_find(const struct store_logs *logs, const char *id)
{
	size_t i = id ? find_index(logs, id) : (size_t)-1;

	return i == (size_t)-1 ? NULL : logs->bufs[i];
}

const struct log_line *log_buffer_line(const struct log_buffer *b, size_t i)
{
	return i < b->count ? &b->lines[(b->start + i) % b->cap] : NULL;
}

uint64_t log_buffer_total(const struct log_buffer *b)
{
	return b->dropped + b->count;
}

const struct log_line *log_buffer_at(const struct log_buffer *b, uint64_t n)
{
	if (n < b->dropped || n - b->dropped >= b->count)
		return NULL;
	return log_buffer_line(b, (size_t)(n - b->dropped));
}

const struct log_line *log_buffer_window_at(const struct log_buffer *b, uint64_t n)
{
	if (n < b->win_first || n - b->win_first >= b->win_n)
		return NULL;
	return &b->win[n - b->win_first];
}

static void drop_oldest(struct log_buffer *b)
{
	struct log_line *slot = &b->lines[b->start];

	b->bytes -= strlen(slot->text);
	line_release(slot);
	b->start = (b->start + 1) % b->cap;
	b->count--;
	b->dropped++;
}

/* text[len] is '\0' when chunk is given. */
static void push_line(struct log_buffer *b, size_t max_bytes, char *text, size_t len,
		      int64_t t, struct log_chunk *chunk)
{
	struct log_line *slot;
	size_t keep = len > LOG_LINE_MAX ? LOG_LINE_MAX : len;

	/* never cut inside a UTF-8 sequence */
	while (keep < len && keep > 0 && ((unsigned char)text[keep] & 0xc0) == 0x80)
		keep--;
	if (b->count == b->cap)
		drop_oldest(b);
	while (b->count && b->bytes + keep > max_bytes)
		drop_oldest(b);
	slot = &b->lines[(b->start + b->count) % b->cap];
	if (chunk && keep == len) {
		slot->text = text;
		slot->chunk = chunk;
		chunk->refs++;
	} else {
		slot->text = xstrndup(text, keep);
		slot->chunk = NULL;
	}
	slot->time_ms = t;
	slot->cut = len - keep;
	b->bytes += keep;
	b->count++;
}

/* Takes text (len bytes) as the chunk its lines point into. */
static void append_text(struct log_buffer *b, size_t max_bytes, char *text, size_t len,
			int64_t t)
{
	struct log_chunk *chunk = xmalloc(sizeof *chunk);
	char *p = text, *end = text + len;

	chunk->text = text;
	chunk->refs = 1;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (nl)
			p[n] = '\0';
		push_line(b, max_bytes, p, n, t, nl ? chunk : NULL);
		p = nl ? nl + 1 : end;
	}
	chunk_release(chunk);
}

bool store_logs_apply(struct store_logs *logs, struct log_event *ev)
{
	size_t i = ev->id ? find_index(logs, ev->id) : (size_t)-1;
	struct log_buffer *b = i == (size_t)-1 ? NULL : logs->bufs[i];
	bool changed = false;

	switch (ev->type) {
	case LOG_EV_OPEN:
		if (b)
			buffer_free(b);
		else {
			xgrow(&logs->bufs, &logs->bufs_cap, logs->n + 1, sizeof *logs->bufs);
			i = logs->n++;
		}
		b = xcalloc(1, sizeof *b);
		b->id = ev->id;
		b->title = ev->title;
		b->disk_path = ev->disk_path;
		b->times_path = ev->times_path;
		ev->id = ev->title = ev->disk_path = ev->times_path = NULL;
		b->generation = ++logs->generations;
		b->dropped = ev->base;
		b->cap = logs->max_lines ? logs->max_lines : 1;
		b->lines = xcalloc(b->cap, sizeof *b->lines);
		logs->bufs[i] = b;
		changed = true;
		break;
	case LOG_EV_APPEND:
		if (b && ev->text && ev->text_len) {
			append_text(b, logs->max_bytes, ev->text, ev->text_len, ev->time_ms);
			ev->text = NULL;
			if (b->count)
				b->lines[(b->start + b->count - 1) % b->cap].cut += ev->last_cut;
			changed = true;
		}
		break;
	case LOG_EV_CLOSE:
		if (b) {
			b->closed = true;
			free(b->end_message);
			b->end_message = ev->text;
			ev->text = NULL;
			changed = true;
		}
		break;
	case LOG_EV_DROP:
		if (b) {
			buffer_free(b);
			logs->bufs[i] = logs->bufs[--logs->n];
			changed = true;
		}
		break;
	case LOG_EV_WINDOW:
		/* an answer for an earlier opening of the buffer is stale */
		if (b && b->generation == ev->generation) {
			lines_free(b->win, b->win_n);
			b->win = ev->lines;
			b->win_n = ev->nlines;
			b->win_first = ev->first;
			b->win_valid = true;
			ev->lines = NULL;
			ev->nlines = 0;
			changed = true;
		}
		break;
	case LOG_EV_SEARCH:
		if (b && b->generation == ev->generation) {
			b->search = ev->search;
			changed = true;
		}
		break;
	}
	lines_free(ev->lines, ev->nlines);
	ev->lines = NULL;
	free(ev->id);
	free(ev->title);
	free(ev->disk_path);
	free(ev->times_path);
	free(ev->text);
	ev->id = ev->title = ev->disk_path = ev->times_path = ev->text = NULL;
	return changed;
}
