#include "store/ci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const status_names[CI_STATUS_COUNT] = {
	[CI_PENDING] = "pending", [CI_RUNNING] = "running", [CI_PASSED] = "passed",
	[CI_FAILED] = "failed", [CI_SKIPPED] = "skipped", [CI_CANCELLED] = "cancelled",
	[CI_INTERRUPTED] = "interrupted", [CI_ERROR] = "error",
};

const char *ci_status_name(enum ci_status s)
{
	return s < CI_STATUS_COUNT ? status_names[s] : "unknown";
}

int ci_status_parse(const char *s)
{
	for (int i = 0; s && i < CI_STATUS_COUNT; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

bool ci_status_done(enum ci_status s)
{
	return s != CI_PENDING && s != CI_RUNNING;
}

int64_t ci_span_ms(int64_t start_ms, int64_t end_ms)
{
	return start_ms && end_ms >= start_ms ? end_ms - start_ms : 0;
}

char *ci_duration_format(int64_t ms, char *buf, size_t size)
{
	if (ms < 0)
		ms = 0;
	if (ms < 10000)
		snprintf(buf, size, "%.1fs", (double)ms / 1000);
	else if (ms < 60000)
		snprintf(buf, size, "%llds", (long long)(ms / 1000));
	else if (ms < 3600000)
		snprintf(buf, size, "%lldm%02llds", (long long)(ms / 60000),
			 (long long)(ms / 1000 % 60));
	else
		snprintf(buf, size, "%lldh%02lldm", (long long)(ms / 3600000),
			 (long long)(ms / 60000 % 60));
	return buf;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct ci_build *ci_build_dup(const struct ci_build *b)
{
	struct ci_build *d = xmalloc(sizeof *d);

	*d = *b;
	d->commit = dup_or_null(b->commit);
	d->subject = dup_or_null(b->subject);
	d->branch = dup_or_null(b->branch);
	d->event = dup_or_null(b->event);
	d->trigger = dup_or_null(b->trigger);
	d->user = dup_or_null(b->user);
	d->image_tag = dup_or_null(b->image_tag);
	d->runtime = dup_or_null(b->runtime);
	d->pipeline_file = dup_or_null(b->pipeline_file);
	d->work_dir = dup_or_null(b->work_dir);
	d->message = dup_or_null(b->message);
	d->owner_boot = dup_or_null(b->owner_boot);
	d->html_url = dup_or_null(b->html_url);
	d->steps = b->nsteps ? xcalloc(b->nsteps, sizeof *d->steps) : NULL;
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct ci_step *s = &b->steps[i];
		struct ci_step *t = &d->steps[i];

		*t = *s;
		t->key = dup_or_null(s->key);
		t->name = dup_or_null(s->name);
		t->pipeline = dup_or_null(s->pipeline);
		t->image = dup_or_null(s->image);
		t->message = dup_or_null(s->message);
		t->depends_on = s->ndeps ? xcalloc(s->ndeps, sizeof *t->depends_on) : NULL;
		for (size_t k = 0; k < s->ndeps; k++)
			t->depends_on[k] = xstrdup(s->depends_on[k]);
	}
	return d;
}

void ci_build_free(struct ci_build *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nsteps; i++) {
		struct ci_step *s = &b->steps[i];

		free(s->key);
		free(s->name);
		free(s->pipeline);
		free(s->image);
		free(s->message);
		for (size_t k = 0; k < s->ndeps; k++)
			free(s->depends_on[k]);
		free(s->depends_on);
	}
	free(b->steps);
	free(b->commit);
	free(b->subject);
	free(b->branch);
	free(b->event);
	free(b->trigger);
	free(b->user);
	free(b->image_tag);
	free(b->runtime);
	free(b->pipeline_file);
	free(b->work_dir);
	free(b->message);
	free(b->owner_boot);
	free(b->html_url);
	free(b);
}

const struct ci_step *ci_build_step(const struct ci_build *b, const char *key)
{
	for (size_t i = 0; b && key && i < b->nsteps; i++)
		if (!strcmp(b->steps[i].key, key))
			return &b->steps[i];
	return NULL;
}

void store_ci_init(struct store_ci *ci)
{
	memset(ci, 0, sizeof *ci);
}

static void remote_clear(struct store_ci_remote *r)
{
	free(r->backend);
	free(r->error);
	free(r->notice);
	for (size_t i = 0; i < r->nruns; i++)
		ci_build_free(r->runs[i]);
	free(r->runs);
	memset(r, 0, sizeof *r);
}

void store_ci_free(struct store_ci *ci)
{
	free(ci->repo_path);
	free(ci->branch);
	free(ci->head_sha);
	free(ci->pipeline_file);
	free(ci->pipeline_error);
	free(ci->pipeline_notices);
	for (size_t i = 0; i < ci->nbuilds; i++)
		ci_build_free(ci->builds[i]);
	free(ci->builds);
	remote_clear(&ci->remote);
	memset(ci, 0, sizeof *ci);
}

const struct ci_build *store_ci_remote_run(const struct store_ci *ci, int64_t remote_id)
{
	for (size_t i = 0; i < ci->remote.nruns; i++)
		if (ci->remote.runs[i]->remote_id == remote_id)
			return ci->remote.runs[i];
	return NULL;
}

/* A new list keeps the steps a run's detail brought, until its next detail:
 * the list itself has none (Actions lists runs without their jobs). */
static void remote_set_runs(struct store_ci_remote *r, struct ci_build **runs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; !runs[i]->nsteps && k < r->nruns; k++) {
			struct ci_build *old = r->runs[k];

			if (old && old->remote_id == runs[i]->remote_id && old->nsteps) {
				runs[i]->steps = old->steps;
				runs[i]->nsteps = old->nsteps;
				old->steps = NULL;
				old->nsteps = 0;
			}
		}
	}
	for (size_t i = 0; i < r->nruns; i++)
		ci_build_free(r->runs[i]);
	free(r->runs);
	r->runs = runs;
	r->nruns = n;
}

static bool remote_put_run(struct store_ci_remote *r, struct ci_build *b)
{
	for (size_t i = 0; i < r->nruns; i++) {
		if (r->runs[i]->remote_id == b->remote_id) {
			ci_build_free(r->runs[i]);
			r->runs[i] = b;
			return true;
		}
	}
	ci_build_free(b);
	return false;
}

const struct ci_build *store_ci_build(const struct store_ci *ci, int number)
{
	for (size_t i = 0; i < ci->nbuilds; i++)
		if (ci->builds[i]->number == number)
			return ci->builds[i];
	return NULL;
}

/* Keeps builds ordered newest first; a build already known is replaced. */
static void put_build(struct store_ci *ci, struct ci_build *b)
{
	size_t i;

	for (i = 0; i < ci->nbuilds; i++) {
		if (ci->builds[i]->number == b->number) {
			ci_build_free(ci->builds[i]);
			ci->builds[i] = b;
			return;
		}
		if (ci->builds[i]->number < b->number)
			break;
	}
	xgrow(&ci->builds, &ci->builds_cap, ci->nbuilds + 1, sizeof *ci->builds);
	memmove(&ci->builds[i + 1], &ci->builds[i], (ci->nbuilds - i) * sizeof *ci->builds);
	ci->builds[i] = b;
	ci->nbuilds++;
}

bool store_ci_apply(struct store_ci *ci, struct ci_event *ev)
{
	bool changed = false;

	switch (ev->type) {
	case CI_EV_REPO:
		free(ci->repo_path);
		free(ci->branch);
		free(ci->head_sha);
		ci->repo_path = ev->repo_path;
		ci->branch = ev->branch;
		ci->head_sha = ev->head_sha;
		ci->dirty = ev->dirty;
		ev->repo_path = ev->branch = ev->head_sha = NULL;
		changed = true;
		break;
	case CI_EV_PIPELINE:
		free(ci->pipeline_file);
		free(ci->pipeline_error);
		free(ci->pipeline_notices);
		ci->pipeline_file = ev->pipeline_file;
		ci->pipeline_error = ev->pipeline_error;
		ci->pipeline_notices = ev->pipeline_notices;
		ev->pipeline_file = ev->pipeline_error = ev->pipeline_notices = NULL;
		changed = true;
		break;
	case CI_EV_BUILD:
		if (ev->build) {
			put_build(ci, ev->build);
			ev->build = NULL;
			changed = true;
		}
		break;
	case CI_EV_REMOTE:
		free(ci->remote.backend);
		free(ci->remote.error);
		free(ci->remote.notice);
		ci->remote.backend = ev->backend;
		ci->remote.error = ev->remote_error;
		ci->remote.notice = ev->remote_notice;
		ci->remote.promotes = ev->promotes;
		if (ev->as_of_ms)
			ci->remote.as_of_ms = ev->as_of_ms;
		ev->backend = ev->remote_error = ev->remote_notice = NULL;
		if (ev->has_runs) {
			remote_set_runs(&ci->remote, ev->runs, ev->nruns);
			ev->runs = NULL;
			ev->nruns = 0;
		}
		changed = true;
		break;
	case CI_EV_REMOTE_RUN:
		if (ev->build) {
			changed = remote_put_run(&ci->remote, ev->build);
			ev->build = NULL;
		}
		break;
	}
	free(ev->backend);
	free(ev->remote_error);
	free(ev->remote_notice);
	for (size_t i = 0; i < ev->nruns; i++)
		ci_build_free(ev->runs[i]);
	free(ev->runs);
	ev->backend = ev->remote_error = ev->remote_notice = NULL;
	ev->runs = NULL;
	ev->nruns = 0;
	free(ev->repo_path);
	free(ev->branch);
	free(ev->head_sha);
	free(ev->pipeline_file);
	free(ev->pipeline_error);
	free(ev->pipeline_notices);
	ci_build_free(ev->build);
	ev->repo_path = ev->branch = ev->head_sha = ev->pipeline_file = ev->pipeline_error = NULL;
	ev->pipeline_notices = NULL;
	ev->build = NULL;
	return changed;
}

struct store_ci_list store_ci_list(const struct store_ci *ci)
{
	if (ci->remote.backend)
		return (struct store_ci_list){ ci->remote.runs, ci->remote.nruns, true,
					       ci->remote.promotes };
	return (struct store_ci_list){ ci->builds, ci->nbuilds, false, false };
}

int64_t ci_build_key(const struct ci_build *b)
{
	return b->remote_id ? b->remote_id : b->number;
}

void ci_build_log_id(const struct ci_build *b, const struct ci_step *s, char *buf,
		     size_t size)
{
	if (b->remote_id)
		snprintf(buf, size, "remote/%lld/%s", (long long)b->remote_id, s->key);
	else
		snprintf(buf, size, "build/%d/%s", b->number, s->key);
}
