/* Drone's answers: builds (number, status, event, after, message, source and
 * target branch, unix-second times), a build's stages and steps, a step's
 * log lines ([{"pos","out","time"}]). Shapes from docs.drone.io/api. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/remote_api.h"
#include "ci/remote_parse.h"
#include "util/xalloc.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int64_t secs_ms(const cJSON *o, const char *name)
{
	int64_t s = rjson_i64(o, name);

	/* seconds up to year ~2^40: the product stays in range */
	return s > 0 && s < ((int64_t)1 << 40) ? s * 1000 : 0;
}

static void fill_build(struct ci_build *b, const cJSON *o)
{
	const char *target = rjson_str(o, "target"), *source = rjson_str(o, "source");

	b->number = rjson_int(o, "number");
	b->remote_id = b->number;
	b->status = remote_drone_status(rjson_str(o, "status"));
	free(b->commit);
	b->commit = dup_or_null(rjson_str(o, "after"));
	free(b->subject);
	b->subject = rjson_first_line(rjson_str(o, "message"));
	free(b->branch);
	/* a promotion's target is the environment; its branch is the source */
	b->branch = xstrdup(source ? source : target ? target : "");
	free(b->event);
	b->event = dup_or_null(rjson_str(o, "event"));
	free(b->trigger);
	b->trigger = rjson_str(o, "deploy_to") && *rjson_str(o, "deploy_to")
		? xasprintf("%s→%s", rjson_str(o, "event"), rjson_str(o, "deploy_to"))
		: dup_or_null(rjson_str(o, "event"));
	free(b->user);
	b->user = dup_or_null(rjson_str(o, "sender") ? rjson_str(o, "sender")
			      : rjson_str(o, "author_login"));
	b->created_ms = secs_ms(o, "created");
	b->started_ms = secs_ms(o, "started");
	b->finished_ms = ci_status_done(b->status) ? secs_ms(o, "finished") : 0;
}

int remote_drone_parse_builds(const char *body, size_t len, struct ci_build ***out, size_t *n,
			      struct err *err)
{
	cJSON *doc = cJSON_ParseWithLength(body, len), *o;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		return err_set(err, "drone builds: the answer is not a JSON array");
	}
	*out = xcalloc((size_t)cJSON_GetArraySize(doc) + 1, sizeof **out);
	cJSON_ArrayForEach(o, doc) {
		if (!cJSON_IsObject(o) || !rjson_num(o, "number"))
			continue;
		(*out)[k] = xcalloc(1, sizeof ***out);
		fill_build((*out)[k++], o);
	}
	*n = k;
	cJSON_Delete(doc);
	return 0;
}

int remote_drone_parse_build(const char *body, size_t len, struct ci_build *b, struct err *err)
{
	cJSON *doc = cJSON_ParseWithLength(body, len), *stages, *st;
	struct ci_build tmp = { 0 };

	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return err_set(err, "drone build: the answer is not a JSON object");
	}
	fill_build(b, doc);
	stages = cJSON_GetObjectItemCaseSensitive(doc, "stages");
	cJSON_ArrayForEach(st, stages) {
		const cJSON *steps = cJSON_GetObjectItemCaseSensitive(st, "steps"), *sp;
		int num = rjson_int(st, "number");
		char key[48];
		struct ci_step *s;

		if (!cJSON_IsObject(st))
			continue;
		snprintf(key, sizeof key, "stage-%d", num);
		s = remote_add_step(&tmp, key, rjson_str(st, "name"), rjson_str(st, "name"), NULL);
		s->status = remote_drone_status(rjson_str(st, "status"));
		s->remote_job = num;
		s->started_ms = secs_ms(st, "started");
		s->finished_ms = ci_status_done(s->status) ? secs_ms(st, "stopped") : 0;
		cJSON_ArrayForEach(sp, steps) {
			char skey[80];
			struct ci_step *t;
			int snum = rjson_int(sp, "number");

			if (!cJSON_IsObject(sp))
				continue;
			snprintf(skey, sizeof skey, "%s/%d", key, snum);
			t = remote_add_step(&tmp, skey, rjson_str(sp, "name"),
					    rjson_str(st, "name"), key);
			t->status = remote_drone_status(rjson_str(sp, "status"));
			t->remote_job = num;
			t->remote_step = snum;
			t->started_ms = secs_ms(sp, "started");
			t->finished_ms = ci_status_done(t->status) ? secs_ms(sp, "stopped") : 0;
			if (t->status == CI_PASSED || t->status == CI_FAILED)
				t->exit_code = rjson_int(sp, "exit_code");
			t->image = dup_or_null(rjson_str(sp, "image"));
		}
	}
	cJSON_Delete(doc);
	remote_take_steps(b, &tmp);
	return 0;
}

int remote_drone_parse_log(const char *body, size_t len, struct strbuf *out, struct err *err)
{
	cJSON *doc = cJSON_ParseWithLength(body, len), *line;

	if (!cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		return err_set(err, "drone log: the answer is not a JSON array of lines");
	}
	cJSON_ArrayForEach(line, doc) {
		const char *text = rjson_str(line, "out");

		if (text)
			sb_puts(out, text);
	}
	cJSON_Delete(doc);
	return 0;
}
