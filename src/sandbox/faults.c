#include "sandbox/faults.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/jsonx.h"
#include "util/xalloc.h"
#include "util/ydoc.h"

static const char *const fault_keys[5] = {
	"never-ready", "crash-loop", "error-rate", "latency-ms", "start-ms",
};

static void rule_free(struct fault_rule *r)
{
	free(r->image);
	for (int i = 0; i < 5; i++)
		free(r->keys[i]);
}

void faults_free(struct faults *f)
{
	for (size_t i = 0; i < f->n; i++)
		rule_free(&f->rules[i]);
	free(f->rules);
	memset(f, 0, sizeof *f);
}

int faults_load(struct faults *f, const char *path, struct err *err)
{
	static const char *const allowed[] = {
		"image", "never-ready", "crash-loop", "error-rate", "latency-ms", "start-ms", NULL,
	};
	struct ydoc doc;
	const struct ynode *list;
	int rc = -1;

	memset(f, 0, sizeof *f);
	if (ydoc_load_file(&doc, path, err))
		return -1;
	if (!doc.n) {
		ydoc_free(&doc);
		return 0;
	}
	list = doc.roots[0];
	if (ynode_expect(list, YNODE_SEQ, path, "the faults file", err))
		goto out;
	f->rules = xcalloc(list->n + 1, sizeof *f->rules);
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *item = list->items[i];
		struct fault_rule *r = &f->rules[f->n];

		if (ynode_expect(item, YNODE_MAP, path, "a fault rule", err)
		    || ynode_check_keys(item, allowed, path, "a fault rule", err))
			goto out;
		if (!ynode_str(ynode_get(item, "image"))) {
			err_set(err, "%s:%d:%d: a fault rule needs 'image'", path, item->line,
				item->col);
			goto out;
		}
		r->image = xstrdup(ynode_str(ynode_get(item, "image")));
		f->n++;
		for (int k = 0; k < 5; k++) {
			const struct ynode *v = ynode_get(item, fault_keys[k]);

			if (!v)
				continue;
			if (!ynode_str(v)) {
				err_set(err, "%s:%d:%d: %s: expected a value", path, v->line,
					v->col, fault_keys[k]);
				goto out;
			}
			r->keys[k] = xstrdup(ynode_str(v));
		}
	}
	rc = 0;
out:
	ydoc_free(&doc);
	if (rc)
		faults_free(f);
	return rc;
}

static bool truthy(const char *v)
{
	return v && (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"));
}

static void set_key(struct faultset *fs, int k, const char *v)
{
	switch (k) {
	case 0:
		fs->never_ready = truthy(v);
		break;
	case 1:
		fs->crash_loop = truthy(v);
		break;
	case 2:
		fs->error_rate = atof(v);
		if (fs->error_rate < 0)
			fs->error_rate = 0;
		if (fs->error_rate > 1)
			fs->error_rate = 1;
		break;
	case 3:
		fs->latency_ms = atoi(v) > 0 ? atoi(v) : 0;
		break;
	case 4:
		fs->start_ms = atoi(v) >= 0 ? atoi(v) : 1000;
		break;
	}
}

void faults_for_pod(const struct faults *f, const cJSON *pod, struct faultset *out)
{
	const cJSON *spec = J(pod, "spec");
	const cJSON *ann = J(pod, "metadata", "annotations");

	*out = (struct faultset){ .start_ms = 1000 };
	for (int k = 0; k < 5; k++) {
		char key[64];
		const char *v;

		snprintf(key, sizeof key, FAULT_PREFIX "%s", fault_keys[k]);
		v = jstr(J(ann, key));
		if (v) {
			set_key(out, k, v);
			continue;
		}
		for (size_t i = 0; i < f->n && !v; i++) {
			const cJSON *c;

			if (!f->rules[i].keys[k])
				continue;
			cJSON_ArrayForEach(c, J(spec, "containers")) {
				const char *image = jstr(J(c, "image"));

				if (image && !fnmatch(f->rules[i].image, image, 0)) {
					v = f->rules[i].keys[k];
					break;
				}
			}
		}
		if (v)
			set_key(out, k, v);
	}
}
