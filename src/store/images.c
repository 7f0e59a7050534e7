#include "store/images.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/imgref.h"
#include "util/xalloc.h"

void store_images_init(struct store_images *im)
{
	memset(im, 0, sizeof *im);
}

void image_row_free(struct image_row *r)
{
	free(r->tag);
	free(r->sha);
	free(r->commit);
	free(r->subject);
	free(r->author);
	free(r->digest);
	free(r->media_type);
	free(r->platform);
	free(r->config_digest);
	free(r->error);
	memset(r, 0, sizeof *r);
}

static void free_rows(struct store_images *im)
{
	for (size_t i = 0; i < im->n; i++)
		image_row_free(&im->rows[i]);
	free(im->rows);
	im->rows = NULL;
	im->n = 0;
}

void store_images_free(struct store_images *im)
{
	free(im->repository);
	free(im->tag_template);
	free_rows(im);
	memset(im, 0, sizeof *im);
}

static void take(char **slot, char **from)
{
	free(*slot);
	*slot = *from;
	*from = NULL;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct image_row *a = pa, *b = pb;

	if ((a->build >= 0) != (b->build >= 0))
		return a->build >= 0 ? -1 : 1;
	if (a->build != b->build)
		return a->build > b->build ? -1 : 1;
	if (a->commit_time != b->commit_time)
		return a->commit_time > b->commit_time ? -1 : 1;
	return strcmp(a->tag, b->tag);
}

static struct image_row *find(struct store_images *im, const char *tag)
{
	for (size_t i = 0; i < im->n; i++)
		if (!strcmp(im->rows[i].tag, tag))
			return &im->rows[i];
	return NULL;
}

/* The registry's facts about a tag, moved from an old row to its new one. */
static void keep_registry_facts(struct image_row *to, struct image_row *from)
{
	take(&to->digest, &from->digest);
	take(&to->media_type, &from->media_type);
	take(&to->platform, &from->platform);
	take(&to->config_digest, &from->config_digest);
	take(&to->error, &from->error);
	to->size = from->size;
	to->created = from->created;
}

static void clear_registry_facts(struct image_row *r)
{
	xfree(&r->media_type);
	xfree(&r->platform);
	xfree(&r->config_digest);
	xfree(&r->error);
	r->size = -1;
	r->created = 0;
}

static bool apply_tags(struct store_images *im, struct images_event *ev)
{
	for (size_t i = 0; i < ev->nrows; i++) {
		struct image_row *old = find(im, ev->rows[i].tag);

		if (old)
			keep_registry_facts(&ev->rows[i], old);
	}
	free_rows(im);
	im->rows = ev->rows;
	im->n = ev->nrows;
	ev->rows = NULL;
	ev->nrows = 0;
	qsort(im->rows, im->n, sizeof *im->rows, row_cmp);
	im->listed = true;
	return true;
}

static bool apply_digest(struct store_images *im, struct images_event *ev)
{
	struct image_row *r = find(im, ev->tag);

	if (!r || (r->digest && ev->digest && !strcmp(r->digest, ev->digest) && !r->error))
		return false;
	if (!r->digest || !ev->digest || strcmp(r->digest, ev->digest))
		clear_registry_facts(r);
	xfree(&r->error);
	take(&r->digest, &ev->digest);
	/* a digest other rows know already: copy what they know */
	for (size_t i = 0; i < im->n; i++) {
		struct image_row *o = &im->rows[i];

		if (o != r && o->digest && !strcmp(o->digest, r->digest) && o->size >= 0) {
			r->media_type = o->media_type ? xstrdup(o->media_type) : NULL;
			r->platform = o->platform ? xstrdup(o->platform) : NULL;
			r->config_digest = o->config_digest ? xstrdup(o->config_digest) : NULL;
			r->size = o->size;
			r->created = o->created;
			break;
		}
	}
	return true;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static bool apply_manifest(struct store_images *im, struct images_event *ev)
{
	bool changed = false;

	for (size_t i = 0; i < im->n; i++) {
		struct image_row *r = &im->rows[i];

		int64_t created = r->created;
		bool same_config;

		if (!r->digest || !ev->digest || strcmp(r->digest, ev->digest))
			continue;
		/* the source says a known manifest again on every refresh: the
		 * creation time, read once from its config, stays with it */
		same_config = r->config_digest && ev->config_digest && !ev->error
			&& !strcmp(r->config_digest, ev->config_digest);
		clear_registry_facts(r);
		if (same_config)
			r->created = created;
		r->media_type = dup_or_null(ev->media_type);
		r->platform = dup_or_null(ev->platform);
		r->config_digest = dup_or_null(ev->config_digest);
		r->error = dup_or_null(ev->error);
		r->size = ev->error ? -1 : ev->size;
		changed = true;
	}
	return changed;
}

static bool apply_created(struct store_images *im, struct images_event *ev)
{
	bool changed = false;

	for (size_t i = 0; i < im->n; i++) {
		struct image_row *r = &im->rows[i];

		if (r->config_digest && ev->config_digest
		    && !strcmp(r->config_digest, ev->config_digest)
		    && r->created != ev->created) {
			r->created = ev->created;
			changed = true;
		}
	}
	return changed;
}

static void free_event(struct images_event *ev)
{
	free(ev->repository);
	free(ev->tag_template);
	for (size_t i = 0; i < ev->nrows; i++)
		image_row_free(&ev->rows[i]);
	free(ev->rows);
	free(ev->tag);
	free(ev->digest);
	free(ev->media_type);
	free(ev->platform);
	free(ev->config_digest);
	free(ev->error);
	memset(ev, 0, sizeof *ev);
}

bool store_images_apply(struct store_images *im, struct images_event *ev)
{
	bool changed = false;
	struct image_row *r;

	switch (ev->type) {
	case IMAGES_EV_REPOSITORY:
		take(&im->repository, &ev->repository);
		take(&im->tag_template, &ev->tag_template);
		free_rows(im);
		im->listed = false;
		changed = true;
		break;
	case IMAGES_EV_TAGS:
		changed = apply_tags(im, ev);
		break;
	case IMAGES_EV_DIGEST:
		changed = apply_digest(im, ev);
		break;
	case IMAGES_EV_MANIFEST:
		changed = apply_manifest(im, ev);
		break;
	case IMAGES_EV_CREATED:
		changed = apply_created(im, ev);
		break;
	case IMAGES_EV_TAG_ERROR:
		r = find(im, ev->tag);
		if (r) {
			take(&r->error, &ev->error);
			changed = true;
		}
		break;
	}
	free_event(ev);
	return changed;
}

const struct image_row *store_images_find(const struct store_images *im, const char *tag)
{
	return find((struct store_images *)im, tag);
}

const struct image_row *store_images_previous_build(const struct store_images *im,
						    const struct image_row *row)
{
	const struct image_row *best = NULL;

	if (row->build < 0)
		return NULL;
	for (size_t i = 0; i < im->n; i++) {
		const struct image_row *r = &im->rows[i];

		if (r->build >= 0 && r->build < row->build && (!best || r->build > best->build))
			best = r;
	}
	return best;
}

bool store_images_growth(const struct store_images *im, const struct image_row *row,
			 double *share)
{
	const struct image_row *prev = store_images_previous_build(im, row);

	if (!prev || prev->size <= 0 || row->size < 0)
		return false;
	*share = (double)(row->size - prev->size) / (double)prev->size;
	return true;
}

size_t store_images_aliases(const struct store_images *im, const struct image_row *row,
			    const struct image_row **out, size_t max)
{
	size_t n = 0;

	if (!row->digest)
		return 0;
	for (size_t i = 0; i < im->n && n < max; i++) {
		const struct image_row *r = &im->rows[i];

		if (r != row && r->digest && !strcmp(r->digest, row->digest))
			out[n++] = r;
	}
	return n;
}

char *images_format_size(int64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 0) {
		snprintf(buf, size, "?");
		return buf;
	}
	if (bytes < 1000) {
		snprintf(buf, size, "%lld B", (long long)bytes);
		return buf;
	}
	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

static void note(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;

	if (*len >= size)
		return;
	if (*len)
		*len += (size_t)snprintf(buf + *len, size - *len, "; ");
	if (*len >= size)
		return;
	va_start(ap, fmt);
	*len += (size_t)vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
}

char *store_images_notes(const struct store_images *im, const struct image_row *row,
			 double growth_warn, char *buf, size_t size)
{
	const struct image_row *al[8];
	size_t nal = store_images_aliases(im, row, al, 8), len = 0;
	double share;

	buf[0] = '\0';
	if (row->error)
		note(buf, size, &len, "%s", row->error);
	if (row->provenance == IMAGE_MUTABLE)
		note(buf, size, &len, "mutable: not a version");
	else if (row->provenance == IMAGE_UNKNOWN)
		note(buf, size, &len, "unknown provenance: not %s",
		     im->tag_template ? im->tag_template : "the tag template");
	else if (row->sha && !row->commit)
		note(buf, size, &len, "commit %s not in this repository", row->sha);
	for (size_t i = 0; i < nal; i++)
		note(buf, size, &len, "= %s", al[i]->tag);
	if (store_images_growth(im, row, &share) && share > growth_warn)
		note(buf, size, &len, "grew %.0f%% over build %ld", share * 100,
		     store_images_previous_build(im, row)->build);
	return buf;
}

/* "nginx" → "docker.io/library/nginx", as docker reads a name without a host. */
static char *normal_repository(const char *repo, size_t len)
{
	const char *slash = memchr(repo, '/', len);
	size_t first = slash ? (size_t)(slash - repo) : len;
	bool host = memchr(repo, '.', first) || memchr(repo, ':', first)
		|| (first == 9 && !strncmp(repo, "localhost", 9));

	if (host)
		return xstrndup(repo, len);
	return xasprintf("docker.io/%s%.*s", slash ? "" : "library/", (int)len, repo);
}

bool images_ref_of(const char *repository, const char *image, char *tag, size_t tag_size,
		   char *digest, size_t digest_size)
{
	struct imgref r;
	char *a, *b;
	bool same;

	tag[0] = digest[0] = '\0';
	imgref_split(image, &r);
	a = normal_repository(repository, strlen(repository));
	b = normal_repository(image, r.name_len);
	same = !strcmp(a, b);
	free(a);
	free(b);
	if (!same)
		return false;
	if (r.tag)
		snprintf(tag, tag_size, "%.*s", (int)r.tag_len, r.tag);
	if (r.digest)
		snprintf(digest, digest_size, "%s", r.digest);
	return true;
}

/* Whether image names row: its tag, or its digest. */
static bool names_row(const struct store_images *im, const struct image_row *row,
		      const char *image, bool *by_digest)
{
	char tag[160], digest[160];

	if (!im->repository || !images_ref_of(im->repository, image, tag, sizeof tag, digest,
					      sizeof digest))
		return false;
	*by_digest = digest[0] != '\0';
	if (digest[0])
		return row->digest && !strcmp(digest, row->digest);
	return !strcmp(tag, row->tag);
}

size_t store_images_runs_on(const struct store_images *im, const struct store_kube *k,
			    const struct image_row *row, struct image_use *out, size_t max)
{
	const struct kube_table *pods = &k->tables[KUBE_PODS];
	size_t n = 0;

	for (size_t i = 0; i < pods->n; i++) {
		const struct kube_pod *p = pods->items[i];
		const struct kube_replicaset *rs;
		bool hit = false, by_digest = false;
		size_t u;

		if (p->deleting || !p->owner)
			continue;
		for (uint16_t c = 0; c < p->ncontainers && !hit; c++)
			hit = p->containers[c].image
				&& names_row(im, row, p->containers[c].image, &by_digest);
		rs = hit ? store_kube_find(k, KUBE_REPLICASETS, p->meta.namespace, p->owner) : NULL;
		if (!rs || !rs->owner)
			continue;
		for (u = 0; u < n; u++)
			if (!strcmp(out[u].deployment, rs->owner)
			    && !strcmp(out[u].namespace, p->meta.namespace))
				break;
		if (u < n) {
			out[u].pods++;
		} else if (n < max) {
			out[n++] = (struct image_use){ .namespace = p->meta.namespace,
						       .deployment = rs->owner, .pods = 1,
						       .by_digest = by_digest };
		}
	}
	return n;
}

const struct image_row *store_images_of_deployment(const struct store_images *im,
						   const struct kube_deployment *d)
{
	const struct image_row *by_digest = NULL;

	for (size_t i = 0; d && d->images && i < im->n; i++) {
		char *list = xstrdup(d->images), *save = NULL;
		bool hit = false, digest = false;

		/* the template's images, ", "-joined */
		for (char *img = strtok_r(list, ", ", &save); img && !hit;
		     img = strtok_r(NULL, ", ", &save))
			hit = names_row(im, &im->rows[i], img, &digest);
		free(list);
		if (hit && !digest)
			return &im->rows[i];
		if (hit && !by_digest)
			by_digest = &im->rows[i];
	}
	return by_digest;
}
