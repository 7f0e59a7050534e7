/* Script mode, for screen tests in the manner of tig: SHIPDECK_SCRIPT=FILE
 * feeds keys from FILE, one step at a time, each only once the app is idle
 * (nothing under way and no change for a moment), and dumps the in-memory
 * screen as text to compare with a golden file. Steps:
 *
 *   key j j Enter        keys by name, as in the config
 *   type :ns web         characters typed literally
 *   dump NAME            the screen into $SHIPDECK_SCRIPT_OUT/NAME (or ./NAME)
 *   resize 80x24         a new terminal size
 *   wait-for TEXT        until TEXT is on screen (10 s at most)
 *   sleep MS
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/file.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/ui_internal.h"

enum { QUIET_MS = 150, WAIT_LIMIT_MS = 10000 };

struct script {
	char **lines;
	size_t n, next;
	uint64_t seen_version;
	int64_t quiet_since;
	int64_t step_started;
	int64_t sleep_until;
};

struct script *script_load(const char *path, struct err *err)
{
	size_t len;
	char *data = file_read_all(path, &len, err), *save = NULL;
	struct script *s;
	size_t cap = 0;

	if (!data)
		return NULL;
	s = xcalloc(1, sizeof *s);
	for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, " \t");
		if (!*l || *l == '#')
			continue;
		xgrow(&s->lines, &cap, s->n + 1, sizeof *s->lines);
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

static void do_dump(const char *name)
{
	const char *dir = getenv("SHIPDECK_SCRIPT_OUT");
	char *path = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	FILE *f = fopen(path, "w");

	if (f) {
		screen_dump(f);
		fclose(f);
	} else {
		fprintf(stderr, "shipdeck script: cannot write %s\n", path);
	}
	free(path);
}

static void do_keys(struct ui *ui, char *names)
{
	char *save = NULL;

	for (char *k = strtok_r(names, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		int key = keyc_parse(k);

		if (key < 0)
			fprintf(stderr, "shipdeck script: unknown key '%s'\n", k);
		else
			ui_dispatch_key(ui, key);
	}
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

bool script_step(struct ui *ui)
{
	struct script *s = ui->script;
	int64_t now = time_mono_ms();
	char *line, *cmd, *arg;

	if (!s->step_started)
		s->step_started = now;
	if (s->sleep_until) {
		if (now < s->sleep_until)
			return true;
		s->sleep_until = 0;
	}
	if (!idle(ui, s) && now - s->step_started < WAIT_LIMIT_MS)
		return true;
	if (s->next >= s->n)
		return false;
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
		return true;
	}
	if (!strcmp(cmd, "key"))
		do_keys(ui, arg);
	else if (!strcmp(cmd, "type"))
		do_type(ui, arg);
	else if (!strcmp(cmd, "dump"))
		do_dump(arg);
	else if (!strcmp(cmd, "resize")) {
		int w, h;

		if (sscanf(arg, "%dx%d", &w, &h) == 2 && w > 0 && h > 0) {
			resize_term(h, w);
			ui->cols = COLS;
			ui->lines = LINES;
			ui->dirty = true;
		}
	} else if (!strcmp(cmd, "sleep"))
		s->sleep_until = now + atoi(arg);
	else if (!strcmp(cmd, "wait-for")) {
		if (!screen_contains(arg))
			fprintf(stderr, "shipdeck script: timed out waiting for '%s'\n", arg);
	} else
		fprintf(stderr, "shipdeck script: unknown step '%s'\n", cmd);
	free(line);
	s->next++;
	s->step_started = 0;
	if (ui->dirty || ui->drawn_version != ui->app->store.version)
		ui_draw(ui);
	return true;
}
