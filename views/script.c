/* Script mode, for screen tests in the manner of tig: SHIPDECK_SCRIPT=FILE
 * feeds keys from FILE, one step at a time, each only once the app is idle
 * (nothing under way and no change for a moment), and dumps the in-memory
 * screen as text to compare with a golden file. Steps:
 *
 *   key j j Enter        keys by name, as in the config
 *   type :ns web         characters typed literally
 *   dump NAME            the screen into $SHIPDECK_SCRIPT_OUT/NAME (or ./NAME)
 *   dump-roles NAME      each cell's theme role as a letter, under a legend
 *                        (so goldens hold focus, selection and states)
 *   resize 80x24         a new terminal size
 *   wait-for TEXT        until TEXT is on screen (10 s at most)
 *   sleep MS
 *
 * A test that cannot fail is no test: an unknown step or key, a bad size, a
 * dump that cannot be written and a wait-for that times out end the script
 * with an error naming the file and line (the console exits non-zero).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/err.h"
#include "util/file.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/colors.h"
#include "views/ui_internal.h"

enum { QUIET_MS = 150, WAIT_LIMIT_MS = 10000 };

struct script {
	char *path;
	char **lines;
	int *lineno;                /* each step's line in the file */
	size_t n, next;
	uint64_t seen_version;
	int64_t quiet_since;
	int64_t step_started;
	int64_t sleep_until;
};

struct script *script_load(const char *path, struct err *err)
{
	size_t len;
	char *data = file_read_all(path, &len, err);
	struct script *s;
	size_t cap = 0, cap_lineno = 0;
	int lineno = 0;

	if (!data)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	/* strsep, not strtok: empty lines count for the line numbers */
	for (char *rest = data, *l; (l = strsep(&rest, "\n"));) {
		lineno++;
		l += strspn(l, " \t");
		if (!*l || *l == '#')
			continue;
		xgrow(&s->lines, &cap, s->n + 1, sizeof *s->lines);
		xgrow(&s->lineno, &cap_lineno, s->n + 1, sizeof *s->lineno);
		s->lineno[s->n] = lineno;
		s->lines[s->n++] = xstrdup(l);
	}
	free(data);
	return s;
}

void script_free(struct script **sp)
{
	struct script *s = *sp;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->lines[i]);
	free(s->lines);
	free(s->lineno);
	free(s->path);
	free(s);
	*sp = NULL;
}

void screen_dump(FILE *out)
{
	wchar_t wbuf[1024];
	char mb[MB_LEN_MAX + 1];

	for (int y = 0; y < LINES; y++) {
		int n = mvinnwstr(y, 0, wbuf, COLS < 1023 ? COLS : 1023);
		int end = n;

		if (n < 0)
			n = end = 0;
		while (end > 0 && wbuf[end - 1] == L' ')
			end--;
		for (int i = 0; i < end; i++) {
			mbstate_t st;
			size_t k;

			memset(&st, 0, sizeof st);
			k = wcrtomb(mb, wbuf[i], &st);
			if (k != (size_t)-1)
				fwrite(mb, 1, k, out);
		}
		fputc('\n', out);
	}
}

/* The attributes that tell roles apart (not A_ALTCHARSET and the like). */
static attr_t visible_attrs(attr_t a)
{
	return a & (A_BOLD | A_UNDERLINE | A_REVERSE | A_DIM | A_COLOR);
}

/* Roles with the same look share a letter: the legend names them all
 * ("d ok running"). '.' is the terminal's default look, '?' a look of no
 * role (a log line's own ANSI colours). */
static void roles_dump(FILE *out)
{
	attr_t look[ROLE_COUNT];
	int letter_of[ROLE_COUNT], nletters = 0;

	for (int r = 0; r < ROLE_COUNT; r++) {
		look[r] = visible_attrs(colors_role((enum role)r));
		letter_of[r] = -1;
		for (int q = 0; q < r && letter_of[r] < 0; q++)
			if (look[q] == look[r])
				letter_of[r] = letter_of[q];
		if (letter_of[r] < 0 && look[r] != A_NORMAL)
			letter_of[r] = nletters++;
	}
	for (int l = 0; l < nletters; l++) {
		fprintf(out, "%c", 'a' + l);
		for (int r = 0; r < ROLE_COUNT; r++)
			if (letter_of[r] == l)
				fprintf(out, " %s", role_name((enum role)r));
		fputc('\n', out);
	}
	fputs("--\n", out);
	for (int y = 0; y < LINES; y++) {
		char row[1024];
		int end = 0;

		for (int x = 0; x < COLS && x < (int)sizeof row; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1];
			attr_t a = A_NORMAL;
			short pair = 0;
			char c = '?';

			if (mvin_wch(y, x, &cc) != ERR)
				getcchar(&cc, wc, &a, &pair, NULL);
			a = visible_attrs((a & ~A_COLOR) | (attr_t)COLOR_PAIR(pair));
			if (a == A_NORMAL)
				c = '.';
			for (int r = 0; r < ROLE_COUNT && c == '?'; r++)
				if (letter_of[r] >= 0 && look[r] == a)
					c = (char)('a' + letter_of[r]);
			row[x] = c;
			if (c != '.')
				end = x + 1;
		}
		fprintf(out, "%.*s\n", end, row);
	}
}

static bool screen_contains(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found;

	screen_dump(f);
	fclose(f);
	found = buf && strstr(buf, text);
	free(buf);
	return found;
}

static int do_dump(const char *name, void (*dump)(FILE *), struct err *err)
{
	const char *dir = getenv("SHIPDECK_SCRIPT_OUT");
	char *path = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (f) {
		dump(f);
		if (fclose(f))
			rc = err_set(err, "cannot write %s: %s", path, strerror(errno));
	} else {
		rc = err_set(err, "cannot write %s: %s", path, strerror(errno));
	}
	free(path);
	return rc;
}

/* Every key is checked before any is sent: a typo sends nothing. */
static int do_keys(struct ui *ui, const char *names, struct err *err)
{
	char *copy = xstrdup(names), *save = NULL;
	int keys[64], n = 0;

	for (char *k = strtok_r(copy, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		int key = keyc_parse(k);

		if (key < 0 || n == (int)(sizeof keys / sizeof *keys)) {
			err_set(err, key < 0 ? "unknown key '%s'" : "more than 64 keys at '%s'", k);
			free(copy);
			return -1;
		}
		keys[n++] = key;
	}
	free(copy);
	for (int i = 0; i < n; i++)
		ui_dispatch_key(ui, keys[i]);
	return 0;
}

static void do_type(struct ui *ui, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	mbstate_t st;

	memset(&st, 0, sizeof st);
	while (*p) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, (const char *)p, strlen((const char *)p), &st);

		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			break;
		ui_dispatch_key(ui, (int)wc);
		p += n;
	}
}

/* Idle: nothing under way and the store unchanged for QUIET_MS. */
static bool idle(struct ui *ui, struct script *s)
{
	int64_t now = time_mono_ms();

	if (s->seen_version != ui->app->store.version || !app_idle(ui->app) || ui->dirty) {
		s->seen_version = ui->app->store.version;
		s->quiet_since = now;
		return false;
	}
	return now - s->quiet_since >= QUIET_MS;
}

/* One step; -1 with err set when it cannot be carried out. */
static int run_step(struct ui *ui, struct script *s, const char *cmd, const char *arg,
		    int64_t now, struct err *err)
{
	if (!strcmp(cmd, "key"))
		return do_keys(ui, arg, err);
	if (!strcmp(cmd, "type")) {
		do_type(ui, arg);
		return 0;
	}
	if (!strcmp(cmd, "dump"))
		return do_dump(arg, screen_dump, err);
	if (!strcmp(cmd, "dump-roles"))
		return do_dump(arg, roles_dump, err);
	if (!strcmp(cmd, "resize")) {
		int w, h;
		char end;

		if (sscanf(arg, "%dx%d%c", &w, &h, &end) != 2 || w <= 0 || h <= 0)
			return err_set(err, "resize wants COLSxLINES, not '%s'", arg);
		resize_term(h, w);
		ui->cols = COLS;
		ui->lines = LINES;
		ui->dirty = true;
		return 0;
	}
	if (!strcmp(cmd, "sleep")) {
		char *end;
		long ms = strtol(arg, &end, 10);

		if (end == arg || *end || ms < 0)
			return err_set(err, "sleep wants milliseconds, not '%s'", arg);
		s->sleep_until = now + ms;
		return 0;
	}
	if (!strcmp(cmd, "wait-for"))
		return screen_contains(arg) ? 0
			: err_set(err, "timed out after %d s waiting for '%s'",
				  WAIT_LIMIT_MS / 1000, arg);
	return err_set(err,
		       "unknown step '%s' (key, type, dump, dump-roles, resize, wait-for, sleep)",
		       cmd);
}

enum script_state script_step(struct ui *ui, struct err *err)
{
	struct script *s = ui->script;
	int64_t now = time_mono_ms();
	char *line, *cmd, *arg;
	int rc;

	if (!s->step_started)
		s->step_started = now;
	if (s->sleep_until) {
		if (now < s->sleep_until)
			return SCRIPT_MORE;
		s->sleep_until = 0;
	}
	if (!idle(ui, s) && now - s->step_started < WAIT_LIMIT_MS)
		return SCRIPT_MORE;
	if (s->next >= s->n)
		return SCRIPT_DONE;
	line = xstrdup(s->lines[s->next]);
	cmd = line;
	arg = line + strcspn(line, " ");
	if (*arg) {
		*arg++ = '\0';
		arg += strspn(arg, " ");
	}
	if (!strcmp(cmd, "wait-for") && !screen_contains(arg)
	    && now - s->step_started < WAIT_LIMIT_MS) {
		free(line);
		return SCRIPT_MORE;
	}
	rc = run_step(ui, s, cmd, arg, now, err);
	free(line);
	if (rc) {
		err_prefix(err, "script %s:%d", s->path, s->lineno[s->next]);
		return SCRIPT_FAILED;
	}
	s->next++;
	s->step_started = 0;
	if (ui->dirty || ui->drawn_version != ui->app->store.version)
		ui_draw(ui);
	return SCRIPT_MORE;
}
