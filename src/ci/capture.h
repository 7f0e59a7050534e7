/* A step's output on its way from the pipe: cut into lines, secrets masked,
 * appended to the step's log file (one write per read, so a kill -9 loses
 * nothing that was read) and handed on in batches (so a step printing a
 * million lines costs a few store updates and redraws a second, not one
 * per line). Memory stays bounded: a line without end is written to disk as
 * it comes and only its first LOG_LINE_MAX bytes are kept. */
#ifndef SHIPDECK_CI_CAPTURE_H
#define SHIPDECK_CI_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ci/logfile.h"
#include "ci/secrets.h"
#include "util/strbuf.h"

/* Complete lines ("a\nb\n"); last_cut: bytes of the last line not included. */
typedef void (*ci_capture_emit_fn)(void *ctx, const char *text, size_t len, size_t last_cut);

struct ci_capture {
	struct log_writer writer;
	const struct ci_mask *mask;
	ci_capture_emit_fn emit;
	void *ctx;
	struct strbuf line;         /* the unfinished line, not yet masked */
	struct strbuf head;         /* an overlong line's masked start (≤ LOG_LINE_MAX) */
	size_t overlong;            /* masked bytes of the current line already on disk */
	struct strbuf batch;        /* masked complete lines not yet emitted */
	struct strbuf out;          /* scratch: what one feed writes to disk */
	uint64_t lines;
	struct err err;             /* the first write error, if any */
	bool failed;
};

/* Batches emit on their own beyond this size; smaller ones wait for
 * ci_capture_flush (the runner's timer). */
enum { CI_CAPTURE_BATCH = 256 * 1024, CI_CAPTURE_OVERLONG = 64 * 1024 };

int ci_capture_open(struct ci_capture *c, const char *path, const char *times_path,
		    const struct ci_mask *mask, ci_capture_emit_fn emit, void *ctx,
		    struct err *err);
void ci_capture_feed(struct ci_capture *c, const char *data, size_t len, int64_t now_ms);
/* Emits the batch. */
void ci_capture_flush(struct ci_capture *c);
/* The unfinished line becomes a line; emits, fsyncs and closes the file. */
void ci_capture_close(struct ci_capture *c, int64_t now_ms);

#endif
