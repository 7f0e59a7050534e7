#include "views/commands.h"

#include <stdio.h>
#include <string.h>

const struct command_info commands[] = {
	{ "ctx", NULL, "[NAME]", "switch to another kube context live (none: show the current one)",
	  "rollout" },
	{ "ns", NULL, "[NAME]", "switch to another namespace live (none: show the current one)",
	  "rollout" },
	{ "undo", NULL, "N", "roll the selected deployment or Argo Rollout back to revision N",
	  "rollout" },
	{ "audit", NULL, "", "the audit log of this project's actions, zoomed in the log pane",
	  NULL },
	{ "chaos", NULL, "[FILE|N|show N]", "chaos experiments: none lists them, FILE or N runs "
	  "one (asks first), show N reads a past run", NULL },
	{ "theme", NULL, "[NAME]", "switch the colour theme (none: show the current one)", NULL },
	{ "q", "quit", "", "leave shipdeck", NULL },
};
const size_t command_count = sizeof commands / sizeof commands[0];

const struct command_info *command_find(const char *name)
{
	for (size_t i = 0; i < command_count; i++)
		if (!strcmp(commands[i].name, name)
		    || (commands[i].alias && !strcmp(commands[i].alias, name)))
			return &commands[i];
	return NULL;
}

const char *command_describe(const struct command_info *cmd, char *buf, size_t size)
{
	char usage[48];

	snprintf(usage, sizeof usage, ":%s%s%s", cmd->name, *cmd->args ? " " : "", cmd->args);
	snprintf(buf, size, "%-25s %s%s%s%s", usage, cmd->help, cmd->alias ? "  (also :" : "",
		 cmd->alias ? cmd->alias : "", cmd->alias ? ")" : "");
	return buf;
}

void commands_usage(struct strbuf *out)
{
	for (size_t i = 0; i < command_count; i++)
		sb_printf(out, "%s:%s%s%s", i ? ", " : "", commands[i].name,
			  *commands[i].args ? " " : "", commands[i].args);
}

size_t command_matches(const char *prefix, const char **out, size_t max)
{
	size_t n = 0, len = strlen(prefix);

	for (size_t i = 0; i < command_count; i++) {
		const char *name = commands[i].name;

		if (strncmp(name, prefix, len) && commands[i].alias
		    && !strncmp(commands[i].alias, prefix, len))
			name = commands[i].alias;
		if (strncmp(name, prefix, len))
			continue;
		if (n < max)
			out[n] = name;
		n++;
	}
	return n;
}
