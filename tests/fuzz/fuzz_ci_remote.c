/* What a remote CI server sends back (issue 17): the input as each answer of
 * the Actions API (runs, a run's jobs, a job log) and of Drone's (builds, a
 * build with stages, a step's log lines), and its first line as a Link
 * header. Checked: every run and step holds only what the parsers made
 * (keys, names), a step's dependencies name a step of the run, and a Link is
 * followed only on the API's own origin. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ci/remote_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_run(const struct ci_build *b)
{
	for (size_t i = 0; i < b->nsteps; i++) {
		const struct ci_step *s = &b->steps[i];

		if (!s->key || !s->name)
			abort();
		for (size_t d = 0; d < s->ndeps; d++)
			if (!ci_build_step(b, s->depends_on[d]))
				abort();
	}
}

static void answers(enum ci_backend_kind kind, const char *body, size_t len)
{
	struct ci_conf conf = { .backend = kind, .url = (char *)"https://ci.example",
				.repo = (char *)"o/r" };
	struct remote_api a;
	struct ci_build **runs = NULL, one = { .number = 1, .remote_id = 1 };
	struct strbuf log = { 0 };
	size_t n = 0;
	struct err err;

	remote_api_init(&a, &conf);
	if (!remote_api_parse_runs(&a, body, len, &runs, &n, &err)) {
		for (size_t i = 0; i < n; i++) {
			if (!remote_api_parse_detail(&a, body, len, runs[i], &err))
				check_run(runs[i]);
			ci_build_free(runs[i]);
		}
		free(runs);
	}
	if (!remote_api_parse_detail(&a, body, len, &one, &err))
		check_run(&one);
	{
		/* a copy as the store makes one, then one's own strings and steps */
		struct ci_build *copy = ci_build_dup(&one), *heap = malloc(sizeof *heap);

		ci_build_free(copy);
		*heap = one;
		ci_build_free(heap);
	}
	(void)remote_api_parse_log(&a, body, len, &log, &err);
	sb_free(&log);
	remote_api_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *nl, *next;
	struct ci_conf conf = { .backend = CI_BACKEND_GITHUB, .url = (char *)"https://api.github.com",
				.repo = (char *)"o/r" };
	struct remote_api a;

	memcpy(text, data, size);
	text[size] = '\0';
	answers(CI_BACKEND_GITEA, text, size);
	answers(CI_BACKEND_DRONE, text, size);
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	remote_api_init(&a, &conf);
	next = remote_link_next(text);
	if (next && remote_api_same_origin(&a, next)
	    && (strncasecmp(next, "https://api.github.com", 22) || !strchr("/?#", next[22])))
		abort();
	free(next);
	remote_api_free(&a);
	free(text);
	return 0;
}
