#include "views/ui.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "app/gate.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/chaos.h"
#include "views/colors.h"
#include "views/ui_internal.h"

/* In PANE_* order. */
static const struct view *const all_views[PANE_COUNT] = {
	[PANE_PIPELINE] = &pipeline_view,
	[PANE_LOG] = &log_view,
	[PANE_IMAGES] = &images_view,
	[PANE_ROLLOUT] = &rollout_view,
	[PANE_CANARY] = &canary_view,
};

enum { CLOCK_MS = 1000 };

static int pane_by_name(const char *name)
{
	for (int i = 0; i < PANE_COUNT; i++)
		if (name && !strcmp(all_views[i]->name, name))
			return i;
	return -1;
}

void ui_select(struct ui *ui, char **slot, const char *value)
{
	if ((!*slot && !value) || (*slot && value && !strcmp(*slot, value)))
		return;
	free(*slot);
	*slot = value ? xstrdup(value) : NULL;
	ui->dirty = true;
}

void ui_prompt(struct ui *ui, const struct view *owner, int prompt_id, const char *label,
	       const char *initial)
{
	ui->modal = MODAL_PROMPT;
	ui->prompt_owner = owner;
	ui->prompt_id = prompt_id;
	snprintf(ui->prompt_label, sizeof ui->prompt_label, "%s", label);
	sb_reset(&ui->prompt_text);
	if (initial)
		sb_puts(&ui->prompt_text, initial);
	ui->dirty = true;
}

void ui_focus(struct ui *ui, const char *view_name)
{
	int p = pane_by_name(view_name);

	if (p >= 0 && p != ui->focus) {
		ui->focus = p;
		if (ui->zoomed >= 0)
			ui->zoomed = p;
		ui->dirty = true;
	}
}

void *ui_view_private(struct ui *ui, const char *view_name)
{
	int p = pane_by_name(view_name);

	return p >= 0 ? ui->panes[p].priv : NULL;
}

static void make_ctx(struct ui *ui, int p, struct view_ctx *c)
{
	const struct rect *r = &ui->layout.pane[p];

	memset(c, 0, sizeof *c);
	c->app = ui->app;
	c->ui = ui;
	c->sel = &ui->sel;
	c->y0 = r->y + 1;
	c->x0 = r->x;
	c->width = r->w;
	c->height = r->h - 1;
	c->focused = p == ui->focus;
	c->zoomed = p == ui->zoomed;
}

static void draw_title(struct ui *ui, int p, const struct view_ctx *c)
{
	const struct rect *r = &ui->layout.pane[p];
	struct view_ctx bar = { .y0 = r->y, .x0 = r->x, .width = r->w, .height = 1 };
	enum role role = c->focused ? ROLE_TITLE : ROLE_BORDER;
	int x;

	rule_horizontal(r->y, r->x, r->w, ROLE_BORDER);
	x = draw_textf(&bar, 0, 0, role, "%s%d %s ", c->focused ? "▶" : " ", p + 1,
		       all_views[p]->title);
	if (c->subtitle[0])
		draw_textf(&bar, 0, x, ROLE_MUTED, " %s ", c->subtitle);
}

static void arm_clock(struct ui *ui, bool wanted);

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* SHIPDECK_FRAME_LOG (bench/run's start-up figure): one line per frame,
 * "WALL_US DRAW_US COMPLETE", COMPLETE being 1 once every list of the
 * cluster is in (or no cluster is configured), so the frame shows the whole
 * cluster. */
static void frame_log(struct ui *ui, int64_t started_us)
{
	enum source_state k = ui->app->store.status.sources[SOURCE_KUBE].state;

	fprintf(ui->frame_log, "%lld %lld %d\n", (long long)clock_us(CLOCK_REALTIME),
		(long long)(clock_us(CLOCK_MONOTONIC) - started_us),
		k == SOURCE_READY || k == SOURCE_UNCONFIGURED);
	fflush(ui->frame_log);
}

/* Draws pane p over what its rectangle holds; true when it counts time. */
static bool draw_pane(struct ui *ui, int p)
{
	struct view_ctx c;

	make_ctx(ui, p, &c);
	ui->panes[p].view->draw(ui->panes[p].priv, &c);
	draw_title(ui, p, &c);
	ui->panes[p].uses_clock = c.uses_clock;
	return c.uses_clock;
}

/* The clock's frame: only the panes showing an age or a countdown are
 * drawn again (a live log beside them costs as much as the rest). */
static void draw_clock_panes(struct ui *ui)
{
	bool clock = false;

	for (int p = 0; p < PANE_COUNT; p++) {
		const struct rect *r = &ui->layout.pane[p];

		if (!r->h || !ui->panes[p].uses_clock)
			continue;
		attrset(A_NORMAL);
		for (int y = r->y; y < r->y + r->h; y++)
			mvhline(y, r->x, ' ', r->w);
		clock |= draw_pane(ui, p);
	}
	refresh();
	ui->frames++;
	ui->clock_due = false;
	arm_clock(ui, clock);
}

void ui_draw(struct ui *ui)
{
	bool clock = false;
	int64_t started_us = ui->frame_log ? clock_us(CLOCK_MONOTONIC) : 0;

	erase();
	layout_compute(&ui->layout, ui->cols, ui->lines, ui->zoomed);
	if (ui->layout.too_small) {
		/* on two lines when one does not fit */
		mvprintw(0, 0, "terminal too small%s(need %d\xc3\x97%d)",
			 ui->cols >= 31 ? " " : "\n", LAYOUT_MIN_COLS, LAYOUT_MIN_LINES);
		refresh();
		ui->dirty = false;
		ui->drawn_version = ui->app->store.version;
		arm_clock(ui, false);
		return;
	}
	for (int p = 0; p < PANE_COUNT; p++)
		if (ui->layout.pane[p].h)
			clock |= draw_pane(ui, p);
	if (ui->layout.separator_x >= 0)
		rule_vertical(ui->layout.separator_y, ui->layout.separator_x,
			      ui->layout.separator_h, ROLE_BORDER);
	statusbar_draw(ui);
	if (ui->modal == MODAL_HELP)
		help_draw(ui);
	else if (ui->modal == MODAL_CONFIRM)
		confirm_draw(ui);
	else if (ui->modal == MODAL_PROMPT)
		prompt_draw(ui);
	refresh();
	if (ui->frame_log)
		frame_log(ui, started_us);
	ui->frames++;
	ui->dirty = false;
	ui->clock_due = false;
	ui->drawn_version = ui->app->store.version;
	ui->drawn_ms = time_mono_ms();
	arm_clock(ui, clock);
}

static void on_frame_due(void *ctx)
{
	struct ui *ui = ctx;

	ui->frame_timer = 0;
}

/* A frame now for a key (dirty); for a store change, once STORE_FRAME_MS
 * have passed since the last frame (a timer wakes the loop for it); for the
 * clock, the panes that count time. */
static void draw_when_due(struct ui *ui)
{
	int64_t wait;

	if (ui->dirty) {
		ui_draw(ui);
		return;
	}
	if (ui->drawn_version == ui->app->store.version) {
		if (ui->clock_due && ui->modal == MODAL_NONE && !ui->layout.too_small)
			draw_clock_panes(ui);
		else if (ui->clock_due)
			ui_draw(ui);
		return;
	}
	if (ui->frame_timer)
		return;
	wait = ui->drawn_ms + STORE_FRAME_MS - time_mono_ms();
	if (wait <= 0)
		ui_draw(ui);
	else
		ui->frame_timer = loop_timer_add(ui->app->loop, wait, on_frame_due, ui);
}

static void on_clock(void *ctx)
{
	struct ui *ui = ctx;

	ui->clock_timer = 0;
	ui->clock_due = true;
}

/* One wake-up a second, only while something on screen counts time. */
static void arm_clock(struct ui *ui, bool wanted)
{
	if (wanted && !ui->clock_timer) {
		int64_t ms = CLOCK_MS - time_wall_ms() % CLOCK_MS;

		ui->clock_timer = loop_timer_add(ui->app->loop, ms, on_clock, ui);
	} else if (!wanted && ui->clock_timer) {
		loop_timer_cancel(ui->app->loop, ui->clock_timer);
		ui->clock_timer = 0;
	}
}

static void move_focus(struct ui *ui, int delta)
{
	ui->focus = (ui->focus + delta + PANE_COUNT) % PANE_COUNT;
	if (ui->zoomed >= 0)
		ui->zoomed = ui->focus;
	ui->dirty = true;
}

static int offer(struct ui *ui, int p, enum action_id a)
{
	struct view_ctx c;

	if (p < 0 || !ui->panes[p].view->action)
		return VIEW_UNHANDLED;
	make_ctx(ui, p, &c);
	return ui->panes[p].view->action(ui->panes[p].priv, &c, a);
}

static void dispatch(struct ui *ui, enum action_id a)
{
	const struct action_info *info = action_info(a);

	if (gate_check(ui->app, a))
		return;
	ui->dirty = true;
	switch (a) {
	case ACTION_FOCUS_PIPELINE: case ACTION_FOCUS_LOG: case ACTION_FOCUS_IMAGES:
	case ACTION_FOCUS_ROLLOUT: case ACTION_FOCUS_CANARY:
		ui->focus = PANE_PIPELINE + (a - ACTION_FOCUS_PIPELINE);
		if (ui->zoomed >= 0)
			ui->zoomed = ui->focus;
		return;
	case ACTION_NEXT_PANE:
		move_focus(ui, 1);
		return;
	case ACTION_PREV_PANE:
		move_focus(ui, -1);
		return;
	case ACTION_HELP:
		ui->modal = MODAL_HELP;
		ui->help_scroll = 0;
		return;
	case ACTION_QUIT:
		loop_stop(ui->app->loop);
		return;
	case ACTION_COMMAND:
		ui_prompt(ui, NULL, 0, ":", NULL);
		return;
	case ACTION_ZOOM:
		if (offer(ui, ui->focus, a) == VIEW_UNHANDLED)
			ui->zoomed = ui->zoomed >= 0 ? -1 : ui->focus;
		return;
	case ACTION_BACK:
		if (offer(ui, ui->focus, a) == VIEW_UNHANDLED)
			ui->zoomed = -1;
		return;
	case ACTION_CANCEL:
		if (chaos_view_cancel(ui))
			return;
		break;
	default:
		break;
	}
	if (offer(ui, ui->focus, a) == VIEW_HANDLED)
		return;
	if (info->pane && offer(ui, pane_by_name(info->pane), a) == VIEW_HANDLED)
		return;
	if (info->flags & ACT_MUTATING)
		app_message(ui->app, STATUS_WARN, "%s: nothing selected to act on", info->name);
}

void ui_dispatch_key(struct ui *ui, int key)
{
	enum action_id a;

	if (key == KEYC_RESIZE) {
		ui->dirty = true;
		return;
	}
	switch (ui->modal) {
	case MODAL_HELP:
		help_key(ui, key);
		return;
	case MODAL_CONFIRM:
		confirm_key(ui, key);
		return;
	case MODAL_PROMPT:
		prompt_key(ui, key);
		return;
	case MODAL_NONE:
		break;
	}
	a = keymap_lookup(&ui->app->config.keymap, key);
	if (a != ACTION_NONE)
		dispatch(ui, a);
}

int ui_translate_key(int is_key_code, wint_t ch)
{
	if (!is_key_code) {
		if (ch == '\r')
			return KEYC_ENTER;
		if (ch == 127 || ch == 8)
			return KEYC_BACKSPACE;
		if (ch >= 1 && ch <= 26 && ch != '\t' && ch != '\n')
			return KEYC_CTRL | (int)('a' + ch - 1);
		return (int)ch;
	}
	switch (ch) {
	case KEY_UP: return KEYC_UP;
	case KEY_DOWN: return KEYC_DOWN;
	case KEY_LEFT: return KEYC_LEFT;
	case KEY_RIGHT: return KEYC_RIGHT;
	case KEY_PPAGE: return KEYC_PGUP;
	case KEY_NPAGE: return KEYC_PGDN;
	case KEY_HOME: return KEYC_HOME;
	case KEY_END: return KEYC_END;
	case KEY_BTAB: return KEYC_BTAB;
	case KEY_ENTER: return KEYC_ENTER;
	case KEY_BACKSPACE: return KEYC_BACKSPACE;
	case KEY_DC: return KEYC_DELETE;
	case KEY_RESIZE: return KEYC_RESIZE;
	default:
		if (ch >= KEY_F(1) && ch <= KEY_F(12))
			return KEYC_F1 + (int)(ch - KEY_F(1));
		return -1;
	}
}

static void on_stdin(void *ctx, int fd, short revents)
{
	struct ui *ui = ctx;
	wint_t ch;
	int r;

	(void)fd;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* the terminal is gone: nothing more can be shown or asked */
		loop_stop(ui->app->loop);
		return;
	}
	while ((r = get_wch(&ch)) != ERR) {
		int key = ui_translate_key(r == KEY_CODE_YES, ch);

		if (key >= 0)
			ui_dispatch_key(ui, key);
	}
}

static void query_size(struct ui *ui)
{
	struct winsize ws;

	if (!ui->script && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resize_term(ws.ws_row, ws.ws_col);
	ui->cols = COLS;
	ui->lines = LINES;
	ui->dirty = true;
}

static void on_signal(void *ctx, int signo)
{
	struct ui *ui = ctx;

	if (signo == SIGWINCH) {
		query_size(ui);
		return;
	}
	loop_stop(ui->app->loop);
}

void ui_set_theme(struct ui *ui, const char *name)
{
	struct theme t;
	struct err err;

	if (theme_load(&t, name, &err)) {
		app_message(ui->app, STATUS_ERROR, "%s", err.msg);
		return;
	}
	ui->theme = t;
	colors_apply(&ui->theme);
	ui->dirty = true;
}

static void on_message_fade(void *ctx)
{
	struct ui *ui = ctx;

	ui->message_timer = 0;
	ui->dirty = true;
}

static int start_curses(struct ui *ui, struct err *err)
{
	const char *script = getenv("SHIPDECK_SCRIPT");

	if (script) {
		ui->script = script_load(script, err);
		if (!ui->script)
			return -1;
		ui->term_out = fopen("/dev/null", "w");
		ui->term_in = fopen("/dev/null", "r");
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			return err_set(err, "the console needs a terminal (for scripts use a "
				       "headless command: see shipdeck --help)");
		ui->term_out = fdopen(dup(STDOUT_FILENO), "w");
		ui->term_in = fdopen(dup(STDIN_FILENO), "r");
	}
	if (!ui->term_out || !ui->term_in)
		return err_set(err, "cannot open the terminal: %s", strerror(errno));
	ui->screen = newterm(NULL, ui->term_out, ui->term_in);
	if (!ui->screen)
		return err_set(err, "cannot start the terminal '%s' (is TERM right?)",
			       getenv("TERM") ? getenv("TERM") : "");
	set_term(ui->screen);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	return 0;
}

static void stop_curses(struct ui *ui)
{
	if (ui->screen) {
		curs_set(1);
		endwin();
		delscreen(ui->screen);
		ui->screen = NULL;
	}
	if (ui->term_out)
		fclose(ui->term_out);
	if (ui->term_in)
		fclose(ui->term_in);
	ui->term_out = ui->term_in = NULL;
}

struct ui *ui_open(struct app *app, struct err *err)
{
	struct ui *ui = xcalloc(1, sizeof *ui);
	static const int signals[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP };
	const char *theme_name, *frame_log = getenv("SHIPDECK_FRAME_LOG");

	setlocale(LC_ALL, "");
	ui->app = app;
	ui->zoomed = -1;
	ui->focus = PANE_ROLLOUT;
	theme_name = theme_choose(app->opts.theme, app->config.theme);
	if (theme_load(&ui->theme, theme_name, err)) {
		free(ui);
		return NULL;
	}
	if (start_curses(ui, err)) {
		stop_curses(ui);
		script_free(&ui->script);
		free(ui);
		return NULL;
	}
	if (frame_log && *frame_log)
		ui->frame_log = fopen(frame_log, "ae");
	colors_apply(&ui->theme);
	app->ui = ui;
	app->confirm = confirm_open;
	for (int p = 0; p < PANE_COUNT; p++) {
		ui->panes[p].view = all_views[p];
		ui->panes[p].priv = xcalloc(1, all_views[p]->private_size ? all_views[p]->private_size : 1);
		if (all_views[p]->init)
			all_views[p]->init(ui->panes[p].priv, app);
	}
	for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
		loop_signal_watch(app->loop, signals[i], on_signal, ui);
	if (!ui->script)
		loop_io_add(app->loop, STDIN_FILENO, POLLIN, on_stdin, ui);
	query_size(ui);
	return ui;
}

void ui_close(struct ui **uip)
{
	struct ui *ui = *uip;
	struct app *app = ui->app;

	if (!ui->script)
		loop_io_remove(app->loop, STDIN_FILENO);
	arm_clock(ui, false);
	if (ui->message_timer)
		loop_timer_cancel(app->loop, ui->message_timer);
	if (ui->frame_timer)
		loop_timer_cancel(app->loop, ui->frame_timer);
	if (ui->confirm_req)
		gate_answer(app, ui->confirm_req, false);
	for (int p = 0; p < PANE_COUNT; p++) {
		if (all_views[p]->destroy)
			all_views[p]->destroy(ui->panes[p].priv);
		free(ui->panes[p].priv);
	}
	stop_curses(ui);
	script_free(&ui->script);
	if (ui->frame_log)
		fclose(ui->frame_log);
	free(ui->sel.deployment);
	free(ui->sel.log_id);
	free(ui->sel.tag);
	free(ui->sel.app);
	sb_free(&ui->prompt_text);
	app->ui = NULL;
	app->confirm = NULL;
	free(ui);
	*uip = NULL;
}

int ui_run(struct app *app, struct err *err)
{
	struct ui *ui = ui_open(app, err);
	int64_t faded_message_time = 0;

	if (!ui)
		return -1;
	while (!loop_stopped(app->loop)) {
		/* an info message fades: one redraw when it is due to go */
		if (app->store.status.message && app->store.status.level == STATUS_INFO
		    && app->store.status.message_time_ms != faded_message_time) {
			faded_message_time = app->store.status.message_time_ms;
			if (ui->message_timer)
				loop_timer_cancel(app->loop, ui->message_timer);
			ui->message_timer = loop_timer_add(app->loop, MESSAGE_FADE_MS + 10,
							   on_message_fade, ui);
		}
		draw_when_due(ui);
		if (ui->script && !script_step(ui))
			break;
		if (loop_run_once(app->loop, ui->script ? 10 : -1) < 0)
			break;
	}
	ui_close(&ui);
	return 0;
}
