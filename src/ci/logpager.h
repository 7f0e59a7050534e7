/* The log pager: answers rt_log_window and rt_log_search for any buffer
 * whose full log is on disk (written by ci/logfile), reading on the loop a
 * bounded number of lines per turn so keys are answered during a search of
 * a million lines. Memory lines are searched from the store. */
#ifndef SHIPDECK_CI_LOGPAGER_H
#define SHIPDECK_CI_LOGPAGER_H

#include "runtime/rt.h"

/* Wires rt->log_pager; stop undoes it and frees what it read. */
void ci_log_pager_start(struct rt *rt);
void ci_log_pager_stop(struct rt *rt);

#endif
