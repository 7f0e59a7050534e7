/* Log buffers of builds on request ("build/N/KEY"): a running step's buffer
 * is the runner's own; any other is loaded from its log file, newest lines
 * first within the store's bound. A few loaded buffers are kept; older ones
 * are dropped (the pane loads them again when asked). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/logfile.h"
#include "ci/runner_internal.h"
#include "util/xalloc.h"

enum { KEEP_LOADED = 12, READ_BATCH = 1024 };

static int id_number(const char *id)
{
	int n = 0;

	return sscanf(id, "build/%d/", &n) == 1 ? n : 0;
}

void logs_remember(struct ci_runner *r, const char *id)
{
	for (size_t i = 0; i < r->nopened; i++) {
		if (!strcmp(r->opened[i], id)) {
			free(r->opened[i]);
			memmove(&r->opened[i], &r->opened[i + 1],
				(r->nopened - i - 1) * sizeof *r->opened);
			r->nopened--;
			break;
		}
	}
	xgrow(&r->opened, &r->opened_cap, r->nopened + 1, sizeof *r->opened);
	r->opened[r->nopened++] = xstrdup(id);
	for (size_t i = 0; r->nopened > KEEP_LOADED && i < r->nopened;) {
		struct store_event ev = { .domain = STORE_LOG };

		/* a running build's buffers are fed live: never dropped */
		if (ci_runner_owns(r, id_number(r->opened[i]))) {
			i++;
			continue;
		}
		ev.log = (struct log_event){ .type = LOG_EV_DROP, .id = r->opened[i] };
		rt_apply(r->rt, &ev);
		memmove(&r->opened[i], &r->opened[i + 1], (r->nopened - i - 1) * sizeof *r->opened);
		r->nopened--;
	}
}

static void apply(struct ci_runner *r, struct log_event *le)
{
	struct store_event ev = { .domain = STORE_LOG, .log = *le };

	rt_apply(r->rt, &ev);
}

static char *end_message(const struct ci_step *s)
{
	if (s->status == CI_PASSED || s->status == CI_FAILED) {
		if (s->signal)
			return xasprintf("killed by signal %d", s->signal);
		return xasprintf("exit %d", s->exit_code);
	}
	if (s->message)
		return xasprintf("%s: %s", ci_status_name(s->status), s->message);
	return xstrdup(ci_status_name(s->status));
}

/* Loads the newest lines of the step's log file into buffer id. */
static void load(struct ci_runner *r, const char *id, const struct ci_build *b,
		 const struct ci_step *s)
{
	char *log = ci_history_log_path(&r->hist, b->number, s->key);
	char *times = ci_history_times_path(&r->hist, b->number, s->key);
	bool final = ci_status_done(s->status);
	struct log_read_line *lines = xcalloc(READ_BATCH, sizeof *lines);
	struct log_reader rd;
	uint64_t total, first;
	size_t max = r->rt->store->logs.max_lines;

	log_reader_open(&rd, log, times);
	total = log_reader_count(&rd, final);
	first = total > max ? total - max : 0;
	apply(r, &(struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup(id),
				      .title = xasprintf("build %d \xc2\xb7 %s", b->number, s->key),
				      .disk_path = xstrdup(log), .times_path = xstrdup(times),
				      .base = first });
	while (first < total) {
		size_t got = log_reader_lines(&rd, first, READ_BATCH, final, lines);

		if (!got)
			break;
		for (size_t i = 0; i < got; i++) {
			size_t len = strlen(lines[i].text);
			char *text = xmalloc(len + 2);

			memcpy(text, lines[i].text, len);
			text[len] = '\n';
			text[len + 1] = '\0';
			apply(r, &(struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup(id),
						      .text = text, .text_len = len + 1,
						      .last_cut = lines[i].cut,
						      .time_ms = lines[i].time_ms });
		}
		log_read_lines_free(lines, got);
		first += got;
	}
	if (final)
		apply(r, &(struct log_event){ .type = LOG_EV_CLOSE, .id = xstrdup(id),
					      .text = end_message(s) });
	log_reader_close(&rd);
	free(lines);
	free(log);
	free(times);
}

void ci_runner_open_log(struct ci_runner *r, const char *id)
{
	const struct log_buffer *buf = store_log_find(&r->rt->store->logs, id);
	const struct ci_build *b;
	struct ci_build *read = NULL;
	const struct ci_step *s;
	char key[256];
	int n;

	if (sscanf(id, "build/%d/%255[^\n]", &n, key) != 2)
		return;
	if (buf && (ci_runner_owns(r, n) || buf->closed)) {
		logs_remember(r, id);
		return;
	}
	b = store_ci_build(&r->rt->store->ci, n);
	if (!b)
		b = read = ci_history_read(&r->hist, n, NULL);
	s = ci_build_step(b, key);
	if (s && !(ci_runner_owns(r, n) && s->status == CI_PENDING)) {
		load(r, id, b, s);
		logs_remember(r, id);
	}
	ci_build_free(read);
}
