/* Cancelling a build another process runs (`shipdeck pipeline cancel N`
 * while the console or a `pipeline run` owns it): the request is a file in
 * the build's folder plus SIGUSR1 to the owner — sent only when the recorded
 * pid is still the same process (pid, start time, boot). When the owner is
 * gone the build is settled as interrupted and its leftovers killed. */
#ifndef SHIPDECK_CI_CANCEL_H
#define SHIPDECK_CI_CANCEL_H

#include "ci/history.h"
#include "util/err.h"

enum ci_remote_cancel {
	CI_CANCEL_ASKED,            /* the owner was asked: watch build.json */
	CI_CANCEL_SETTLED,          /* the owner was gone: settled as interrupted */
	CI_CANCEL_NOT_RUNNING,      /* the build had already finished */
};

/* -1 with err when the build does not exist or cannot be asked. */
int ci_cancel_remote(const struct ci_history *h, int number, enum ci_remote_cancel *what,
		     struct err *err);

#endif
