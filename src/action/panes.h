/* The console's panes, in one list: the order of their focus keys, of Tab,
 * of the ui's view table, of layout_describe and, on a narrow screen, of
 * the panes from top to bottom. It generates the PANE_* enum (views/layout.h),
 * the view table and its declarations (views/ui.c, views/view.h: NAME's view
 * is NAME_view in views/NAME.c), the names the layout prints and where it
 * puts each pane (views/layout.c), and the focus-NAME actions
 * (action/action.h). It lives here, below the views, because the action
 * list is generated from it. */
#ifndef SHIPDECK_ACTION_PANES_H
#define SHIPDECK_ACTION_PANES_H

/* P(A, ID, name, focus key, focus help, side, rank, turns): A is handed
 * through, so that the action list can expand this inside its own X.
 *   side   its column on a wide screen: LEFT, the delivery's story, or
 *          RIGHT, the cluster's;
 *   rank   the order rows are handed out in (1 first) and, within a wide
 *          screen's column, from top to bottom; the pane ranked last in a
 *          column (or of a narrow screen) also takes the rows nobody wants;
 *   turns  rows it takes at each of its turns while rows are short. */
#define SHIPDECK_PANES(P, A) \
	P(A, PIPELINE, pipeline, "1", "Focus the pipeline pane", LEFT, 4, 1) \
	P(A, LOG, log, "2", "Focus the log pane", LEFT, 5, 1) \
	P(A, IMAGES, images, "3", "Focus the image tags pane", RIGHT, 2, 1) \
	P(A, ROLLOUT, rollout, "4", "Focus the rollout pane", RIGHT, 1, 2) \
	P(A, CANARY, canary, "5", "Focus the canary pane", RIGHT, 3, 1)

enum pane_id {
#define PANE_ENUM(A, id, ...) PANE_##id,
	SHIPDECK_PANES(PANE_ENUM, )
#undef PANE_ENUM
	PANE_COUNT
};

#endif
