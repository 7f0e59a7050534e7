#include "demo/faulty.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const faulty_tags[] = { "bad-errors", "bad-stall", NULL };

/* A tag is a manifest: the same bytes PUT under another name. */
int demo_tag_faulty(struct app *app, const char *registry, const char *repository,
		    const char *tag, struct err *err)
{
	char *url = xasprintf("http://%s/v2/%s/manifests/%s", registry, repository, tag);
	const char *accept[] = { "Accept: application/vnd.oci.image.manifest.v1+json, "
				 "application/vnd.docker.distribution.manifest.v2+json", NULL };
	struct http_response got = { 0 };
	int rc = -1;

	if (http_request_sync(app->http, app->loop, &(struct http_request){
		.url = url, .headers = accept, .timeout_ms = 10000 }, &got, err))
		goto out;
	if (got.status != 200 || !got.body) {
		err_set(err, "%s: HTTP %ld", url, got.status);
		goto out;
	}
	for (const char *const *t = faulty_tags; *t; t++) {
		char *to = xasprintf("http://%s/v2/%s/manifests/%s", registry, repository, *t);
		char *type = xasprintf("Content-Type: %s", got.content_type ? got.content_type
				       : "application/vnd.oci.image.manifest.v1+json");
		const char *headers[] = { type, NULL };
		struct http_response put = { 0 };
		int r = http_request_sync(app->http, app->loop, &(struct http_request){
			.method = "PUT", .url = to, .headers = headers, .body = got.body,
			.body_len = got.body_len, .timeout_ms = 10000 }, &put, err);

		if (!r && (put.status < 200 || put.status >= 300))
			r = err_set(err, "%s: HTTP %ld", to, put.status);
		http_response_free(&put);
		free(type);
		free(to);
		if (r)
			goto out;
	}
	rc = 0;
out:
	http_response_free(&got);
	free(url);
	return rc;
}
