/* Canary and blue/green releases and their analysis. The canary issue extends
 * this domain. */
#ifndef SHIPDECK_STORE_CANARY_H
#define SHIPDECK_STORE_CANARY_H

#include <stdbool.h>

struct store_canary {
	char *prometheus_url;       /* NULL when not configured */
};

enum canary_event_type {
	CANARY_EV_PROMETHEUS,
};

struct canary_event {
	enum canary_event_type type;
	char *prometheus_url;
};

void store_canary_init(struct store_canary *c);
void store_canary_free(struct store_canary *c);
bool store_canary_apply(struct store_canary *c, struct canary_event *ev);

#endif
