#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/ydoc.h"

static void test_ydoc(void)
{
	static const char src[] =
		"image:\n  name: reg/app\n  tag: \"{sha7}-{build}\"\nsteps: [10, 25]\n"
		"flag: true\n";
	static const char *const top[] = { "image", "steps", "flag", NULL };
	static const char *const image_keys[] = { "name", NULL };
	struct ydoc doc;
	struct err err = { 0 };
	cJSON *j;
	char *s;

	tap_ok(ydoc_parse(&doc, "t.yml", src, strlen(src), &err) == 0, "ydoc parses");
	tap_is_int(doc.n, 1, "one document");
	tap_is_str(ynode_str(ynode_get(ynode_get(doc.roots[0], "image"), "name")), "reg/app",
		   "nested scalar");
	tap_ok(ynode_check_keys(doc.roots[0], top, "t.yml", "the top level", &err) == 0,
	       "known keys accepted");
	tap_ok(ynode_check_keys(ynode_get(doc.roots[0], "image"), image_keys, "t.yml", "image",
				&err) == -1, "unknown key refused");
	tap_is_str(err.msg, "t.yml:3:3: unknown key 'tag' in image", "error names line:col");
	j = ynode_to_json(doc.roots[0]);
	s = cJSON_PrintUnformatted(j);
	tap_is_str(s, "{\"image\":{\"name\":\"reg/app\",\"tag\":\"{sha7}-{build}\"},"
		   "\"steps\":[10,25],\"flag\":true}", "to JSON with typed scalars");
	free(s);
	cJSON_Delete(j);
	ydoc_free(&doc);

	tap_ok(ydoc_parse(&doc, "bad.yml", "a: [1,\n", 7, &err) == -1, "syntax error fails");
	tap_ok(strncmp(err.msg, "bad.yml:", 8) == 0, "syntax error names the file");
	tap_ok(ydoc_parse(&doc, "dup.yml", "a: 1\na: 2\n", 10, &err) == -1, "duplicate key");
	tap_is_str(err.msg, "dup.yml:2:1: duplicate key 'a'", "duplicate key message");
}

static void test_sanitize(void)
{
	struct strbuf sb = { 0 };
	static const char hostile[] =
		"a\x1b[2J\x1b]52;c;ZXZpbA==\x07" "b\x1b]8;;http://x\x1b\\c\x1b[31mred\x1b[0m"
		"\xc2\x9b" "5A\x07\xe2\x80\xae" "d\xff";

	text_sanitize(hostile, sizeof hostile - 1, &sb, 0);
	tap_is_str(sb_str(&sb), "abcredd\xef\xbf\xbd", "escapes, C1, bidi, bad UTF-8 removed");
	sb_reset(&sb);
	text_sanitize(hostile, sizeof hostile - 1, &sb, TEXT_KEEP_SGR);
	tap_is_str(sb_str(&sb), "abc\x1b[31mred\x1b[0md\xef\xbf\xbd", "SGR kept on request");
	sb_reset(&sb);
	text_fit(&sb, "deployment", 6, 1);
	tap_is_str(sb_str(&sb), "deplo\xe2\x80\xa6", "fit cuts with an ellipsis");
	sb_reset(&sb);
	text_fit(&sb, "web", 6, 1);
	tap_is_str(sb_str(&sb), "web   ", "fit pads");
	sb_free(&sb);
}

static void test_time(void)
{
	char buf[32];
	time_t t;

	tap_is_str(time_human_duration(59, buf, sizeof buf), "59s", "seconds");
	tap_is_str(time_human_duration(130, buf, sizeof buf), "2m10s", "minutes+seconds");
	tap_is_str(time_human_duration(3 * 3600 + 120, buf, sizeof buf), "3h2m", "hours+minutes");
	tap_is_str(time_human_duration(9 * 3600, buf, sizeof buf), "9h", "hours");
	tap_is_str(time_human_duration(3 * 86400 + 3600, buf, sizeof buf), "3d1h", "days+hours");
	tap_is_str(time_human_duration(9 * 86400, buf, sizeof buf), "9d", "days");
	tap_ok(time_parse_rfc3339("2026-11-26T15:54:45Z", &t) == 0 && t == 1795708485,
	       "RFC 3339 parse");
	tap_ok(time_parse_rfc3339("2026-11-26T16:54:45.123+01:00", &t) == 0 && t == 1795708485,
	       "RFC 3339 with fraction and offset");
	tap_is_int(time_parse_duration_ms("1h30m"), 5400000, "duration 1h30m");
	tap_is_int(time_parse_duration_ms("250ms"), 250, "duration ms");
	tap_is_int(time_parse_duration_ms("10"), 10000, "plain seconds");
	tap_is_int(time_parse_duration_ms("10x"), -1, "bad duration");
}

int main(void)
{
	test_ydoc();
	test_sanitize();
	test_time();
	return tap_done();
}
