/* Logs of steps: masking, capture to disk and back (paging, time marks,
 * overlong lines), the store's bounded buffers; the tag scheme; build
 * records. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci/capture.h"
#include "ci/logfile.h"
#include "ci/record.h"
#include "ci/secrets.h"
#include "store/store.h"
#include "tap.h"
#include "util/xalloc.h"

static void test_mask(void)
{
	struct ci_mask m = { 0 };
	struct strbuf sb = { 0 };
	static const char in[] = "token=s3cr3t and s3cr3tive, key=line1 line2";

	ci_mask_add(&m, "s3cr3t");
	ci_mask_add(&m, "s3cr3tive");
	ci_mask_add(&m, "line1\nline2\n");
	ci_mask_add(&m, "");
	tap_is_int(m.n, 4, "values, multi-line split, empty ignored");
	ci_mask_apply(&m, in, strlen(in), &sb);
	tap_is_str(sb_str(&sb), "token=*** and ***, key=*** ***", "every value masked, longest wins");
	sb_free(&sb);
	ci_mask_free(&m);
}

struct sink {
	struct strbuf text;
	size_t calls, cut;
};

static void sink(void *ctx, const char *text, size_t len, size_t last_cut)
{
	struct sink *s = ctx;

	sb_append(&s->text, text, len);
	s->calls++;
	s->cut += last_cut;
}

static void test_capture(const char *dir)
{
	char *log = xasprintf("%s/step.log", dir), *times = xasprintf("%s/step.times", dir);
	struct ci_mask m = { 0 };
	struct ci_capture cap;
	struct sink out = { 0 };
	struct log_reader rd;
	struct log_read_line lines[4];
	struct err err;
	char *big;
	size_t got;

	ci_mask_add(&m, "hunter2");
	tap_ok(ci_capture_open(&cap, log, times, &m, sink, &out, &err) == 0, "capture opens");
	ci_capture_feed(&cap, "one\ntw", 6, 1000);
	ci_capture_feed(&cap, "o hunt", 6, 1000);
	ci_capture_feed(&cap, "er2\n", 4, 2500);
	tap_is_int(out.calls, 0, "small batches wait for a flush");
	ci_capture_flush(&cap);
	tap_is_str(sb_str(&out.text), "one\ntwo ***\n", "lines joined across reads, masked");
	/* a line far longer than memory keeps: whole on disk, its start in memory */
	big = xmalloc(300000);
	memset(big, 'x', 300000);
	memcpy(big + 299990, "hunter2", 7);
	ci_capture_feed(&cap, big, 300000, 3000);
	ci_capture_feed(&cap, "\nlast", 5, 3000);
	ci_capture_close(&cap, 3000);
	free(big);
	tap_is_int(out.cut, 300000 - 7 + 3 - LOG_LINE_MAX, "the cut is counted");
	tap_is_int(cap.lines, 4, "four lines");

	log_reader_open(&rd, log, times);
	tap_is_int(log_reader_count(&rd, false), 3, "three complete lines on disk");
	tap_is_int(log_reader_count(&rd, true), 4, "the last without a newline counts when final");
	got = log_reader_lines(&rd, 1, 4, true, lines);
	tap_is_int(got, 3, "lines 1..3");
	tap_is_str(lines[0].text, "two ***", "masked on disk too");
	tap_is_int(strlen(lines[1].text), LOG_LINE_MAX, "a long line is cut when read back");
	tap_is_int(lines[1].cut, 300000 - 7 + 3 - LOG_LINE_MAX, "and says by how much");
	tap_is_str(lines[2].text, "last", "the last line");
	tap_is_int(lines[0].time_ms, 2500, "line 1 was complete at 2500");
	tap_is_int(lines[2].time_ms, 3000, "time mark after the second changed");
	log_read_lines_free(lines, got);
	log_reader_close(&rd);
	sb_free(&out.text);
	ci_mask_free(&m);
	unlink(log);
	unlink(times);
	free(log);
	free(times);
}

static void test_paging(const char *dir)
{
	char *log = xasprintf("%s/many.log", dir), *times = xasprintf("%s/many.times", dir);
	struct log_writer w;
	struct log_reader rd;
	struct log_read_line lines[3];
	struct strbuf sb = { 0 };
	struct err err;
	size_t got;

	log_writer_open(&w, log, times, &err);
	for (int i = 0; i < 5000; i++)
		sb_printf(&sb, "line %d\n", i);
	log_writer_write(&w, sb.s, sb.len, 7000, &err);
	log_writer_close(&w);
	log_reader_open(&rd, log, times);
	tap_is_int(log_reader_count(&rd, true), 5000, "5000 lines");
	got = log_reader_lines(&rd, 4097, 3, true, lines);
	tap_ok(got == 3 && !strcmp(lines[0].text, "line 4097") && !strcmp(lines[2].text, "line 4099"),
	       "paging past the index stride");
	log_read_lines_free(lines, got);
	got = log_reader_lines(&rd, 0, 1, true, lines);
	tap_ok(got == 1 && !strcmp(lines[0].text, "line 0"), "the first line");
	log_read_lines_free(lines, got);
	log_reader_close(&rd);
	sb_free(&sb);
	unlink(log);
	unlink(times);
	free(log);
	free(times);
}

/* Writes past LOG_WRITEBACK_BYTES start the disk writes early; what is
 * read back is every byte, in order, however the writes were cut. */
static void test_writeback(const char *dir)
{
	char *log = xasprintf("%s/big.log", dir), *times = xasprintf("%s/big.times", dir);
	struct log_writer w;
	struct log_reader rd;
	struct log_read_line lines[2];
	struct strbuf sb = { 0 };
	struct err err;
	size_t got, n = 0;

	log_writer_open(&w, log, times, &err);
	for (int chunk = 0; chunk < 12; chunk++) {
		sb_reset(&sb);
		while (sb.len < (size_t)LOG_WRITEBACK_BYTES / 5)
			sb_printf(&sb, "line %zu of a chunk written in pieces\n", n++);
		log_writer_write(&w, sb.s, sb.len, 7000 + chunk, &err);
	}
	tap_ok(w.unsubmitted < (uint64_t)LOG_WRITEBACK_BYTES, "writeback started past the threshold");
	log_writer_close(&w);
	log_reader_open(&rd, log, times);
	tap_is_int((long long)log_reader_count(&rd, true), (long long)n, "every line on disk");
	got = log_reader_lines(&rd, n - 1, 2, true, lines);
	tap_ok(got == 1 && !strncmp(lines[0].text, "line ", 5)
	       && strtoull(lines[0].text + 5, NULL, 10) == n - 1, "the last line last");
	log_read_lines_free(lines, got);
	log_reader_close(&rd);
	sb_free(&sb);
	unlink(log);
	unlink(times);
	free(log);
	free(times);
}

static void test_store_log(void)
{
	struct store st;
	struct store_event ev = { .domain = STORE_LOG };
	const struct log_buffer *b;
	char *long_line = xmalloc(LOG_LINE_MAX + 11);

	store_init(&st);
	st.logs.max_lines = 3;
	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup("build/1/t"),
				     .base = 10 };
	store_apply(&st, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup("build/1/t"),
				     .text = xstrdup("a\nb\r\nc\nd\n"), .text_len = 9 };
	store_apply(&st, &ev);
	b = store_log_find(&st.logs, "build/1/t");
	tap_is_int(log_buffer_total(b), 14, "10 on disk before, 4 appended");
	tap_is_int(b->dropped, 11, "the bound drops the oldest");
	tap_ok(!log_buffer_at(b, 10), "line 10 is on disk only");
	tap_is_str(log_buffer_at(b, 12)->text, "c", "line numbers count from the disk");
	tap_is_str(log_buffer_at(b, 11)->text, "b", "\\r stripped");
	memset(long_line, 'y', LOG_LINE_MAX + 10);
	long_line[LOG_LINE_MAX + 10] = '\n';
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup("build/1/t"),
				     .text = long_line, .text_len = LOG_LINE_MAX + 11,
				     .last_cut = 5 };
	store_apply(&st, &ev);
	tap_is_int(log_buffer_at(b, 14)->cut, 15, "cut in memory plus what the source cut");
	tap_ok(b->bytes <= 3 * (size_t)LOG_LINE_MAX, "bytes are counted");
	/* lines point into the appended text: a text without a final '\0' */
	long_line = xmalloc(5);
	memcpy(long_line, "x\nyz", 5);
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup("build/1/t"),
				     .text = long_line, .text_len = 5 };
	store_apply(&st, &ev);
	tap_is_str(log_buffer_at(b, 15)->text, "x", "a line of a batch");
	tap_is_str(log_buffer_at(b, 16)->text, "yz", "a last line without newline nor NUL");
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup("build/1/t"),
				     .text = xstrdup("p\nq\n"), .text_len = 4 };
	store_apply(&st, &ev);
	tap_ok(log_buffer_at(b, 17) && !strcmp(log_buffer_at(b, 18)->text, "q")
	       && !log_buffer_at(b, 15) && !strcmp(log_buffer_at(b, 16)->text, "yz"),
	       "older batches go line by line as newer ones come");
	store_free(&st);
}

static void test_store_ci(void)
{
	struct store st;
	struct ci_build b = { .number = 2, .status = CI_RUNNING, .commit = "abc" };
	struct ci_step steps[1] = { { .key = "test", .name = "test", .exit_code = -1 } };
	struct store_event ev = { .domain = STORE_CI };
	cJSON *j;
	struct ci_build *back;
	struct err err;

	store_init(&st);
	b.steps = steps;
	b.nsteps = 1;
	for (int n = 1; n <= 3; n++) {
		b.number = n == 3 ? 2 : n == 2 ? 3 : 1;
		ev.ci = (struct ci_event){ .type = CI_EV_BUILD, .build = ci_build_dup(&b) };
		store_apply(&st, &ev);
	}
	tap_is_int(st.ci.nbuilds, 3, "three builds");
	tap_ok(st.ci.builds[0]->number == 3 && st.ci.builds[2]->number == 1, "newest first");
	b.status = CI_PASSED;
	ev.ci = (struct ci_event){ .type = CI_EV_BUILD, .build = ci_build_dup(&b) };
	store_apply(&st, &ev);
	tap_is_int(st.ci.nbuilds, 3, "a snapshot replaces");
	tap_is_int(store_ci_build(&st.ci, 2)->status, CI_PASSED, "with its new state");
	j = ci_record_to_json(&b);
	back = ci_record_from_json(j, "build.json", &err);
	tap_ok(back && back->number == 2 && back->status == CI_PASSED
	       && !strcmp(back->steps[0].key, "test") && back->steps[0].exit_code == -1,
	       "build.json round trip");
	ci_build_free(back);
	cJSON_Delete(j);
	store_free(&st);
}

int main(void)
{
	char dir[] = "/tmp/shipdeck-test-ci-XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	test_mask();
	test_capture(dir);
	test_paging(dir);
	test_writeback(dir);
	test_store_log();
	test_store_ci();
	rmdir(dir);
	return tap_done();
}
