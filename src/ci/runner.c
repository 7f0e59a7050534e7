#include "ci/runner.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci/changes.h"
#include "ci/proc.h"
#include "ci/runner_internal.h"
#include "util/file.h"
#include "util/tag_scheme.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* Work folders kept for a look after the build (the rest are removed). */
enum { KEEP_WORK = 5, FLUSH_MS = 50, SYNC_MS = 1000, STOP_SLACK_MS = 3000 };

char *build_log_id(int number, const char *key)
{
	return xasprintf("build/%d/%s", number, key);
}

static void publish(struct build_run *b)
{
	struct store_event ev = { .domain = STORE_CI };

	ev.ci = (struct ci_event){ .type = CI_EV_BUILD, .build = ci_build_dup(b->rec) };
	rt_apply(b->runner->rt, &ev);
}

void build_changed(struct build_run *b)
{
	struct err err;

	if (ci_history_write(&b->runner->hist, b->rec, &err))
		rt_message(b->runner->rt, STATUS_ERROR, "%s", err.msg);
	publish(b);
}

void build_step_changed(struct build_run *b, size_t i)
{
	const struct ci_hooks *h = &b->runner->hooks;

	build_changed(b);
	if (h->step)
		h->step(h->ctx, b->rec, &b->rec->steps[i]);
}

static void on_flush(void *ctx)
{
	struct build_run *b = ctx;

	b->flush_timer = 0;
	for (size_t i = 0; i < b->plan.n; i++)
		if (b->steps[i].capturing)
			step_flush(&b->steps[i]);
}

void build_arm_flush(struct build_run *b)
{
	if (!b->flush_timer)
		b->flush_timer = loop_timer_add(b->runner->rt->loop, FLUSH_MS, on_flush, b);
}

static void on_sync(void *ctx)
{
	struct build_run *b = ctx;

	for (size_t i = 0; i < b->plan.n; i++)
		if (b->steps[i].capturing)
			step_sync(&b->steps[i]);
	b->sync_timer = loop_timer_add(b->runner->rt->loop, SYNC_MS, on_sync, b);
}

static struct build_run *find_build(const struct ci_runner *r, int n)
{
	for (struct build_run *b = r->builds; b; b = b->next)
		if (b->rec->number == n)
			return b;
	return NULL;
}

static void build_free(struct build_run *b)
{
	struct loop *loop = b->runner->rt->loop;

	if (b->flush_timer)
		loop_timer_cancel(loop, b->flush_timer);
	if (b->sync_timer)
		loop_timer_cancel(loop, b->sync_timer);
	if (b->kill_timer)
		loop_timer_cancel(loop, b->kill_timer);
	ci_sched_free(&b->sched);
	ci_plan_free(&b->plan);
	ci_file_free(&b->file);
	ci_mask_free(&b->mask);
	commit_info_free(&b->commit);
	ci_build_free(b->rec);
	free(b->steps);
	free(b->marker);
	free(b->waiters);
	free(b);
}

static void finish_build(struct build_run *b)
{
	struct ci_runner *r = b->runner;
	const struct ci_hooks *h = &r->hooks;
	struct build_run **pp;
	int *busy = NULL;
	size_t nbusy = 0;

	b->rec->status = ci_sched_result(&b->sched);
	b->rec->finished_ms = time_wall_ms();
	build_changed(b);
	for (pp = &r->builds; *pp; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	}
	if (h->done)
		h->done(h->ctx, b->rec);
	/* a build may have pushed a tag: the images pane looks again now */
	rt_build_finished(r->rt);
	for (size_t i = 0; i < b->nwaiters; i++)
		b->waiters[i].fn(b->waiters[i].ctx, b->rec);
	for (struct build_run *o = r->builds; o; o = o->next) {
		busy = xrealloc(busy, (nbusy + 1) * sizeof *busy);
		busy[nbusy++] = o->rec->number;
	}
	ci_history_prune_work(&r->hist, KEEP_WORK, busy, nbusy);
	free(busy);
	build_free(b);
}

/* Steps the scheduler skipped or cancelled get that status and the reason. */
static void sync_decisions(struct build_run *b)
{
	bool changed = false;

	for (size_t i = 0; i < b->plan.n; i++) {
		struct ci_step *s = &b->rec->steps[i];
		enum ci_status st = b->sched.status[i];

		if (s->status != CI_PENDING || (st != CI_SKIPPED && st != CI_CANCELLED))
			continue;
		s->status = st;
		free(s->message);
		s->message = b->sched.reason[i] ? xstrdup(b->sched.reason[i]) : NULL;
		changed = true;
		if (b->runner->hooks.step)
			b->runner->hooks.step(b->runner->hooks.ctx, b->rec, s);
	}
	if (changed)
		build_changed(b);
}

static void on_kill(void *ctx);

/* Everything else is done: services and detached steps are stopped as Drone
 * stops their containers (TERM, then KILL after the grace period). True
 * while one of them still runs. */
static bool stop_detached(struct build_run *b)
{
	bool alive = false;

	for (size_t i = 0; i < b->plan.n; i++) {
		if (!b->plan.steps[i].detach || !step_alive(&b->steps[i]))
			continue;
		alive = true;
		if (!b->stopping_detached) {
			step_signal(&b->steps[i], SIGTERM);
			step_sweep(&b->steps[i], SIGTERM);
		}
	}
	if (alive && !b->stopping_detached && !b->kill_timer)
		b->kill_timer = loop_timer_add(b->runner->rt->loop, CI_CANCEL_GRACE_MS, on_kill, b);
	b->stopping_detached |= alive;
	return alive;
}

void build_advance(struct build_run *b)
{
	size_t *start = xcalloc(b->plan.n ? b->plan.n : 1, sizeof *start);
	int limit = b->runner->rt->project->concurrency > 0
		? b->runner->rt->project->concurrency : 1;

	for (;;) {
		size_t k = ci_sched_next(&b->sched, limit, start);

		sync_decisions(b);
		if (!k)
			break;
		for (size_t i = 0; i < k; i++)
			step_start(b, start[i]);
	}
	free(start);
	if (ci_sched_done(&b->sched) && !stop_detached(b))
		finish_build(b);
}

static void on_usr1(void *ctx, int signo)
{
	struct rt *rt = ctx;
	struct ci_runner *r = rt->ci;
	struct build_run *b, *next;

	(void)signo;
	if (!r)
		return;
	/* another process asked (shipdeck pipeline cancel N): the file says which */
	for (b = r->builds; b; b = next) {
		char *path = ci_history_cancel_path(&r->hist, b->rec->number);

		next = b->next;
		if (file_exists(path)) {
			unlink(path);
			ci_runner_cancel(r, b->rec->number, "cancelled from another process", NULL,
					 NULL);
		}
		free(path);
	}
}

struct ci_runner *ci_runner_new(struct rt *rt, struct err *err)
{
	struct ci_runner *r = xcalloc(1, sizeof *r);

	r->rt = rt;
	r->inotify_fd = -1;
	if (!rt->repo_root) {
		err_set(err,
			"no repository: run shipdeck inside a git repository or pass --repo DIR");
		free(r);
		return NULL;
	}
	if (ci_history_open(&r->hist, rt->repo_root, err)) {
		free(r);
		return NULL;
	}
	/* the handler looks the runner up through rt, so it outlives the runner */
	loop_signal_watch(rt->loop, SIGUSR1, on_usr1, rt);
	return r;
}

const struct ci_history *ci_runner_history(const struct ci_runner *r)
{
	return &r->hist;
}

void ci_runner_set_hooks(struct ci_runner *r, const struct ci_hooks *hooks)
{
	r->hooks = *hooks;
}

static char *read_pipeline_file(struct ci_runner *r, const struct ci_run_opts *o,
				const char *sha, size_t *len, struct err *err)
{
	const char *file = r->rt->project->pipeline_file;
	char *path, *data;

	if (!o->in_place)
		return commit_file_read(r->rt->repo_root, sha, file, len, err);
	path = xasprintf("%s/%s", r->rt->repo_root, file);
	data = file_read_all(path, len, err);
	free(path);
	return data;
}

static void self_as_owner(struct ci_build *rec)
{
	struct proc_stat st = { 0 };

	rec->owner_pid = (int)getpid();
	if (!proc_stat_read(getpid(), &st))
		rec->owner_start = st.start;
	rec->owner_boot = proc_boot_id();
}

static struct ci_build *make_record(struct build_run *b, const struct ci_run_opts *o, int n,
				    const char *work_dir)
{
	struct rt *rt = b->runner->rt;
	struct ci_build *rec = xcalloc(1, sizeof *rec);
	struct tag_vars tv = { .sha = b->commit.sha, .build = n, .branch = b->commit.branch };

	rec->number = n;
	rec->status = CI_RUNNING;
	rec->commit = xstrdup(b->commit.sha);
	rec->subject = xstrdup(b->commit.subject);
	rec->branch = xstrdup(b->commit.branch);
	rec->event = xstrdup("push");
	rec->trigger = xstrdup(o->trigger ? o->trigger : "cli");
	rec->user = xstrdup(rt->user ? rt->user : "");
	rec->tests_only = o->tests_only;
	rec->in_place = o->in_place;
	rec->image_tag = tag_scheme_expand(rt->project->image_tag, &tv);
	rec->runtime = xstrdup("host");
	rec->has_docker = b->plan.has_docker;
	rec->pipeline_file = xstrdup(rt->project->pipeline_file);
	rec->work_dir = xstrdup(work_dir);
	rec->created_ms = rec->started_ms = time_wall_ms();
	self_as_owner(rec);
	rec->steps = xcalloc(b->plan.n ? b->plan.n : 1, sizeof *rec->steps);
	rec->nsteps = b->plan.n;
	for (size_t i = 0; i < b->plan.n; i++) {
		const struct ci_plan_step *p = &b->plan.steps[i];
		struct ci_step *s = &rec->steps[i];

		s->key = xstrdup(p->key);
		s->name = xstrdup(p->def ? p->def->name : "clone");
		s->pipeline = xstrdup(p->def ? b->plan.pipelines[p->pipeline].def->name : "");
		s->image = p->def && p->def->image ? xstrdup(p->def->image) : NULL;
		s->exit_code = -1;
		s->ignore_failure = p->def && p->def->ignore_failure;
		s->is_test = p->is_test;
		s->depends_on = xcalloc(p->ndeps + 1, sizeof *s->depends_on);
		for (size_t d = 0; d < p->ndeps; d++)
			s->depends_on[s->ndeps++] = xstrdup(b->plan.steps[p->deps[d]].key);
	}
	return rec;
}

/* Every secret the build's steps name is masked in its logs. */
static void collect_mask(struct build_run *b)
{
	const struct ci_secrets *sec = &b->runner->secrets;

	for (size_t i = 0; i < b->plan.n; i++) {
		const struct ci_plan_step *p = &b->plan.steps[i];
		const struct ci_pipeline_def *pd;

		if (!p->def)
			continue;
		pd = b->plan.pipelines[p->pipeline].def;
		for (size_t k = 0; k < pd->nenv; k++)
			if (pd->env[k].secret && ci_secret_get(sec, pd->env[k].secret))
				ci_mask_add(&b->mask, ci_secret_get(sec, pd->env[k].secret));
		for (size_t k = 0; k < p->def->nenv; k++)
			if (p->def->env[k].secret && ci_secret_get(sec, p->def->env[k].secret))
				ci_mask_add(&b->mask, ci_secret_get(sec, p->def->env[k].secret));
		for (size_t k = 0; k < p->def->nsettings; k++)
			if (p->def->settings[k].secret
			    && ci_secret_get(sec, p->def->settings[k].secret))
				ci_mask_add(&b->mask,
					    ci_secret_get(sec, p->def->settings[k].secret));
	}
}

int ci_runner_start(struct ci_runner *r, const struct ci_run_opts *o, int *number,
		    bool *config_error, struct err *err)
{
	struct rt *rt = r->rt;
	struct build_run *b = xcalloc(1, sizeof *b);
	struct ci_plan_opts po = { .event = "push", .tests_only = o->tests_only,
				   .test_steps = rt->project->test_steps,
				   .ntest_steps = rt->project->ntest_steps, .clone = !o->in_place };
	struct ci_facts facts = { .event = "push" };
	struct ci_changes changes = { 0 };
	struct err cerr;
	char *data = NULL, *ref = NULL, *work_dir = NULL;
	size_t len = 0;
	int n, rc_plan;

	*config_error = true;
	b->runner = r;
	/* auto finds no runtime: container steps are not run by this runner */
	if (rt->project->pipeline_runtime && (!strcmp(rt->project->pipeline_runtime, "podman")
					      || !strcmp(rt->project->pipeline_runtime,
							 "docker"))) {
		err_set(err, ".shipdeck.yml: pipeline.runtime: %s: this shipdeck runs steps on the "
			"host only; set runtime: host (or auto)", rt->project->pipeline_runtime);
		goto fail;
	}
	if (commit_info_read(&b->commit, rt->repo_root, o->rev, err))
		goto fail;
	data = read_pipeline_file(r, o, b->commit.sha, &len, err);
	if (!data || ci_file_parse(&b->file, rt->project->pipeline_file, data, len, err))
		goto fail;
	ci_secrets_free(&r->secrets);
	if (ci_secrets_load(&r->secrets, NULL, err))
		goto fail;
	ref = *b->commit.branch ? xasprintf("refs/heads/%s", b->commit.branch) : xstrdup("");
	facts.branch = b->commit.branch;
	facts.ref = ref;
	/* paths conditions match when the changed files cannot be read */
	if (!ci_changes_read(&changes, rt->repo_root, b->commit.sha, &cerr)) {
		facts.changed = changes.paths;
		facts.nchanged = changes.n;
		facts.changed_known = true;
	}
	po.facts = &facts;
	rc_plan = ci_plan_make(&b->plan, &b->file, &po, err);
	ci_changes_free(&changes);
	if (rc_plan)
		goto fail;
	*config_error = false;
	if (ci_history_allocate(&r->hist, &n, err))
		goto fail;
	work_dir = o->in_place ? xstrdup(rt->repo_root) : ci_history_work_dir(&r->hist, n);
	b->rec = make_record(b, o, n, work_dir);
	b->marker = ci_history_marker(&r->hist, n);
	collect_mask(b);
	ci_sched_init(&b->sched, &b->plan);
	b->steps = xcalloc(b->plan.n ? b->plan.n : 1, sizeof *b->steps);
	for (size_t i = 0; i < b->plan.n; i++)
		b->steps[i] = (struct step_run){ .build = b, .index = i, .fd = -1 };
	/* a cache that outlived its history may hold this number's folder */
	if (!o->in_place && file_exists(work_dir))
		ci_history_remove_work(&r->hist, n);
	if (!o->in_place && (file_mkdirs(r->hist.work_root, err)
			     || (!b->plan.clone && file_mkdirs(work_dir, err)))) {
		b->rec->status = CI_ERROR;
		b->rec->finished_ms = time_wall_ms();
		b->rec->message = xstrdup(err->msg);
		build_changed(b);
		goto fail;
	}
	b->next = r->builds;
	r->builds = b;
	b->sync_timer = loop_timer_add(rt->loop, SYNC_MS, on_sync, b);
	*number = n;
	build_changed(b);
	free(data);
	free(ref);
	free(work_dir);
	build_advance(b);
	return 0;
fail:
	free(data);
	free(ref);
	free(work_dir);
	build_free(b);
	return -1;
}

static void on_kill(void *ctx)
{
	struct build_run *b = ctx;

	b->kill_timer = 0;
	for (size_t i = 0; i < b->plan.n; i++) {
		if (b->steps[i].pid && !b->steps[i].exited) {
			step_signal(&b->steps[i], SIGKILL);
			step_sweep(&b->steps[i], SIGKILL);
		}
	}
}

int ci_runner_cancel(struct ci_runner *r, int n, const char *why, ci_cancel_done_fn done,
		     void *ctx)
{
	struct build_run *b = find_build(r, n);

	if (!b)
		return -1;
	if (done) {
		b->waiters = xrealloc(b->waiters, (b->nwaiters + 1) * sizeof *b->waiters);
		b->waiters[b->nwaiters++] = (struct cancel_waiter){ .fn = done, .ctx = ctx };
	}
	if (b->cancelling)
		return 0;
	b->cancelling = true;
	free(b->rec->message);
	b->rec->message = xstrdup(why ? why : "cancelled");
	ci_sched_cancel(&b->sched);
	for (size_t i = 0; i < b->plan.n; i++) {
		if (b->steps[i].pid && !b->steps[i].exited) {
			step_signal(&b->steps[i], SIGTERM);
			step_sweep(&b->steps[i], SIGTERM);
		}
	}
	b->kill_timer = loop_timer_add(r->rt->loop, CI_CANCEL_GRACE_MS, on_kill, b);
	sync_decisions(b);
	build_changed(b);
	if (ci_sched_done(&b->sched))
		finish_build(b);
	return 0;
}

bool ci_runner_owns(const struct ci_runner *r, int n)
{
	return r && find_build(r, n);
}

void ci_runner_stop_all(struct ci_runner *r, const char *why)
{
	int64_t deadline = time_mono_ms() + CI_CANCEL_GRACE_MS + STOP_SLACK_MS;
	struct build_run *b, *next;

	for (b = r->builds; b; b = next) {
		next = b->next;
		ci_runner_cancel(r, b->rec->number, why, NULL, NULL);
	}
	while (r->builds && time_mono_ms() < deadline)
		loop_run_once(r->rt->loop, 100);
	/* a process that left its group can hold a pipe open forever: stop
	 * waiting for it (its group was killed) */
	for (b = r->builds; b; b = next) {
		next = b->next;
		for (size_t i = 0; i < b->plan.n; i++)
			step_abandon(&b->steps[i]);
		finish_build(b);
	}
}

void ci_runner_free(struct ci_runner **rp)
{
	struct ci_runner *r = *rp;

	if (!r)
		return;
	history_watch_stop(r);
	ci_runner_stop_all(r, "shipdeck quit while the build ran");
	for (size_t i = 0; i < r->nopened; i++)
		free(r->opened[i]);
	free(r->opened);
	ci_secrets_free(&r->secrets);
	ci_history_close(&r->hist);
	free(r);
	*rp = NULL;
}
