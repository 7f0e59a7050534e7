#include "store/canary.h"

#include <stdlib.h>
#include <string.h>

void store_canary_init(struct store_canary *c)
{
	memset(c, 0, sizeof *c);
}

void store_canary_free(struct store_canary *c)
{
	free(c->prometheus_url);
	memset(c, 0, sizeof *c);
}

bool store_canary_apply(struct store_canary *c, struct canary_event *ev)
{
	switch (ev->type) {
	case CANARY_EV_PROMETHEUS:
		free(c->prometheus_url);
		c->prometheus_url = ev->prometheus_url;
		ev->prometheus_url = NULL;
		return true;
	}
	return false;
}
