/* What the status bar and panes say about the program itself: the last
 * message or error, and each source's connection state. */
#ifndef SHIPDECK_STORE_STATUS_H
#define SHIPDECK_STORE_STATUS_H

#include <stdbool.h>
#include <stdint.h>

enum status_level { STATUS_INFO, STATUS_WARN, STATUS_ERROR };

/* The sources whose connection state is kept, X(ID, label): the label is
 * what the status bar calls it ("cluster reconnecting (2)…"). */
#define SHIPDECK_SOURCES(X) \
	X(KUBE, "cluster") \
	X(CI, "pipeline") \
	X(GIT, "git") \
	X(REGISTRY, "registry") \
	X(METRICS, "prometheus")

enum source_id {
#define SOURCE_ENUM(id, label) SOURCE_##id,
	SHIPDECK_SOURCES(SOURCE_ENUM)
#undef SOURCE_ENUM
	SOURCE_COUNT
};

enum source_state {
	SOURCE_UNCONFIGURED,        /* message says how to configure it */
	SOURCE_CONNECTING,
	SOURCE_READY,
	SOURCE_RECONNECTING,        /* attempt counts the tries */
	SOURCE_FAILED,              /* message says what failed */
};

struct source_status {
	enum source_state state;
	char *message;
	int attempt;
};

struct store_status {
	char *message;              /* last message, NULL when none */
	enum status_level level;
	int64_t message_time_ms;    /* monotonic; the view fades old info messages */
	struct source_status sources[SOURCE_COUNT];
};

enum status_event_type {
	STATUS_EV_MESSAGE,          /* set the message (text owned by the event) */
	STATUS_EV_CLEAR,
	STATUS_EV_SOURCE,           /* source's state, attempt and text */
};

struct status_event {
	enum status_event_type type;
	enum status_level level;
	enum source_id source;
	enum source_state state;
	int attempt;
	char *text;
	int64_t time_ms;
};

void store_status_init(struct store_status *s);
void store_status_free(struct store_status *s);
bool store_status_apply(struct store_status *s, struct status_event *ev);

#endif
