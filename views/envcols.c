#include "views/envcols.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/imgref.h"
#include "util/text.h"

enum { COL_MIN = 9, COL_MAX = 28 };

static const struct store_envs *envs_of(const struct view_ctx *c)
{
	return &c->app->store.envs;
}

/* The environment's own name, also before its first read. */
static const char *env_name(const struct view_ctx *c, size_t e)
{
	return c->app->project.envs[e].name;
}

static const struct env_state *state_of(const struct view_ctx *c, size_t e)
{
	return store_envs_find(envs_of(c), env_name(c, e));
}

int envcols_summary_lines(const struct view_ctx *c)
{
	const struct project *p = &c->app->project;
	int n = 0;

	for (size_t e = 0; e < p->nenvs; e++) {
		const struct env_state *s = state_of(c, e);

		n += s && !s->error && s->nruns ? (int)s->nruns : 1;
	}
	return n;
}

/* The registry's digest for tag, or NULL when the pane does not know it. */
static const char *registry_digest(const struct view_ctx *c, const char *tag)
{
	const struct image_row *r = tag ? store_images_find(&c->app->store.images, tag) : NULL;

	return r ? r->digest : NULL;
}

static int name_width(const struct view_ctx *c)
{
	int w = 5;

	for (size_t e = 0; e < c->app->project.nenvs; e++)
		if ((int)strlen(env_name(c, e)) > w)
			w = (int)strlen(env_name(c, e));
	return w;
}

int envcols_draw_summary(struct view_ctx *c, int y)
{
	const struct project *p = &c->app->project;
	int lines = 0, nw = name_width(c);
	char sd[64], rd[64];

	for (size_t e = 0; e < p->nenvs; e++) {
		const struct env_state *s = state_of(c, e);
		int x;

		draw_text(c, y + lines, 1, ROLE_TITLE, env_name(c, e));
		x = 1 + nw + 2;
		if (!s || s->error) {
			draw_textf(c, y + lines++, x, s ? ROLE_FAIL : ROLE_MUTED, "%s",
				   s ? s->error : "reading…");
			continue;
		}
		for (size_t i = 0; i < s->nruns; i++) {
			const struct env_run *r = &s->runs[i];
			const char *now = registry_digest(c, r->tag);
			int xx = x;

			if (!r->found) {
				draw_textf(c, y + lines++, xx, ROLE_WARN, "%s not found in %s/%s",
					   r->deployment, s->context, s->namespace);
				continue;
			}
			xx += draw_textf(c, y + lines, xx, ROLE_NORMAL, "%s %s%s%s ×%d",
					 r->deployment, r->tag ? r->tag : "", r->digest ? "@" : "",
					 r->digest ? imgref_short_digest(r->digest, sd, sizeof sd)
					 : "", r->ready);
			if (!r->digest)
				xx += draw_text(c, y + lines, xx, ROLE_WARN, " digest not known");
			else if (r->tag && now && !strcmp(now, r->digest))
				xx += draw_text(c, y + lines, xx, ROLE_OK, " ✓");
			else if (r->tag && now)
				xx += draw_textf(c, y + lines, xx, ROLE_FAIL,
						 " ✗ the tag now points at %s",
						 imgref_short_digest(now, rd, sizeof rd));
			draw_textf(c, y + lines, xx + 1, ROLE_MUTED, " %s/%s", s->context,
				   s->namespace);
			lines++;
		}
	}
	return lines;
}

/* "web@ ×2" by digest, "web ×2" by tag with no digest known, "web ✗" when
 * the deployment runs the tag at another digest than the row's. */
static void cell_text(const struct env_state *s, const struct image_row *row, char *buf,
		      size_t size, bool *moved)
{
	size_t len = 0;

	buf[0] = '\0';
	*moved = false;
	for (size_t i = 0; s && i < s->nruns && len < size; i++) {
		const struct env_run *r = &s->runs[i];
		bool by_digest = r->digest && row->digest && !strcmp(r->digest, row->digest);
		bool by_tag = r->tag && !strcmp(r->tag, row->tag);

		if (!r->found || !(by_digest || by_tag))
			continue;
		if (by_tag && !by_digest && r->digest && row->digest) {
			*moved = true;
			len += (size_t)snprintf(buf + len, size - len, "%s%s ✗moved",
						len ? ", " : "", r->deployment);
			continue;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s ×%d", len ? ", " : "",
					r->deployment, by_digest ? "@" : "", r->ready);
	}
}

static int col_width(const struct view_ctx *c, size_t e)
{
	const struct store_images *im = &c->app->store.images;
	const struct env_state *s = state_of(c, e);
	int w = (int)strlen(env_name(c, e)) + 1;
	char buf[256];
	bool moved;

	if (w < COL_MIN)
		w = COL_MIN;
	for (size_t i = 0; i < im->n; i++) {
		int n;

		cell_text(s, &im->rows[i], buf, sizeof buf, &moved);
		n = text_width(buf) + 1;
		if (n > w)
			w = n;
	}
	return w < COL_MAX ? w : COL_MAX;
}

int envcols_width(const struct view_ctx *c)
{
	int w = 0;

	for (size_t e = 0; e < c->app->project.nenvs; e++)
		w += col_width(c, e);
	return w;
}

void envcols_draw_header(struct view_ctx *c, int y, int x, int width)
{
	for (size_t e = 0; e < c->app->project.nenvs && width > 0; e++) {
		int w = col_width(c, e);
		char up[64];
		size_t i;

		for (i = 0; i + 1 < sizeof up && env_name(c, e)[i]; i++)
			up[i] = (char)toupper((unsigned char)env_name(c, e)[i]);
		up[i] = '\0';
		draw_cell(c, y, x, (w < width ? w : width) - 1, ROLE_MUTED, up);
		x += w;
		width -= w;
	}
}

void envcols_draw_row(struct view_ctx *c, int y, int x, int width, const struct image_row *r,
		      bool selected)
{
	char buf[256];
	bool moved;

	for (size_t e = 0; e < c->app->project.nenvs && width > 0; e++) {
		int w = col_width(c, e);

		cell_text(state_of(c, e), r, buf, sizeof buf, &moved);
		draw_cell(c, y, x, (w < width ? w : width) - 1,
			  selected ? ROLE_SELECTION : moved ? ROLE_FAIL : ROLE_RUNNING, buf);
		x += w;
		width -= w;
	}
}

const char *envcols_promote_source(const struct view_ctx *c, const char *tag,
				   const char *digest, const char **app_name)
{
	const struct project *pj = &c->app->project;
	const char *found = NULL;

	for (size_t e = 0; e + 1 < pj->nenvs; e++) {
		const struct env_state *s = store_envs_find(&c->app->store.envs, pj->envs[e].name);

		for (size_t i = 0; s && i < s->nruns; i++) {
			const struct env_run *r = &s->runs[i];
			/* by tag too: a tag that moved still leads to what runs */
			bool hit = (digest && r->digest && !strcmp(digest, r->digest))
				|| (tag && r->tag && !strcmp(tag, r->tag));

			if (hit && env_conf_app(&pj->envs[e + 1], r->app)) {
				found = pj->envs[e].name;
				*app_name = r->app;
			}
		}
	}
	return found;
}
