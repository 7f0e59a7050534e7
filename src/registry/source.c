#include "registry/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/log.h"
#include "registry/client.h"
#include "registry/creds.h"
#include "registry/link.h"
#include "registry/manifest.h"
#include "registry/ref.h"
#include "util/tag_scheme.h"
#include "util/xalloc.h"

enum {
	PAGE_SIZE = 100,            /* tags per page (n=) */
	MAX_PAGES = 1000,           /* a registry sending ever new pages is a loop too */
	REFRESH_MS = 30000,         /* CI pushes new tags: look again this often */
	RETRY_FIRST_MS = 5000,
	RETRY_MAX_MS = 60000,
};

#define CONFIG_PREFIX "image-config/"

enum job_kind { JOB_PING, JOB_LIST, JOB_HEAD, JOB_MANIFEST, JOB_CONFIG };

/* One request of ours under way; freed when it is answered or the source
 * stops. */
struct job {
	struct registry_source *src;
	enum job_kind kind;
	uint64_t handle;
	char *tag;                  /* HEAD */
	char *digest;               /* MANIFEST: the tag's digest; CONFIG: the config's */
	char *child;                /* MANIFEST of an index's child: its digest */
	char *platform;             /* of the child */
	char *index_type;           /* media type of the index the child came from */
	struct job *next;
};

enum fetch_state { FETCHING, KNOWN, FAILED };

/* What a manifest digest says; manifests never change under their digest. */
struct fact {
	char *digest;
	enum fetch_state state;
	unsigned failed_in;         /* the pass it failed in: asked again in the next */
	char *media_type, *platform, *config_digest, *error;
	int64_t size;
};

struct blob_config {
	char *digest;
	enum fetch_state state;
	unsigned failed_in;
};

struct registry_source {
	struct rt *rt;
	struct registry_client *client;
	struct image_ref ref;
	char *tmpl;
	struct git_log *git;        /* NULL without a repository */
	bool all_configs;
	bool pinged;
	bool in_pass;
	unsigned pass;              /* counts passes, so what failed is asked once a pass */
	struct link_walk walk;
	char **tags;
	size_t ntags, tags_cap;
	struct job *jobs;
	struct fact *facts;
	size_t nfacts, facts_cap;
	struct blob_config *configs;
	size_t nconfigs, configs_cap;
	uint64_t timer;
	int failures;
	bool finished;
	char *error;                /* the last pass's failure */
};

static void pass_start(struct registry_source *src);

/* ---- bookkeeping */

static struct job *job_new(struct registry_source *src, enum job_kind kind)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->src = src;
	j->kind = kind;
	j->next = src->jobs;
	src->jobs = j;
	return j;
}

static void job_free(struct job *j)
{
	free(j->tag);
	free(j->digest);
	free(j->child);
	free(j->platform);
	free(j->index_type);
	free(j);
}

static void job_done(struct registry_source *src, struct job *j)
{
	for (struct job **pp = &src->jobs; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	}
	job_free(j);
}

static struct fact *fact_find(struct registry_source *src, const char *digest)
{
	for (size_t i = 0; i < src->nfacts; i++)
		if (!strcmp(src->facts[i].digest, digest))
			return &src->facts[i];
	return NULL;
}

static struct blob_config *config_find(struct registry_source *src, const char *digest)
{
	for (size_t i = 0; i < src->nconfigs; i++)
		if (!strcmp(src->configs[i].digest, digest))
			return &src->configs[i];
	return NULL;
}

static void emit(struct registry_source *src, struct images_event ev)
{
	struct store_event sev = { .domain = STORE_IMAGES, .images = ev };

	rt_apply(src->rt, &sev);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void emit_fact(struct registry_source *src, const struct fact *f)
{
	emit(src, (struct images_event){
		.type = IMAGES_EV_MANIFEST,
		.digest = xstrdup(f->digest),
		.media_type = dup_or_null(f->media_type),
		.platform = dup_or_null(f->platform),
		.config_digest = dup_or_null(f->config_digest),
		.size = f->size,
		.error = dup_or_null(f->error),
	});
}

static void call(struct registry_source *src, struct job *j, const char *method,
		 const char *path, const char *accept);

/* ---- the end of a pass */

static void on_timer(void *ctx)
{
	struct registry_source *src = ctx;

	src->timer = 0;
	pass_start(src);
}

static void arm(struct registry_source *src, int64_t ms)
{
	if (src->timer)
		loop_timer_cancel(src->rt->loop, src->timer);
	src->timer = loop_timer_add(src->rt->loop, ms, on_timer, src);
}

static void pass_end(struct registry_source *src)
{
	src->in_pass = false;
	if (src->all_configs)
		src->finished = true;
	else
		arm(src, REFRESH_MS);
}

/* Called after each answer: the pass ends when nothing of ours is under way. */
static void maybe_end(struct registry_source *src)
{
	if (src->in_pass && !src->jobs)
		pass_end(src);
}

/* The pass cannot go on (registry down, wrong password, unknown repository,
 * a Link loop): say so, drop the rest, try again later (console). */
static void pass_fail(struct registry_source *src, const char *msg)
{
	int64_t delay = RETRY_FIRST_MS;

	while (src->jobs) {
		struct job *j = src->jobs;
		struct blob_config *c = j->kind == JOB_CONFIG ? config_find(src, j->digest) : NULL;
		struct fact *f = j->kind == JOB_MANIFEST ? fact_find(src, j->digest) : NULL;

		/* what was dropped is asked again in the next pass */
		if (c) {
			c->state = FAILED;
			c->failed_in = src->pass;
		}
		if (f) {
			f->state = FAILED;
			f->failed_in = src->pass;
		}
		registry_cancel(src->client, j->handle);
		job_done(src, j);
	}
	free(src->error);
	src->error = xstrdup(msg);
	src->failures++;
	for (int i = 1; i < src->failures && delay < RETRY_MAX_MS; i++)
		delay *= 2;
	if (delay > RETRY_MAX_MS)
		delay = RETRY_MAX_MS;
	/* rows already shown stay (marked stale by the status bar); else the pane
	 * shows the message */
	if (src->rt->store->images.listed)
		rt_source_state(src->rt, SOURCE_REGISTRY, SOURCE_RECONNECTING, src->failures,
				"%s", msg);
	else
		rt_source_state(src->rt, SOURCE_REGISTRY, SOURCE_FAILED, src->failures, "%s", msg);
	src->in_pass = false;
	if (src->all_configs)
		src->finished = true;
	else
		arm(src, delay);
}

/* ---- configs: the creation time */

static void want_config(struct registry_source *src, const char *digest)
{
	struct blob_config *c = config_find(src, digest);
	struct job *j;
	char *path;

	if (c && (c->state != FAILED || c->failed_in == src->pass))
		return;
	if (!c) {
		xgrow(&src->configs, &src->configs_cap, src->nconfigs + 1, sizeof *src->configs);
		c = &src->configs[src->nconfigs++];
		c->digest = xstrdup(digest);
	}
	c->state = FETCHING;
	j = job_new(src, JOB_CONFIG);
	j->digest = xstrdup(digest);
	path = xasprintf("/v2/%s/blobs/%s", src->ref.name, digest);
	call(src, j, "GET", path, NULL);
	free(path);
}

static void config_done(struct registry_source *src, struct job *j,
			const struct registry_reply *r)
{
	struct blob_config *c = config_find(src, j->digest);
	struct err err;
	int64_t created;

	if (r->error) {
		c->state = FAILED;
		c->failed_in = src->pass;
		rt_message(src->rt, STATUS_WARN, "%s", r->error);
		return;
	}
	if (manifest_config_created(r->resp->body, r->resp->body_len, &created, r->url, &err)) {
		c->state = FAILED;
		c->failed_in = src->pass;
		rt_message(src->rt, STATUS_WARN, "%s", err.msg);
		return;
	}
	c->state = KNOWN;
	emit(src, (struct images_event){ .type = IMAGES_EV_CREATED,
					 .config_digest = xstrdup(j->digest), .created = created });
}

/* The pane asks for "image-config/<digest>" of the rows it shows. */
static void on_want_detail(void *ctx, struct rt *rt, const char *id)
{
	(void)ctx;
	if (rt->registry && !strncmp(id, CONFIG_PREFIX, strlen(CONFIG_PREFIX)))
		want_config(rt->registry, id + strlen(CONFIG_PREFIX));
}

/* ---- manifests: digest and size */

static void fact_reset(struct fact *f)
{
	xfree(&f->media_type);
	xfree(&f->platform);
	xfree(&f->config_digest);
	xfree(&f->error);
	f->size = -1;
}

static void fact_settle(struct registry_source *src, struct fact *f, const struct manifest *m,
			const char *index_type, const char *platform, const char *error)
{
	f->state = error ? FAILED : KNOWN;
	f->failed_in = src->pass;
	f->error = dup_or_null(error);
	if (!error) {
		f->media_type = xstrdup(index_type ? index_type : m->media_type);
		f->platform = dup_or_null(platform);
		f->config_digest = xstrdup(m->config_digest);
		f->size = m->size;
	}
	emit_fact(src, f);
	if (!error && src->all_configs)
		want_config(src, f->config_digest);
}

static void get_manifest(struct registry_source *src, const char *digest, const char *child,
			 const char *index_type, const char *platform)
{
	struct job *j = job_new(src, JOB_MANIFEST);
	char *path = xasprintf("/v2/%s/manifests/%s", src->ref.name, child ? child : digest);

	j->digest = xstrdup(digest);
	j->child = dup_or_null(child);
	j->index_type = dup_or_null(index_type);
	j->platform = dup_or_null(platform);
	call(src, j, "GET", path, MANIFEST_ACCEPT);
	free(path);
}

static void manifest_done(struct registry_source *src, struct job *j,
			  const struct registry_reply *r)
{
	struct fact *f = fact_find(src, j->digest);
	struct manifest m;
	struct err err;

	if (r->error) {
		fact_settle(src, f, NULL, NULL, NULL, r->error);
		return;
	}
	if (manifest_parse(&m, r->resp->content_type, r->resp->body, r->resp->body_len, r->url,
			   &err)) {
		fact_settle(src, f, NULL, NULL, NULL, err.msg);
		return;
	}
	if (m.kind == MANIFEST_INDEX && j->child) {
		snprintf(err.msg, sizeof err.msg,
			 "%s: an index inside an index: shipdeck reads one level", r->url);
		fact_settle(src, f, NULL, NULL, NULL, err.msg);
	} else if (m.kind == MANIFEST_INDEX) {
		/* sizes are the chosen platform's image */
		get_manifest(src, j->digest, m.child_digest, m.media_type, m.platform);
	} else {
		fact_settle(src, f, &m, j->index_type, j->platform, NULL);
	}
	manifest_free(&m);
}

static void head_done(struct registry_source *src, struct job *j, const struct registry_reply *r)
{
	const char *digest = r->resp ? r->resp->docker_content_digest : NULL;
	struct fact *f;
	char line[1024];

	if (r->error || !digest) {
		if (!r->error)
			snprintf(line, sizeof line,
				 "%s: the registry sent no Docker-Content-Digest", r->url);
		emit(src,
		     (struct images_event){ .type = IMAGES_EV_TAG_ERROR, .tag = xstrdup(j->tag),
					    .error = xstrdup(r->error ? r->error : line) });
		return;
	}
	emit(src, (struct images_event){ .type = IMAGES_EV_DIGEST, .tag = xstrdup(j->tag),
					 .digest = xstrdup(digest) });
	f = fact_find(src, digest);
	if (f && (f->state == KNOWN || (f->state == FAILED && f->failed_in == src->pass))) {
		emit_fact(src, f);
		return;
	}
	if (f && f->state == FETCHING)
		return;
	if (!f) {
		xgrow(&src->facts, &src->facts_cap, src->nfacts + 1, sizeof *src->facts);
		f = &src->facts[src->nfacts++];
		*f = (struct fact){ .digest = xstrdup(digest) };
	}
	fact_reset(f);
	f->state = FETCHING;
	get_manifest(src, digest, NULL, NULL, NULL);
}

/* ---- the tag list and the join */

static void join_row(struct registry_source *src, const char *tag, struct image_row *r)
{
	struct tag_match m;
	struct git_commit_info ci;
	struct err err;

	*r = (struct image_row){ .tag = xstrdup(tag), .build = -1, .size = -1,
				 .provenance = IMAGE_UNKNOWN };
	if (tag_is_mutable(tag)) {
		r->provenance = IMAGE_MUTABLE;
		return;
	}
	if (!tag_scheme_match(src->tmpl, tag, &m))
		return;
	r->provenance = IMAGE_BUILD;
	r->build = m.build;
	if (!m.sha[0])
		return;
	r->sha = xstrdup(m.sha);
	if (src->git && git_log_lookup(src->git, m.sha, &ci, &err) == 0) {
		r->commit = xstrdup(ci.sha);
		r->subject = ci.subject;
		r->author = ci.author;
		r->commit_time = ci.time;
		ci.subject = ci.author = NULL;
		git_commit_info_free(&ci);
	}
}

static void tags_complete(struct registry_source *src)
{
	struct image_row *rows = xcalloc(src->ntags ? src->ntags : 1, sizeof *rows);

	for (size_t i = 0; i < src->ntags; i++)
		join_row(src, src->tags[i], &rows[i]);
	emit(src, (struct images_event){ .type = IMAGES_EV_TAGS, .rows = rows,
					 .nrows = src->ntags });
	src->failures = 0;
	xfree(&src->error);
	rt_source_state(src->rt, SOURCE_REGISTRY, SOURCE_READY, 0, NULL);
	for (size_t i = 0; i < src->ntags; i++) {
		struct job *j = job_new(src, JOB_HEAD);
		char *path = xasprintf("/v2/%s/manifests/%s", src->ref.name, src->tags[i]);

		j->tag = xstrdup(src->tags[i]);
		call(src, j, "HEAD", path, MANIFEST_ACCEPT);
		free(path);
	}
}

static void list_page(struct registry_source *src, const char *url)
{
	char line[1024];

	if (!link_walk_visit(&src->walk, url)) {
		snprintf(line, sizeof line, "%s: Link header loop: the registry sent this page "
			 "before (after %zu pages)", url, src->walk.n);
		pass_fail(src, line);
		return;
	}
	if (src->walk.n > MAX_PAGES) {
		snprintf(line, sizeof line, "%s: more than %d pages of tags; stopped", url,
			 MAX_PAGES);
		pass_fail(src, line);
		return;
	}
	call(src, job_new(src, JOB_LIST), "GET", url, NULL);
}

static void list_done(struct registry_source *src, const struct registry_reply *r)
{
	char *next = NULL;
	struct err err;
	int rc;

	if (r->error) {
		pass_fail(src, r->error);
		return;
	}
	if (tags_page_parse(r->resp->body, r->resp->body_len, r->url, &src->tags, &src->ntags,
			    &src->tags_cap, &err)) {
		pass_fail(src, err.msg);
		return;
	}
	rc = link_next(r->resp->link, r->url, &next, &err);
	if (rc < 0)
		pass_fail(src, err.msg);
	else if (rc > 0)
		list_page(src, next);
	else
		tags_complete(src);
	free(next);
}

static void ping_done(struct registry_source *src, const struct registry_reply *r)
{
	char *url;

	if (r->error) {
		pass_fail(src, r->error);
		return;
	}
	src->pinged = true;
	url = xasprintf("%s/v2/%s/tags/list?n=%d", registry_client_base(src->client), src->ref.name,
			PAGE_SIZE);
	list_page(src, url);
	free(url);
}

/* ---- requests */

static void on_reply(void *ctx, const struct registry_reply *r)
{
	struct job *j = ctx;
	struct registry_source *src = j->src;

	switch (j->kind) {
	case JOB_PING: ping_done(src, r); break;
	case JOB_LIST: list_done(src, r); break;
	case JOB_HEAD: head_done(src, j, r); break;
	case JOB_MANIFEST: manifest_done(src, j, r); break;
	case JOB_CONFIG: config_done(src, j, r); break;
	}
	/* a failed pass has dropped every job, this one too */
	for (struct job *k = src->jobs; k; k = k->next) {
		if (k == j) {
			job_done(src, j);
			break;
		}
	}
	maybe_end(src);
}

static void call(struct registry_source *src, struct job *j, const char *method,
		 const char *path, const char *accept)
{
	j->handle = registry_call(src->client, method, path, accept, on_reply, j);
}

static void pass_start(struct registry_source *src)
{
	char *ping;

	if (src->in_pass)
		return;
	src->in_pass = true;
	src->finished = false;
	link_walk_free(&src->walk);
	for (size_t i = 0; i < src->ntags; i++)
		free(src->tags[i]);
	src->ntags = 0;
	src->pass++;
	if (src->pinged) {
		ping = xasprintf("%s/v2/%s/tags/list?n=%d", registry_client_base(src->client),
				 src->ref.name, PAGE_SIZE);
		list_page(src, ping);
	} else {
		ping = xasprintf("%s/v2/", registry_client_base(src->client));
		call(src, job_new(src, JOB_PING), "GET", ping, NULL);
	}
	free(ping);
}

/* ---- start and stop */

int registry_source_start(struct rt *rt, bool all_configs, struct err *err)
{
	const struct project *p = rt->project;
	const struct registry_conf *conf;
	struct registry_source *src;
	struct registry_creds creds = { 0 };
	struct registry_client_conf cc;
	struct err gerr;
	bool plain;
	char *base;

	if (!p->image_name) {
		rt_source_state(rt, SOURCE_REGISTRY, SOURCE_UNCONFIGURED, 0,
				"no registry: set image.name in .shipdeck.yml");
		return 0;
	}
	src = xcalloc(1, sizeof *src);
	src->rt = rt;
	src->all_configs = all_configs;
	if (image_ref_parse(p->image_name, &src->ref, err))
		goto fail;
	conf = project_registry(p, src->ref.host);
	if (registry_creds_find(conf, src->ref.host, &creds, err))
		goto fail;
	/* loopback registries default to plain HTTP, as docker does */
	plain = conf ? conf->plain_http
		: !strncmp(src->ref.host, "127.", 4) || !strncmp(src->ref.host, "localhost", 9)
		|| !strncmp(src->ref.host, "[::1]", 5);
	base = xasprintf("%s://%s", plain ? "http" : "https", src->ref.api_host);
	cc = (struct registry_client_conf){
		.base_url = base,
		.repository = src->ref.name,
		.plain_http = plain,
		.insecure_skip_verify = conf && conf->insecure_skip_verify,
	};
	src->client = registry_client_new(rt->loop, rt->http, &cc, &creds);
	free(base);
	src->tmpl = xstrdup(p->image_tag);
	if (rt->repo_root && git_log_open(&src->git, rt->repo_root, &gerr))
		rt_message(rt, STATUS_WARN, "%s", gerr.msg);
	rt->registry = src;
	rt_detail_provider(rt, CONFIG_PREFIX, on_want_detail, NULL);
	emit(src, (struct images_event){ .type = IMAGES_EV_REPOSITORY,
					 .repository = xstrdup(p->image_name),
					 .tag_template = xstrdup(p->image_tag) });
	rt_source_state(rt, SOURCE_REGISTRY, SOURCE_CONNECTING, 0, "reading the tags of %s…",
			p->image_name);
	pass_start(src);
	return 0;
fail:
	registry_creds_free(&creds);
	image_ref_free(&src->ref);
	free(src);
	rt_source_state(rt, SOURCE_REGISTRY, SOURCE_FAILED, 0, "%s", err->msg);
	return -1;
}

void registry_source_stop(struct rt *rt)
{
	struct registry_source *src = rt->registry;

	if (!src)
		return;
	rt->registry = NULL;
	if (src->timer)
		loop_timer_cancel(rt->loop, src->timer);
	registry_client_free(&src->client);
	while (src->jobs) {
		struct job *j = src->jobs;

		src->jobs = j->next;
		job_free(j);
	}
	for (size_t i = 0; i < src->nfacts; i++) {
		struct fact *f = &src->facts[i];

		free(f->digest);
		free(f->media_type);
		free(f->platform);
		free(f->config_digest);
		free(f->error);
	}
	free(src->facts);
	for (size_t i = 0; i < src->nconfigs; i++)
		free(src->configs[i].digest);
	free(src->configs);
	for (size_t i = 0; i < src->ntags; i++)
		free(src->tags[i]);
	free(src->tags);
	link_walk_free(&src->walk);
	git_log_free(&src->git);
	image_ref_free(&src->ref);
	free(src->tmpl);
	free(src->error);
	free(src);
}

bool registry_source_finished(const struct rt *rt, const char **error)
{
	const struct registry_source *src = rt->registry;

	if (error)
		*error = src ? src->error : NULL;
	return !src || src->finished;
}

void registry_source_refresh(struct rt *rt)
{
	struct registry_source *src = rt->registry;

	if (src && !src->in_pass && !src->all_configs)
		arm(src, 0);
}

struct resolve {
	struct registry_source *src;
	char *tag;
	registry_resolve_fn done;
	void *ctx;
};

static void resolve_done(void *ctx, const struct registry_reply *r)
{
	struct resolve *rv = ctx;
	const char *digest = r->resp && !r->error ? r->resp->docker_content_digest : NULL;
	char line[1024];

	if (!r->error && !digest)
		snprintf(line, sizeof line, "%s: the registry sent no Docker-Content-Digest",
			 r->url);
	if (digest)
		emit(rv->src,
		     (struct images_event){ .type = IMAGES_EV_DIGEST, .tag = xstrdup(rv->tag),
					    .digest = xstrdup(digest) });
	rv->done(rv->ctx, digest, digest ? NULL : r->error ? r->error : line);
	free(rv->tag);
	free(rv);
}

int registry_source_resolve(struct rt *rt, const char *tag, registry_resolve_fn done,
			    void *ctx, struct err *err)
{
	struct registry_source *src = rt->registry;
	struct resolve *rv;
	char *path;

	if (!src)
		return err_set(err, "no registry: set image.name in .shipdeck.yml");
	rv = xcalloc(1, sizeof *rv);
	*rv = (struct resolve){ .src = src, .tag = xstrdup(tag), .done = done, .ctx = ctx };
	path = xasprintf("/v2/%s/manifests/%s", src->ref.name, tag);
	registry_call(src->client, "HEAD", path, MANIFEST_ACCEPT, resolve_done, rv);
	free(path);
	return 0;
}

const char *registry_source_repository(const struct rt *rt)
{
	return rt->registry ? rt->registry->ref.name : NULL;
}
