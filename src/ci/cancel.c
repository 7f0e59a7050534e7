#include "ci/cancel.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ci/proc.h"
#include "util/file.h"

int ci_cancel_remote(const struct ci_history *h, int number, enum ci_remote_cancel *what,
		     struct err *err)
{
	struct ci_build *b = ci_history_read(h, number, err);
	char *path;
	int rc = -1;

	if (!b)
		return -1;
	if (ci_status_done(b->status)) {
		*what = CI_CANCEL_NOT_RUNNING;
		rc = 0;
		goto out;
	}
	if (ci_history_owner_gone(b)) {
		ci_history_settle(h, b, true);
		*what = CI_CANCEL_SETTLED;
		rc = 0;
		goto out;
	}
	path = ci_history_cancel_path(h, number);
	rc = file_write_atomic(path, "cancel\n", 7, err);
	free(path);
	if (rc)
		goto out;
	/* checked just above: this pid is the process that wrote the record */
	if (kill(b->owner_pid, SIGUSR1)) {
		rc = err_set(err, "build %d: cannot signal its owner (pid %d): %s", number,
			     b->owner_pid, strerror(errno));
		goto out;
	}
	*what = CI_CANCEL_ASKED;
out:
	ci_build_free(b);
	return rc;
}
