/* The ':' commands: one table that the command line dispatches by, the help
 * screen, --help and the man page list, the "unknown command" message names
 * and Tab completes. */
#ifndef SHIPDECK_VIEWS_COMMANDS_H
#define SHIPDECK_VIEWS_COMMANDS_H

#include <stddef.h>

#include "util/strbuf.h"

struct command_info {
	const char *name;       /* "undo" */
	const char *alias;      /* another name for it ("quit"), or NULL */
	const char *args;       /* "N", "[NAME]", "" */
	const char *help;       /* one line */
	const char *pane;       /* the pane whose view runs it (its command hook),
				 * or NULL: the console itself (prompt.c) */
};

extern const struct command_info commands[];
extern const size_t command_count;

/* By name or alias; NULL when there is no such command. */
const struct command_info *command_find(const char *name);

/* ":ctx [NAME]               switch to another kube context…": the command,
 * its arguments and its help on one line, as the help overlay and --help
 * list it. Returns buf. */
const char *command_describe(const struct command_info *cmd, char *buf, size_t size);

/* ":ctx NAME, :ns NAME, …" — every command with its arguments. */
void commands_usage(struct strbuf *out);

/* The names (or aliases) starting with prefix, in table order (at most max
 * into out); returns how many match. */
size_t command_matches(const char *prefix, const char **out, size_t max);

#endif
