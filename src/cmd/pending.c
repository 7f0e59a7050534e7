/* Commands whose issue has not landed yet: each says so plainly and exits 2.
 * A command leaves this file when its own file implements it. */
#include "cmd/cmd.h"

static int not_yet(struct app *app, struct cmd_args *args)
{
	(void)app;
	(void)args;
	return cmd_fail(EXIT_USAGE, "this command is not available yet in shipdeck %s",
			SHIPDECK_VERSION);
}

const struct cmd cmd_canary = {
	.name = "canary",
	.summary = "start, analyse, promote or abort a canary or blue/green release",
	.usage = "canary start APP TAG\n"
		 "canary status APP\n"
		 "canary analyze APP\n"
		 "canary promote APP\n"
		 "canary abort APP [--auto]",
	.run = not_yet,
};
