/* The output of one simulated container instance: a bounded ring of lines
 * with their times. Shared by the kubelet (which writes) and log readers
 * (which may outlive the pod), hence the reference count. Guarded by the
 * sandbox lock. */
#ifndef SHIPDECK_SANDBOX_PODLOG_H
#define SHIPDECK_SANDBOX_PODLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct logline {
	int64_t wall_ms;
	char *text;         /* without the newline */
};

struct ctrlog {
	int refs;
	struct logline *ring;      /* grows by doubling up to max */
	size_t cap, max, head, n;
	uint64_t total;     /* lines ever written; line i is kept if i >= total - n */
	bool ended;         /* the instance has terminated: no more lines */
};

/* A log that keeps at most max lines (the oldest go first). */
struct ctrlog *ctrlog_new(size_t max);
struct ctrlog *ctrlog_ref(struct ctrlog *l);
void ctrlog_unref(struct ctrlog *l);
void ctrlog_append(struct ctrlog *l, int64_t wall_ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Line number idx (0-based over all lines ever written), or NULL if dropped
 * or not yet written. */
const struct logline *ctrlog_line(const struct ctrlog *l, uint64_t idx);
/* The index of the first line still kept. */
uint64_t ctrlog_first(const struct ctrlog *l);

#endif
