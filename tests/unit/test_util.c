#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tap.h"
#include "util/err.h"
#include "util/imgref.h"
#include "util/intern.h"
#include "util/jsonarena.h"
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

/* The clock's next frame for an age: the text holds until then and
 * changes then (checked second by second around every form's bounds). */
static void test_duration_next(void)
{
	static const int64_t around[] = { 0, 120, 600, 3 * 3600, 8 * 3600, 48 * 3600, 8 * 86400,
					  30 * 86400, 2 * 365 * 86400 };
	bool holds = true, changes = true;

	for (size_t i = 0; i < sizeof around / sizeof *around; i++)
		for (int64_t s = around[i] - 70; s < around[i] + 70; s += 7) {
			char a[32], b[32];
			int64_t next = time_human_duration_next(s), age = s < 0 ? 0 : s;

			time_human_duration(age, a, sizeof a);
			for (int64_t k = 1; k < next && holds; k++)
				holds = !strcmp(a, time_human_duration(age + k, b, sizeof b));
			changes = changes && next >= 1
				  && (s < 0 || strcmp(a, time_human_duration(age + next, b, sizeof b)));
		}
	tap_ok(holds, "an age's text holds until its next change");
	tap_ok(changes, "and reads otherwise then");
	tap_is_int((int)time_human_duration_next(12 * 60 + 5), 55, "\"12m\" changes at the next minute");
	tap_is_int((int)time_human_duration_next(45), 1, "seconds change every second");
	tap_is_int((int)time_human_duration_next(8 * 365 * 86400 + 5), 365 * 86400 - 5,
		   "\"8y\" changes at the next year");
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
	/* the boundaries, as k8s.io/apimachinery's HumanDuration has them */
	tap_is_str(time_human_duration(119, buf, sizeof buf), "119s", "seconds up to 2m");
	tap_is_str(time_human_duration(120, buf, sizeof buf), "2m", "no \"0s\" part");
	tap_is_str(time_human_duration(599, buf, sizeof buf), "9m59s", "minutes+seconds below 10m");
	tap_is_str(time_human_duration(600, buf, sizeof buf), "10m", "minutes from 10m");
	tap_is_str(time_human_duration(8 * 3600 - 1, buf, sizeof buf), "7h59m", "hours+minutes below 8h");
	tap_is_str(time_human_duration(4 * 3600, buf, sizeof buf), "4h", "no \"0m\" part");
	tap_is_str(time_human_duration(2 * 365 * 86400 - 1, buf, sizeof buf), "729d", "days below 2y");
	tap_is_str(time_human_duration(3 * 365 * 86400 + 5 * 86400, buf, sizeof buf), "3y5d",
		   "years+days");
	tap_is_str(time_human_duration(9 * 365 * 86400, buf, sizeof buf), "9y", "years from 8y");
	tap_is_str(time_human_duration(-1, buf, sizeof buf), "0s", "a second of clock skew is now");
	tap_is_str(time_human_duration(-2, buf, sizeof buf), "<invalid>", "more skew is invalid");
	{
		/* the API's fixed form read without strptime must agree with it,
		 * across leap years, month ends and past-the-end days */
		static const int years[] = { 1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999 };
		bool agree = true;

		for (size_t yi = 0; yi < sizeof years / sizeof *years; yi++)
			for (int mo = 1; mo <= 12; mo++)
				for (int d = 1; d <= 31; d += 3) {
					char s[40];
					struct tm tm = { .tm_year = years[yi] - 1900, .tm_mon = mo - 1,
							 .tm_mday = d, .tm_hour = 23, .tm_min = 59,
							 .tm_sec = d % 7 ? 59 : 60 };
					time_t want = timegm(&tm), got = 0;

					snprintf(s, sizeof s, "%04d-%02d-%02dT23:59:%02dZ", years[yi], mo,
						 d, d % 7 ? 59 : 60);
					agree = agree && time_parse_rfc3339(s, &got) == 0 && got == want;
				}
		tap_ok(agree, "RFC 3339 fixed form as timegm reads it");
		tap_ok(time_parse_rfc3339("2026-11-26T24:00:00Z", &t) != 0, "hour 24 refused");
		tap_ok(time_parse_rfc3339("2026-13-01T00:00:00Z", &t) != 0, "month 13 refused");
		tap_ok(time_parse_rfc3339("2026-11-26T15:54", &t) != 0, "a cut time refused");
	}
	tap_ok(time_parse_rfc3339("2026-11-26T15:54:45Z", &t) == 0 && t == 1795708485,
	       "RFC 3339 parse");
	tap_ok(time_parse_rfc3339("2026-11-26T16:54:45.123+01:00", &t) == 0 && t == 1795708485,
	       "RFC 3339 with fraction and offset");
	tap_is_int(time_parse_duration_ms("1h30m"), 5400000, "duration 1h30m");
	tap_is_int(time_parse_duration_ms("250ms"), 250, "duration ms");
	tap_is_int(time_parse_duration_ms("10"), 10000, "plain seconds");
	tap_is_int(time_parse_duration_ms("10x"), -1, "bad duration");
}


/* part(r, which): the span as a string, "-" when absent. */
static const char *span(const char *p, size_t n, char *buf, size_t size)
{
	if (!p)
		return "-";
	snprintf(buf, size, "%.*s", (int)n, p);
	return buf;
}

static void split_is(const char *image, const char *host, const char *repo, const char *tag,
		     const char *digest)
{
	struct imgref r;
	char b[4][300], name[400];

	imgref_split(image, &r);
	snprintf(name, sizeof name, "split %s", image);
	tap_is_str(span(r.host_len ? image : NULL, r.host_len, b[0], sizeof b[0]), host, name);
	tap_is_str(span(image, r.name_len, b[1], sizeof b[1]), repo, name);
	tap_is_str(span(r.tag, r.tag_len, b[2], sizeof b[2]), tag, name);
	tap_is_str(r.digest ? r.digest : "-", digest, name);
	(void)b[3];
}

static void test_imgref(void)
{
	static const char d64[] =
		"sha256:3123aaaa0000111122223333444455556666777788889999aaaabbbbcccce67f";
	char img[300], buf[64], *s;
	struct imgref r;
	struct err err = { 0 };

	split_is("nginx", "-", "nginx", "-", "-");
	split_is("nginx:1.25", "-", "nginx", "1.25", "-");
	split_is("127.0.0.1:5000/app", "127.0.0.1:5000", "127.0.0.1:5000/app", "-", "-");
	split_is("127.0.0.1:5000/app:3f2a9c1-12", "127.0.0.1:5000", "127.0.0.1:5000/app",
		 "3f2a9c1-12", "-");
	snprintf(img, sizeof img, "127.0.0.1:5000/team/app:1.2@%s", d64);
	split_is(img, "127.0.0.1:5000", "127.0.0.1:5000/team/app", "1.2", d64);
	snprintf(img, sizeof img, "localhost:5000/app@%s", d64);
	split_is(img, "localhost:5000", "localhost:5000/app", "-", d64);
	split_is("localhost/app", "localhost", "localhost/app", "-", "-");
	split_is("library/nginx:latest", "-", "library/nginx", "latest", "-");
	split_is("[::1]:5000/app:2", "[::1]:5000", "[::1]:5000/app", "2", "-");
	split_is("", "-", "", "-", "-");

	imgref_split(img, &r);
	tap_ok(imgref_check(&r, &err) == 0, "a digest reference checks");
	s = imgref_compose(&r, "9", NULL);
	tap_is_str(s, "localhost:5000/app:9", "compose: a tag instead of the digest");
	free(s);
	imgref_split("127.0.0.1:5000/app:1.2", &r);
	s = imgref_compose(&r, "1.2", d64);
	snprintf(img, sizeof img, "127.0.0.1:5000/app:1.2@%s", d64);
	tap_is_str(s, img, "compose: tag and digest");
	free(s);
	s = imgref_repository(&r);
	tap_is_str(s, "127.0.0.1:5000/app", "the repository keeps the port");
	free(s);

	imgref_split("reg/app@sha256:abc", &r);
	tap_ok(imgref_check(&r, &err) == -1, "a short digest is refused");
	tap_is_str(err.msg, "image 'reg/app@sha256:abc': 'sha256:abc' is not a digest (sha256: "
		   "and 64 hex digits)", "the message names the image and the digest");
	imgref_split("reg/App:1", &r);
	tap_ok(imgref_check(&r, &err) == -1, "uppercase repository refused");
	imgref_split("reg/app:-x", &r);
	tap_ok(imgref_check(&r, &err) == -1, "a tag starting with - refused");
	imgref_split("reg/app:", &r);
	tap_ok(imgref_check(&r, &err) == -1, "an empty tag refused");
	imgref_split("127.0.0.1:5000/", &r);
	tap_ok(imgref_check(&r, &err) == -1, "no repository refused");
	tap_ok(imgref_is_sha256(d64), "sha256 recognised");
	tap_ok(!imgref_is_sha256("sha256:ABC"), "not a sha256");
	tap_is_str(imgref_short_digest(d64, buf, sizeof buf), "sha256:3123…e67f", "short digest");
}

/* ---- the arena's JSON parser against cJSON's own */

/* The same tree: types, keys, strings, numbers, and the head's prev at the
 * last child (cJSON's appending relies on it). */
static bool same_tree(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y, *last_a = NULL, *last_b = NULL;

	if ((a->type & 0xFF) != (b->type & 0xFF) || !a->string != !b->string
	    || (a->string && strcmp(a->string, b->string))
	    || !a->valuestring != !b->valuestring
	    || (a->valuestring && strcmp(a->valuestring, b->valuestring))
	    || a->valueint != b->valueint
	    || memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble))
		return false;
	for (x = a->child, y = b->child; x && y; last_a = x, last_b = y, x = x->next, y = y->next)
		if (!same_tree(x, y))
			return false;
	if (x || y)
		return false;
	return !a->child || (a->child->prev == last_a && b->child->prev == last_b);
}

/* Whether both parsers agree on text[0..len): both refuse, or both give
 * the same tree. cJSON's one quirk (a missing last bracket taken when the
 * one before closes the same kind) may be refused here. */
static bool agree(struct json_arena *a, const char *text, size_t len)
{
	cJSON *want = len ? cJSON_ParseWithLength(text, len) : NULL;
	const cJSON *got = json_arena_parse(a, text, len);
	bool ok = want ? got && same_tree(want, got) : !got;

	if (want && !got && len >= 2 && (text[len - 1] == ']' || text[len - 1] == '}')
	    && text[len - 2] == text[len - 1]) {
		char *more = malloc(len + 1);

		memcpy(more, text, len);
		more[len] = text[len - 1];
		ok = json_arena_parse(a, more, len + 1) != NULL;
		free(more);
	}
	cJSON_Delete(want);
	json_arena_reset(a);
	return ok;
}

static void test_json_arena(void)
{
	static const char *const docs[] = {
		"{}", "[]", " \t\r\n{ \"a\" : [ 1 , 2 ] }  ", "null", "true", "false", "nul", "tru",
		"\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u00e9 \\u20ac\"",
		"\"\\ud83d\\ude00\"", "\"\\ude00\"", "\"\\ud83d\"", "\"\\ud83dx\"", "\"\\uZZZZ tail\"",
		"\"\\q\"", "\"abc", "\"ab\\", "\"\x01\x1f ctl\"", "0", "-0", "1e3", "1.5E-2", "-",
		"12345678901234567890", "-2147483649", "2147483648", "2147483647.5", "1.2.3",
		"[1.2.3]", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{,}", "{\"a\":1,}", "{1:2}",
		"[1 2]", "1 x", "\xEF\xBB\xBF[1]", "\xEF\xBB\xBF", "   ", "[", "{", "[[]", "[[1]",
		"{\"a\":{}", "{\"k\":\"v\",\"k\":\"w\"}", "[null,true,false,\"\",{},[]]",
		"{\"metadata\":{\"name\":\"web-1\",\"labels\":{\"app\":\"web\"}},\"status\":"
		"{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":true,\"restartCount\":3}]}}",
		"[0.1,1e400,-1e400,1e-400,00012,+1,.5,5.]",
	};
	struct json_arena a = { 0 };
	int bad = 0, cut_bad = 0;
	char deep[2100];

	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
		if (!agree(&a, docs[i], strlen(docs[i]))) {
			bad++;
			printf("# differs from cJSON: %s\n", docs[i]);
		}
	tap_ok(!bad, "the arena's parser reads every document as cJSON does");
	/* nesting: 1000 levels are read, 1001 refused, as cJSON's limit */
	for (int depth = 999; depth <= 1001; depth++) {
		memset(deep, '[', (size_t)depth);
		memset(deep + depth, ']', (size_t)depth);
		if (!agree(&a, deep, (size_t)depth * 2))
			bad++;
	}
	tap_ok(!bad, "nesting limit as cJSON's");
	/* every prefix and every one-byte change of a pod */
	for (size_t d = sizeof docs / sizeof *docs - 2; d < sizeof docs / sizeof *docs; d++) {
		size_t len = strlen(docs[d]);
		char *copy = malloc(len);

		for (size_t cut = 0; cut <= len; cut++)
			cut_bad += !agree(&a, docs[d], cut);
		for (size_t at = 0; at < len; at++)
			for (const char *c = "\"\\{}[]:,0 a"; *c; c++) {
				memcpy(copy, docs[d], len);
				copy[at] = *c;
				cut_bad += !agree(&a, copy, len);
			}
		free(copy);
	}
	if (cut_bad)
		printf("# %d cuts or changes differ\n", cut_bad);
	tap_ok(!cut_bad, "every cut and one-byte change read as cJSON does");
	json_arena_free(&a);
}

/* The pool: one copy per distinct string, counted; dropping half of many
 * (gaps in the probe runs) must leave every other one findable. */
static void test_intern(void)
{
	enum { N = 3000 };
	static const char *held[N];
	char s[32];
	size_t before = intern_count();
	const char *a = intern("default"), *b = intern_n("default-ns", 7);
	bool same = true, found = true;

	tap_ok(a == b, "equal strings give one copy");
	tap_ok(intern_peek("default") == a && !intern_peek("nobody-has-this"),
	       "peek finds a held copy only");
	tap_is_str(b, "default", "intern_n takes n bytes");
	tap_ok(intern(NULL) == NULL && intern_ref(NULL) == NULL, "NULL gives NULL");
	intern_drop(a);
	tap_is_str(b, "default", "a copy lives while a reference does");
	intern_drop(b);
	intern_drop(NULL);
	tap_is_int((int)intern_count(), (int)before, "the last drop frees it");
	for (int i = 0; i < N; i++) {
		snprintf(s, sizeof s, "node-%d", i);
		held[i] = intern(s);
	}
	tap_is_int((int)(intern_count() - before), N, "distinct strings each held once");
	for (int i = 0; i < N; i += 2)
		intern_drop(held[i]);
	for (int i = 1; i < N; i += 2) {
		const char *again;

		snprintf(s, sizeof s, "node-%d", i);
		again = intern(s);
		same = same && again == held[i];
		found = found && !strcmp(again, s);
		intern_drop(again);
	}
	tap_ok(same && found, "every kept string found again after half were dropped");
	for (int i = 1; i < N; i += 2)
		intern_drop(held[i]);
	tap_is_int((int)intern_count(), (int)before, "all dropped, none left");
}

/* the search's case rule, as less and vim's smartcase have it */
static void test_smartcase(void)
{
	tap_ok(text_smartcase("error 42"), "all lower case: any case matches");
	tap_ok(!text_smartcase("Error"), "a capital: case matters");
	tap_ok(text_find("E: ERROR at 3", "error", text_smartcase("error")) != NULL,
	       "lower case finds upper case");
	tap_ok(!text_find("E: ERROR at 3", "Error", text_smartcase("Error")), "a capital does not");
	tap_is_str(text_find("a Error b", "Error", text_smartcase("Error")), "Error b",
		   "and finds its own spelling");
}

int main(void)
{
	test_intern();
	test_ydoc();
	test_sanitize();
	test_time();
	test_smartcase();
	test_duration_next();
	test_imgref();
	test_json_arena();
	return tap_done();
}
