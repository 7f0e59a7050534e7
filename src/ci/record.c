#include "ci/record.h"

#include <stdlib.h>
#include <string.h>

#include "util/jsonout.h"
#include "util/xalloc.h"

cJSON *ci_record_to_json(const struct ci_build *b)
{
	cJSON *o = cJSON_CreateObject(), *steps = cJSON_CreateArray(), *owner;

	cJSON_AddNumberToObject(o, "number", b->number);
	json_add_str(o, "status", ci_status_name(b->status));
	json_add_str(o, "commit", b->commit);
	json_add_str(o, "subject", b->subject);
	json_add_str(o, "branch", b->branch);
	json_add_str(o, "event", b->event);
	json_add_str(o, "trigger", b->trigger);
	json_add_str(o, "user", b->user);
	cJSON_AddBoolToObject(o, "tests_only", b->tests_only);
	cJSON_AddBoolToObject(o, "in_place", b->in_place);
	json_add_str(o, "image_tag", b->image_tag);
	json_add_str(o, "runtime", b->runtime);
	cJSON_AddBoolToObject(o, "has_docker", b->has_docker);
	json_add_str(o, "pipeline_file", b->pipeline_file);
	json_add_str(o, "work_dir", b->work_dir);
	json_add_str(o, "message", b->message);
	cJSON_AddNumberToObject(o, "created_ms", (double)b->created_ms);
	cJSON_AddNumberToObject(o, "started_ms", (double)b->started_ms);
	cJSON_AddNumberToObject(o, "finished_ms", (double)b->finished_ms);
	cJSON_AddNumberToObject(o, "duration_ms",
				(double)ci_span_ms(b->started_ms, b->finished_ms));
	owner = cJSON_AddObjectToObject(o, "owner");
	cJSON_AddNumberToObject(owner, "pid", b->owner_pid);
	cJSON_AddNumberToObject(owner, "start", (double)b->owner_start);
	json_add_str(owner, "boot", b->owner_boot);
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct ci_step *s = &b->steps[i];
		cJSON *j = cJSON_CreateObject(), *deps = cJSON_CreateArray();

		json_add_str(j, "key", s->key);
		json_add_str(j, "name", s->name);
		json_add_str(j, "pipeline", s->pipeline);
		json_add_str(j, "image", s->image);
		json_add_str(j, "status", ci_status_name(s->status));
		if (s->exit_code >= 0)
			cJSON_AddNumberToObject(j, "exit_code", s->exit_code);
		else
			cJSON_AddNullToObject(j, "exit_code");
		cJSON_AddNumberToObject(j, "signal", s->signal);
		cJSON_AddNumberToObject(j, "started_ms", (double)s->started_ms);
		cJSON_AddNumberToObject(j, "finished_ms", (double)s->finished_ms);
		cJSON_AddNumberToObject(j, "duration_ms",
					(double)ci_span_ms(s->started_ms, s->finished_ms));
		cJSON_AddBoolToObject(j, "ignore_failure", s->ignore_failure);
		cJSON_AddBoolToObject(j, "test", s->is_test);
		json_add_str(j, "message", s->message);
		cJSON_AddNumberToObject(j, "lines", (double)s->lines);
		cJSON_AddNumberToObject(j, "pgid", s->pgid);
		cJSON_AddNumberToObject(j, "pg_start", (double)s->pg_start);
		for (size_t k = 0; k < s->ndeps; k++)
			cJSON_AddItemToArray(deps, cJSON_CreateString(s->depends_on[k]));
		cJSON_AddItemToObject(j, "depends_on", deps);
		cJSON_AddItemToArray(steps, j);
	}
	cJSON_AddItemToObject(o, "steps", steps);
	return o;
}

/* Readers that leave the default when a field is absent or null and fail on
 * a wrong type. */
static int get_str(const cJSON *o, const char *key, char **out, const char *name,
		   struct err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return err_set(err, "%s: %s: expected a string", name, key);
	*out = xstrdup(v->valuestring);
	return 0;
}

static int get_num(const cJSON *o, const char *key, double *out, const char *name,
		   struct err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return err_set(err, "%s: %s: expected a number", name, key);
	*out = v->valuedouble;
	return 0;
}

static int get_bool(const cJSON *o, const char *key, bool *out, const char *name,
		    struct err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return err_set(err, "%s: %s: expected true or false", name, key);
	*out = cJSON_IsTrue(v);
	return 0;
}

static int get_status(const cJSON *o, enum ci_status *out, const char *name, struct err *err)
{
	char *s = NULL;
	int st;

	if (get_str(o, "status", &s, name, err))
		return -1;
	st = ci_status_parse(s);
	free(s);
	if (st < 0)
		return err_set(err, "%s: status: unknown", name);
	*out = (enum ci_status)st;
	return 0;
}

static int read_step(const cJSON *j, struct ci_step *s, const char *name, struct err *err)
{
	const cJSON *deps = cJSON_GetObjectItemCaseSensitive(j, "depends_on"), *d;
	double num;

	s->exit_code = -1;
	if (!cJSON_IsObject(j))
		return err_set(err, "%s: steps: expected objects", name);
	if (get_str(j, "key", &s->key, name, err) || get_str(j, "name", &s->name, name, err)
	    || get_str(j, "pipeline", &s->pipeline, name, err)
	    || get_str(j, "image", &s->image, name, err)
	    || get_str(j, "message", &s->message, name, err)
	    || get_status(j, &s->status, name, err)
	    || get_bool(j, "ignore_failure", &s->ignore_failure, name, err)
	    || get_bool(j, "test", &s->is_test, name, err))
		return -1;
	if (!s->key)
		return err_set(err, "%s: a step without a key", name);
	if (!s->name)
		s->name = xstrdup(s->key);
	num = -1;
	if (get_num(j, "exit_code", &num, name, err))
		return -1;
	s->exit_code = (int)num;
	num = 0;
	if (get_num(j, "signal", &num, name, err))
		return -1;
	s->signal = (int)num;
	num = 0;
	if (get_num(j, "started_ms", &num, name, err))
		return -1;
	s->started_ms = (int64_t)num;
	num = 0;
	if (get_num(j, "finished_ms", &num, name, err))
		return -1;
	s->finished_ms = (int64_t)num;
	num = 0;
	if (get_num(j, "lines", &num, name, err))
		return -1;
	s->lines = (uint64_t)num;
	num = 0;
	if (get_num(j, "pgid", &num, name, err))
		return -1;
	s->pgid = (int)num;
	num = 0;
	if (get_num(j, "pg_start", &num, name, err))
		return -1;
	s->pg_start = (uint64_t)num;
	if (cJSON_IsArray(deps)) {
		s->depends_on = xcalloc((size_t)cJSON_GetArraySize(deps) + 1,
					sizeof *s->depends_on);
		cJSON_ArrayForEach(d, deps)
			if (cJSON_IsString(d))
				s->depends_on[s->ndeps++] = xstrdup(d->valuestring);
	}
	return 0;
}

struct ci_build *ci_record_from_json(const cJSON *j, const char *name, struct err *err)
{
	struct ci_build *b = xcalloc(1, sizeof *b);
	const cJSON *steps, *owner, *s;
	double num = 0;

	if (!cJSON_IsObject(j)) {
		err_set(err, "%s: expected a JSON object", name);
		goto fail;
	}
	if (get_num(j, "number", &num, name, err))
		goto fail;
	b->number = (int)num;
	if (get_status(j, &b->status, name, err) || get_str(j, "commit", &b->commit, name, err)
	    || get_str(j, "subject", &b->subject, name, err)
	    || get_str(j, "branch", &b->branch, name, err)
	    || get_str(j, "event", &b->event, name, err)
	    || get_str(j, "trigger", &b->trigger, name, err)
	    || get_str(j, "user", &b->user, name, err)
	    || get_str(j, "image_tag", &b->image_tag, name, err)
	    || get_str(j, "runtime", &b->runtime, name, err)
	    || get_str(j, "pipeline_file", &b->pipeline_file, name, err)
	    || get_str(j, "work_dir", &b->work_dir, name, err)
	    || get_str(j, "message", &b->message, name, err)
	    || get_bool(j, "tests_only", &b->tests_only, name, err)
	    || get_bool(j, "in_place", &b->in_place, name, err)
	    || get_bool(j, "has_docker", &b->has_docker, name, err))
		goto fail;
	num = 0;
	if (get_num(j, "created_ms", &num, name, err))
		goto fail;
	b->created_ms = (int64_t)num;
	num = 0;
	if (get_num(j, "started_ms", &num, name, err))
		goto fail;
	b->started_ms = (int64_t)num;
	num = 0;
	if (get_num(j, "finished_ms", &num, name, err))
		goto fail;
	b->finished_ms = (int64_t)num;
	owner = cJSON_GetObjectItemCaseSensitive(j, "owner");
	if (cJSON_IsObject(owner)) {
		num = 0;
		if (get_num(owner, "pid", &num, name, err))
			goto fail;
		b->owner_pid = (int)num;
		num = 0;
		if (get_num(owner, "start", &num, name, err))
			goto fail;
		b->owner_start = (uint64_t)num;
		if (get_str(owner, "boot", &b->owner_boot, name, err))
			goto fail;
	}
	steps = cJSON_GetObjectItemCaseSensitive(j, "steps");
	if (cJSON_IsArray(steps)) {
		b->steps = xcalloc((size_t)cJSON_GetArraySize(steps) + 1, sizeof *b->steps);
		cJSON_ArrayForEach(s, steps) {
			if (read_step(s, &b->steps[b->nsteps++], name, err))
				goto fail;
		}
	}
	return b;
fail:
	ci_build_free(b);
	return NULL;
}
