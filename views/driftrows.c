#include "views/driftrows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "project/project.h"
#include "store/envs.h"
#include "util/imgref.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

enum { MAX_FIELDS = 4 };

/* The app d belongs to in some environment, or NULL. */
static const char *deployment_app(const struct view_ctx *c, const struct kube_deployment *d)
{
	return d ? project_app_of_deployment(&c->app->project, c->app->store.kube.context,
					     d->meta.namespace, d->meta.name) : NULL;
}

int drift_rows_count(const struct view_ctx *c, const struct kube_deployment *d)
{
	const char *app = deployment_app(c, d);
	const struct drift *dr = app ? store_envs_drift(&c->app->store.envs, app) : NULL;

	if (!app)
		return 0;
	if (!dr)
		return 1;
	return 1 + (int)(dr->nmissing + (dr->n < MAX_FIELDS ? dr->n : MAX_FIELDS))
		+ (dr->n > MAX_FIELDS);
}

/* An image as the pane's columns name it: tag@sha256:3123…e67f. */
static const char *short_image(const char *image, char *buf, size_t size)
{
	struct imgref r;
	char sd[64];

	imgref_split(image, &r);
	if (!r.digest)
		return image;
	snprintf(buf, size, "%.*s%s%s", (int)r.tag_len, r.tag ? r.tag : "", r.tag ? "@" : "",
		 imgref_short_digest(r.digest, sd, sizeof sd));
	return buf;
}

/* The leaves of a JSON value as "path=value" strings, appended to *list. */
static void leaves(const cJSON *v, const char *path, char ***list, size_t *n, size_t *cap)
{
	const cJSON *c;

	if ((cJSON_IsObject(v) || cJSON_IsArray(v)) && v->child) {
		int i = 0;

		for (c = v->child; c; c = c->next, i++) {
			char sub[256];

			if (cJSON_IsObject(v))
				snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "",
					 c->string);
			else
				snprintf(sub, sizeof sub, "%s[%d]", path, i);
			leaves(c, sub, list, n, cap);
		}
		return;
	}
	{
		char *js = cJSON_PrintUnformatted(v);

		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			*list = xrealloc(*list, *cap * sizeof **list);
		}
		(*list)[(*n)++] = xasprintf("%s=%s", path, js ? js : "?");
		cJSON_free(js);
	}
}

static bool listed(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* Two JSON objects (a probe, resources): each side's leaves the other
 * lacks, so the line says what differs ("periodSeconds=5"), not all of it.
 * False when they are not both objects. */
static bool differing_leaves(const char *a, const char *b, char *out_a, size_t size_a,
			     char *out_b, size_t size_b)
{
	cJSON *ja = a && *a == '{' ? cJSON_Parse(a) : NULL,
		*jb = b && *b == '{' ? cJSON_Parse(b) : NULL;
	char **la = NULL, **lb = NULL;
	size_t na = 0, nb = 0, ca = 0, cb = 0, len;
	bool ok = ja && jb;

	if (ok) {
		leaves(ja, "", &la, &na, &ca);
		leaves(jb, "", &lb, &nb, &cb);
		out_a[0] = out_b[0] = '\0';
		len = 0;
		for (size_t i = 0; i < na; i++)
			if (!listed(lb, nb, la[i]) && len < size_a)
				len += (size_t)snprintf(out_a + len, size_a - len, "%s%s",
							len ? " " : "", la[i]);
		len = 0;
		for (size_t i = 0; i < nb; i++)
			if (!listed(la, na, lb[i]) && len < size_b)
				len += (size_t)snprintf(out_b + len, size_b - len, "%s%s",
							len ? " " : "", lb[i]);
	}
	for (size_t i = 0; i < na; i++)
		free(la[i]);
	for (size_t i = 0; i < nb; i++)
		free(lb[i]);
	free(la);
	free(lb);
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return ok;
}

void drift_rows_draw(struct view_ctx *c, const struct kube_deployment *dep, int y, int i)
{
	const char *app = deployment_app(c, dep);
	const struct drift *d = app ? store_envs_drift(&c->app->store.envs, app) : NULL;
	struct strbuf sb = { 0 };
	int field;

	if (!app)
		return;
	if (!d) {
		/* a pass compares every app an environment lists */
		draw_textf(c, y, 0, ROLE_MUTED, "drift of %s: reading the environments\xe2\x80\xa6",
			   app);
		return;
	}
	if (i == 0) {
		char expected[64] = "";

		for (size_t k = 0; k < d->nenvs; k++)
			sb_printf(&sb, "%s%s", k ? ", " : "", d->envs[k]);
		if (d->expected)
			snprintf(expected, sizeof expected, " (%zu expected not shown)",
				 d->expected);
		draw_textf(c, y, 0, d->n || d->nmissing ? ROLE_WARN : ROLE_OK,
			   "drift of %s across %s: %zu field%s%s%s", d->app, sb_str(&sb), d->n,
			   d->n == 1 ? "" : "s",
			   d->n || d->nmissing ? "" : " \xe2\x9c\x93 the same", expected);
		sb_free(&sb);
		return;
	}
	if ((size_t)i <= d->nmissing) {
		draw_textf(c, y, 2, ROLE_FAIL, "! %s", d->missing[i - 1]);
		return;
	}
	field = i - 1 - (int)d->nmissing;
	if (field >= MAX_FIELDS) {
		draw_textf(c, y, 2, ROLE_MUTED, "and %zu more: shipdeck drift %s",
			   d->n - MAX_FIELDS, d->app);
		return;
	}
	sb_printf(&sb, "%s ", d->items[field].field);
	{
		/* two objects: only what differs between the first two environments */
		char da[512], db[512];
		bool two = d->nenvs == 2 && differing_leaves(d->items[field].values[0],
							     d->items[field].values[1], da,
							     sizeof da, db, sizeof db);

		for (size_t k = 0; k < d->nenvs; k++) {
			const char *v = d->items[field].values[k];
			size_t n = strlen(d->items[field].field);
			char shortv[320];

			if (two)
				v = k ? db : da;
			else if (v && n > 6 && !strcmp(d->items[field].field + n - 6, ".image"))
				v = short_image(v, shortv, sizeof shortv);
			sb_printf(&sb, "%s %s %s", k ? " \xc2\xb7" : "", d->envs[k],
				  v ? (*v ? v : "-") : "(absent)");
		}
	}
	draw_text(c, y, 2, ROLE_NORMAL, sb_str(&sb));
	sb_free(&sb);
}
