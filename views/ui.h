/* The console: curses, the panes, the modal layers (help, confirm, prompt),
 * and the keys. */
#ifndef SHIPDECK_VIEWS_UI_H
#define SHIPDECK_VIEWS_UI_H

#include "app/app.h"

/* Runs the console until quit or a terminating signal; restores the terminal.
 * Returns the exit code. With SHIPDECK_SCRIPT=FILE set, keys come from the
 * script (views/script.c) and the screen is drawn into memory only. */
int ui_run(struct app *app, struct err *err);

#endif
