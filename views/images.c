/* The image tags pane: one row per tag of the configured repository — which
 * commit and build made it (by the tag template), its age and size, where it
 * runs — and what to notice: mutable or unknown provenance, aliases, size
 * growth, deployments on `latest`. The tag the selected deployment runs is
 * marked; `d` deploys the selected tag to it through the gate. Creation
 * times come from each image's config blob, asked for the rows on screen
 * only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/builder.h"
#include "action/gate.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"
#include "views/columns.h"
#include "views/envcols.h"
#include "views/view.h"

enum {
	MAX_USES = 8,
	MAX_TARGETS = 32,           /* deployments d offers */
	PROMPT_TARGET = 1,
	MAX_WARNINGS = 3,           /* lines about deployments on latest or untagged images */
	DETAIL_LINES = 3,           /* the selected row's details, at the bottom */
	WIDE = 100,                 /* from this width on, the digest has a column */
	NOTES = 150,                /* and from this one, the notes in words */
};

struct images_priv {
	size_t sel;                 /* index into the store's rows */
	size_t top;                 /* first row shown */
	char *sel_tag;              /* the selection follows its tag when rows re-sort */
	char *deploy_tag;           /* the tag d asks a deployment for */
};

/* Columns; x < 0 when left out for want of width. */
struct cols {
	int tag, build, commit, subject, age, size, runs, digest, notes;
	int tag_w, subject_w, runs_w, notes_w;
};

enum { FLAGS_W = 4, BUILD_W = 6, COMMIT_W = 8, AGE_W = 6, SIZE_W = 10, DIGEST_W = 14,
       SUBJECT_MIN = 8, RUNS_W = 18, RUNS_MAX_W = 60 };

enum { C_TAG, C_BUILD, C_COMMIT, C_SUBJECT, C_AGE, C_SIZE, C_RUNS, C_DIGEST, C_NOTES, NCOLS };

/* Everything fits on a wide pane; a narrow one drops, in this order, the
 * digest, the subject, the build number (the tag says it) and the age, then
 * narrows the tag. Room left over goes to the subject, or runs-on. */
static void layout_cols(struct cols *k, int width, const struct store_images *im, int runs_w)
{
	/* where a tag runs is a list of names: as wide as the longest, not cut */
	struct column col[NCOLS] = {
		[C_BUILD] = { NULL, BUILD_W, 2 }, [C_COMMIT] = { NULL, COMMIT_W, 0 },
		[C_SUBJECT] = { NULL, SUBJECT_MIN, 3 }, [C_AGE] = { NULL, AGE_W, 1 },
		[C_SIZE] = { NULL, SIZE_W, 0 }, [C_RUNS] = { NULL, runs_w, 0 },
		[C_DIGEST] = { NULL, width >= WIDE ? DIGEST_W : 0, 4 },
	};
	bool on[NCOLS], cluster = runs_w > 0;
	int at[NCOLS], tag_w = 10, subject_w, notes_w = 0, used, cut;

	for (size_t i = 0; i < im->n; i++)
		if ((int)strlen(im->rows[i].tag) > tag_w)
			tag_w = (int)strlen(im->rows[i].tag);
	if (tag_w > 24)
		tag_w = 24;
	col[C_TAG].width = tag_w + 1;
	used = FLAGS_W + columns_fit(col, NCOLS, width - FLAGS_W, 0, on);
	/* a long list of where it runs gives way before the tag itself */
	if (used > width && runs_w > RUNS_W) {
		cut = used - width < runs_w - RUNS_W ? used - width : runs_w - RUNS_W;
		runs_w -= cut;
		used -= cut;
	}
	if (used > width) {
		cut = used - width < tag_w - 8 ? used - width : tag_w - 8;
		tag_w -= cut;
		used -= cut;
	}
	if (width >= NOTES && width > used) {
		/* half of what is left: what to notice in words */
		notes_w = (width - used) / 2;
		used += notes_w;
	}
	subject_w = on[C_SUBJECT] ? SUBJECT_MIN + (width > used ? width - used : 0) : 0;
	if (!on[C_SUBJECT] && width > used)
		runs_w += cluster ? width - used : 0;
	col[C_TAG].width = tag_w + 1;
	col[C_SUBJECT].width = subject_w;
	col[C_RUNS].width = runs_w;
	col[C_NOTES].width = notes_w;
	on[C_NOTES] = notes_w > 0;
	columns_place(col, NCOLS, on, FLAGS_W, 0, at);
	*k = (struct cols){ .tag = at[C_TAG], .build = at[C_BUILD], .commit = at[C_COMMIT],
			    .subject = at[C_SUBJECT], .age = at[C_AGE], .size = at[C_SIZE],
			    .runs = at[C_RUNS], .digest = at[C_DIGEST], .notes = at[C_NOTES],
			    .tag_w = tag_w, .subject_w = subject_w, .runs_w = runs_w,
			    .notes_w = notes_w };
}

static const char *short_digest(const char *d)
{
	const char *colon = d ? strchr(d, ':') : NULL;

	return colon ? colon + 1 : d ? d : "";
}

static const char *ns_of(const struct view_ctx *c)
{
	return c->app->store.kube.namespace ? c->app->store.kube.namespace : "";
}

/* Whether the deployment is a side of a release of .shipdeck.yml (APP and
 * APP-canary, APP-blue and APP-green): those change by C, p and a. */
static bool released_by_app(const struct project *p, const char *name)
{
	for (size_t i = 0; i < p->napps; i++) {
		const char *app = p->apps[i].name;
		size_t n = strlen(app);

		if (strncmp(name, app, n))
			continue;
		if (p->apps[i].strategy == RELEASE_CANARY
		    ? !name[n] || !strcmp(name + n, "-canary")
		    : !strcmp(name + n, "-blue") || !strcmp(name + n, "-green"))
			return true;
	}
	return false;
}

static bool runs_repository(const char *repo, const char *images)
{
	char one[512], tag[160], dig[160];

	while (images && *images) {
		size_t len = strcspn(images, ",");

		snprintf(one, sizeof one, "%.*s", (int)len, images);
		if (images_ref_of(repo, one, tag, sizeof tag, dig, sizeof dig))
			return true;
		images += len;
		images += strspn(images, ", ");
	}
	return false;
}

struct target {
	const struct kube_deployment *d;
	bool released;              /* by a canary or blue/green app */
	long build;                 /* of the tag it runs; -1 when none */
};

/* First the deployment a build would roll: not a side of a release, on the
 * newest build; then by name. */
static int target_cmp(const void *a, const void *b)
{
	const struct target *x = a, *y = b;

	if (x->released != y->released)
		return x->released ? 1 : -1;
	if (x->build != y->build)
		return x->build > y->build ? -1 : 1;
	return strcmp(x->d->meta.name, y->d->meta.name);
}

/* The deployments of the namespace that could take a tag of the repository
 * (a container runs one of its images), the default for d first. */
static size_t deploy_targets(const struct view_ctx *c, struct target *out, size_t max)
{
	const struct kube_table *t = &c->app->store.kube.tables[KUBE_DEPLOYMENTS];
	const struct store_images *im = &c->app->store.images;
	const char *ns = ns_of(c);
	size_t n = 0;

	if (!im->repository)
		return 0;
	for (size_t i = 0; i < t->n && n < max; i++) {
		const struct kube_deployment *d = t->items[i];
		const struct image_row *r;

		if ((*ns && strcmp(d->meta.namespace, ns))
		    || !runs_repository(im->repository, d->images))
			continue;
		r = store_images_of_deployment(im, d);
		out[n++] = (struct target){ d, released_by_app(&c->app->project, d->meta.name),
					    r ? r->build : -1 };
	}
	qsort(out, n, sizeof *out, target_cmp);
	return n;
}

/* The deployment d deploys to unless told otherwise, or NULL. */
static const struct kube_deployment *default_target(const struct view_ctx *c, size_t *count)
{
	struct target ts[MAX_TARGETS];
	size_t n = deploy_targets(c, ts, MAX_TARGETS);

	if (count)
		*count = n;
	return n ? ts[0].d : NULL;
}

/* "web ×3, api ×1"; "@" after the name when the pods name the digest. */
static void runs_text(const struct view_ctx *c, const struct image_row *r, char *buf, size_t size)
{
	struct image_use uses[MAX_USES];
	size_t n = store_images_runs_on(&c->app->store.images, &c->app->store.kube, r, uses,
					MAX_USES), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s ×%d", i ? ", " : "",
					uses[i].deployment, uses[i].by_digest ? "@" : "",
					uses[i].pods);
}

/* The RUNS ON column's width: the longest list, within bounds; 0 without a
 * cluster. */
static int runs_width(const struct view_ctx *c, const struct store_images *im)
{
	int w = RUNS_W;
	char buf[512];

	if (c->app->store.status.sources[SOURCE_KUBE].state == SOURCE_UNCONFIGURED)
		return 0;
	for (size_t i = 0; i < im->n; i++) {
		int n;

		runs_text(c, &im->rows[i], buf, sizeof buf);
		n = text_width(buf) + 1;
		if (n > w)
			w = n;
	}
	return w < RUNS_MAX_W ? w : RUNS_MAX_W;
}

/* RUNS ON's share of the runs space: what the environments' columns leave. */
static int runs_plain_w(const struct view_ctx *c, const struct cols *k)
{
	int w = k->runs_w - envcols_width(c);

	return w > 0 ? w : 0;
}

/* Deployments on latest or an untagged image: nobody can tell what they run. */
static int draw_warnings(struct view_ctx *c, int y)
{
	const struct kube_table *t = &c->app->store.kube.tables[KUBE_DEPLOYMENTS];
	int lines = 0;
	size_t more = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct kube_deployment *d = t->items[i];

		if (!d->facts.ncontainers || d->facts.image_pinned)
			continue;
		if (lines == MAX_WARNINGS) {
			more++;
			continue;
		}
		draw_textf(c, y + lines++, 1, ROLE_WARN,
			   "⚠ deploy/%s runs %s: latest or no tag is not a version — deploy a "
			   "build tag (d)", d->meta.name, d->images ? d->images : "?");
	}
	if (more)
		draw_textf(c, y + lines++, 1, ROLE_WARN,
			   "⚠ and %zu more deployments on latest or untagged images", more);
	return lines;
}

static void draw_header(struct view_ctx *c, const struct cols *k, int y)
{
	draw_text(c, y, k->tag, ROLE_MUTED, "TAG");
	if (k->build >= 0)
		draw_text(c, y, k->build, ROLE_MUTED, "BUILD");
	draw_text(c, y, k->commit, ROLE_MUTED, "COMMIT");
	if (k->age >= 0)
		draw_text(c, y, k->age, ROLE_MUTED, "AGE");
	draw_text(c, y, k->size, ROLE_MUTED, "SIZE");
	if (k->runs >= 0 && runs_plain_w(c, k) > 0)
		draw_text(c, y, k->runs, ROLE_MUTED, "RUNS ON");
	if (k->runs >= 0 && c->app->project.nenvs)
		envcols_draw_header(c, y, k->runs + runs_plain_w(c, k),
				    k->runs_w - runs_plain_w(c, k));
	if (k->digest >= 0)
		draw_text(c, y, k->digest, ROLE_MUTED, "DIGEST");
	if (k->notes >= 0)
		draw_text(c, y, k->notes, ROLE_MUTED, "NOTES");
}

static void draw_row(struct view_ctx *c, const struct cols *k, int y, const struct image_row *r,
		     bool selected, bool deployed)
{
	const struct store_images *im = &c->app->store.images;
	double warn = c->app->project.size_growth_warn, share;
	const struct image_row *al[1];
	bool grew = store_images_growth(im, r, &share) && share > warn;
	bool shady = r->provenance != IMAGE_BUILD;
	enum role sel = ROLE_SELECTION;
	char buf[256], notes[512];

#define ROLE(r) (selected ? sel : (r))
	if (selected)
		draw_row_fill(c, y, sel);
	/* ▶ the selected deployment runs it; ! mutable or unknown provenance;
	 * ✗ unreadable; = the same image as another tag */
	draw_cell(c, y, 0, 1, ROLE(ROLE_OK), deployed ? "▶" : " ");
	draw_cell(c, y, 1, 1, ROLE(r->error ? ROLE_FAIL : ROLE_WARN),
		  r->error ? "✗" : shady ? "!" : " ");
	draw_cell(c, y, 2, 1, ROLE(ROLE_MUTED), store_images_aliases(im, r, al, 1) ? "=" : " ");
	draw_cell(c, y, k->tag, k->tag_w,
		  ROLE(deployed ? ROLE_OK : shady ? ROLE_WARN : ROLE_NORMAL), r->tag);
	if (k->build >= 0) {
		if (r->build >= 0)
			snprintf(buf, sizeof buf, "%ld", r->build);
		else
			snprintf(buf, sizeof buf, "-");
		draw_cell(c, y, k->build, BUILD_W - 1, ROLE(ROLE_NORMAL), buf);
	}
	snprintf(buf, sizeof buf, "%.7s", r->commit ? r->commit : r->sha ? r->sha : "-");
	draw_cell(c, y, k->commit, COMMIT_W - 1, ROLE(r->commit ? ROLE_NORMAL : ROLE_MUTED), buf);
	if (k->subject >= 0)
		draw_cell(c, y, k->subject, k->subject_w - 1, ROLE(ROLE_NORMAL),
			  r->subject ? r->subject : r->sha ? "(not in this repository)" : "");
	if (k->age >= 0) {
		cell_age(r->created > 0 ? r->created : 0, buf, sizeof buf);
		c->uses_clock |= r->created > 0;
		draw_cell(c, y, k->age, AGE_W - 1, ROLE(ROLE_MUTED),
			  time_human_duration_fit(buf, AGE_W - 1));
	}
	images_format_size(r->size, buf, sizeof buf);
	if (grew)
		strcat(buf, " ▲");
	draw_cell(c, y, k->size, SIZE_W - 1, ROLE(grew ? ROLE_WARN : ROLE_NORMAL), buf);
	if (k->runs >= 0 && c->app->project.nenvs)
		envcols_draw_row(c, y, k->runs + runs_plain_w(c, k), k->runs_w - runs_plain_w(c, k),
				 r, selected);
	if (k->runs >= 0 && runs_plain_w(c, k) > 0) {
		runs_text(c, r, buf, sizeof buf);
		draw_cell(c, y, k->runs, runs_plain_w(c, k) - 1, ROLE(ROLE_RUNNING), buf);
	}
	if (k->digest >= 0) {
		snprintf(buf, sizeof buf, "%.12s", short_digest(r->digest));
		draw_cell(c, y, k->digest, DIGEST_W - 2, ROLE(ROLE_MUTED), buf);
	}
	if (k->notes >= 0) {
		store_images_notes(im, r, warn, notes, sizeof notes);
		draw_cell(c, y, k->notes, k->notes_w, ROLE(r->error ? ROLE_FAIL : ROLE_MUTED),
			  notes);
	}
#undef ROLE
}

/* The selected row in full: digest and platform; then what it is. */
static void draw_detail(struct view_ctx *c, int y, const struct image_row *r)
{
	const struct store_images *im = &c->app->store.images;
	char notes[512], when[32];

	draw_textf(c, y, 1, ROLE_MUTED, "%s%s%s%s%s",
		   r->digest ? r->digest : "digest not known yet",
		   r->platform ? " · " : "", r->platform ? r->platform : "",
		   r->media_type ? " · " : "", r->media_type ? r->media_type : "");
	store_images_notes(im, r, c->app->project.size_growth_warn, notes, sizeof notes);
	if (r->error)
		draw_wrapped(c, y + 1, DETAIL_LINES - 1, ROLE_FAIL, notes);
	else if (r->commit)
		draw_textf(c, y + 1, 1, ROLE_NORMAL, "%.12s %s — %s, %s%s%s", r->commit,
			   r->subject ? r->subject : "", r->author ? r->author : "",
			   time_format_rfc3339((time_t)r->commit_time, when, sizeof when),
			   notes[0] ? "; " : "", notes);
	else
		draw_text(c, y + 1, 1, r->provenance == IMAGE_BUILD ? ROLE_MUTED : ROLE_WARN,
			  notes);
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
	const struct source_status *st = &c->app->store.status.sources[SOURCE_REGISTRY];
	const struct image_row *deployed;
	struct cols k;
	int list_h, y = 0, bottom;
	size_t i;

	c->want_rows = 1;
	if (st->state == SOURCE_FAILED) {
		draw_source_notice(c, 0, SOURCE_REGISTRY);
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
	i = index_of(im, p->sel_tag, p->sel);
	if (!p->sel_tag || strcmp(im->rows[i].tag, p->sel_tag))
		select_row(p, c, i);    /* nothing selected yet, or the tag is gone */
	else
		p->sel = i;
	deployed = store_images_of_deployment(im, default_target(c, NULL));
	/* the environments' lines, when they leave room for the tags */
	if (c->height >= envcols_summary_lines(c) + 6)
		y += envcols_draw_summary(c, y);
	y += draw_warnings(c, y);
	/* the header, every tag, the selected one's details */
	c->want_rows = y + 1 + (int)im->n + DETAIL_LINES + 1;
	/* the environments' columns follow RUNS ON in its space */
	layout_cols(&k, c->width, im, runs_width(c, im) + envcols_width(c));
	draw_header(c, &k, y++);
	bottom = c->height - (c->height - y >= 8 ? DETAIL_LINES + 1 : 0);
	list_h = bottom - y > 1 ? bottom - y : 1;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)list_h)
		p->top = p->sel - (size_t)list_h + 1;
	for (i = p->top; i < im->n && y < bottom; i++, y++) {
		const struct image_row *r = &im->rows[i];

		draw_row(c, &k, y, r, i == p->sel && c->focused, r == deployed);
		if (r->config_digest && !r->created) {
			char id[300];

			snprintf(id, sizeof id, "image-config/%s", r->config_digest);
			app_want_detail(c->app, id);
		}
	}
	if (bottom < c->height)
		draw_detail(c, c->height - DETAIL_LINES, &im->rows[p->sel]);
}

/* The container of d that runs an image of the repository. NULL with a
 * message when there is none, or several. Caller frees. */
static char *our_container(struct view_ctx *c, const struct kube_deployment *d)
{
	const char *repo = c->app->store.images.repository;
	size_t n, hits = 0;
	char **cs = kube_template_containers(d->template_json, &n), *name = NULL, tag[160],
		dig[160];

	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(cs[i], '=');

		*eq = '\0';
		if (images_ref_of(repo, eq + 1, tag, sizeof tag, dig, sizeof dig) && !hits++)
			name = xstrdup(cs[i]);
	}
	if (!hits)
		app_message(c->app, STATUS_WARN, "deploy: deploy/%s runs no image of %s (%s); set "
			    "another with shipdeck deploy %s IMAGE --container C", d->meta.name,
			    repo, d->images ? d->images : "no containers", d->meta.name);
	else if (hits > 1)
		app_message(c->app, STATUS_WARN, "deploy: deploy/%s has %zu containers of %s: say "
			    "which with shipdeck deploy %s TAG --container C", d->meta.name, hits,
			    repo, d->meta.name);
	if (hits > 1)
		xfree(&name);
	for (size_t i = 0; i < n; i++)
		free(cs[i]);
	free(cs);
	return name;
}

/* The tag row to the deployment d, through the gate. The dialog names
 * deployment, container, from and to; a tag that is not a build (latest,
 * unknown provenance) asks a second time. */
static void deploy_to(struct view_ctx *c, const struct image_row *r,
		      const struct kube_deployment *d)
{
	const struct store_images *im = &c->app->store.images;
	struct action_req *req;
	char *container, *image;
	struct err err;

	if (store_images_of_deployment(im, d) == r) {
		app_message(c->app, STATUS_INFO, "deploy: deploy/%s already on %s", d->meta.name,
			    r->tag);
		return;
	}
	container = our_container(c, d);
	if (!container)
		return;
	image = xasprintf("%s:%s", im->repository, r->tag);
	req = action_build(&c->app->rt, ACTION_DEPLOY, &(struct action_sel){
			.target = TARGET_DEPLOYMENT, .ns = ns_of(c), .name = d->meta.name,
			.container = container, .image = image,
		}, NULL, &err);
	if (!req) {
		app_message(c->app, STATUS_WARN, "deploy: %s", err.msg);
	} else {
		if (r->commit)
			action_req_add_detail(req, "%s: build %ld of %.7s %s", r->tag, r->build,
					      r->commit, r->subject ? r->subject : "");
		if (r->error)
			action_req_add_detail(req, "- the registry could not read it: %s",
					      r->error);
		if (r->provenance == IMAGE_MUTABLE)
			req->second_question = xasprintf("%s is mutable: it moves, nobody can tell "
							 "which code it carries. Deploy it anyway?",
							 r->tag);
		else if (r->provenance == IMAGE_UNKNOWN)
			req->second_question = xasprintf("%s does not name a commit and build "
							 "(%s). Deploy it anyway?", r->tag,
							 im->tag_template ? im->tag_template : "");
		gate_submit(&c->app->rt, req);
	}
	free(image);
	free(container);
}

/* d: the selected tag to a deployment that runs the repository's images.
 * With one such deployment, that one; with several, a question with the
 * default (the one a build rolls) filled in. The rollout pane's selection
 * plays no part: the target is named before anything is asked. */
static void deploy(struct images_priv *p, struct view_ctx *c)
{
	const struct store_images *im = &c->app->store.images;
	const struct image_row *r = im->n ? &im->rows[p->sel < im->n ? p->sel : 0] : NULL;
	struct target ts[MAX_TARGETS];
	size_t n;
	struct strbuf others = { 0 };
	char label[512];

	if (!r) {
		app_message(c->app, STATUS_WARN, "deploy: no tag to deploy");
		return;
	}
	n = deploy_targets(c, ts, MAX_TARGETS);
	if (!n) {
		app_message(c->app, STATUS_WARN,
			    "deploy: no deployment in namespace %s runs an image of %s; set one "
			    "with d in 4 Rollout", *ns_of(c) ? ns_of(c) : "(all)", im->repository);
		return;
	}
	if (n == 1) {
		deploy_to(c, r, ts[0].d);
		return;
	}
	for (size_t i = 1; i < n; i++)
		sb_printf(&others, "%s%s", i > 1 ? ", " : "", ts[i].d->meta.name);
	snprintf(label, sizeof label, "deploy %s to which deployment? (or %s; Esc cancels) ",
		 r->tag, sb_str(&others));
	sb_free(&others);
	free(p->deploy_tag);
	p->deploy_tag = xstrdup(r->tag);
	ui_prompt(c->ui, &images_view, PROMPT_TARGET, label, ts[0].d->meta.name);
}

static void images_prompt_done(void *priv, struct view_ctx *c, int id, const char *text)
{
	struct images_priv *p = priv;
	const struct store_images *im = &c->app->store.images;
	struct target ts[MAX_TARGETS];
	size_t n = deploy_targets(c, ts, MAX_TARGETS), i = index_of(im, p->deploy_tag, im->n);
	char *tag = p->deploy_tag;

	p->deploy_tag = NULL;
	if (id != PROMPT_TARGET || !text || !tag) {
		free(tag);
		return;
	}
	if (i >= im->n || strcmp(im->rows[i].tag, tag)) {
		app_message(c->app, STATUS_WARN, "deploy: the tag %s is gone", tag);
		free(tag);
		return;
	}
	free(tag);
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(ts[k].d->meta.name, text)) {
			deploy_to(c, &im->rows[i], ts[k].d);
			return;
		}
	}
	{
		char *safe = text_safe(text);

		app_message(c->app, STATUS_WARN, "deploy: '%s' is not a deployment that runs %s "
			    "in this namespace", safe, im->repository);
		free(safe);
	}
}

/* C: a canary of the selected tag for the app selected in the canary pane
 * (the first of .shipdeck.yml's apps until one is). A tag that is not a
 * build asks a second time, as d does. */
static void canary_start(struct images_priv *p, struct view_ctx *c)
{
	const struct store_images *im = &c->app->store.images;
	const struct image_row *r = im->n ? &im->rows[p->sel < im->n ? p->sel : 0] : NULL;
	const char *name = c->sel->app;
	struct action_req *req;
	struct err err;
	char *image;

	if (!name && c->app->project.napps)
		name = c->app->project.apps[0].name;
	if (!r || !name) {
		app_message(c->app, STATUS_WARN, "canary-start: %s", !r ? "no tag selected"
			    : "no apps: add apps: to .shipdeck.yml");
		return;
	}
	image = xasprintf("%s:%s", im->repository, r->tag);
	req = action_build(&c->app->rt, ACTION_CANARY_START, &(struct action_sel){
			.target = TARGET_RELEASE, .name = name, .image = image,
		}, NULL, &err);
	free(image);
	if (!req) {
		app_message(c->app, STATUS_WARN, "canary-start %s: %s", name, err.msg);
		return;
	}
	if (r->commit)
		action_req_add_detail(req, "%s: build %ld of %.7s %s", r->tag, r->build, r->commit,
				      r->subject ? r->subject : "");
	if (r->provenance != IMAGE_BUILD)
		req->second_question = xasprintf("%s does not name a commit and build. Start a "
						 "canary of it anyway?", r->tag);
	gate_submit(&c->app->rt, req);
}

static void promote_planned(void *ctx, struct action_req *req, const char *refusal,
			    const char *noop)
{
	struct app *app = ctx;

	if (req)
		gate_submit(&app->rt, req);
	else if (refusal)
		app_message(app, STATUS_ERROR, "promote-image: %s", refusal);
	else
		app_message(app, STATUS_INFO, "promote-image: %s", noop);
}

/* P: what the environment running the selected build runs, to the next
 * environment — the last environment in order that runs it. */
static void promote(struct images_priv *p, struct view_ctx *c)
{
	const struct store_images *im = &c->app->store.images;
	const struct image_row *r = im->n ? &im->rows[p->sel < im->n ? p->sel : 0] : NULL;
	const char *app_name = NULL, *from;

	if (!c->app->project.nenvs) {
		app_message(c->app, STATUS_WARN,
			    "promote-image: no environments: add environments: to .shipdeck.yml");
		return;
	}
	if (!r) {
		app_message(c->app, STATUS_WARN, "promote-image: no tag selected");
		return;
	}
	from = envcols_promote_source(c, r->tag, r->digest, &app_name);
	if (!from) {
		app_message(c->app, STATUS_WARN,
			    "promote-image: %s runs in no environment that has a next one", r->tag);
		return;
	}
	action_plan(&c->app->rt, ACTION_PROMOTE_IMAGE, &(struct action_sel){
			.target = TARGET_ENVIRONMENT, .name = app_name, .from = from,
		}, promote_planned, c->app);
}

static int images_action(void *priv, struct view_ctx *c, enum action_id a)
{
	struct images_priv *p = priv;
	const struct store_images *im = &c->app->store.images;
	size_t page = c->height > 6 ? (size_t)c->height - 6 : 1;

	if (a == ACTION_DEPLOY) {
		deploy(p, c);
		return VIEW_HANDLED;
	}
	if (a == ACTION_CANARY_START) {
		canary_start(p, c);
		return VIEW_HANDLED;
	}
	if (a == ACTION_PROMOTE_IMAGE) {
		promote(p, c);
		return VIEW_HANDLED;
	}
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

static void images_hints(void *priv, struct view_ctx *c, struct strbuf *out)
{
	const struct store_images *im = &c->app->store.images;
	const char *app = c->sel->app;
	const struct kube_deployment *d;
	size_t n;

	if (!im->n)
		return;
	d = default_target(c, &n);
	if (d && n > 1)
		view_hint(c, out, ACTION_DEPLOY, "deploy \xe2\x86\x92 deploy/%s (+%zu)",
			  d->meta.name, n - 1);
	else if (d)
		view_hint(c, out, ACTION_DEPLOY, "deploy \xe2\x86\x92 deploy/%s", d->meta.name);
	if (!app && c->app->project.napps)
		app = c->app->project.apps[0].name;
	if (app)
		view_hint(c, out, ACTION_CANARY_START, "canary \xe2\x86\x92 %s", app);
	if (c->app->project.nenvs) {
		const struct images_priv *p = priv;
		const struct image_row *r = &im->rows[p->sel < im->n ? p->sel : 0];
		const char *from = envcols_promote_source(c, r->tag, r->digest, &app);
		const struct env_conf *fe = from ? project_env(&c->app->project, from) : NULL;
		const struct env_conf *next = fe ? project_env_next(&c->app->project, fe) : NULL;

		if (next)
			view_hint(c, out, ACTION_PROMOTE_IMAGE, "promote %s \xe2\x86\x92 %s", from,
				  next->name);
	}
	view_hint(c, out, ACTION_ZOOM, "%s", c->zoomed ? "unzoom" : "zoom");
}

static void images_destroy(void *priv)
{
	struct images_priv *p = priv;

	free(p->sel_tag);
	free(p->deploy_tag);
}

static const char *const images_help[] = {
	"Image tags: one row per tag; the commit and build come from the tag by image.tag",
	"  ▶  the tag d's deployment runs: the one a build rolls (asked when several could)",
	"  C  starts a canary of the selected tag (the app selected in the canary pane)",
	"  !  mutable (latest) or unknown provenance: the tag names no commit and build",
	"  =  the same image (digest) as another tag",
	"  ▲  grew more than image.size_growth_warn over the previous build",
	"  ✗  the tag's manifest could not be read (the detail line says why)",
	"  RUNS ON: deployments whose pods run the image (×pods; @ by digest)",
	"  With environments: a line per environment (tag@digest ×pods; ✓ the tag still points",
	"  at that digest, ✗ it moved) and a column each instead of RUNS ON",
	"  E  promotes what the environment running the selected build runs to the next, by digest",
	NULL,
};

const struct view images_view = {
	.name = "images",
	.title = "Image tags",
	.private_size = sizeof(struct images_priv),
	.draw = images_draw,
	.action = images_action,
	.prompt_done = images_prompt_done,
	.hints = images_hints,
	.destroy = images_destroy,
	.help = images_help,
};
