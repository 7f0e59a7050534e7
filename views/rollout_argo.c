#include "views/rollout_argo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/timefmt.h"

static enum role phase_role(const char *phase)
{
	if (!phase)
		return ROLE_PENDING;
	if (!strcmp(phase, "Healthy") || !strcmp(phase, "Succeeded"))
		return ROLE_OK;
	if (!strcmp(phase, "Degraded") || !strcmp(phase, "Failed") || !strcmp(phase, "Error")
	    || !strcmp(phase, "InvalidSpec"))
		return ROLE_FAIL;
	if (!strcmp(phase, "Paused") || !strcmp(phase, "Inconclusive")
	    || !strcmp(phase, "Waiting") || !strcmp(phase, "WaitingPromotion"))
		return ROLE_WARN;
	return ROLE_RUNNING;
}

void argo_rollout_cells(const struct store_kube *k, const struct kube_rollout *ro,
			char bufs[ARGO_NCELLS][ARGO_CELL], enum role *cond_role)
{
	struct kube_rollout_info in;
	char tag[ARGO_CELL];

	store_argo_rollout_info(k, ro, &in);
	snprintf(bufs[0], ARGO_CELL, "rollout/%s", ro->meta.name);
	snprintf(bufs[1], ARGO_CELL, "%d/%d", ro->ready, ro->replicas);
	snprintf(bufs[2], ARGO_CELL, "%d", ro->updated);
	snprintf(bufs[3], ARGO_CELL, "%d", ro->available);
	cell_tag(ro->images, tag, sizeof tag);
	snprintf(bufs[4], ARGO_CELL, "%s", tag);
	if (ro->blue_green)
		snprintf(bufs[5], ARGO_CELL, "Argo b/g");
	else if (in.has_step)
		snprintf(bufs[5], ARGO_CELL, "Argo %d/%d %d%%", in.step, in.nsteps, in.set_weight);
	else
		snprintf(bufs[5], ARGO_CELL, "Argo canary");
	snprintf(bufs[6], ARGO_CELL, "%ld", in.nrs ? in.rss[0].rs->revision : 0L);
	snprintf(bufs[7], ARGO_CELL, "%s", in.phase);
	cell_age(ro->meta.created, bufs[8], ARGO_CELL);
	*cond_role = phase_role(in.phase);
}

void argo_canary_cells(const struct kube_flagger_canary *fc, char bufs[ARGO_NCELLS][ARGO_CELL],
		       enum role *cond_role)
{
	snprintf(bufs[0], ARGO_CELL, "canary/%s", fc->meta.name);
	snprintf(bufs[1], ARGO_CELL, "-");
	snprintf(bufs[2], ARGO_CELL, "-");
	snprintf(bufs[3], ARGO_CELL, "-");
	snprintf(bufs[4], ARGO_CELL, "deploy/%s", fc->target ? fc->target : "?");
	snprintf(bufs[5], ARGO_CELL, fc->blue_green ? "Flagger b/g" : "Flagger %d%%", fc->weight);
	snprintf(bufs[6], ARGO_CELL, "-");
	snprintf(bufs[7], ARGO_CELL, "%s", fc->phase ? fc->phase : "(no phase)");
	cell_age(fc->meta.created, bufs[8], ARGO_CELL);
	*cond_role = phase_role(fc->phase);
}

/* "Argo canary · step 1/4 (pause) · weight 25% set, 25% actual · Paused: CanaryPauseStep" */
void argo_draw_summary(struct view_ctx *c, int y, const struct kube_rollout *ro)
{
	struct kube_rollout_info in;
	int x;

	store_argo_rollout_info(&c->app->store.kube, ro, &in);
	x = draw_text(c, y, 0, ROLE_TITLE, ro->blue_green ? "Argo blue/green" : "Argo canary");
	if (in.has_step)
		x += draw_textf(c, y, x, ROLE_NORMAL, " \xc2\xb7 step %d of %d%s%s%s", in.step,
				in.nsteps, (size_t)in.step < ro->nsteps ? " (" : " (done",
				(size_t)in.step < ro->nsteps ? ro->steps[in.step].text : "", ")");
	if (!ro->blue_green)
		x += draw_textf(c, y, x,
				in.set_weight != in.actual_weight ? ROLE_WARN : ROLE_NORMAL,
				" \xc2\xb7 weight %d%% set, %d%% actual", in.set_weight,
				in.actual_weight);
	x += draw_text(c, y, x, ROLE_MUTED, " \xc2\xb7 ");
	x += draw_text(c, y, x, phase_role(in.phase), in.phase);
	if (ro->pause_reasons)
		x += draw_textf(c, y, x, ROLE_WARN, " (paused: %s)", ro->pause_reasons);
	else if (ro->paused)
		x += draw_text(c, y, x, ROLE_WARN, " (paused: spec.paused)");
	if (ro->abort)
		draw_text(c, y, x, ROLE_FAIL, " ABORTED");
}

/* steps: ✓ setWeight: 25 · ▶ pause · setWeight: 50 · pause */
void argo_draw_steps(struct view_ctx *c, int y, const struct kube_rollout *ro)
{
	int x = draw_text(c, y, 0, ROLE_MUTED, "steps");

	if (ro->blue_green || !ro->nsteps) {
		draw_text(c, y, x, ROLE_MUTED, ro->blue_green ? "  (blue/green: active and preview)"
			  : "  none: straight to 100%");
		return;
	}
	for (size_t i = 0; i < ro->nsteps && x < c->width; i++) {
		bool done = ro->step_index >= 0 && (int32_t)i < ro->step_index;
		bool now = (int32_t)i == ro->step_index;
		enum role role = now ? (ro->abort ? ROLE_FAIL : ROLE_RUNNING)
			: done ? ROLE_OK : ROLE_MUTED;

		x += draw_textf(c, y, x, role, "%s%s %s", i ? " \xc2\xb7 " : "  ",
				done ? "\xe2\x9c\x93" : now ? "\xe2\x96\xb6" : " ",
				ro->steps[i].text);
	}
}

/* [███▒▒░░░] canary 1 of 4 pods available · stable 3 · desired 4 */
void argo_draw_bar(struct view_ctx *c, int y, const struct kube_rollout *ro)
{
	struct kube_rollout_info in;
	int r = ro->replicas > 0 ? ro->replicas : 1, barw = 20, x = 0;
	int can_avail, can_spec, stable_avail;

	store_argo_rollout_info(&c->app->store.kube, ro, &in);
	can_avail = in.canary ? in.canary->available : 0;
	can_spec = in.canary ? in.canary->replicas : 0;
	stable_avail = in.stable && in.stable != in.canary ? in.stable->available : 0;
	x += draw_text(c, y, x, ROLE_MUTED, "canary [");
	for (int i = 0; i < barw; i++) {
		int slot = (i * r) / barw;
		enum role role = ROLE_MUTED;
		const char *glyph = "\xe2\x96\x91";     /* ░ stable */

		if (slot < can_avail) {
			role = ROLE_OK;
			glyph = "\xe2\x96\x88";         /* █ canary, available */
		} else if (slot < can_spec) {
			role = ROLE_RUNNING;
			glyph = "\xe2\x96\x92";         /* ▒ canary, not yet available */
		}
		x += draw_text(c, y, x, role, glyph);
	}
	x += draw_text(c, y, x, ROLE_MUTED, "] ");
	draw_textf(c, y, x, ROLE_NORMAL, "canary %d/%d available \xc2\xb7 stable %d available "
		   "\xc2\xb7 desired %d", can_avail, can_spec, stable_avail, ro->replicas);
}

bool argo_has_message(const struct kube_rollout *ro)
{
	return ro->message && *ro->message;
}

void argo_draw_message(struct view_ctx *c, int y, const struct kube_rollout *ro)
{
	enum role role = ro->abort || (ro->phase && !strcmp(ro->phase, "Degraded")) ? ROLE_FAIL
		: ROLE_MUTED;
	int x = draw_text(c, y, 0, ROLE_MUTED, "controller: ");

	draw_text(c, y, x, role, ro->message ? ro->message : "");
}

/* REV IMAGE DES/CUR/RDY AGE ROLE, like the deployments' replica sets. */
void argo_draw_rs(struct view_ctx *c, int y, const struct kube_rollout *ro,
		  const struct kube_replicaset *rs, bool sel)
{
	struct kube_rollout_info in;
	const struct kube_rollout_rs *e = NULL;
	char tag[64], age[16], counts[48], role_text[64];
	enum role role;

	store_argo_rollout_info(&c->app->store.kube, ro, &in);
	for (size_t i = 0; i < in.nrs; i++)
		if (in.rss[i].rs == rs)
			e = &in.rss[i];
	role = sel ? ROLE_SELECTION : e && e->role != KUBE_RS_OLD ? ROLE_NORMAL : ROLE_MUTED;
	if (sel)
		draw_row_fill(c, y, ROLE_SELECTION);
	cell_age(rs->meta.created, age, sizeof age);
	cell_tag(rs->images, tag, sizeof tag);
	draw_text(c, y, 2, role, e && e->role == KUBE_RS_CANARY ? "\xe2\x96\xb6" : " ");
	draw_textf(c, y, 4, role, "%ld", rs->revision);
	draw_cell(c, y, 9, 14, role, tag);
	snprintf(counts, sizeof counts, "%d/%d/%d", rs->replicas, rs->status_replicas, rs->ready);
	draw_cell(c, y, 24, 12, role, counts);
	draw_cell(c, y, 37, 6, role, age);
	snprintf(role_text, sizeof role_text, "%s%s", e ? kube_rs_role_name(e->role) : "",
		 e && e->stable && e->role != KUBE_RS_STABLE ? " stable" : "");
	draw_textf(c, y, 44, sel ? role : e && e->role == KUBE_RS_CANARY ? ROLE_RUNNING
		   : e && e->role == KUBE_RS_STABLE ? ROLE_OK : ROLE_MUTED, "%-8s %s", *role_text
		   ? role_text : "-",
		   e ? e->health : "");
}

void argo_draw_run(struct view_ctx *c, int y, const struct kube_analysisrun *run)
{
	int x = 2 + draw_textf(c, y, 2, ROLE_TITLE, "analysis %s", run->meta.name);

	x += draw_textf(c, y, x, ROLE_MUTED, " rev %ld ", run->revision);
	x += draw_text(c, y, x, phase_role(run->phase), run->phase ? run->phase : "Pending");
	if (run->message && *run->message)
		draw_textf(c, y, x, ROLE_MUTED, " \xe2\x80\x94 %s", run->message);
}

/* success-rate  Failed  7 measured, 1 ok, 6 failed: [0.8], [0.7], … */
void argo_draw_metric(struct view_ctx *c, int y, const struct kube_analysis_metric *m)
{
	int x = 4 + draw_textf(c, y, 4, ROLE_NORMAL, "%-16s ", m->name);

	x += draw_textf(c, y, x, phase_role(m->phase), "%-12s", m->phase ? m->phase : "Pending");
	x += draw_textf(c, y, x, ROLE_MUTED, " %d measured, %d ok, %d failed", m->count,
			m->successful, m->failed);
	if (m->values && *m->values)
		x += draw_textf(c, y, x, ROLE_NORMAL, ": %s", m->values);
	if (m->message && *m->message)
		draw_textf(c, y, x, ROLE_MUTED, " (%s)", m->message);
}

const char *argo_flagger_promote_text(void)
{
	return "Flagger has no promote request: it promotes when its analysis passes "
	       "(spec.skipAnalysis: true skips the analysis; manual gates are "
	       "confirm-promotion webhooks)";
}

const char *argo_flagger_abort_text(void)
{
	return "Flagger has no abort request: it rolls back after spec.analysis.threshold "
	       "failed checks, or when a rollback webhook says so";
}

void argo_draw_flagger(struct view_ctx *c, int y, int line, const struct kube_flagger_canary *fc)
{
	char when[16];
	int x;

	if (line == 1) {
		draw_text(c, y, 0, ROLE_MUTED, "p/a: Flagger decides by its analysis; "
			  "skipAnalysis and webhooks are its gates (? for more)");
		return;
	}
	cell_age(fc->last_transition, when, sizeof when);
	x = draw_textf(c, y, 0, ROLE_TITLE, "Flagger %s", fc->blue_green ? "blue/green" : "canary");
	x += draw_textf(c, y, x, ROLE_MUTED, " of deploy/%s \xc2\xb7 ",
			fc->target ? fc->target : "?");
	x += draw_text(c, y, x, phase_role(fc->phase), fc->phase ? fc->phase : "(no phase yet)");
	x += draw_textf(c, y, x, ROLE_NORMAL, " \xc2\xb7 weight %d%% \xc2\xb7 ", fc->weight);
	x += draw_textf(c, y, x, fc->failed_checks ? ROLE_FAIL : ROLE_OK, "failed checks %d/%d",
			fc->failed_checks, fc->threshold);
	x += draw_textf(c, y, x, ROLE_NORMAL, " \xc2\xb7 iterations %d/%d \xc2\xb7 last transition "
			"%s ago", fc->done_iterations, fc->iterations, when);
	if (fc->message && *fc->message)
		draw_textf(c, y, x, ROLE_MUTED, " \xc2\xb7 %s", fc->message);
}
