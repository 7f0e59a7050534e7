/* The pipeline commands against a remote CI backend (--backend). */
#ifndef SHIPDECK_CMD_PIPELINE_REMOTE_H
#define SHIPDECK_CMD_PIPELINE_REMOTE_H

#include "cmd/cmd.h"
#include "project/project.h"

/* word: ls, logs, run or cancel; args: the words after it. */
int cmd_pipeline_remote(struct app *app, const char *word, struct cmd_args *args,
			enum ci_backend_kind kind);

#endif
