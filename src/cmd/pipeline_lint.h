/* shipdeck pipeline lint [FILE] (pipeline_lint.c). */
#ifndef SHIPDECK_CMD_PIPELINE_LINT_H
#define SHIPDECK_CMD_PIPELINE_LINT_H

#include "cmd/cmd.h"

int cmd_pipeline_lint(struct app *app, struct cmd_args *args);

#endif
