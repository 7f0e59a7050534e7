/* Chaos Toolkit's journal (the JSON `chaos run --journal-path` writes): the
 * final status, whether the steady state deviated, and the run told as
 * lines a person reads — each hypothesis probe with its value, tolerance
 * and met / not met, each method activity with its status and output, the
 * rollbacks.
 *
 * Ownership: chaos_journal_load fills a caller-owned struct; free it with
 * chaos_journal_free. */
#ifndef SHIPDECK_CHAOS_JOURNAL_H
#define SHIPDECK_CHAOS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/err.h"

struct chaos_journal {
	cJSON *root;                /* the journal without its "experiment" (it holds secrets) */
	char *status;               /* completed, failed, aborted, interrupted; "deviated"
				     * when completed with the hypothesis not met after */
	bool deviated;
	char *start, *end;          /* as the journal writes them */
	char **lines;
	size_t nlines;
};

int chaos_journal_load(struct chaos_journal *j, const char *path, struct err *err);
int chaos_journal_parse(struct chaos_journal *j, const char *name, const char *data,
			size_t len, struct err *err);
void chaos_journal_free(struct chaos_journal *j);

#endif
