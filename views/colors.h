/* Theme roles turned into curses attributes and colour pairs. */
#ifndef SHIPDECK_VIEWS_COLORS_H
#define SHIPDECK_VIEWS_COLORS_H

#include <stdbool.h>

#include <curses.h>

#include "app/theme.h"

/* Makes the theme current (after start_color). Under a mono theme, or with a
 * terminal without colours, only attributes are used. */
void colors_apply(const struct theme *theme);
attr_t colors_role(enum role role);
/* An attribute for an arbitrary fg/bg (0–255 or -1), for ANSI log colours;
 * plain A_NORMAL when colours are off or pairs run out. */
attr_t colors_pair(int fg, int bg);
bool colors_enabled(void);

/* Rules in screen coordinates: box-drawing characters in a UTF-8 locale,
 * ASCII otherwise (ACS is not translated by every terminal multiplexer). */
void rule_horizontal(int y, int x, int width, enum role role);
void rule_vertical(int y, int x, int height, enum role role);

#endif
