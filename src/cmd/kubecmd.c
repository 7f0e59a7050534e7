#include "cmd/kubecmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/source.h"
#include "util/text.h"
#include "util/xalloc.h"

int kubecmd_open(struct app *app)
{
	struct err err;
	int rc = kube_client_open(&app->rt, &app->rt.kube, &err);

	if (rc == 1)
		return cmd_fail(EXIT_USAGE,
				"no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or create "
				"~/.kube/config");
	if (rc)
		return cmd_fail(EXIT_USAGE, "%s", err.msg);
	kube_source_publish_target(app->rt.kube);
	return 0;
}

static void submitted(void *ctx, const struct action_outcome *o)
{
	struct kubecmd_result *r = ctx;

	r->done = true;
	r->ok = o->ok;
	r->status = o->status;
	r->unreachable = o->unreachable;
	snprintf(r->message, sizeof r->message, "%s", o->message ? o->message : "");
}

int kubecmd_revision(const char *arg, long *rev)
{
	char *end;

	*rev = 0;
	if (!arg)
		return 0;
	*rev = strtol(arg, &end, 10);
	if (end == arg || *end || *rev < 0)
		return cmd_fail(EXIT_USAGE, "--to-revision '%s': expected a revision number", arg);
	return 0;
}

int kubecmd_submit(struct app *app, struct action_req *req, struct kubecmd_result *r)
{
	memset(r, 0, sizeof *r);
	gate_submit_unattended(&app->rt, req, submitted, r);
	while (!r->done && !loop_stopped(app->loop))
		loop_run_once(app->loop, -1);
	if (!r->done)
		return cmd_fail(EXIT_FAILED, "%s",
				r->message[0] ? r->message : "the change did not run");
	if (r->ok)
		return EXIT_OK;
	if (r->unreachable || !r->status)
		return cmd_fail(r->unreachable ? EXIT_USAGE : EXIT_FAILED, "%s", r->message);
	return cmd_fail(EXIT_FAILED, "%s", r->message);
}

void kubecmd_table_row(struct kubecmd_table *t, const char *const *cells)
{
	xgrow(&t->cells, &t->cap, (t->nrows + 1) * t->ncols, sizeof *t->cells);
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = text_safe(cells[c] ? cells[c] : "");
	t->nrows++;
}

void kubecmd_table_print(struct kubecmd_table *t, FILE *out)
{
	size_t *w = xcalloc(t->ncols, sizeof *w);

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t len = (size_t)text_width(t->cells[r * t->ncols + c]);

			if (len > w[c])
				w[c] = len;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			fputs(cell, out);
			if (c + 1 < t->ncols)
				fprintf(out, "%*s", (int)(w[c] - (size_t)text_width(cell) + 3), "");
		}
		fputc('\n', out);
	}
	free(w);
}

void kubecmd_table_free(struct kubecmd_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

const char *kubecmd_deploy_arg(const char *word)
{
	const char *name = cmd_deploy_name(word);

	if (!name)
		cmd_fail(EXIT_USAGE, "'%s' is not a deployment: give its name (web) or deploy/web",
			 word);
	return name;
}
