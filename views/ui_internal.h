/* The console's private state, shared by the files of views/ that make up
 * the frame (ui.c, statusbar.c, help.c, confirm.c, prompt.c, script.c). */
#ifndef SHIPDECK_VIEWS_UI_INTERNAL_H
#define SHIPDECK_VIEWS_UI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <curses.h>

#include "action/gate.h"
#include "util/strbuf.h"
#include "views/layout.h"
#include "views/view.h"

struct script;

/* Messages leave the status bar after this long: info soon, warnings and
 * errors once they had time to be read (a stale one would be believed). */
enum { MESSAGE_FADE_MS = 8000, WARNING_FADE_MS = 30000, ERROR_FADE_MS = 60000 };

/* How long a message of that level stays. */
int64_t message_lifetime_ms(enum status_level level);

/* Store changes are drawn at most this often (30 frames a second): a
 * million-line log or a burst of watch events changes the store hundreds of
 * times a second, and drawing each change cost more than taking it in. Keys
 * draw at once. */
enum { STORE_FRAME_MS = 33 };

enum modal { MODAL_NONE, MODAL_HELP, MODAL_CONFIRM, MODAL_PROMPT };

struct pane {
	const struct view *view;
	void *priv;
	int64_t clock_at_ms;        /* wall clock: when its last frame's time-based cells change; 0 none */
	int want;                   /* the lines its last frame would fill, title included; -1 all */
	struct age_cells ages;      /* the age cells its last frame drew (draw_age_cell) */
	bool ages_only;             /* they are all it shows that time changes */
};

struct ui {
	struct app *app;
	SCREEN *screen;
	FILE *term_out, *term_in;   /* script mode: /dev/null */
	struct pane panes[PANE_COUNT];
	int focus;                  /* PANE_* */
	int zoomed;                 /* PANE_* or -1 */
	struct layout layout;
	struct theme theme;
	struct ui_selection sel;
	int cols, lines;

	bool dirty;
	bool repaint;               /* the next frame rewrites the whole terminal */
	uint64_t drawn_version;
	int64_t drawn_ms;           /* when the last frame was drawn (monotonic) */
	uint64_t frame_timer;       /* armed while a store change waits for its frame */
	uint64_t clock_timer;       /* armed while a time-based cell is visible */
	int64_t clock_timer_at_ms;  /* the wall clock it is armed for */
	bool clock_due;             /* a time-based cell changed: redraw the panes due */
	uint64_t message_timer;

	enum modal modal;
	int help_scroll;
	struct action_req *confirm_req;
	int confirm_stage;          /* confirm_twice: 0 first question, 1 second */
	struct strbuf prompt_text;
	char prompt_label[128];
	char prompt_hint[160];              /* after the text until the next key: Tab's choices */
	const struct view *prompt_owner;    /* NULL: the command line */
	int prompt_id;

	/* the builds last seen, to say when one ends */
	struct seen_build {
		int number;
		enum ci_status status;
	} seen_builds[16];
	size_t nseen_builds;
	bool builds_seen_once;
	int chaos_followed;         /* the chaos run the panes last turned to */

	int last_key;               /* the key being dispatched, for hints that name it */

	struct script *script;
	uint64_t frames;
	FILE *frame_log;            /* SHIPDECK_FRAME_LOG, or NULL */
};

void statusbar_draw(struct ui *ui);
void help_draw(struct ui *ui);
void help_key(struct ui *ui, int key);
void confirm_open(struct rt *rt, struct action_req *req);
void confirm_draw(struct ui *ui);
void confirm_key(struct ui *ui, int key);
void prompt_draw(struct ui *ui);
void prompt_key(struct ui *ui, int key);
/* Runs a ':' command line. */
void ui_command(struct ui *ui, const char *line);
void ui_set_theme(struct ui *ui, const char *name);
/* ui_run in two halves, for bench/frames.c: the terminal, the panes and the
 * signal and key watches; then their end, which restores the terminal. */
struct ui *ui_open(struct app *app, struct err *err);
void ui_close(struct ui **ui);
/* Redraws now (script mode dumps right after). */
void ui_draw(struct ui *ui);
/* Translates a curses key (from wget_wch) to a KEYC code. */
int ui_translate_key(int is_key_code, wint_t ch);
void ui_dispatch_key(struct ui *ui, int key);

/* Script mode (views/script.c). */
struct script *script_load(const char *path, struct err *err);
void script_free(struct script **s);
enum script_state { SCRIPT_MORE, SCRIPT_DONE, SCRIPT_FAILED };
/* Advances when the app is idle; SCRIPT_FAILED with err set when a step
 * cannot be carried out (the console then exits with that error). */
enum script_state script_step(struct ui *ui, struct err *err);
void screen_dump(FILE *out);

#endif
