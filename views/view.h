/* A pane of the console. Each pane is one file in views/ exporting one
 * `const struct view`, built with designated initializers; the pane list
 * (action/panes.h) registers it. A view draws from the store and its own private state; it never
 * calls a source — it asks for actions (action/gate.h) or for logs
 * (app_open_log). */
#ifndef SHIPDECK_VIEWS_VIEW_H
#define SHIPDECK_VIEWS_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "action/action.h"
#include "app/app.h"
#include "app/theme.h"
#include "util/strbuf.h"

/* What several panes share: what is selected where. Owned by the ui; views
 * set it with ui_select() so the others redraw. */
struct ui_selection {
	char *deployment;           /* selected in the rollout pane */
	char *log_id;               /* the log buffer the log pane shows */
	char *tag;                  /* selected in the images pane */
	char *app;                  /* canary/blue-green app selected */
};

/* An age drawn with draw_age_cell: where, so the clock's frame can draw
 * that cell again alone. Coordinates as the draw helpers' (the pane's). */
struct age_cell {
	int y, x, width;
	enum role role;
	int64_t t;
};

struct age_cells {
	struct age_cell *v;
	size_t n, cap;
};

/* Where and how a view draws this frame. Coordinates given to the draw
 * helpers are relative to the pane's content area (below its title). */
struct view_ctx {
	struct app *app;
	struct ui *ui;
	struct ui_selection *sel;
	int y0, x0;                 /* content area on the screen */
	int width, height;
	bool focused;
	bool zoomed;
	bool uses_clock;            /* set by draw when a cell changes every second */
	int64_t clock_at_ms;        /* set by draw_age: the wall clock (ms) when an age it
				     * shows reads otherwise; 0: none */
	struct age_cells *ages;     /* the ui's: draw_age_cell adds each age cell; NULL: none kept */
	bool ages_elsewhere;        /* set by draw_age: an age outside those cells, which
				     * only the pane's whole redraw renews */
	int want_rows;              /* set by draw: the content rows it would fill at any
				     * height (the layout gives rows by it); -1: all it gets */
	char subtitle[128];         /* set by draw: shown in the pane's title bar */
};

enum {
	VIEW_UNHANDLED = 0,
	VIEW_HANDLED = 1 << 0,
};

struct view {
	const char *name;           /* "rollout": matches action_info()->pane */
	const char *title;          /* "Rollout" */
	size_t private_size;        /* the ui allocates and zeroes this much */
	void (*init)(void *priv, struct app *app);
	void (*destroy)(void *priv);
	void (*draw)(void *priv, struct view_ctx *ctx);
	/* An action while the pane is focused, or one it owns (action_info()->pane).
	 * Returns VIEW_HANDLED when it took it. */
	int (*action)(void *priv, struct view_ctx *ctx, enum action_id action);
	/* A ':' command the ui does not handle itself (":undo 3" → "undo", "3").
	 * Returns VIEW_HANDLED when it is the view's. */
	int (*command)(void *priv, struct view_ctx *ctx, const char *name, const char *arg);
	/* Text typed at a prompt this view opened (ui_prompt), or NULL on Esc. */
	void (*prompt_done)(void *priv, struct view_ctx *ctx, int prompt_id, const char *text);
	/* The prompt's text after each key that changed it, while it is open
	 * (a filter narrows as the operator types). NULL: only the answer counts. */
	void (*prompt_changed)(void *priv, struct view_ctx *ctx, int prompt_id, const char *text);
	/* The keys that apply now and what each acts on, for the pane's title
	 * bar while it is focused: view_hint() for each, in order of use. */
	void (*hints)(void *priv, struct view_ctx *ctx, struct strbuf *out);
	/* Help lines of the pane's own (legend of icons, checks). NULL-terminated. */
	const char *const *help;
};

/* One per pane of action/panes.h, in views/NAME.c. */
#define PANE_VIEW_DECL(A, id, name, ...) extern const struct view name##_view;
SHIPDECK_PANES(PANE_VIEW_DECL, )
#undef PANE_VIEW_DECL

/* ---- drawing helpers (views/draw.c). All text is sanitized and clipped to
 * the pane; x and y outside the pane draw nothing. Return the columns used. */
int draw_text(struct view_ctx *c, int y, int x, enum role role, const char *text);
int draw_textf(struct view_ctx *c, int y, int x, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* An age as kubectl prints it ("12m"; "-" when t is 0) into buf, and the
 * pane's next clock frame no later than the moment that text changes. */
const char *draw_age(struct view_ctx *c, int64_t t, char *buf, size_t size);
/* The same drawn as draw_cell draws it; the clock's frame then draws only
 * these cells again (a pane with no other time-based text). */
int draw_age_cell(struct view_ctx *c, int y, int x, int width, enum role role, int64_t t);
/* Text cut (with …) or padded to exactly width columns. */
int draw_cell(struct view_ctx *c, int y, int x, int width, enum role role, const char *text);
/* Paints a whole row of the pane in role (for selections), before text. */
void draw_row_fill(struct view_ctx *c, int y, enum role role);
/* Text with ANSI SGR colours interpreted (logs); other sequences removed. */
int draw_ansi(struct view_ctx *c, int y, int x, const char *text, int skip_cols);
/* A cell's text: the age of t (seconds since the epoch; 0: "-"), and the
 * tag of a ", "-joined image list's first image (its last path part when
 * untagged; " +" when there are more). Both return buf. */
const char *cell_age(int64_t t, char *buf, size_t size);
const char *cell_tag(const char *images, char *buf, size_t size);
/* A one-line notice centred-left in the pane, e.g. a source not configured. */
void draw_notice(struct view_ctx *c, int y, enum role role, const char *text);
/* Text over up to max_lines lines from row y, broken at a space when one is
 * near the edge (a message naming a URL is worth reading whole). Returns the
 * lines used. */
int draw_wrapped(struct view_ctx *c, int y, int max_lines, enum role role, const char *text);
/* The same broken at the last space of every line (prose: a dialog), and
 * the lines that takes in a pane width columns wide. */
int draw_words(struct view_ctx *c, int y, int max_lines, enum role role, const char *text);
int draw_words_count(int width, const char *text);

/* When the source is not configured, connecting or failed: draws its
 * message at row y (a failure wrapped over the pane) and returns true. */
bool draw_source_notice(struct view_ctx *c, int y, enum source_id source);

/* Appends "KEY what" to a pane's hints ("d deploy → deploy/web"), joined by
 * " · ", with the first key the keymap binds to the action; nothing when no
 * key is bound, or when the action is mutating and the console read-only. */
void view_hint(struct view_ctx *c, struct strbuf *out, enum action_id a, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- services of the ui for views (views/ui.c) */
void ui_select(struct ui *ui, char **slot, const char *value);
/* Opens a one-line prompt at the bottom; the answer goes to the view's
 * prompt_done with prompt_id. */
void ui_prompt(struct ui *ui, const struct view *owner, int prompt_id, const char *label,
	       const char *initial);
/* Focuses a pane by name ("log"). */
void ui_focus(struct ui *ui, const char *view_name);
/* The private state of another pane, to read its selection. */
void *ui_view_private(struct ui *ui, const char *view_name);

#endif
