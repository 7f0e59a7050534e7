/* The image tags pane: one row per tag of the configured repository — which
 * commit and build made it (by the tag template), its digest, age and size,
 * and what to notice: mutable or unknown provenance, aliases, size growth.
 * The selected row's details sit at the bottom. Creation times come from
 * each image's config blob, asked for only for the rows on screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/view.h"

enum {
	MAX_ALIASES = 8,
	DETAIL_LINES = 3,           /* the selected row's details, at the bottom */
	WIDE = 100,                 /* from this width on, the digest has a column */
	NOTES = 140,                /* and from this one, the notes in words */
};

struct images_priv {
	size_t sel;                 /* index into the store's rows */
	size_t top;                 /* first row shown */
	char *sel_tag;              /* the selection follows its tag when rows re-sort */
};

/* Columns, left to right; x < 0 when the width leaves no room. */
struct cols {
	int flags, tag, build, commit, subject, age, size, digest, notes;
	int tag_w, subject_w, notes_w;
};

static void layout_cols(struct cols *k, int width, const struct store_images *im)
{
	int tag_w = 10, x = 0, fixed;

	for (size_t i = 0; i < im->n; i++) {
		int w = (int)strlen(im->rows[i].tag);

		if (w > tag_w)
			tag_w = w;
	}
	if (tag_w > 24)
		tag_w = 24;
	/* flags(4) tag+1 build(6) commit(8) age(6) size(10) [digest(14)] */
	fixed = 4 + 1 + 6 + 8 + 6 + 10 + (width >= WIDE ? 14 : 0);
	k->notes_w = width >= NOTES ? (width - fixed - tag_w) / 2 : 0;
	k->subject_w = width - fixed - tag_w - k->notes_w;
	if (k->subject_w < 8 && tag_w > 8) {
		/* narrow: the tag gives way before the subject */
		int give = 8 - k->subject_w < tag_w - 8 ? 8 - k->subject_w : tag_w - 8;

		tag_w -= give;
		k->subject_w += give;
	}
	k->tag_w = tag_w;
	k->flags = x + 1;
	x += 4;
	k->tag = x;
	x += tag_w + 1;
	k->build = x;
	x += 6;
	k->commit = x;
	x += 8;
	k->subject = k->subject_w > 1 ? x : -1;
	x += k->subject_w > 1 ? k->subject_w : 0;
	k->age = x;
	x += 6;
	k->size = x;
	x += 10;
	k->digest = width >= WIDE ? x : -1;
	x += width >= WIDE ? 14 : 0;
	k->notes = k->notes_w > 0 ? x : -1;
}

static const char *short_digest(const char *d)
{
	const char *colon = d ? strchr(d, ':') : NULL;

	return colon ? colon + 1 : d ? d : "";
}

/* Long messages (they name a URL) over up to max_lines lines, broken at
 * spaces where one is near. Returns the lines used. */
static int draw_wrapped(struct view_ctx *c, int y, int max_lines, enum role role, const char *text)
{
	int width = c->width - 2, n = 0;
	const char *p = text;

	while (*p && n < max_lines && width > 0) {
		size_t len = strlen(p), cut = len;
		char *line;

		if ((int)len > width && n < max_lines - 1) {
			cut = (size_t)width;
			while (cut > (size_t)width / 2 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				cut = (size_t)width;
		}
		line = xstrndup(p, cut);
		draw_text(c, y + n++, 1, role, line);
		free(line);
		p += cut;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* The words the notes column (and the detail line) use. */
static void row_notes(const struct store_images *im, const struct image_row *r, double warn,
		      char *buf, size_t size)
{
	const struct image_row *al[MAX_ALIASES];
	size_t nal = store_images_aliases(im, r, al, MAX_ALIASES), len = 0;
	double share;

	buf[0] = '\0';
#define NOTE(...) do { \
		if (len < size) \
			len += (size_t)snprintf(buf + len, size - len, "%s", len ? "; " : ""); \
		if (len < size) \
			len += (size_t)snprintf(buf + len, size - len, __VA_ARGS__); \
	} while (0)
	if (r->error)
		NOTE("%s", r->error);
	if (r->provenance == IMAGE_MUTABLE)
		NOTE("mutable: not a version");
	else if (r->provenance == IMAGE_UNKNOWN)
		NOTE("unknown provenance: not %s", im->tag_template ? im->tag_template : "the template");
	else if (r->sha && !r->commit)
		NOTE("commit %s not in this repository", r->sha);
	for (size_t i = 0; i < nal; i++)
		NOTE("= %s", al[i]->tag);
	if (store_images_growth(im, r, &share) && share > warn)
		NOTE("grew %.0f%% over build %ld", share * 100, store_images_previous_build(im, r)->build);
#undef NOTE
}

static void draw_header(struct view_ctx *c, const struct cols *k, int y)
{
	draw_text(c, y, k->tag, ROLE_MUTED, "TAG");
	draw_text(c, y, k->build, ROLE_MUTED, "BUILD");
	draw_text(c, y, k->commit, ROLE_MUTED, "COMMIT");
	draw_text(c, y, k->age, ROLE_MUTED, "AGE");
	draw_text(c, y, k->size, ROLE_MUTED, "SIZE");
	if (k->digest >= 0)
		draw_text(c, y, k->digest, ROLE_MUTED, "DIGEST");
	if (k->notes >= 0)
		draw_text(c, y, k->notes, ROLE_MUTED, "NOTES");
}

static void draw_row(struct view_ctx *c, const struct cols *k, int y, const struct image_row *r,
		     bool selected)
{
	const struct store_images *im = &c->app->store.images;
	double warn = c->app->project.size_growth_warn, share;
	const struct image_row *al[1];
	bool grew = store_images_growth(im, r, &share) && share > warn;
	bool shady = r->provenance != IMAGE_BUILD;
	enum role sel = ROLE_SELECTION;
	char buf[64], notes[512];

	if (selected)
		draw_row_fill(c, y, sel);
	/* ! mutable or unknown provenance, = the same image as another tag */
	draw_cell(c, y, k->flags, 1, selected ? sel : r->error ? ROLE_FAIL : ROLE_WARN,
		  r->error ? "✗" : shady ? "!" : " ");
	draw_cell(c, y, k->flags + 1, 1, selected ? sel : ROLE_MUTED,
		  store_images_aliases(im, r, al, 1) ? "=" : " ");
	draw_cell(c, y, k->tag, k->tag_w, selected ? sel : shady ? ROLE_WARN : ROLE_NORMAL, r->tag);
	if (r->build >= 0)
		snprintf(buf, sizeof buf, "%ld", r->build);
	else
		snprintf(buf, sizeof buf, "-");
	draw_cell(c, y, k->build, 5, selected ? sel : ROLE_NORMAL, buf);
	snprintf(buf, sizeof buf, "%.7s", r->commit ? r->commit : r->sha ? r->sha : "-");
	draw_cell(c, y, k->commit, 7, selected ? sel : r->commit ? ROLE_NORMAL : ROLE_MUTED, buf);
	if (k->subject >= 0)
		draw_cell(c, y, k->subject, k->subject_w - 1, selected ? sel : ROLE_NORMAL,
			  r->subject ? r->subject : r->sha ? "(not in this repository)" : "");
	if (r->created > 0) {
		time_human_duration(time_wall_ms() / 1000 - r->created, buf, sizeof buf);
		c->uses_clock = true;
	} else {
		snprintf(buf, sizeof buf, "-");
	}
	draw_cell(c, y, k->age, 5, selected ? sel : ROLE_MUTED, buf);
	images_format_size(r->size, buf, sizeof buf);
	if (grew)
		strcat(buf, " ▲");
	draw_cell(c, y, k->size, 9, selected ? sel : grew ? ROLE_WARN : ROLE_NORMAL, buf);
	if (k->digest >= 0) {
		snprintf(buf, sizeof buf, "%.12s", short_digest(r->digest));
		draw_cell(c, y, k->digest, 12, selected ? sel : ROLE_MUTED, buf);
	}
	if (k->notes >= 0) {
		row_notes(im, r, warn, notes, sizeof notes);
		draw_cell(c, y, k->notes, k->notes_w, selected ? sel : r->error ? ROLE_FAIL : ROLE_MUTED,
			  notes);
	}
}

/* The selected row in full: digest and platform; then what it is. */
static void draw_detail(struct view_ctx *c, int y, const struct image_row *r)
{
	const struct store_images *im = &c->app->store.images;
	char notes[512], when[32];

	draw_textf(c, y, 1, ROLE_MUTED, "%s%s%s%s%s", r->digest ? r->digest : "digest not known yet",
		   r->platform ? " · " : "", r->platform ? r->platform : "",
		   r->media_type ? " · " : "", r->media_type ? r->media_type : "");
	row_notes(im, r, c->app->project.size_growth_warn, notes, sizeof notes);
	if (r->error)
		draw_wrapped(c, y + 1, DETAIL_LINES - 1, ROLE_FAIL, notes);
	else if (r->commit)
		draw_textf(c, y + 1, 1, ROLE_NORMAL, "%.12s %s — %s, %s%s%s", r->commit,
			   r->subject ? r->subject : "", r->author ? r->author : "",
			   time_format_rfc3339((time_t)r->commit_time, when, sizeof when),
			   notes[0] ? "; " : "", notes);
	else
		draw_text(c, y + 1, 1, r->provenance == IMAGE_BUILD ? ROLE_MUTED : ROLE_WARN, notes);
}

static size_t index_of(const struct store_images *im, const char *tag, size_t fallback)
{
	for (size_t i = 0; tag && i < im->n; i++)
		if (!strcmp(im->rows[i].tag, tag))
			return i;
	return fallback < im->n ? fallback : im->n ? im->n - 1 : 0;
}

static void select_row(struct images_priv *p, struct view_ctx *c, size_t i)
{
	const struct store_images *im = &c->app->store.images;

	if (!im->n)
		return;
	p->sel = i < im->n ? i : im->n - 1;
	free(p->sel_tag);
	p->sel_tag = xstrdup(im->rows[p->sel].tag);
	ui_select(c->ui, &c->sel->tag, p->sel_tag);
}

static void images_draw(void *priv, struct view_ctx *c)
{
	struct images_priv *p = priv;
	const struct store_images *im = &c->app->store.images;
	struct cols k;
	int list_h, y = 0;

	if (c->app->store.status.sources[SOURCE_REGISTRY].state == SOURCE_FAILED) {
		const char *msg = c->app->store.status.sources[SOURCE_REGISTRY].message;

		draw_wrapped(c, 0, c->height, ROLE_FAIL, msg ? msg : "the registry failed");
		return;
	}
	if (draw_source_notice(c, 0, SOURCE_REGISTRY))
		return;
	snprintf(c->subtitle, sizeof c->subtitle, "%s · %zu tag%s",
		 im->repository ? im->repository : "", im->n, im->n == 1 ? "" : "s");
	if (!im->n) {
		draw_notice(c, 0, ROLE_MUTED, im->listed ? "no tags in this repository yet: the "
			    "pipeline pushes them" : "reading the tags…");
		return;
	}
	if (!p->sel_tag || strcmp(p->sel_tag, im->rows[index_of(im, p->sel_tag, p->sel)].tag))
		select_row(p, c, index_of(im, p->sel_tag, p->sel));
	else
		p->sel = index_of(im, p->sel_tag, p->sel);
	layout_cols(&k, c->width, im);
	draw_header(c, &k, y++);
	list_h = c->height - y - (c->height >= 8 ? DETAIL_LINES + 1 : 0);
	if (list_h < 1)
		list_h = 1;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)list_h)
		p->top = p->sel - (size_t)list_h + 1;
	for (size_t i = p->top; i < im->n && y < 1 + list_h; i++, y++) {
		const struct image_row *r = &im->rows[i];

		draw_row(c, &k, y, r, i == p->sel && c->focused);
		if (r->config_digest && !r->created) {
			char id[300];

			snprintf(id, sizeof id, "image-config/%s", r->config_digest);
			app_want_detail(c->app, id);
		}
	}
	if (c->height >= 8)
		draw_detail(c, c->height - DETAIL_LINES, &im->rows[p->sel]);
}

static int images_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct images_priv *p = priv;
	const struct store_images *im = &c->app->store.images;
	size_t page = c->height > 6 ? (size_t)c->height - 6 : 1;

	if (!c->focused || !im->n)
		return VIEW_UNHANDLED;
	switch (a) {
	case ACTION_DOWN: select_row(p, c, p->sel + 1); break;
	case ACTION_UP: select_row(p, c, p->sel ? p->sel - 1 : 0); break;
	case ACTION_PAGE_DOWN: select_row(p, c, p->sel + page); break;
	case ACTION_PAGE_UP: select_row(p, c, p->sel > page ? p->sel - page : 0); break;
	case ACTION_TOP: select_row(p, c, 0); break;
	case ACTION_BOTTOM: select_row(p, c, im->n - 1); break;
	default: return VIEW_UNHANDLED;
	}
	return VIEW_HANDLED;
}

static void images_destroy(void *priv)
{
	struct images_priv *p = priv;

	free(p->sel_tag);
}

static const char *const images_help[] = {
	"Image tags: one row per tag; the commit and build come from the tag by image.tag",
	"  !  mutable (latest) or unknown provenance: the tag does not name a commit and build",
	"  =  the same image (digest) as another tag",
	"  ▲  grew more than image.size_growth_warn over the previous build",
	"  ✗  the tag's manifest could not be read (the detail line says why)",
	NULL,
};

const struct view images_view = {
	.name = "images",
	.title = "Image tags",
	.private_size = sizeof(struct images_priv),
	.draw = images_draw,
	.action = images_action,
	.destroy = images_destroy,
	.help = images_help,
};
