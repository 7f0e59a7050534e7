/* Every action a person can take, in one list: its name (for `keys:` in the
 * config and for messages), default keys, flags, the pane that owns it, and
 * the help line. The enum, the keymap, the help overlay, the man page and the
 * config names are all generated from this list; its first actions, focusing
 * each pane, from the pane list (action/panes.h). */
#ifndef SHIPDECK_ACTION_ACTION_H
#define SHIPDECK_ACTION_ACTION_H

#include <stdbool.h>
#include <stddef.h>

#include "action/panes.h"
#include "util/err.h"

enum {
	ACT_MUTATING = 1 << 0,      /* changes the world: refused in --read-only */
	ACT_CONFIRM = 1 << 1,       /* opens the confirm dialog before it runs */
};

/* A pane's focus action: FOCUS_<ID>, "focus-<name>" (action/panes.h). */
#define ACTION_OF_PANE(X, id, name, key, help, ...) X(FOCUS_##id, "focus-" #name, key, 0, NULL, help)

/* X(ID, name, default keys (space-separated), flags, owning pane or NULL, help) */
#define SHIPDECK_ACTIONS(X) \
	SHIPDECK_PANES(ACTION_OF_PANE, X) \
	X(NEXT_PANE, "next-pane", "Tab", 0, NULL, "Focus the next pane") \
	X(PREV_PANE, "prev-pane", "S-Tab", 0, NULL, "Focus the previous pane") \
	X(ZOOM, "zoom", "Enter", 0, NULL, "Zoom the pane, or open the selected item") \
	X(BACK, "back", "Esc", 0, NULL, "Close the detail, zoom or dialog") \
	X(DOWN, "down", "j Down", 0, NULL, "Move down") \
	X(UP, "up", "k Up", 0, NULL, "Move up") \
	X(PAGE_DOWN, "page-down", "PgDn C-f", 0, NULL, "Move down a page") \
	X(PAGE_UP, "page-up", "PgUp C-b", 0, NULL, "Move up a page") \
	X(TOP, "top", "g Home", 0, NULL, "Go to the first line") \
	X(BOTTOM, "bottom", "G End", 0, NULL, "Go to the last line") \
	X(SEARCH, "search", "/", 0, NULL, "Search (log) or filter (lists)") \
	X(NEXT_MATCH, "next-match", "n", 0, NULL, "Next search match") \
	X(PREV_MATCH, "prev-match", "N", 0, NULL, "Previous search match") \
	X(FOLLOW, "follow", "f", 0, "log", "Follow the end of the log") \
	X(WRAP, "wrap", "w", 0, "log", "Wrap long log lines") \
	X(TIMESTAMPS, "timestamps", "T", 0, "log", "Show log timestamps") \
	X(RUN_PIPELINE, "run-pipeline", "b", ACT_MUTATING, "pipeline", \
	  "Run the pipeline on HEAD (build, test, publish)") \
	X(RUN_TESTS, "run-tests", "t", ACT_MUTATING, "pipeline", \
	  "Run the test steps on HEAD") \
	X(CANCEL, "cancel", "x", ACT_MUTATING | ACT_CONFIRM, "pipeline", \
	  "Cancel the selected build") \
	X(CI_PROMOTE, "ci-promote", "P", ACT_MUTATING | ACT_CONFIRM, "pipeline", \
	  "Promote the selected build to an environment (Drone)") \
	X(DEPLOY, "deploy", "d", ACT_MUTATING | ACT_CONFIRM, "images", \
	  "Deploy the selected tag (or an image) to the selected deployment") \
	X(ROLLBACK, "rollback", "r", ACT_MUTATING | ACT_CONFIRM, "rollout", \
	  "Roll back to the previous (or selected) revision") \
	X(PAUSE_RESUME, "pause-resume", "Space", ACT_MUTATING | ACT_CONFIRM, "rollout", \
	  "Pause or resume the rollout") \
	X(SCALE, "scale", "s", ACT_MUTATING | ACT_CONFIRM, "rollout", \
	  "Scale the selected deployment") \
	X(RESTART, "restart", "R", ACT_MUTATING | ACT_CONFIRM, "rollout", \
	  "Restart the selected deployment's pods") \
	X(KILL_POD, "kill-pod", "K", ACT_MUTATING | ACT_CONFIRM, "rollout", \
	  "Kill the selected pod (chaos: watch it being replaced)") \
	X(CANARY_START, "canary-start", "C", ACT_MUTATING | ACT_CONFIRM, "images", \
	  "Start a canary of the selected tag") \
	X(PROMOTE, "promote", "p", ACT_MUTATING | ACT_CONFIRM, "canary", \
	  "Promote the canary one step (blue/green: switch)") \
	X(ABORT, "abort", "a", ACT_MUTATING | ACT_CONFIRM, "canary", \
	  "Abort the canary (blue/green: switch back)") \
	X(PROMOTE_FULL, "promote-full", "P", ACT_MUTATING | ACT_CONFIRM, "rollout", \
	  "Promote an Argo Rollout fully (skip its remaining steps, pauses and analysis)") \
	X(RETRY, "retry", "", ACT_MUTATING | ACT_CONFIRM, NULL, \
	  "Retry an aborted Argo Rollout (p on an aborted Rollout)") \
	X(AUTO_ANALYSIS, "auto-analysis", "A", ACT_MUTATING | ACT_CONFIRM, "canary", \
	  "Toggle automatic analysis (promote on PASS, abort on FAIL)") \
	X(PROMOTE_IMAGE, "promote-image", "E", ACT_MUTATING | ACT_CONFIRM, "images", \
	  "Promote the image an environment runs to the next environment, by digest") \
	X(CHAOS_RUN, "chaos-run", "", ACT_MUTATING | ACT_CONFIRM, NULL, \
	  "Run a chaos experiment (:chaos lists them, :chaos FILE runs one; x interrupts)") \
	X(COMMAND, "command", ":", 0, NULL, "Command line (the commands listed below)") \
	X(HELP, "help", "?", 0, NULL, "Show this help") \
	X(QUIT, "quit", "q", 0, NULL, "Quit")

enum action_id {
#define X(id, name, keys, flags, pane, help) ACTION_##id,
	SHIPDECK_ACTIONS(X)
#undef X
	ACTION_COUNT,
	ACTION_NONE = -1,
};

struct action_info {
	const char *name;
	const char *default_keys;
	unsigned flags;
	const char *pane;
	const char *help;
};

const struct action_info *action_info(enum action_id id);
enum action_id action_by_name(const char *name);
bool action_is_mutating(enum action_id id);

/* Key codes independent of curses: printable characters as themselves, the
 * rest as below. The TUI translates its input into these. */
enum {
	KEYC_TAB = '\t',
	KEYC_ENTER = '\n',
	KEYC_ESC = 27,
	KEYC_SPACE = ' ',
	KEYC_SPECIAL = 0x110000,    /* beyond Unicode */
	KEYC_BTAB = KEYC_SPECIAL,
	KEYC_UP, KEYC_DOWN, KEYC_LEFT, KEYC_RIGHT,
	KEYC_PGUP, KEYC_PGDN, KEYC_HOME, KEYC_END,
	KEYC_BACKSPACE, KEYC_DELETE, KEYC_RESIZE,
	KEYC_F1,                    /* KEYC_F1 + n - 1 for Fn, n ≤ 12 */
	KEYC_CTRL = 0x200000,       /* KEYC_CTRL | 'a' for C-a */
};

/* "j", "Tab", "S-Tab", "Enter", "Esc", "Space", "PgDn", "C-f", "F5"… → code;
 * -1 when the name is unknown. */
int keyc_parse(const char *name);
/* Writes the key's name into buf. */
const char *keyc_name(int key, char *buf, int size);

/* The keymap: default bindings from the action list, overridden by config. */
struct keymap {
	struct key_binding {
		int key;
		enum action_id action;
	} *bindings;
	size_t n, cap;
};

void keymap_init_defaults(struct keymap *km);
/* Binds keys ("J" or "J Down") to action, replacing the action's default keys
 * and any other action's use of those keys. */
int keymap_bind(struct keymap *km, enum action_id action, const char *keys, struct err *err);
enum action_id keymap_lookup(const struct keymap *km, int key);
/* A key may serve one action per pane (P: ci-promote in the pipeline pane,
 * promote-full in the rollout pane): the one of PANE when there is one,
 * else the first bound. */
enum action_id keymap_lookup_in(const struct keymap *km, int key, const char *pane);
/* The keys bound to the action, as text ("j Down"; "" when none). */
const char *keymap_keys_of(const struct keymap *km, enum action_id action, char *buf, int size);
void keymap_free(struct keymap *km);

#endif
