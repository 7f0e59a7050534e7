/* Every role of every shipped theme reads: a WCAG 2 contrast ratio of at
 * least 4.5 between its foreground and what it is drawn on (its own
 * background, else the terminal's). Colours are xterm's palette; "default"
 * is a dark terminal's (light grey on black), a light theme's (black on
 * white) — a theme named light* is for light terminals. mono sets no colour
 * and is left to the terminal. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/theme.h"
#include "tap.h"
#include "util/file.h"

struct rgb {
	int r, g, b;
};

static struct rgb xterm(int c)
{
	static const struct rgb base[16] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16)
		return base[c];
	if (c < 232) {
		c -= 16;
		return (struct rgb){ level[c / 36], level[c / 6 % 6], level[c % 6] };
	}
	return (struct rgb){ 8 + 10 * (c - 232), 8 + 10 * (c - 232), 8 + 10 * (c - 232) };
}

static double channel(int v)
{
	double s = v / 255.0;

	return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
}

static double luminance(struct rgb c)
{
	return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

static double ratio(struct rgb a, struct rgb b)
{
	double la = luminance(a), lb = luminance(b);

	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static void check_theme(const char *path, const char *file)
{
	struct theme t;
	struct err err;
	size_t len;
	char *data = file_read_all(path, &len, &err);
	bool light = !strncmp(file, "light", 5), colours = false;
	struct rgb term_fg = light ? xterm(0) : xterm(7), term_bg = light ? xterm(15) : xterm(0);
	char name[256];

	if (!data || theme_parse(&t, path, data, len, &err)) {
		tap_ok(0, path);
		printf("#   %s\n", err.msg);
		free(data);
		return;
	}
	free(data);
	for (int r = 0; r < ROLE_COUNT; r++)
		colours |= t.roles[r].fg >= 0 || t.roles[r].bg >= 0;
	if (!colours) {
		snprintf(name, sizeof name, "%s: no colours, the terminal's own", file);
		tap_ok(1, name);
		return;
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *s = &t.roles[r];
		struct rgb fg = s->fg >= 0 ? xterm(s->fg) : term_fg;
		struct rgb bg = s->bg >= 0 ? xterm(s->bg) : term_bg;
		double q;

		if (s->attrs & THEME_REVERSE) {
			struct rgb x = fg;

			fg = bg;
			bg = x;
		}
		q = ratio(fg, bg);
		snprintf(name, sizeof name, "%s: %s %.2f:1 >= 4.5:1", file, role_name((enum role)r), q);
		tap_ok(q >= 4.5, name);
	}
}

int main(void)
{
	const char *dir = SOURCE_ROOT "/themes";
	DIR *d = opendir(dir);
	struct dirent *e;
	int themes = 0;

	tap_ok(d != NULL, "the themes folder opens");
	while (d && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char path[512];

		if (n < 6 || strcmp(e->d_name + n - 5, ".yaml"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		check_theme(path, e->d_name);
		themes++;
	}
	if (d)
		closedir(d);
	tap_ok(themes >= 4, "every shipped theme checked");
	return tap_done();
}
