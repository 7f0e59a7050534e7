/* The rollout pane's pod detail (Enter on a pod): its conditions, each
 * container's state and last termination, its events, and the previous
 * container's log when it restarted. Draws from the store, nothing else. */
#include "views/poddetail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { MAX_EVENTS = 8 };

enum role pod_role(const struct kube_pod *p)
{
	if (p->deleting)
		return ROLE_MUTED;
	if (p->status && (strstr(p->status, "BackOff") || strstr(p->status, "Err")
			  || !strcmp(p->status, "Failed") || strstr(p->status, "ExitCode")))
		return ROLE_FAIL;
	if (p->ready == p->total && p->total)
		return ROLE_OK;
	if (p->phase && !strcmp(p->phase, "Running"))
		return ROLE_WARN;
	return ROLE_PENDING;
}

static const char *state_name(const struct kube_container *k)
{
	switch (k->state) {
	case KUBE_CS_WAITING: return "waiting";
	case KUBE_CS_RUNNING: return "running";
	case KUBE_CS_TERMINATED: return "terminated";
	}
	return "unknown";
}

void pod_detail_draw(struct view_ctx *c, const struct kube_pod *p, const char *name,
		     const char *ns, int *container)
{
	const struct kube_event_obj *evs[MAX_EVENTS];
	char age[16], when[16];
	size_t nev;
	int y = 0, x;

	if (!p) {
		draw_textf(c, 0, 1, ROLE_MUTED, "pod %s is gone (Esc to go back)", name);
		return;
	}
	snprintf(c->subtitle, sizeof c->subtitle, "pod %s", p->meta.name);
	draw_age(c, p->meta.created, age, sizeof age);
	x = draw_textf(c, y, 0, ROLE_TITLE, "pod %s", p->meta.name);
	draw_textf(c, y++, x, pod_role(p), "  %s  ready %u/%u  restarts %d  age %s  node %s",
		   p->status ? p->status : "?", p->ready, p->total, p->restarts, age,
		   p->node ? p->node : "-");
	x = draw_text(c, y, 0, ROLE_MUTED, "conditions");
	{
		static const struct {
			unsigned bit;
			const char *name;
		} conds[] = {
			{ KUBE_POD_SCHEDULED, "PodScheduled" },
			{ KUBE_POD_INITIALIZED, "Initialized" },
			{ KUBE_POD_CONTAINERS_READY, "ContainersReady" },
			{ KUBE_POD_READY, "Ready" },
		};

		for (size_t i = 0; i < sizeof conds / sizeof *conds; i++) {
			bool on = p->conditions & conds[i].bit;

			x += draw_textf(c, y, x, on ? ROLE_OK : ROLE_FAIL, "  %s %s",
					on ? "\xe2\x9c\x93" : "\xe2\x9c\x97", conds[i].name);
		}
		if (p->ready_message)
			draw_textf(c, y, x, ROLE_MUTED, "  (%s)", p->ready_message);
		y++;
	}
	if (*container >= p->ncontainers)
		*container = p->ncontainers ? p->ncontainers - 1 : 0;
	draw_textf(c, y++, 0, ROLE_TITLE, "containers%s", p->ncontainers > 1
		   ? "  (j/k picks the one whose log shows)" : "");
	for (uint16_t i = 0; i < p->ncontainers; i++) {
		const struct kube_container *k = &p->containers[i];
		bool sel = i == *container;
		enum role role = k->ready ? ROLE_OK : k->state == KUBE_CS_WAITING ? ROLE_WARN
			: ROLE_FAIL;

		if (sel)
			draw_row_fill(c, y, ROLE_SELECTION);
		x = draw_textf(c, y, 1, sel ? ROLE_SELECTION : ROLE_NORMAL, "%s %s  %s",
			       sel ? ">" : " ", k->name, k->image ? k->image : "");
		x += 1;
		x += draw_textf(c, y, x, sel ? ROLE_SELECTION : role,
				"  %s%s%s  ready %s  restarts %d",
				state_name(k), k->reason ? " " : "", k->reason ? k->reason : "",
				k->ready ? "yes" : "no", k->restarts);
		if (k->state == KUBE_CS_TERMINATED)
			x += draw_textf(c, y, x, sel ? ROLE_SELECTION : ROLE_FAIL, "  exit %d",
					k->exit_code);
		y++;
		if (k->message)
			draw_textf(c, y++, 5, ROLE_MUTED, "%s", k->message);
		if (k->has_last) {
			draw_age(c, k->last_finished, when, sizeof when);
			draw_textf(c, y++, 5, ROLE_FAIL,
				   "last termination: %s, exit code %d, %s ago",
				   k->last_reason ? k->last_reason : "?", k->last_exit_code, when);
		}
	}
	nev = store_kube_events_about(&c->app->store.kube, ns, "Pod", p->meta.name, evs,
				      MAX_EVENTS);
	draw_text(c, y++, 0, ROLE_TITLE, nev ? "events (newest first)" : "events: none");
	for (size_t i = 0; i < nev && y < c->height; i++) {
		draw_age(c, evs[i]->last, when, sizeof when);
		draw_textf(c, y++, 1, evs[i]->type && !strcmp(evs[i]->type, "Warning") ? ROLE_WARN
			   : ROLE_NORMAL, "%-6s %-8s %-18s %s", when,
			   evs[i]->type ? evs[i]->type : "",
			   evs[i]->reason ? evs[i]->reason : "",
			   evs[i]->message ? evs[i]->message : "");
	}
	if (p->ncontainers && p->containers[*container].has_last && y + 1 < c->height) {
		const struct kube_container *k = &p->containers[*container];
		char *id = xasprintf("pod/%s/%s/%s/previous", ns, p->meta.name, k->name);
		const struct log_buffer *b = store_log_find(&c->app->store.logs, id);
		int room = c->height - y - 1;

		draw_textf(c, y++, 0, ROLE_TITLE, "previous container's log (%s)", k->name);
		if (!b || !b->count) {
			draw_text(c, y++, 1, ROLE_MUTED,
				  b && b->closed ? "(empty)" : "loading\xe2\x80\xa6");
		} else {
			size_t first = b->count > (size_t)room ? b->count - (size_t)room : 0;

			for (size_t i = first; i < b->count && y < c->height; i++)
				draw_ansi(c, y++, 1, log_buffer_line(b, i)->text, 0);
		}
		free(id);
	}
}
