#include "chaos/journal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/xalloc.h"

enum { VALUE_MAX = 160 };

void chaos_journal_free(struct chaos_journal *j)
{
	cJSON_Delete(j->root);
	free(j->status);
	free(j->start);
	free(j->end);
	for (size_t i = 0; i < j->nlines; i++)
		free(j->lines[i]);
	free(j->lines);
	memset(j, 0, sizeof *j);
}

static void add(struct chaos_journal *j, const char *fmt,
		...) __attribute__((format(printf, 2, 3)));

static void add(struct chaos_journal *j, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	j->lines = xrealloc(j->lines, (j->nlines + 1) * sizeof *j->lines);
	j->lines[j->nlines++] = line;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A value as short JSON text (caller frees). */
static char *value_text(const cJSON *v)
{
	char *s;

	if (!v)
		return xstrdup("(none)");
	s = cJSON_PrintUnformatted(v);
	if (!s)
		return xstrdup("?");
	if (strlen(s) > VALUE_MAX) {
		memcpy(s + VALUE_MAX - 3, "...", 4);
	}
	return s;
}

/* The last line of an activity's exception: Python's own reason. */
static char *exception_text(const cJSON *run)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(run, "exception");
	const cJSON *last = cJSON_IsArray(e) ? cJSON_GetArrayItem(e, cJSON_GetArraySize(e) - 1)
		: NULL;
	char *s, *nl;

	if (!cJSON_IsString(last))
		return NULL;
	s = xstrdup(last->valuestring);
	while ((nl = strrchr(s, '\n')) && !nl[1])
		*nl = '\0';
	if ((nl = strrchr(s, '\n')))
		memmove(s, nl + 1, strlen(nl + 1) + 1);
	return s;
}

static void hypothesis(struct chaos_journal *j, const cJSON *ss, const char *when)
{
	const cJSON *met = cJSON_GetObjectItemCaseSensitive(ss, "steady_state_met");
	const cJSON *p;

	if (!ss || cJSON_IsNull(ss)) {
		add(j, "hypothesis %s: not checked", when);
		return;
	}
	add(j, "hypothesis %s: %s", when, cJSON_IsTrue(met) ? "met" : "NOT met");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(ss, "probes")) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(p, "activity");
		char *out = value_text(cJSON_GetObjectItemCaseSensitive(p, "output"));
		char *tol = value_text(cJSON_GetObjectItemCaseSensitive(act, "tolerance"));
		const cJSON *tm = cJSON_GetObjectItemCaseSensitive(p, "tolerance_met");
		char *ex = exception_text(p);

		add(j, "  %s probe %s: %s (tolerance %s) %s%s%s", cJSON_IsTrue(tm) ? "✓" : "✗",
		    str(act, "name") ? str(act, "name") : "?", ex ? "failed" : out, tol,
		    cJSON_IsTrue(tm) ? "met" : "not met", ex ? ": " : "", ex ? ex : "");
		free(out);
		free(tol);
		free(ex);
	}
}

static void activities(struct chaos_journal *j, const cJSON *list, const char *what)
{
	const cJSON *r;

	if (!cJSON_GetArraySize(list)) {
		add(j, "%s: none run", what);
		return;
	}
	add(j, "%s:", what);
	cJSON_ArrayForEach(r, list) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "activity");
		const char *status = str(r, "status");
		char *out = value_text(cJSON_GetObjectItemCaseSensitive(r, "output"));
		char *ex = exception_text(r);
		bool ok = status && !strcmp(status, "succeeded");

		add(j, "  %s %s %s: %s%s%s", ok ? "✓" : "✗",
		    str(act, "type") ? str(act, "type") : "?",
		    str(act, "name") ? str(act, "name") : "?", status ? status : "?",
		    ok ? " → " : ex ? ": " : "", ok ? out : ex ? ex : "");
		free(out);
		free(ex);
	}
}

int chaos_journal_parse(struct chaos_journal *j, const char *name, const char *data,
			size_t len, struct err *err)
{
	const cJSON *ss, *st;

	memset(j, 0, sizeof *j);
	j->root = cJSON_ParseWithLength(data, len);
	if (!cJSON_IsObject(j->root)) {
		chaos_journal_free(j);
		return err_set(err, "%s: not a Chaos Toolkit journal (not a JSON object)", name);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(j->root, "experiment");
	st = cJSON_GetObjectItemCaseSensitive(j->root, "status");
	if (!cJSON_IsString(st)) {
		chaos_journal_free(j);
		return err_set(err, "%s: the journal has no status", name);
	}
	j->deviated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j->root, "deviated"));
	/* as chaos itself reports it: a deviation outranks the run's own status */
	j->status = xstrdup(j->deviated ? "deviated" : st->valuestring);
	j->start = str(j->root, "start") ? xstrdup(str(j->root, "start")) : NULL;
	j->end = str(j->root, "end") ? xstrdup(str(j->root, "end")) : NULL;
	ss = cJSON_GetObjectItemCaseSensitive(j->root, "steady_states");
	hypothesis(j, cJSON_GetObjectItemCaseSensitive(ss, "before"), "before");
	activities(j, cJSON_GetObjectItemCaseSensitive(j->root, "run"), "method");
	hypothesis(j, cJSON_GetObjectItemCaseSensitive(ss, "after"), "after");
	activities(j, cJSON_GetObjectItemCaseSensitive(j->root, "rollbacks"), "rollbacks");
	add(j, "status: %s (deviated: %s)", j->status, j->deviated ? "yes" : "no");
	return 0;
}

int chaos_journal_load(struct chaos_journal *j, const char *path, struct err *err)
{
	size_t len;
	char *data = file_read_all(path, &len, err);
	int rc;

	memset(j, 0, sizeof *j);
	if (!data)
		return -1;
	rc = chaos_journal_parse(j, path, data, len, err);
	free(data);
	return rc;
}
