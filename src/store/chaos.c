#include "store/chaos.h"

#include <stdlib.h>
#include <string.h>

void store_chaos_init(struct store_chaos *c)
{
	memset(c, 0, sizeof *c);
}

void store_chaos_free(struct store_chaos *c)
{
	free(c->title);
	free(c->file);
	free(c->blast);
	free(c->namespace);
	free(c->deployment);
	free(c->phase);
	free(c->status);
	memset(c, 0, sizeof *c);
}

static void take(char **slot, char **value)
{
	free(*slot);
	*slot = *value;
	*value = NULL;
}

static void event_free(struct chaos_event *ev)
{
	free(ev->title);
	free(ev->file);
	free(ev->blast);
	free(ev->namespace);
	free(ev->deployment);
	free(ev->text);
	ev->title = ev->file = ev->blast = ev->namespace = ev->deployment = ev->text = NULL;
}

bool store_chaos_apply(struct store_chaos *c, struct chaos_event *ev)
{
	bool changed = true;

	switch (ev->type) {
	case CHAOS_EV_START:
		store_chaos_free(c);
		c->number = ev->number;
		take(&c->title, &ev->title);
		take(&c->file, &ev->file);
		take(&c->blast, &ev->blast);
		take(&c->namespace, &ev->namespace);
		take(&c->deployment, &ev->deployment);
		c->running = true;
		c->started_ms = ev->time_ms;
		break;
	case CHAOS_EV_PHASE:
		if (!c->running || !ev->text || (c->phase && !strcmp(c->phase, ev->text)))
			changed = false;
		else
			take(&c->phase, &ev->text);
		break;
	case CHAOS_EV_INTERRUPT:
		changed = c->running && !c->interrupting;
		if (changed)
			c->interrupting = true;
		break;
	case CHAOS_EV_END:
		if (!c->running) {
			changed = false;
			break;
		}
		take(&c->status, &ev->text);
		c->running = false;
		c->ended_ms = ev->time_ms;
		break;
	}
	event_free(ev);
	return changed;
}
