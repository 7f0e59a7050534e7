#include "cmd/cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_parse_flags(struct cmd_args *args, struct cmd_flag *flags, const char *cmd,
		    struct err *err)
{
	int out = 0;

	for (int i = 0; i < args->argc; i++) {
		char *w = args->argv[i];
		struct cmd_flag *f;
		const char *eq;
		size_t len;

		if (w[0] != '-' || !w[1]) {
			args->argv[out++] = w;
			continue;
		}
		if (!strcmp(w, "--")) {
			while (++i < args->argc)
				args->argv[out++] = args->argv[i];
			break;
		}
		eq = strchr(w, '=');
		len = eq ? (size_t)(eq - w) : strlen(w);
		for (f = flags; f && f->name; f++)
			if (strlen(f->name) == len && !strncmp(f->name, w, len))
				break;
		if (!f || !f->name)
			return err_set(err, "unknown flag '%.*s' for '%s' (see shipdeck --help)",
				       (int)len, w, cmd);
		f->set = true;
		if (f->takes_value) {
			if (eq)
				f->value = eq + 1;
			else if (i + 1 < args->argc)
				f->value = args->argv[++i];
			else
				return err_set(err, "%s needs a value", f->name);
		} else if (eq) {
			return err_set(err, "%s takes no value", f->name);
		}
	}
	args->argc = out;
	return 0;
}

int cmd_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("shipdeck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

const char *cmd_deploy_name(const char *word)
{
	const char *slash = strchr(word, '/');

	if (!slash)
		return *word ? word : NULL;
	if ((size_t)(slash - word) == strlen("deploy") && !strncmp(word, "deploy", 6))
		return slash[1] ? slash + 1 : NULL;
	if (!strncmp(word, "deployment/", 11) || !strncmp(word, "deployments/", 12))
		return slash[1] ? slash + 1 : NULL;
	return NULL;
}

const char *cmd_project_hint(struct app *app, const char *key, char *buf, size_t size)
{
	char cwd[4096];

	if (app->project.path)
		snprintf(buf, size, "set %s in %s", key, app->project.path);
	else if (app->repo_root)
		snprintf(buf, size, "no .shipdeck.yml in the repository %s: create it with %s "
			 "(or pass --repo DIR for another repository)", app->repo_root, key);
	else
		snprintf(buf, size,
			 "no .shipdeck.yml found: %s is not inside a git repository; run shipdeck "
			 "in your repository or pass --repo DIR",
			 getcwd(cwd, sizeof cwd) ? cwd : ".");
	return buf;
}
