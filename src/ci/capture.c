#include "ci/capture.h"

#include <string.h>

#include "store/log.h"

int ci_capture_open(struct ci_capture *c, const char *path, const char *times_path,
		    const struct ci_mask *mask, ci_capture_emit_fn emit, void *ctx,
		    struct err *err)
{
	memset(c, 0, sizeof *c);
	c->mask = mask;
	c->emit = emit;
	c->ctx = ctx;
	return log_writer_open(&c->writer, path, times_path, err);
}

void ci_capture_flush(struct ci_capture *c)
{
	if (!c->batch.len)
		return;
	c->emit(c->ctx, c->batch.s, c->batch.len, 0);
	sb_reset(&c->batch);
}

static void keep_head(struct ci_capture *c, const char *p, size_t n)
{
	size_t room = LOG_LINE_MAX - c->head.len;

	sb_append(&c->head, p, n < room ? n : room);
}

/* The line in c->line (plus nothing more) is complete. */
static void end_line(struct ci_capture *c)
{
	size_t start = c->out.len;

	ci_mask_apply(c->mask, c->line.s ? c->line.s : "", c->line.len, &c->out);
	if (!c->overlong) {
		sb_append(&c->batch, c->out.s + start, c->out.len - start);
		sb_putc(&c->batch, '\n');
	} else {
		size_t total = c->overlong + (c->out.len - start);

		keep_head(c, c->out.s + start, c->out.len - start);
		/* the long line goes alone, with the count of what memory will not hold */
		ci_capture_flush(c);
		sb_putc(&c->head, '\n');
		c->emit(c->ctx, c->head.s, c->head.len, total - (c->head.len - 1));
		sb_reset(&c->head);
		c->overlong = 0;
	}
	sb_putc(&c->out, '\n');
	sb_reset(&c->line);
	c->lines++;
}

/* A line longer than CI_CAPTURE_OVERLONG goes to disk as it comes, masked
 * whole first; the last bytes (where a value may begin that the next read
 * completes) wait for the rest. */
static void spill(struct ci_capture *c)
{
	size_t keep = c->mask->longest ? c->mask->longest - 1 : 0, start = c->out.len, n;
	struct strbuf tail = { 0 };

	ci_mask_apply(c->mask, c->line.s, c->line.len, &c->out);
	n = c->out.len - start;
	if (n <= keep)
		keep = n;
	sb_append(&tail, c->out.s + c->out.len - keep, keep);
	c->out.len -= keep;
	c->out.s[c->out.len] = '\0';
	keep_head(c, c->out.s + start, n - keep);
	c->overlong += n - keep;
	sb_reset(&c->line);
	sb_append(&c->line, tail.s ? tail.s : "", tail.len);
	sb_free(&tail);
}

static void write_out(struct ci_capture *c, int64_t now_ms)
{
	if (c->out.len && !c->failed
	    && log_writer_write(&c->writer, c->out.s, c->out.len, now_ms, &c->err))
		c->failed = true;
	sb_reset(&c->out);
}

/* Complete lines with no secret to mask go to the disk and the batch as
 * they came: two copies of each byte instead of four, and no call per line
 * (a step printing a million lines). */
static void whole_lines(struct ci_capture *c, const char *p, size_t n)
{
	for (const char *q = p, *end = p + n; (q = memchr(q, '\n', (size_t)(end - q))); q++)
		c->lines++;
	sb_append(&c->out, p, n);
	sb_append(&c->batch, p, n);
}

void ci_capture_feed(struct ci_capture *c, const char *data, size_t len, int64_t now_ms)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl;
		size_t n;

		if (!c->mask->n && !c->line.len && !c->overlong
		    && (nl = memrchr(p, '\n', (size_t)(end - p)))) {
			whole_lines(c, p, (size_t)(nl + 1 - p));
			p = nl + 1;
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		sb_append(&c->line, p, n);
		if (nl)
			end_line(c);
		else if (c->line.len > CI_CAPTURE_OVERLONG)
			spill(c);
		p += n + (nl ? 1 : 0);
	}
	write_out(c, now_ms);
	if (c->batch.len >= CI_CAPTURE_BATCH)
		ci_capture_flush(c);
}

void ci_capture_close(struct ci_capture *c, int64_t now_ms)
{
	if (c->line.len || c->overlong) {
		end_line(c);
		/* the file keeps the output as it was: no newline the step did not print */
		c->out.len--;
		write_out(c, now_ms);
	}
	ci_capture_flush(c);
	log_writer_close(&c->writer);
	sb_free(&c->line);
	sb_free(&c->head);
	sb_free(&c->batch);
	sb_free(&c->out);
}
