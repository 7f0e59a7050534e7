/* The images store domain with plain event sequences: the order of rows,
 * facts kept across tag lists, tags that move, aliases, size growth, notes;
 * and where each tag runs, joined with the kube store. */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tap.h"
#include "util/intern.h"
#include "util/xalloc.h"

static struct image_row row(const char *tag, long build, enum image_provenance p)
{
	return (struct image_row){ .tag = xstrdup(tag), .build = build, .provenance = p,
				   .size = -1 };
}

static void apply(struct store *s, struct images_event ev)
{
	struct store_event sev = { .domain = STORE_IMAGES, .images = ev };

	store_apply(s, &sev);
}

static void tags(struct store *s)
{
	struct image_row *rows = xcalloc(5, sizeof *rows);

	rows[0] = row("latest", -1, IMAGE_MUTABLE);
	rows[1] = row("aaaaaaa-1", 1, IMAGE_BUILD);
	rows[2] = row("ccccccc-3", 3, IMAGE_BUILD);
	rows[3] = row("bbbbbbb-2", 2, IMAGE_BUILD);
	rows[4] = row("hotfix", -1, IMAGE_UNKNOWN);
	apply(s, (struct images_event){ .type = IMAGES_EV_TAGS, .rows = rows, .nrows = 5 });
}

static void digest(struct store *s, const char *tag, const char *d)
{
	apply(s, (struct images_event){ .type = IMAGES_EV_DIGEST, .tag = xstrdup(tag),
					.digest = xstrdup(d) });
}

static void manifest(struct store *s, const char *d, const char *config, int64_t size)
{
	apply(s, (struct images_event){ .type = IMAGES_EV_MANIFEST, .digest = xstrdup(d),
					.media_type = xstrdup("application/vnd.oci.image.manifest.v1+json"),
					.config_digest = xstrdup(config), .size = size });
}

static void kube_upsert(struct store *s, enum kube_resource res, void *obj)
{
	struct store_event ev = { .domain = STORE_KUBE };

	ev.kube = (struct kube_event){ .type = KUBE_EV_UPSERT, .res = res, .obj = obj };
	store_apply(s, &ev);
}

static void add_deployment(struct store *s, const char *name, const char *images)
{
	struct kube_deployment *d = xcalloc(1, sizeof *d);

	d->meta = (struct kube_meta){ .namespace = intern("default"), .name = xstrdup(name) };
	d->images = xstrdup(images);
	kube_upsert(s, KUBE_DEPLOYMENTS, d);
}

static void add_rs(struct store *s, const char *name, const char *owner)
{
	struct kube_replicaset *rs = xcalloc(1, sizeof *rs);

	rs->meta = (struct kube_meta){ .namespace = intern("default"), .name = xstrdup(name) };
	rs->owner = xstrdup(owner);
	kube_upsert(s, KUBE_REPLICASETS, rs);
}

static void add_pod(struct store *s, const char *name, const char *rs, const char *image)
{
	struct kube_pod *p = xcalloc(1, sizeof *p);

	p->meta = (struct kube_meta){ .namespace = intern("default"), .name = xstrdup(name) };
	p->owner = intern(rs);
	p->ncontainers = 1;
	p->containers = xcalloc(1, sizeof *p->containers);
	p->containers[0].name = intern("c");
	p->containers[0].image = intern(image);
	kube_upsert(s, KUBE_PODS, p);
}

static void test_refs(void)
{
	char tag[64], digest[128];

	tap_ok(images_ref_of("127.0.0.1:5000/app", "127.0.0.1:5000/app:v1", tag, sizeof tag, digest,
			     sizeof digest), "same repository");
	tap_is_str(tag, "v1", "its tag");
	tap_is_str(digest, "", "no digest");
	tap_ok(images_ref_of("127.0.0.1:5000/app", "127.0.0.1:5000/app:v1@sha256:ab", tag, sizeof tag,
			     digest, sizeof digest), "tag and digest");
	tap_is_str(tag, "v1", "tag before the digest");
	tap_is_str(digest, "sha256:ab", "digest");
	tap_ok(images_ref_of("127.0.0.1:5000/app", "127.0.0.1:5000/app", tag, sizeof tag, digest,
			     sizeof digest) && !tag[0], "untagged");
	tap_ok(!images_ref_of("127.0.0.1:5000/app", "127.0.0.1:5000/app2:v1", tag, sizeof tag, digest,
			      sizeof digest), "another repository");
	tap_ok(!images_ref_of("127.0.0.1:5000/app", "127.0.0.1:5001/app:v1", tag, sizeof tag, digest,
			      sizeof digest), "another registry");
	tap_ok(images_ref_of("nginx", "docker.io/library/nginx:1.25", tag, sizeof tag, digest,
			     sizeof digest), "docker hub short name");
	tap_ok(images_ref_of("docker.io/acme/web", "acme/web:2", tag, sizeof tag, digest,
			     sizeof digest), "docker hub user repository");
	tap_ok(!images_ref_of("nginx", "acme/nginx:1", tag, sizeof tag, digest, sizeof digest),
	       "library is not a user's");
}

int main(void)
{
	struct store s;
	const struct store_images *im = &s.images;
	const struct image_row *r, *al[4];
	double share;
	char buf[32];

	store_init(&s);
	apply(&s, (struct images_event){ .type = IMAGES_EV_REPOSITORY,
					 .repository = xstrdup("127.0.0.1:5000/app"),
					 .tag_template = xstrdup("{sha7}-{build}") });
	tap_ok(!im->listed && im->n == 0, "nothing listed yet");
	tags(&s);
	tap_ok(im->listed && im->n == 5, "five rows");
	tap_is_str(im->rows[0].tag, "ccccccc-3", "newest build first");
	tap_is_str(im->rows[2].tag, "aaaaaaa-1", "oldest build third");
	tap_is_str(im->rows[3].tag, "hotfix", "then the rest by name");
	tap_is_str(im->rows[4].tag, "latest", "latest among the rest");

	digest(&s, "aaaaaaa-1", "sha256:a");
	digest(&s, "bbbbbbb-2", "sha256:b");
	digest(&s, "ccccccc-3", "sha256:c");
	digest(&s, "latest", "sha256:c");
	manifest(&s, "sha256:a", "sha256:ca", 1000);
	manifest(&s, "sha256:b", "sha256:cb", 1100);
	manifest(&s, "sha256:c", "sha256:cc", 2000);
	r = store_images_find(im, "latest");
	tap_is_int(r->size, 2000, "a manifest reaches every row with its digest");
	tap_is_int(store_images_aliases(im, r, al, 4), 1, "latest has one alias");
	tap_is_str(al[0]->tag, "ccccccc-3", "the build it points to");
	r = store_images_find(im, "ccccccc-3");
	tap_ok(store_images_growth(im, r, &share), "growth known");
	tap_ok(share > 0.81 && share < 0.82, "grew 82% over build 2");
	tap_is_str(store_images_previous_build(im, r)->tag, "bbbbbbb-2", "previous build");
	r = store_images_find(im, "aaaaaaa-1");
	tap_ok(!store_images_growth(im, r, &share), "the first build has no growth");
	tap_ok(!store_images_growth(im, store_images_find(im, "latest"), &share),
	       "latest has no previous build");

	apply(&s, (struct images_event){ .type = IMAGES_EV_CREATED,
					 .config_digest = xstrdup("sha256:cc"), .created = 42 });
	tap_is_int(store_images_find(im, "latest")->created, 42, "created reaches aliases");
	/* every refresh says the known manifest again; the config is not read again */
	manifest(&s, "sha256:c", "sha256:cc", 2000);
	tap_is_int(store_images_find(im, "ccccccc-3")->created, 42,
		   "created kept when a refresh says the same manifest again");

	/* a refresh keeps what the registry said */
	tags(&s);
	r = store_images_find(im, "ccccccc-3");
	tap_is_str(r->digest, "sha256:c", "digest kept across lists");
	tap_is_int(r->size, 2000, "size kept");
	tap_is_int(r->created, 42, "created kept");

	/* latest moves to build 2: it takes build 2's facts */
	digest(&s, "latest", "sha256:b");
	r = store_images_find(im, "latest");
	tap_is_int(r->size, 1100, "moved tag copies the known facts");
	tap_is_int(r->created, 0, "and build 2's creation time (not known yet)");
	tap_is_int(store_images_aliases(im, store_images_find(im, "ccccccc-3"), al, 4), 0,
		   "build 3 has no alias now");

	apply(&s, (struct images_event){ .type = IMAGES_EV_MANIFEST, .digest = xstrdup("sha256:a"),
					 .error = xstrdup("u: unknown media type 'x'") });
	r = store_images_find(im, "aaaaaaa-1");
	tap_is_str(r->error, "u: unknown media type 'x'", "manifest error on the row");
	tap_is_int(r->size, -1, "no size then");
	apply(&s, (struct images_event){ .type = IMAGES_EV_TAG_ERROR, .tag = xstrdup("hotfix"),
					 .error = xstrdup("404") });
	tap_is_str(store_images_find(im, "hotfix")->error, "404", "tag error");
	tap_ok(!store_images_find(im, "nope"), "unknown tag");

	{
		char notes[256];

		r = store_images_find(im, "latest");
		tap_is_str(store_images_notes(im, r, 0.2, notes, sizeof notes),
			   "mutable: not a version; = bbbbbbb-2", "latest's notes: mutable, its alias");
		r = store_images_find(im, "ccccccc-3");
		tap_is_str(store_images_notes(im, r, 0.2, notes, sizeof notes),
			   "grew 82% over build 2", "growth noted beyond the threshold");
		tap_is_str(store_images_notes(im, r, 0.9, notes, sizeof notes), "",
			   "and not below it");
	}

	/* runs on: pods → replica sets → deployments, by tag or by digest */
	add_deployment(&s, "web", "127.0.0.1:5000/app:ccccccc-3");
	add_deployment(&s, "api", "127.0.0.1:5000/app@sha256:b, sidecar:1");
	add_rs(&s, "web-1", "web");
	add_rs(&s, "web-2", "web");
	add_rs(&s, "api-1", "api");
	add_pod(&s, "web-1-a", "web-1", "127.0.0.1:5000/app:bbbbbbb-2");
	add_pod(&s, "web-2-a", "web-2", "127.0.0.1:5000/app:ccccccc-3");
	add_pod(&s, "web-2-b", "web-2", "127.0.0.1:5000/app:ccccccc-3");
	add_pod(&s, "api-1-a", "api-1", "127.0.0.1:5000/app@sha256:b");
	add_pod(&s, "other", "web-2", "example/other:ccccccc-3");
	{
		struct image_use uses[4];
		size_t n;

		r = store_images_find(im, "ccccccc-3");
		n = store_images_runs_on(im, &s.kube, r, uses, 4);
		tap_is_int(n, 1, "build 3 runs on one deployment");
		tap_is_str(uses[0].deployment, "web", "web");
		tap_is_int(uses[0].pods, 2, "two pods (another repository's tag does not count)");
		tap_ok(!uses[0].by_digest, "by tag");
		r = store_images_find(im, "bbbbbbb-2");
		n = store_images_runs_on(im, &s.kube, r, uses, 4);
		tap_is_int(n, 2, "build 2: web's old pod and api by digest");
		tap_ok((!strcmp(uses[0].deployment, "api") && uses[0].by_digest)
		       || (!strcmp(uses[1].deployment, "api") && uses[1].by_digest), "api by digest");
		tap_is_int(store_images_runs_on(im, &s.kube, store_images_find(im, "aaaaaaa-1"), uses,
						4), 0, "build 1 runs nowhere");
		tap_is_str(store_images_of_deployment(im, store_kube_deployment(&s.kube, "default",
										 "web"))->tag,
			   "ccccccc-3", "web's template names build 3");
		tap_is_str(store_images_of_deployment(im, store_kube_deployment(&s.kube, "default",
										 "api"))->tag,
			   "bbbbbbb-2", "api's digest is build 2's (and latest's) image");
		tap_ok(!store_images_of_deployment(im, NULL), "no deployment, no row");
	}
	test_refs();

	tap_is_str(images_format_size(-1, buf, sizeof buf), "?", "unknown size");
	tap_is_str(images_format_size(999, buf, sizeof buf), "999 B", "bytes");
	tap_is_str(images_format_size(1234, buf, sizeof buf), "1.2 kB", "kB");
	tap_is_str(images_format_size(45600000, buf, sizeof buf), "46 MB", "MB");
	store_free(&s);
	return tap_done();
}
