#include "views/colors.h"

#include <langinfo.h>
#include <string.h>
#include <wchar.h>

/* The curses colour state is process-wide by nature; this mirrors it. */
static struct {
	attr_t roles[ROLE_COUNT];
	bool enabled;
	short next_pair;
	struct { short fg, bg, pair; } cache[256];
	int ncache;
} colors;

static attr_t attrs_of(unsigned a)
{
	return ((a & THEME_BOLD) ? A_BOLD : 0) | ((a & THEME_UNDERLINE) ? A_UNDERLINE : 0)
		| ((a & THEME_REVERSE) ? A_REVERSE : 0) | ((a & THEME_DIM) ? A_DIM : 0);
}

/* 256-colour numbers on an 8- or 16-colour terminal: keep the basic ones. */
static short fit_color(int c)
{
	if (c < 0)
		return -1;
	if (c < COLORS)
		return (short)c;
	if (c >= 232)
		return c >= 244 ? COLOR_WHITE : COLOR_BLACK;
	return (short)(c % 8);
}

attr_t colors_pair(int fg, int bg)
{
	short f, b;

	if (!colors.enabled || (fg < 0 && bg < 0))
		return A_NORMAL;
	f = fit_color(fg);
	b = fit_color(bg);
	for (int i = 0; i < colors.ncache; i++)
		if (colors.cache[i].fg == f && colors.cache[i].bg == b)
			return COLOR_PAIR(colors.cache[i].pair);
	if (colors.next_pair >= COLOR_PAIRS || colors.ncache == 256)
		return A_NORMAL;
	init_pair(colors.next_pair, f, b);
	colors.cache[colors.ncache].fg = f;
	colors.cache[colors.ncache].bg = b;
	colors.cache[colors.ncache].pair = colors.next_pair;
	colors.ncache++;
	return COLOR_PAIR(colors.next_pair++);
}

void colors_apply(const struct theme *theme)
{
	colors.enabled = has_colors() && strcmp(theme->name, "mono") != 0;
	colors.next_pair = 1;
	colors.ncache = 0;
	if (colors.enabled) {
		start_color();
		use_default_colors();
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *s = &theme->roles[r];

		colors.roles[r] = attrs_of(s->attrs) | colors_pair(s->fg, s->bg);
	}
}

attr_t colors_role(enum role role)
{
	return role >= 0 && role < ROLE_COUNT ? colors.roles[role] : A_NORMAL;
}

bool colors_enabled(void)
{
	return colors.enabled;
}

static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && !strcmp(cs, "UTF-8");
}

static void rule(int y, int x, int n, enum role role, bool vertical)
{
	cchar_t cc;
	wchar_t wc[2] = { 0, 0 };

	attr_t a = colors_role(role);

	wc[0] = utf8_locale() ? (vertical ? L'\u2502' : L'\u2500') : (vertical ? L'|' : L'-');
	/* the pair goes in its own argument: in the attributes it is ignored,
	 * and every rule came out in the terminal's default colour */
	setcchar(&cc, wc, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
	if (vertical)
		mvvline_set(y, x, &cc, n);
	else
		mvhline_set(y, x, &cc, n);
}

void rule_horizontal(int y, int x, int width, enum role role)
{
	rule(y, x, width, role, false);
}

void rule_vertical(int y, int x, int height, enum role role)
{
	rule(y, x, height, role, true);
}
