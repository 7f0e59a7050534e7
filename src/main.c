/* shipdeck: argument parsing; the console or a headless command. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/sources.h"
#include "cmd/cmd.h"
#include "views/commands.h"
#include "views/ui.h"

static const struct cmd *const headless[] = {
	&cmd_demo, &cmd_rollout, &cmd_deploy, &cmd_get, &cmd_pipeline, &cmd_images, &cmd_canary,
	&cmd_chaos, &cmd_promote, &cmd_drift,
};

enum { NCOMMANDS = sizeof headless / sizeof *headless };

static const struct {
	const char *flag, *alias, *arg, *help;
} global_flags[] = {
	{ "--kubeconfig", NULL, "FILE", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)" },
	{ "--context", NULL, "NAME", "kubeconfig context (default: the current one)" },
	{ "--namespace", "-n", "NS", "namespace (default: the context's, or default)" },
	{ "--read-only", NULL, NULL, "watch only: nothing that changes anything is sent" },
	{ "--theme", NULL, "NAME", "colour theme: default, light, high-contrast, mono" },
	{ "--config", NULL, "FILE",
	  "config file (default: $XDG_CONFIG_HOME/shipdeck/config.yaml)" },
	{ "--repo", NULL, "DIR", "the git repository (default: found from the current folder)" },
	{ "--json", NULL, NULL, "print JSON instead of text (headless commands)" },
};

enum { NGLOBALS = sizeof global_flags / sizeof *global_flags };

static void print_help(FILE *out)
{
	fprintf(out, "shipdeck %s — a terminal console for shipping software to Kubernetes\n\n"
		"Usage:\n  shipdeck [FLAGS]                 the console\n", SHIPDECK_VERSION);
	for (int i = 0; i < NCOMMANDS; i++) {
		char *u = strdup(headless[i]->usage), *save = NULL;

		for (char *l = strtok_r(u, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			fprintf(out, "  shipdeck %s\n", l);
		free(u);
	}
	fputs("  shipdeck --help | --version\n\nGlobal flags (before or after the command):\n",
	      out);
	for (int i = 0; i < NGLOBALS; i++) {
		char left[48];

		snprintf(left, sizeof left, "%s%s%s%s%s",
			 global_flags[i].alias ? global_flags[i].alias : "",
			 global_flags[i].alias ? ", " : "", global_flags[i].flag,
			 global_flags[i].arg ? " " : "",
			 global_flags[i].arg ? global_flags[i].arg : "");
		fprintf(out, "  %-24s %s\n", left, global_flags[i].help);
	}
	fputs("\nKeys in the console (rebind in config.yaml under keys: ACTION: KEY):\n", out);
	for (int a = 0; a < ACTION_COUNT; a++) {
		const struct action_info *info = action_info((enum action_id)a);

		fprintf(out, "  %-10s %-16s %s%s\n", info->default_keys, info->name, info->help,
			(info->flags & ACT_MUTATING) ? " [changes things]" : "");
	}
	fputs("\nCommands in the console (after :; Tab completes them):\n", out);
	for (size_t i = 0; i < command_count; i++) {
		char line[256];

		fprintf(out, "  %s\n", command_describe(&commands[i], line, sizeof line));
	}
	fputs("\nExit codes: 0 done, 1 failed, 2 usage or configuration error,\n"
	      "3 analysis marginal or without data, 4 refused by --read-only.\n", out);
}

/* roff for shipdeck.1, from the same tables as --help. */
static void print_man(FILE *out)
{
	fprintf(out, ".TH SHIPDECK 1 \"\" \"shipdeck %s\" \"User Commands\"\n"
		".SH NAME\nshipdeck \\- a terminal console for shipping software to Kubernetes\n"
		".SH SYNOPSIS\n.B shipdeck\n[\\fIFLAGS\\fR]\n", SHIPDECK_VERSION);
	for (int i = 0; i < NCOMMANDS; i++) {
		char *u = strdup(headless[i]->usage), *save = NULL;

		for (char *l = strtok_r(u, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			fprintf(out, ".br\n.B shipdeck\n%s\n", l);
		free(u);
	}
	fputs(".SH DESCRIPTION\nOne screen shows a delivery from commit to production: the "
	      "pipeline's stages, the build log, the image tags, the pods of a rolling update "
	      "and the canary's metrics. Headless commands print text or JSON for scripts.\n"
	      ".SH COMMANDS\n", out);
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(out, ".TP\n.B %s\n%s\n", headless[i]->name, headless[i]->summary);
	fputs(".SH OPTIONS\n", out);
	for (int i = 0; i < NGLOBALS; i++)
		fprintf(out, ".TP\n.B %s%s%s\n%s\n", global_flags[i].flag,
			global_flags[i].arg ? " " : "",
			global_flags[i].arg ? global_flags[i].arg : "", global_flags[i].help);
	fputs(".SH KEYS\n", out);
	for (int a = 0; a < ACTION_COUNT; a++) {
		const struct action_info *info = action_info((enum action_id)a);

		fprintf(out, ".TP\n.B %s\n(%s) %s%s\n", info->default_keys, info->name, info->help,
			(info->flags & ACT_MUTATING) ? "; disabled with \\-\\-read\\-only" : "");
	}
	fputs(".SH CONSOLE COMMANDS\nTyped after \\fB:\\fR in the console; Tab completes them.\n",
	      out);
	for (size_t i = 0; i < command_count; i++) {
		const struct command_info *c = &commands[i];

		fprintf(out, ".TP\n.B :%s%s%s\n%s", c->name, *c->args ? " " : "", c->args, c->help);
		if (c->alias)
			fprintf(out, " (also \\fB:%s\\fR)", c->alias);
		fputs("\n", out);
	}
	fputs(".SH FILES\n.TP\n$XDG_CONFIG_HOME/shipdeck/config.yaml\nkeys and theme\n"
	      ".TP\n$XDG_CONFIG_HOME/shipdeck/themes/NAME.yaml\nuser themes\n"
	      ".TP\n$XDG_STATE_HOME/shipdeck/audit.jsonl\nthe audit log\n"
	      ".TP\n.shipdeck.yml\nproject settings at the repository root\n"
	      ".SH EXIT STATUS\n0 done, 1 failed, 2 usage or configuration error, 3 analysis "
	      "marginal or without data, 4 refused by \\-\\-read\\-only.\n", out);
}

static void print_completion(FILE *out)
{
	fputs("# bash completion for shipdeck (generated by shipdeck --completion)\n"
	      "_shipdeck() {\n  local cur=${COMP_WORDS[COMP_CWORD]}\n"
	      "  local words=\"", out);
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(out, "%s ", headless[i]->name);
	for (int i = 0; i < NGLOBALS; i++)
		fprintf(out, "%s ", global_flags[i].flag);
	fputs("--help --version\"\n"
	      "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n"
	      "complete -F _shipdeck shipdeck\n", out);
}

/* Takes the global flags out of argv wherever they are. */
static int parse_globals(int *argc, char **argv, struct options *o, struct err *err)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *w = argv[i], *value = NULL, *eq = strchr(w, '=');
		size_t len = eq ? (size_t)(eq - w) : strlen(w);
		int g;

		if (!strcmp(w, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		for (g = 0; g < NGLOBALS; g++)
			if ((strlen(global_flags[g].flag) == len
			     && !strncmp(w, global_flags[g].flag, len))
			    || (global_flags[g].alias && !strcmp(w, global_flags[g].alias)))
				break;
		if (g == NGLOBALS) {
			argv[out++] = argv[i];
			continue;
		}
		if (global_flags[g].arg) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < *argc)
				value = argv[++i];
			else
				return err_set(err, "%s needs a value (%s)", global_flags[g].flag,
					       global_flags[g].arg);
		} else if (eq) {
			return err_set(err, "%s takes no value", global_flags[g].flag);
		}
		switch (g) {
		case 0: o->kubeconfig = value; break;
		case 1: o->context = value; break;
		case 2: o->namespace = value; break;
		case 3: o->read_only = true; break;
		case 4: o->theme = value; break;
		case 5: o->config = value; break;
		case 6: o->repo = value; break;
		case 7: o->json = true; break;
		}
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	const struct cmd *cmd = NULL;
	struct err err = { 0 };
	struct app app;
	int code;

	setlocale(LC_ALL, "");
	if (parse_globals(&argc, argv, &opts, &err))
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")
			 || !strcmp(argv[1], "help"))) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("shipdeck %s\n", SHIPDECK_VERSION);
		return EXIT_OK;
	}
	if (argc > 1 && !strcmp(argv[1], "--man")) {
		print_man(stdout);
		return EXIT_OK;
	}
	if (argc > 1 && !strcmp(argv[1], "--completion")) {
		print_completion(stdout);
		return EXIT_OK;
	}
	if (argc > 1) {
		for (int i = 0; i < NCOMMANDS; i++)
			if (!strcmp(argv[1], headless[i]->name))
				cmd = headless[i];
		if (!cmd) {
			return cmd_fail(EXIT_USAGE, "unknown %s '%s' (see shipdeck --help)",
					argv[1][0] == '-' ? "flag" : "command", argv[1]);
		}
	}
	if (app_init(&app, &opts, &err)) {
		app_free(&app);
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	}
	if (cmd) {
		struct cmd_args args = { .argc = argc - 2, .argv = argv + 2 };

		code = cmd->run(&app, &args);
	} else if (sources_start(&app, &err)) {
		code = cmd_fail(EXIT_USAGE, "%s", err.msg);
	} else if (ui_run(&app, &err)) {
		code = cmd_fail(EXIT_USAGE, "%s", err.msg);
	} else {
		code = app.exit_code;
	}
	sources_stop(&app);
	app_free(&app);
	return code;
}
