/* The log pager (ci/logpager.c): a log bigger than memory holds, read back
 * and searched on the loop in turns; a hit only the disk holds is found; a
 * new search cancels the one under way; the window the log pane asks for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci/logfile.h"
#include "ci/logpager.h"
#include "runtime/loop.h"
#include "runtime/rt.h"
#include "store/store.h"
#include "tap.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

enum { LINES = 30000, MEMORY = 100 };

#define ID "build/1/flood"

/* Turns of the loop until the pager has nothing left to do. */
static int settle(struct rt *rt)
{
	int turns = 0;

	while (rt->work_pending && turns < 10000) {
		loop_run_once(rt->loop, 100);
		turns++;
	}
	return turns;
}

static const struct log_buffer *buf(struct rt *rt)
{
	return store_log_find(&rt->store->logs, ID);
}

static void test_search(struct rt *rt)
{
	uint64_t seq, first;

	tap_ok(!log_buffer_at(buf(rt), 123), "line 123 is on disk only");
	/* from the newest line upwards, as / does when following */
	seq = rt_log_search(rt, ID, "LINE 00123", LINES - 1, -1);
	tap_ok(seq > 0, "a search is under way");
	tap_is_int(rt->work_pending, 1, "and counts as pending work (a script waits)");
	loop_run_once(rt->loop, 100);
	tap_is_int(buf(rt)->search.state, LOG_SEARCH_RUNNING, "one turn does not read it all");
	tap_ok(buf(rt)->search.scanned > 0 && buf(rt)->search.scanned < LINES,
	       "it says how far it got");
	settle(rt);
	tap_is_int(buf(rt)->search.seq, seq, "the answer names its search");
	tap_is_int(buf(rt)->search.state, LOG_SEARCH_MISSING, "a capital makes it case-sensitive");

	seq = rt_log_search(rt, ID, "line 00123", LINES - 1, -1);
	tap_ok(settle(rt) > 1, "a search of the whole log takes several turns");
	tap_is_int(buf(rt)->search.state, LOG_SEARCH_FOUND, "found on disk");
	tap_is_int(buf(rt)->search.hit, 123, "at its line");
	tap_ok(!buf(rt)->search.wrapped, "without wrapping");

	seq = rt_log_search(rt, ID, "line 29990", 40, -1);
	settle(rt);
	tap_ok(buf(rt)->search.state == LOG_SEARCH_FOUND && buf(rt)->search.hit == 29990
	       && buf(rt)->search.wrapped, "upwards past the first line: round from the newest");
	tap_is_str(rt->store->status.message, "search wrapped to the bottom", "and says so");

	seq = rt_log_search(rt, ID, "line 00005", 29000, 1);
	settle(rt);
	tap_ok(buf(rt)->search.hit == 5 && buf(rt)->search.wrapped, "downwards round to the top");

	/* a second search replaces the first before it has an answer */
	first = rt_log_search(rt, ID, "line 00007", LINES - 1, -1);
	loop_run_once(rt->loop, 100);
	seq = rt_log_search(rt, ID, "line 29950", LINES - 1, -1);
	tap_ok(seq != first, "a new number");
	tap_is_int(rt->work_pending, 1, "one search runs, not two");
	settle(rt);
	tap_is_int(buf(rt)->search.seq, seq, "the answer is the second's");
	tap_is_int(buf(rt)->search.hit, 29950, "found in memory");

	/* leaving the buffer cancels */
	first = rt_log_search(rt, ID, "line 00001", LINES - 1, -1);
	rt_log_search_cancel(rt, ID);
	tap_is_int(rt->work_pending, 0, "cancelled: nothing pending");
	settle(rt);
	tap_ok(buf(rt)->search.seq != first, "a cancelled search never answers");

	rt_log_search(rt, ID, "no such line", LINES - 1, -1);
	settle(rt);
	tap_is_int(buf(rt)->search.state, LOG_SEARCH_MISSING, "not found");
	tap_is_str(rt->store->status.message, "/no such line: not found", "and says so");
}

static void test_window(struct rt *rt)
{
	const struct log_buffer *b;

	rt_log_window(rt, ID, 10, 5);
	rt_log_window(rt, ID, 200, 256);
	tap_is_int(rt->work_pending, 1, "the newest window request replaces the older");
	settle(rt);
	b = buf(rt);
	tap_ok(b->win_valid && b->win_first == 200 && b->win_n == 256,
	       "the window is in the store");
	tap_is_str(log_buffer_window_at(b, 200)->text, "line 00200", "its first line");
	tap_is_str(log_buffer_window_at(b, 455)->text, "line 00455", "its last line");
	tap_ok(log_buffer_window_at(b, 456) == NULL, "nothing past it");
	tap_ok(log_buffer_window_at(b, 200)->time_ms == 7000, "with the time the line came");
}

int main(void)
{
	char dir[] = "/tmp/shipdeck-test-pager-XXXXXX";
	struct store st;
	struct rt rt = { 0 };
	struct store_event ev = { .domain = STORE_LOG };
	struct log_writer w;
	struct strbuf sb = { 0 };
	struct err err;
	char *log, *times;

	if (!mkdtemp(dir))
		return 1;
	log = xasprintf("%s/flood.log", dir);
	times = xasprintf("%s/flood.times", dir);
	log_writer_open(&w, log, times, &err);
	for (int i = 0; i < LINES; i++)
		sb_printf(&sb, "line %05d\n", i);
	log_writer_write(&w, sb.s, sb.len, 7000, &err);
	log_writer_close(&w);

	store_init(&st);
	st.logs.max_lines = MEMORY;
	rt.store = &st;
	rt.loop = loop_new();
	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup(ID),
				     .disk_path = xstrdup(log), .times_path = xstrdup(times) };
	store_apply(&st, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup(ID),
				     .text = sb.s, .text_len = sb.len, .time_ms = 7000 };
	sb = (struct strbuf){ 0 };
	store_apply(&st, &ev);
	tap_is_int(buf(&rt)->dropped, LINES - MEMORY, "memory holds only the newest");

	ci_log_pager_start(&rt);
	test_search(&rt);
	test_window(&rt);
	ci_log_pager_stop(&rt);
	tap_is_int(rt.work_pending, 0, "stopped with nothing pending");

	loop_free(&rt.loop);
	store_free(&st);
	unlink(log);
	unlink(times);
	rmdir(dir);
	free(log);
	free(times);
	return tap_done();
}
