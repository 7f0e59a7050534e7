#include "views/ui.h"

#include <errno.h>
#include <stdarg.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "action/gate.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/chaos.h"
#include "views/colors.h"
#include "views/ui_internal.h"

/* From the pane list: NAME's view is NAME_view. */
static const struct view *const all_views[PANE_COUNT] = {
#define PANE_VIEW(A, id, name, ...) [PANE_##id] = &name##_view,
	SHIPDECK_PANES(PANE_VIEW, )
#undef PANE_VIEW
};

/* The pane a focus-NAME action focuses, or -1 for any other action. */
static int pane_focused_by(enum action_id a)
{
	switch (a) {
#define FOCUS_CASE(A, id, ...) case ACTION_FOCUS_##id: return PANE_##id;
	SHIPDECK_PANES(FOCUS_CASE, )
#undef FOCUS_CASE
	default: return -1;
	}
}

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
	ui->prompt_hint[0] = '\0';
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
	c->want_rows = -1;
}

void view_hint(struct view_ctx *c, struct strbuf *out, enum action_id a, const char *fmt, ...)
{
	char keys[64], *what = NULL;
	va_list ap;

	if (action_is_mutating(a) && c->app->opts.read_only)
		return;
	keymap_keys_of(&c->app->config.keymap, a, keys, sizeof keys);
	if (!keys[0])
		return;
	keys[strcspn(keys, " ")] = '\0';
	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	sb_printf(out, "%s%s %s", out->len ? " \xc2\xb7 " : "", keys, what);
	free(what);
}

/* Keeps the hints that fit in width columns: whole ones, from the first.
 * Returns how many are left. */
static int fit_hints(struct strbuf *h, int width)
{
	static const char sep[] = " \xc2\xb7 ";
	int n = 0;

	while (h->len && text_width(sb_str(h)) > width) {
		char *last = NULL, *p = h->s;

		while ((p = strstr(p, sep)) != NULL)
			last = p++;
		h->len = last ? (size_t)(last - h->s) : 0;
		h->s[h->len] = '\0';
	}
	for (const char *p = h->len ? h->s : NULL; p; p = strstr(p + 1, sep))
		n++;
	return n;
}

/* The title bar: the pane's number and name, its subtitle and, while it is
 * focused, what its keys act on — right-aligned, before the subtitle when
 * the bar is short. The focused pane's rule is drawn in the title colour. */
static void draw_title(struct ui *ui, int p, const struct view_ctx *c)
{
	const struct rect *r = &ui->layout.pane[p];
	struct view_ctx bar = { .y0 = r->y, .x0 = r->x, .width = r->w, .height = 1 };
	enum role role = c->focused ? ROLE_TITLE : ROLE_BORDER;
	struct strbuf hints = { 0 };
	int x, hw = 0;

	rule_horizontal(r->y, r->x, r->w, role);
	x = draw_textf(&bar, 0, 0, role, "%s%d %s ", c->focused ? "\xe2\x96\xb6" : " ", p + 1,
		       all_views[p]->title);
	if (c->focused && all_views[p]->hints && !ui->layout.too_small) {
		struct view_ctx hc = *c;

		all_views[p]->hints(ui->panes[p].priv, &hc, &hints);
		/* the subtitle whole (it says the pane's state) when a hint fits
		 * beside it; else the hints first — they say what a key changes */
		{
			struct strbuf all = { 0 };
			int sub_w = c->subtitle[0] ? text_width(c->subtitle) + 2 : 0;

			sb_puts(&all, sb_str(&hints));
			if (fit_hints(&hints, r->w - x - sub_w - 4) < 1) {
				sb_reset(&hints);
				sb_puts(&hints, sb_str(&all));
				fit_hints(&hints, r->w - x - 3);
			}
			sb_free(&all);
		}
		hw = hints.len ? text_width(sb_str(&hints)) + 2 : 0;
	}
	if (c->subtitle[0]) {
		char *sub = xasprintf(" %s ", c->subtitle);
		int room = r->w - x - (hw ? hw + 2 : 0), w = text_width(sub);

		if (room > 4)
			draw_cell(&bar, 0, x, w < room ? w : room, ROLE_MUTED, sub);
		free(sub);
	}
	if (hw)
		draw_textf(&bar, 0, r->w - hw - 1, ROLE_NORMAL, " %s ", sb_str(&hints));
	sb_free(&hints);
}

static void arm_clock(struct ui *ui, int64_t due_ms);

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

/* Draws pane p over what its rectangle holds. */
static void draw_pane(struct ui *ui, int p)
{
	struct view_ctx c;
	int64_t now, second;

	make_ctx(ui, p, &c);
	ui->panes[p].ages.n = 0;
	c.ages = &ui->panes[p].ages;
	ui->panes[p].view->draw(ui->panes[p].priv, &c);
	draw_title(ui, p, &c);
	ui->panes[p].ages_only = !c.uses_clock && !c.ages_elsewhere;
	if (c.uses_clock) {     /* a cell that changes every second */
		now = time_wall_ms();
		second = now - now % CLOCK_MS + CLOCK_MS;
		if (!c.clock_at_ms || second < c.clock_at_ms)
			c.clock_at_ms = second;
	}
	ui->panes[p].clock_at_ms = c.clock_at_ms;
	ui->panes[p].want = c.want_rows < 0 ? -1 : c.want_rows + 1;
}

/* When the first shown pane's time-based cells change; 0: none shown. */
static int64_t clock_due_ms(const struct ui *ui)
{
	int64_t due = 0;

	for (int p = 0; p < PANE_COUNT; p++) {
		int64_t at = ui->panes[p].clock_at_ms;

		if (ui->layout.pane[p].h && at && (!due || at < due))
			due = at;
	}
	return due;
}

static void compute_layout(struct ui *ui)
{
	int want[PANE_COUNT];

	for (int p = 0; p < PANE_COUNT; p++)
		want[p] = ui->panes[p].want;
	layout_compute_by_content(&ui->layout, ui->cols, ui->lines, ui->zoomed, want);
}

/* Whether the panes now want other rows than the layout was made for. */
static bool wants_changed(struct ui *ui, const int *before)
{
	for (int p = 0; p < PANE_COUNT; p++)
		if (ui->layout.pane[p].h && ui->panes[p].want != before[p])
			return true;
	return false;
}

/* The clock's frame of a pane whose only time-based text is its age
 * cells: those cells alone, drawn as its last frame drew them (nothing
 * else in it changed, or that frame would not be the clock's). Redrawing
 * the whole pane for them built every row from the store again, and curses
 * compared every cell of it. */
static void draw_age_cells(struct ui *ui, int p)
{
	struct pane *pane = &ui->panes[p];
	struct view_ctx c;

	make_ctx(ui, p, &c);        /* c.ages NULL: the list stays as it is */
	for (size_t i = 0; i < pane->ages.n; i++) {
		const struct age_cell *a = &pane->ages.v[i];

		draw_age_cell(&c, a->y, a->x, a->width, a->role, a->t);
	}
	pane->clock_at_ms = c.clock_at_ms;
}

/* The clock's frame: only the panes whose ages or countdowns now read
 * otherwise are drawn again (a live log beside them costs as much as the
 * rest; a pane of ages in minutes waits for the next minute). */
static void draw_clock_panes(struct ui *ui)
{
	int64_t now = time_wall_ms();
	bool drawn = false;
	int want;

	for (int p = 0; p < PANE_COUNT; p++) {
		const struct rect *r = &ui->layout.pane[p];

		if (!r->h || !ui->panes[p].clock_at_ms || ui->panes[p].clock_at_ms > now)
			continue;
		drawn = true;
		if (ui->panes[p].ages_only) {
			draw_age_cells(ui, p);
			continue;
		}
		attrset(A_NORMAL);
		for (int y = r->y; y < r->y + r->h; y++)
			mvhline(y, r->x, ' ', r->w);
		want = ui->panes[p].want;
		draw_pane(ui, p);
		/* a pane that now holds more or fewer lines gets its rows next frame */
		if (ui->panes[p].want != want)
			ui->dirty = true;
	}
	if (drawn) {
		refresh();
		ui->frames++;
	}
	ui->clock_due = false;
	arm_clock(ui, clock_due_ms(ui));
}

/* One frame into curses' buffer; true when the layout left the panes out
 * (too small). */
static bool draw_frame(struct ui *ui)
{
	erase();
	compute_layout(ui);
	if (ui->layout.too_small) {
		/* on two lines when one does not fit */
		mvprintw(0, 0, "terminal too small%s(need %d\xc3\x97%d)",
			 ui->cols >= 31 ? " " : "\n", LAYOUT_MIN_COLS, LAYOUT_MIN_LINES);
		return true;
	}
	for (int p = 0; p < PANE_COUNT; p++)
		if (ui->layout.pane[p].h)
			draw_pane(ui, p);
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
	return false;
}

void ui_draw(struct ui *ui)
{
	bool small = false;
	int64_t started_us = ui->frame_log ? clock_us(CLOCK_MONOTONIC) : 0;
	int before[PANE_COUNT];

	if (ui->repaint) {
		/* curses' idea of the terminal is wrong after a resize (the
		 * terminal reflowed or kept old cells): send every cell again */
		clearok(curscr, TRUE);
		ui->repaint = false;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int p = 0; p < PANE_COUNT; p++)
			before[p] = ui->panes[p].want;
		small = draw_frame(ui);
		/* the panes said what they hold: once more when their rows move */
		if (small || !wants_changed(ui, before))
			break;
	}
	refresh();
	if (ui->frame_log && !small)
		frame_log(ui, started_us);
	ui->frames++;
	ui->dirty = false;
	ui->clock_due = false;
	ui->drawn_version = ui->app->store.version;
	ui->drawn_ms = time_mono_ms();
	arm_clock(ui, small ? 0 : clock_due_ms(ui));
}

/* "build 2 failed: test": the end of a build, whoever ran it, reaches the
 * status bar (the start is said by the action). Builds over when the
 * console started are not announced. */
static void announce_build(struct ui *ui, const struct ci_build *b)
{
	const char *failed = NULL;

	for (size_t i = 0; i < b->nsteps && !failed; i++)
		if (b->steps[i].status == CI_FAILED && !b->steps[i].ignore_failure)
			failed = b->steps[i].name;
	if (b->status == CI_PASSED)
		app_message(ui->app, STATUS_INFO, "build %d passed%s%s", b->number,
			    b->image_tag ? ": " : "", b->image_tag ? b->image_tag : "");
	else if (b->status == CI_FAILED)
		app_message(ui->app, STATUS_WARN, "build %d failed%s%s", b->number,
			    failed ? ": " : "", failed ? failed : "");
	else
		app_message(ui->app, STATUS_WARN, "build %d %s%s%s", b->number,
			    ci_status_name(b->status), b->message ? ": " : "",
			    b->message ? b->message : "");
}

static void watch_builds(struct ui *ui)
{
	const struct store_ci *ci = &ui->app->store.ci;
	struct seen_build now[16];
	size_t n = 0;

	for (size_t i = 0; i < ci->nbuilds && n < 16; i++) {
		const struct ci_build *b = ci->builds[i];
		const struct seen_build *was = NULL;

		for (size_t k = 0; k < ui->nseen_builds; k++)
			if (ui->seen_builds[k].number == b->number)
				was = &ui->seen_builds[k];
		if (ui->builds_seen_once && ci_status_done(b->status)
		    && (!was || !ci_status_done(was->status)))
			announce_build(ui, b);
		now[n++] = (struct seen_build){ b->number, b->status };
	}
	memcpy(ui->seen_builds, now, n * sizeof *now);
	ui->nseen_builds = n;
	ui->builds_seen_once = true;
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

	if (ui->drawn_version != ui->app->store.version || !ui->builds_seen_once) {
		watch_builds(ui);
		chaos_view_watch(ui);
	}

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

/* A wake-up when a time-based cell on screen next reads otherwise (at most
 * one a second), none while there is none (due_ms 0). An armed timer that
 * is due sooner stays: its frame arms the next. */
static void arm_clock(struct ui *ui, int64_t due_ms)
{
	if (ui->clock_timer && (!due_ms || due_ms < ui->clock_timer_at_ms)) {
		loop_timer_cancel(ui->app->loop, ui->clock_timer);
		ui->clock_timer = 0;
	}
	if (due_ms && !ui->clock_timer) {
		int64_t ms = due_ms - time_wall_ms();

		ui->clock_timer = loop_timer_add(ui->app->loop, ms > 0 ? ms : 0, on_clock, ui);
		ui->clock_timer_at_ms = due_ms;
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

/* What a mutating action needs selected, and in which pane. */
static const char *needs(enum action_id a)
{
	switch (a) {
	case ACTION_CANCEL: return "a running build";
	case ACTION_DEPLOY: case ACTION_CANARY_START: return "a tag";
	case ACTION_KILL_POD: return "a pod";
	case ACTION_PROMOTE: case ACTION_ABORT: case ACTION_AUTO_ANALYSIS: return "an app";
	case ACTION_PROMOTE_FULL: case ACTION_RETRY: return "an Argo Rollout";
	default: return "a deployment";
	}
}

/* "r: rollback — select a deployment in 4 Rollout" */
static void say_where(struct ui *ui, enum action_id a)
{
	const struct action_info *info = action_info(a);
	int p = pane_by_name(info->pane);
	char key[32];

	keyc_name(ui->last_key, key, sizeof key);
	if (p < 0)
		app_message(ui->app, STATUS_INFO, "%s: %s does nothing here", key, info->name);
	else
		app_message(ui->app, STATUS_INFO, "%s: %s \xe2\x80\x94 select %s in %d %s", key,
			    info->name, needs(a), p + 1, all_views[p]->title);
}

static void dispatch(struct ui *ui, enum action_id a)
{
	const struct action_info *info = action_info(a);
	int focus = pane_focused_by(a);

	if (gate_check(&ui->app->rt, a))
		return;
	ui->dirty = true;
	if (focus >= 0) {
		ui->focus = focus;
		if (ui->zoomed >= 0)
			ui->zoomed = ui->focus;
		return;
	}
	switch (a) {
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
	/* A change acts on what the focused pane has selected, never on what
	 * another pane happens to hold: that is named in its title bar, and a
	 * key of another pane only says where to go. Running the pipeline on
	 * HEAD selects nothing, so b and t work from anywhere. */
	if ((info->flags & ACT_MUTATING) && a != ACTION_RUN_PIPELINE && a != ACTION_RUN_TESTS) {
		say_where(ui, a);
		return;
	}
	if (info->pane && offer(ui, pane_by_name(info->pane), a) == VIEW_HANDLED)
		return;
	if (info->flags & ACT_MUTATING)
		app_message(ui->app, STATUS_WARN, "%s: nothing selected to act on", info->name);
}

void ui_dispatch_key(struct ui *ui, int key)
{
	enum action_id a;

	if (key == KEYC_RESIZE || key == (KEYC_CTRL | 'l')) {
		/* a resize, or C-l as in every terminal program: draw it all again */
		ui->repaint = true;
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
	a = keymap_lookup_in(&ui->app->config.keymap, key, all_views[ui->focus]->name);
	ui->last_key = key;
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
	ui->repaint = true;
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
	/* ncurses (6.4) counts a screen as not yet started until its first
	 * endwin(), and until then flushes its output after every cursor
	 * move inside doupdate: the clock's frame was one write() per AGE
	 * cell. Leaving and entering once, before anything is drawn, makes a
	 * frame one write. */
	endwin();
	doupdate();
	/* its check for typed keys during doupdate (a poll every few lines)
	 * only flushes early; the loop reads keys after the frame */
	typeahead(-1);
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
	app->rt.confirm = confirm_open;
	for (int p = 0; p < PANE_COUNT; p++) {
		ui->panes[p].view = all_views[p];
		ui->panes[p].priv = xcalloc(1, all_views[p]->private_size
					    ? all_views[p]->private_size : 1);
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
	arm_clock(ui, 0);
	if (ui->message_timer)
		loop_timer_cancel(app->loop, ui->message_timer);
	if (ui->frame_timer)
		loop_timer_cancel(app->loop, ui->frame_timer);
	if (ui->confirm_req)
		gate_answer(&app->rt, ui->confirm_req, false);
	for (int p = 0; p < PANE_COUNT; p++) {
		if (all_views[p]->destroy)
			all_views[p]->destroy(ui->panes[p].priv);
		free(ui->panes[p].priv);
		free(ui->panes[p].ages.v);
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
	app->rt.confirm = NULL;
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
		/* a message fades: one redraw when it is due to go */
		if (app->store.status.message
		    && app->store.status.message_time_ms != faded_message_time) {
			faded_message_time = app->store.status.message_time_ms;
			if (ui->message_timer)
				loop_timer_cancel(app->loop, ui->message_timer);
			ui->message_timer = loop_timer_add(app->loop, message_lifetime_ms(
					app->store.status.level) + 10, on_message_fade, ui);
		}
		draw_when_due(ui);
		if (ui->script) {
			enum script_state state = script_step(ui, err);

			if (state == SCRIPT_FAILED) {
				ui_close(&ui);
				return -1;
			}
			if (state == SCRIPT_DONE)
				break;
		}
		if (loop_run_once(app->loop, ui->script ? 10 : -1) < 0)
			break;
	}
	ui_close(&ui);
	return 0;
}
