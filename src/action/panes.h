/* The console's panes, in one list: the order of their focus keys, of Tab,
 * of the ui's view table and of layout_describe. It generates the PANE_*
 * enum (views/layout.h), the view table and its declarations (views/ui.c,
 * views/view.h: NAME's view is NAME_view in views/NAME.c), the names the
 * layout prints and the focus-NAME actions (action/action.h). Where a pane
 * sits on the screen is views/layout.c's. It lives here, below the views,
 * because the action list is generated from it. */
#ifndef SHIPDECK_ACTION_PANES_H
#define SHIPDECK_ACTION_PANES_H

/* P(A, ID, name, focus key, focus help): A is handed through, so that
 * the action list can expand this inside its own X. */
#define SHIPDECK_PANES(P, A) \
	P(A, PIPELINE, pipeline, "1", "Focus the pipeline pane") \
	P(A, LOG, log, "2", "Focus the log pane") \
	P(A, IMAGES, images, "3", "Focus the image tags pane") \
	P(A, ROLLOUT, rollout, "4", "Focus the rollout pane") \
	P(A, CANARY, canary, "5", "Focus the canary pane")

enum pane_id {
#define PANE_ENUM(A, id, name, key, help) PANE_##id,
	SHIPDECK_PANES(PANE_ENUM, )
#undef PANE_ENUM
	PANE_COUNT
};

#endif
