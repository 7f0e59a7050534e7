/* Headless commands: `shipdeck rollout status web`, `shipdeck pipeline run`…
 * They use the same sources, store and actions as the console and print plain
 * text or JSON. Each command group is one file; main.c keeps the list. */
#ifndef SHIPDECK_CMD_CMD_H
#define SHIPDECK_CMD_CMD_H

#include <stdbool.h>

#include "app/app.h"

/* Exit codes (CONTRACT.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,            /* the operation failed or was refused by the server */
	EXIT_USAGE = 2,             /* usage or configuration error */
	EXIT_MARGINAL = 3,          /* analysis MARGINAL or without data */
	EXIT_READ_ONLY = 4,         /* refused by --read-only */
};

/* A command's own flag: "--timeout" with a value, "--dry-run" without. */
struct cmd_flag {
	const char *name;
	bool takes_value;
	const char *value;          /* filled by cmd_parse_flags */
	bool set;
};

struct cmd_args {
	int argc;                   /* words after the command's name, globals removed */
	char **argv;
};

struct cmd {
	const char *name;           /* "rollout" */
	const char *usage;          /* lines for --help, "\n"-separated */
	const char *summary;
	/* Runs with the app initialised; returns an exit code. */
	int (*run)(struct app *app, struct cmd_args *args);
};

/* Takes the command's flags (NULL-name-terminated) out of args, leaving the
 * positional words. Unknown flags: -1 with "unknown flag '--x' for CMD". */
int cmd_parse_flags(struct cmd_args *args, struct cmd_flag *flags, const char *cmd,
		    struct err *err);
/* Prints "shipdeck: MESSAGE" to stderr and returns code. */
int cmd_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "web" or "deploy/web" → "web"; NULL when it names another kind. */
const char *cmd_deploy_name(const char *word);
/* Why a setting of .shipdeck.yml is missing, for "no registry: …": the
 * file to set it in, or that none was found, where it was looked for, and
 * --repo DIR. Writes into buf. */
const char *cmd_project_hint(struct app *app, const char *key, char *buf, size_t size);

extern const struct cmd cmd_demo;
extern const struct cmd cmd_rollout;
extern const struct cmd cmd_deploy;
extern const struct cmd cmd_get;
extern const struct cmd cmd_pipeline;
extern const struct cmd cmd_images;
extern const struct cmd cmd_canary;
extern const struct cmd cmd_chaos;
extern const struct cmd cmd_promote;
extern const struct cmd cmd_drift;

#endif
