#include "store/status.h"

#include <stdlib.h>
#include <string.h>

void store_status_init(struct store_status *s)
{
	memset(s, 0, sizeof *s);
}

void store_status_free(struct store_status *s)
{
	free(s->message);
	s->message = NULL;
	for (int i = 0; i < SOURCE_COUNT; i++) {
		free(s->sources[i].message);
		s->sources[i].message = NULL;
	}
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool store_status_apply(struct store_status *s, struct status_event *ev)
{
	switch (ev->type) {
	case STATUS_EV_MESSAGE:
		free(s->message);
		s->message = ev->text;
		ev->text = NULL;
		s->level = ev->level;
		s->message_time_ms = ev->time_ms;
		return true;
	case STATUS_EV_CLEAR:
		if (!s->message)
			return false;
		free(s->message);
		s->message = NULL;
		return true;
	case STATUS_EV_SOURCE: {
		struct source_status *src = &s->sources[ev->source];

		if (src->state == ev->state && src->attempt == ev->attempt
		    && same_text(src->message, ev->text)) {
			free(ev->text);
			ev->text = NULL;
			return false;
		}
		free(src->message);
		src->message = ev->text;
		ev->text = NULL;
		src->state = ev->state;
		src->attempt = ev->attempt;
		return true;
	}
	}
	return false;
}
