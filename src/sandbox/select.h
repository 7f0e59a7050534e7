/* Label and field selectors, as in `?labelSelector=app=web,tier!=db` and
 * `?fieldSelector=metadata.name=web`, and metav1.LabelSelector objects. */
#ifndef SHIPDECK_SANDBOX_SELECT_H
#define SHIPDECK_SANDBOX_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "sandbox/kinds.h"
#include "util/err.h"
#include "util/strbuf.h"

enum sel_op { SEL_EQ, SEL_NE, SEL_IN, SEL_NOTIN, SEL_EXISTS, SEL_NOT_EXISTS, SEL_GT, SEL_LT };

struct sel_req {
	char *key;
	enum sel_op op;
	char **values;
	size_t nvalues;
};

/* An empty selector (n == 0) matches everything. Free with sel_free(). */
struct selector {
	struct sel_req *reqs;
	size_t n;
	bool nothing;      /* a LabelSelector that can match no object */
};

int sel_parse_labels(struct selector *sel, const char *text, struct err *err);
/* Field selectors allow =, == and != on the fields the kind supports. */
int sel_parse_fields(struct selector *sel, const struct kind *k, const char *text,
		     struct err *err);
/* From a metav1.LabelSelector ({matchLabels, matchExpressions}). A missing
 * selector matches nothing, as for controllers. */
int sel_from_label_selector(struct selector *sel, const cJSON *ls, struct err *err);
void sel_free(struct selector *sel);

bool sel_match_labels(const struct selector *sel, const cJSON *labels);
bool sel_match_fields(const struct selector *sel, const cJSON *obj);

/* "app=web,tier in (a,b)", as kubectl shows a selector. */
void sel_label_selector_string(const cJSON *ls, struct strbuf *out);
/* The metadata.name a field selector pins, if any (watch shortcut). */
const char *sel_field_name(const struct selector *sel);

#endif
