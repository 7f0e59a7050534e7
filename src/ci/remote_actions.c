/* GitHub's (and Gitea's) Actions answers: workflow runs and their jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/remote_api.h"
#include "ci/remote_parse.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

const char *rjson_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double rjson_num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Out of range (or not a whole number) is 0: a cast of such a double is
 * undefined, and no id, number or time is that big. */
int64_t rjson_i64(const cJSON *o, const char *name)
{
	double d = rjson_num(o, name);

	return d >= -9007199254740992.0 && d <= 9007199254740992.0 ? (int64_t)d : 0;
}

int rjson_int(const cJSON *o, const char *name)
{
	double d = rjson_num(o, name);

	return d >= -2147483648.0 && d <= 2147483647.0 ? (int)d : 0;
}

int64_t rjson_time_ms(const cJSON *o, const char *name)
{
	const char *s = rjson_str(o, name);
	time_t t;

	if (!s || time_parse_rfc3339(s, &t) || t < 365 * 86400)
		return 0;
	return (int64_t)t * 1000;
}

char *rjson_first_line(const char *s)
{
	return s ? xstrndup(s, strcspn(s, "\r\n")) : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct ci_step *remote_add_step(struct ci_build *b, const char *key, const char *name,
				const char *pipeline, const char *depends_on)
{
	struct ci_step *s;

	b->steps = xrealloc(b->steps, (b->nsteps + 1) * sizeof *b->steps);
	s = &b->steps[b->nsteps++];
	memset(s, 0, sizeof *s);
	s->key = xstrdup(key);
	s->name = xstrdup(name ? name : key);
	s->pipeline = dup_or_null(pipeline);
	s->exit_code = -1;
	if (depends_on) {
		s->depends_on = xcalloc(1, sizeof *s->depends_on);
		s->depends_on[0] = xstrdup(depends_on);
		s->ndeps = 1;
	}
	return s;
}

void remote_take_steps(struct ci_build *b, struct ci_build *from)
{
	struct ci_build *old = xcalloc(1, sizeof *old);

	old->steps = b->steps;
	old->nsteps = b->nsteps;
	ci_build_free(old);
	b->steps = from->steps;
	b->nsteps = from->nsteps;
	from->steps = NULL;
	from->nsteps = 0;
}

static struct ci_build *run_of(const cJSON *r)
{
	struct ci_build *b = xcalloc(1, sizeof *b);
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(r, "triggering_actor");
	const cJSON *head = cJSON_GetObjectItemCaseSensitive(r, "head_commit");
	const char *title = rjson_str(r, "display_title");

	if (!cJSON_IsObject(actor))
		actor = cJSON_GetObjectItemCaseSensitive(r, "actor");
	b->remote_id = rjson_i64(r, "id");
	b->number = rjson_int(r, "run_number");
	b->status = remote_actions_status(rjson_str(r, "status"), rjson_str(r, "conclusion"));
	b->commit = dup_or_null(rjson_str(r, "head_sha"));
	b->subject = rjson_first_line(title ? title : cJSON_IsObject(head)
				      ? rjson_str(head, "message") : rjson_str(r, "name"));
	b->branch = xstrdup(rjson_str(r, "head_branch") ? rjson_str(r, "head_branch") : "");
	b->event = dup_or_null(rjson_str(r, "event"));
	b->trigger = dup_or_null(rjson_str(r, "event"));
	b->user = cJSON_IsObject(actor) ? dup_or_null(rjson_str(actor, "login")) : NULL;
	b->pipeline_file = dup_or_null(rjson_str(r, "path"));
	b->html_url = dup_or_null(rjson_str(r, "html_url"));
	b->created_ms = rjson_time_ms(r, "created_at");
	/* GitHub: run_started_at, and updated_at once completed; Gitea adds
	 * started_at and completed_at */
	b->started_ms = rjson_time_ms(r, "run_started_at");
	if (!b->started_ms)
		b->started_ms = rjson_time_ms(r, "started_at");
	if (ci_status_done(b->status)) {
		b->finished_ms = rjson_time_ms(r, "completed_at");
		if (!b->finished_ms)
			b->finished_ms = rjson_time_ms(r, "updated_at");
	}
	/* queued, nothing started: no duration to show */
	if (b->status == CI_PENDING)
		b->started_ms = b->finished_ms = 0;
	return b;
}

static int parse_doc(const char *body, size_t len, cJSON **doc, const char *what,
		     struct err *err)
{
	*doc = cJSON_ParseWithLength(body, len);
	if (!*doc || !cJSON_IsObject(*doc)) {
		cJSON_Delete(*doc);
		*doc = NULL;
		return err_set(err, "%s: the answer is not a JSON object", what);
	}
	return 0;
}

int remote_actions_parse_runs(const char *body, size_t len, struct ci_build ***out, size_t *n,
			      struct err *err)
{
	cJSON *doc, *runs, *r;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (parse_doc(body, len, &doc, "workflow runs", err))
		return -1;
	runs = cJSON_GetObjectItemCaseSensitive(doc, "workflow_runs");
	if (!cJSON_IsArray(runs)) {
		cJSON_Delete(doc);
		return err_set(err, "workflow runs: no \"workflow_runs\" array in the answer");
	}
	*out = xcalloc((size_t)cJSON_GetArraySize(runs) + 1, sizeof **out);
	cJSON_ArrayForEach(r, runs) {
		if (!cJSON_IsObject(r) || !rjson_num(r, "id"))
			continue;
		(*out)[k++] = run_of(r);
	}
	*n = k;
	cJSON_Delete(doc);
	return 0;
}

static void step_times(struct ci_step *s, const cJSON *o)
{
	s->started_ms = rjson_time_ms(o, "started_at");
	s->finished_ms = ci_status_done(s->status) ? rjson_time_ms(o, "completed_at") : 0;
	if (s->status == CI_PENDING)
		s->started_ms = 0;
}

int remote_actions_parse_jobs(const char *body, size_t len, struct ci_build *b, struct err *err)
{
	cJSON *doc, *jobs, *j;
	struct ci_build tmp = { 0 };

	if (parse_doc(body, len, &doc, "run jobs", err))
		return -1;
	jobs = cJSON_GetObjectItemCaseSensitive(doc, "jobs");
	if (!cJSON_IsArray(jobs)) {
		cJSON_Delete(doc);
		return err_set(err, "run jobs: no \"jobs\" array in the answer");
	}
	cJSON_ArrayForEach(j, jobs) {
		const cJSON *steps = cJSON_GetObjectItemCaseSensitive(j, "steps"), *st;
		int64_t id = rjson_i64(j, "id");
		char key[48];
		struct ci_step *s;

		if (!cJSON_IsObject(j) || !id)
			continue;
		snprintf(key, sizeof key, "job-%lld", (long long)id);
		s = remote_add_step(&tmp, key, rjson_str(j, "name"), rjson_str(j, "name"), NULL);
		s->status = remote_actions_status(rjson_str(j, "status"),
						  rjson_str(j, "conclusion"));
		s->remote_job = id;
		step_times(s, j);
		cJSON_ArrayForEach(st, steps) {
			char skey[80];
			struct ci_step *t;
			int num = rjson_int(st, "number");

			if (!cJSON_IsObject(st))
				continue;
			snprintf(skey, sizeof skey, "%s/%d", key, num);
			t = remote_add_step(&tmp, skey, rjson_str(st, "name"), rjson_str(j, "name"),
					    key);
			t->status = remote_actions_status(rjson_str(st, "status"),
							  rjson_str(st, "conclusion"));
			t->remote_job = id;
			t->remote_step = num;
			step_times(t, st);
		}
	}
	cJSON_Delete(doc);
	remote_take_steps(b, &tmp);
	return 0;
}
