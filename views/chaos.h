/* The console's side of chaos experiments (views/chaos.c). */
#ifndef SHIPDECK_VIEWS_CHAOS_H
#define SHIPDECK_VIEWS_CHAOS_H

#include <stdbool.h>

struct ui;

/* `:chaos` (list) and `:chaos FILE|N` (run through the gate). */
void chaos_view_command(struct ui *ui, const char *arg);
/* `x` while an experiment runs and the log pane follows it (or the rollout
 * pane is focused): interrupts it. False when it is not the run's key. */
bool chaos_view_cancel(struct ui *ui);
/* A run that has started: the log pane follows it, the rollout pane shows
 * its target (called when the store changed). */
void chaos_view_watch(struct ui *ui);

#endif
