#include "runtime/http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

struct transfer {
	struct http *http;
	uint64_t id;
	CURL *easy;
	struct curl_slist *headers;
	char *body;                  /* request body copy */
	char *method;
	struct strbuf resp_body;
	struct http_response resp;
	http_data_fn on_data;
	http_done_fn on_done;
	void *ctx;
	char errbuf[CURL_ERROR_SIZE];
	bool aborted_by_callback;
	/* Stall detection of our own rather than curl's low-speed limit, which
	 * wakes the loop every second for every watch. */
	long stall_ms;
	int64_t last_data_ms;
	uint64_t stall_timer;
	struct transfer *next;
};

struct http {
	struct loop *loop;
	CURLM *multi;
	uint64_t timer_id;
	uint64_t next_id;
	struct transfer *transfers;
	bool read_only;
	long timeout_cap_ms;
	struct http_stats stats;
};

bool http_method_is_safe(const char *method)
{
	return !method || !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

static void check_done(struct http *http);

static void on_socket_ready(void *ctx, int fd, short revents)
{
	struct http *http = ctx;
	int flags = 0, running;

	if (revents & (POLLIN | POLLHUP))
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLNVAL))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(http->multi, fd, flags, &running);
	check_done(http);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http *http = userp;

	(void)easy;
	(void)socketp;
	if (what == CURL_POLL_REMOVE) {
		loop_io_remove(http->loop, fd);
		return 0;
	}
	loop_io_add(http->loop, fd,
		    (short)(((what & CURL_POLL_IN) ? POLLIN : 0)
			    | ((what & CURL_POLL_OUT) ? POLLOUT : 0)),
		    on_socket_ready, http);
	return 0;
}

static void on_timer(void *ctx)
{
	struct http *http = ctx;
	int running;

	http->timer_id = 0;
	curl_multi_socket_action(http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(http);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *http = userp;

	(void)multi;
	if (http->timer_id) {
		loop_timer_cancel(http->loop, http->timer_id);
		http->timer_id = 0;
	}
	if (timeout_ms >= 0)
		http->timer_id = loop_timer_add(http->loop, timeout_ms, on_timer, http);
	return 0;
}

struct http *http_new(struct loop *loop)
{
	struct http *http = xcalloc(1, sizeof *http);

	curl_global_init(CURL_GLOBAL_DEFAULT);
	http->loop = loop;
	http->multi = curl_multi_init();
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http);
	return http;
}

static void response_clear(struct http_response *r)
{
	free(r->body);
	free(r->content_type);
	free(r->link);
	free(r->www_authenticate);
	free(r->retry_after);
	free(r->location);
	free(r->docker_content_digest);
	free(r->etag);
	free(r->ratelimit_remaining);
	free(r->ratelimit_reset);
	memset(r, 0, sizeof *r);
}

void http_response_free(struct http_response *resp)
{
	response_clear(resp);
}

static void transfer_free(struct transfer *t)
{
	if (t->stall_timer)
		loop_timer_cancel(t->http->loop, t->stall_timer);
	curl_multi_remove_handle(t->http->multi, t->easy);
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	free(t->body);
	free(t->method);
	sb_free(&t->resp_body);
	response_clear(&t->resp);
	free(t);
}

static void unlink_transfer(struct http *http, struct transfer *t)
{
	for (struct transfer **pp = &http->transfers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			return;
		}
	}
}

void http_free(struct http **httpp)
{
	struct http *http = *httpp;

	if (!http)
		return;
	while (http->transfers) {
		struct transfer *t = http->transfers;

		http->transfers = t->next;
		transfer_free(t);
	}
	if (http->timer_id)
		loop_timer_cancel(http->loop, http->timer_id);
	curl_multi_cleanup(http->multi);
	free(http);
	*httpp = NULL;
}

void http_set_read_only(struct http *http, bool read_only)
{
	http->read_only = read_only;
}

bool http_read_only(const struct http *http)
{
	return http->read_only;
}

void http_set_timeout_cap(struct http *http, long ms)
{
	http->timeout_cap_ms = ms > 0 ? ms : 0;
}

long http_timeout_cap(const struct http *http)
{
	return http->timeout_cap_ms;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb;

	if (t->stall_ms)
		t->last_data_ms = time_mono_ms();
	if (t->on_data) {
		if (!t->on_data(t->ctx, data, n)) {
			t->aborted_by_callback = true;
			return 0;
		}
		return n;
	}
	sb_append(&t->resp_body, data, n);
	return n;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *v, *end = line + len;

	if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
		return NULL;
	v = line + nl + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	return xstrndup(v, (size_t)(end - v));
}

static void keep_header(char **slot, const char *line, size_t len, const char *name)
{
	char *v = header_value(line, len, name);

	if (!v)
		return;
	if (*slot && !strcasecmp(name, "Link")) {
		/* several Link headers: keep them all, comma-joined as RFC 8288 allows */
		char *joined = xasprintf("%s, %s", *slot, v);

		free(v);
		v = joined;
	}
	free(*slot);
	*slot = v;
}

static size_t header_cb(char *line, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * nmemb;

	if (t->stall_ms)
		t->last_data_ms = time_mono_ms();
	if (len > 5 && !strncmp(line, "HTTP/", 5)) {
		/* a new response (after a redirect or 100-continue): forget the last */
		xfree(&t->resp.link);
		xfree(&t->resp.www_authenticate);
		xfree(&t->resp.retry_after);
		xfree(&t->resp.location);
		xfree(&t->resp.docker_content_digest);
		xfree(&t->resp.etag);
		xfree(&t->resp.ratelimit_remaining);
		xfree(&t->resp.ratelimit_reset);
	}
	keep_header(&t->resp.link, line, len, "Link");
	keep_header(&t->resp.www_authenticate, line, len, "WWW-Authenticate");
	keep_header(&t->resp.retry_after, line, len, "Retry-After");
	keep_header(&t->resp.location, line, len, "Location");
	keep_header(&t->resp.docker_content_digest, line, len, "Docker-Content-Digest");
	keep_header(&t->resp.etag, line, len, "ETag");
	keep_header(&t->resp.ratelimit_remaining, line, len, "X-RateLimit-Remaining");
	keep_header(&t->resp.ratelimit_reset, line, len, "X-RateLimit-Reset");
	return len;
}

static bool url_is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

/* The host is 127.x.x.x (a literal: "127.evil.example" is a name anyone
 * can own), localhost or [::1], and nothing else follows it but a port or
 * the path. */
static bool url_is_loopback(const char *url)
{
	const char *host = strstr(url, "://"), *end;
	int parts = 0, a, b, c, d;
	char tail = 0;

	if (!host)
		return false;
	host += 3;
	end = host + strcspn(host, "/?#");
	if (!strncmp(host, "[::1]", 5))
		return host + 5 == end || host[5] == ':';
	if (!strncmp(host, "localhost", 9))
		return host + 9 == end || host[9] == ':';
	parts = sscanf(host, "%3d.%3d.%3d.%3d%c", &a, &b, &c, &d, &tail);
	return (parts == 4 || (parts == 5 && (tail == ':' || tail == '/' || tail == '?'
					       || tail == '#')))
		&& a == 127 && b >= 0 && b < 256 && c >= 0 && c < 256 && d >= 0 && d < 256;
}

static void set_tls(CURL *easy, const struct http_tls *tls)
{
	struct curl_blob blob;

	if (!tls)
		return;
	if (tls->ca_file)
		curl_easy_setopt(easy, CURLOPT_CAINFO, tls->ca_file);
	if (tls->ca_pem) {
		blob = (struct curl_blob){ (void *)tls->ca_pem, tls->ca_pem_len, CURL_BLOB_COPY };
		curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (tls->cert_file)
		curl_easy_setopt(easy, CURLOPT_SSLCERT, tls->cert_file);
	if (tls->cert_pem) {
		blob = (struct curl_blob){ (void *)tls->cert_pem, tls->cert_pem_len,
					   CURL_BLOB_COPY };
		curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (tls->key_file)
		curl_easy_setopt(easy, CURLOPT_SSLKEY, tls->key_file);
	if (tls->key_pem) {
		blob = (struct curl_blob){ (void *)tls->key_pem, tls->key_pem_len, CURL_BLOB_COPY };
		curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (tls->insecure_skip_verify) {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static void finish(struct http *http, struct transfer *t, CURLcode code);

static void on_stall_check(void *ctx);

/* The next stall check, delay_ms from now rounded up to a whole second, so
 * that the checks of every watch open share one wake-up. */
static void arm_stall_check(struct transfer *t, int64_t delay_ms)
{
	int64_t due = time_mono_ms() + delay_ms;

	delay_ms += (1000 - due % 1000) % 1000;
	t->stall_timer = loop_timer_add(t->http->loop, delay_ms, on_stall_check, t);
}

/* Fires stall_ms after the last byte could have come: a transfer that got
 * data since is checked again later, one that got none is ended. */
static void on_stall_check(void *ctx)
{
	struct transfer *t = ctx;
	int64_t idle = time_mono_ms() - t->last_data_ms;

	t->stall_timer = 0;
	if (idle < t->stall_ms) {
		arm_stall_check(t, t->stall_ms - idle);
		return;
	}
	snprintf(t->errbuf, sizeof t->errbuf, "stalled: no data for %ld s", t->stall_ms / 1000);
	finish(t->http, t, CURLE_OPERATION_TIMEDOUT);
}

uint64_t http_start(struct http *http, const struct http_request *req, struct err *err)
{
	const char *method = req->method ? req->method : "GET";
	long cap = http->timeout_cap_ms, timeout = req->timeout_ms;
	long connect = req->connect_timeout_ms ? req->connect_timeout_ms : 10000L;
	struct transfer *t;
	CURL *easy;

	if (!req->url || (strncasecmp(req->url, "http://", 7) && !url_is_https(req->url))) {
		err_set(err, "bad URL '%s': only http:// and https:// are supported",
			req->url ? req->url : "");
		return 0;
	}
	/* a body turns curl's GET into a POST: only a bodiless GET or HEAD is safe */
	if (http->read_only && (!http_method_is_safe(method) || req->body)) {
		http->stats.refused++;
		err_set(err, "read-only: refused %s %s", method, req->url);
		return 0;
	}
	if (req->bearer_token && !url_is_https(req->url)
	    && !(req->allow_token_to_loopback && url_is_loopback(req->url))) {
		err_set(err, "refusing to send a token over plain HTTP to %s", req->url);
		return 0;
	}
	if (req->basic_user && !url_is_https(req->url) && !req->allow_basic_over_http
	    && !url_is_loopback(req->url)) {
		err_set(err, "refusing to send a password over plain HTTP to %s", req->url);
		return 0;
	}
	easy = curl_easy_init();
	if (!easy) {
		err_set(err, "%s: cannot start a transfer", req->url);
		return 0;
	}
	t = xcalloc(1, sizeof *t);
	t->http = http;
	t->id = ++http->next_id;
	t->easy = easy;
	t->method = xstrdup(method);
	t->on_data = req->on_data;
	t->on_done = req->on_done;
	t->ctx = req->ctx;

	curl_easy_setopt(easy, CURLOPT_URL, req->url);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "shipdeck/" SHIPDECK_VERSION);
	if (cap && (timeout > cap || (!timeout && !req->on_data)))
		timeout = cap;
	if (cap && connect > cap)
		connect = cap;
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect);
	if (timeout)
		curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout);
	if (req->stall_timeout_ms) {
		t->stall_ms = req->stall_timeout_ms;
		t->last_data_ms = time_mono_ms();
		arm_stall_check(t, t->stall_ms);
	}
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET"))
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
	if (req->body) {
		t->body = xmalloc(req->body_len + 1);
		memcpy(t->body, req->body, req->body_len);
		t->body[req->body_len] = '\0';
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t->body);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	for (const char *const *h = req->headers; h && *h; h++)
		t->headers = curl_slist_append(t->headers, *h);
	if (req->bearer_token) {
		char *h = xasprintf("Authorization: Bearer %s", req->bearer_token);

		t->headers = curl_slist_append(t->headers, h);
		free(h);
	}
	if (req->basic_user) {
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(easy, CURLOPT_USERNAME, req->basic_user);
		curl_easy_setopt(easy, CURLOPT_PASSWORD,
				 req->basic_password ? req->basic_password : "");
	}
	/* "Expect: 100-continue" only adds a round trip against our servers */
	t->headers = curl_slist_append(t->headers, "Expect:");
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);
	set_tls(easy, req->tls);

	t->next = http->transfers;
	http->transfers = t;
	if (http_method_is_safe(method) && !req->body)
		http->stats.sent_get++;
	else
		http->stats.sent_other++;
	curl_multi_add_handle(http->multi, easy);
	return t->id;
}

static void finish(struct http *http, struct transfer *t, CURLcode code)
{
	char *ct = NULL;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->resp.status);
	curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct);
	if (ct)
		t->resp.content_type = xstrdup(ct);
	if (code != CURLE_OK && !t->aborted_by_callback) {
		snprintf(t->resp.error, sizeof t->resp.error, "%s",
			 t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
		if (code == CURLE_OPERATION_TIMEDOUT && !t->resp.status
		    && strncmp(t->errbuf, "stalled", 7))
			snprintf(t->resp.error, sizeof t->resp.error, "timed out (%s)",
				 t->errbuf[0] ? t->errbuf : "no answer");
	}
	if (!t->on_data) {
		t->resp.body_len = t->resp_body.len;
		t->resp.body = sb_steal(&t->resp_body);
	}
	unlink_transfer(http, t);
	if (t->on_done)
		t->on_done(t->ctx, &t->resp);
	transfer_free(t);
}

static void check_done(struct http *http)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(http->multi, &left))) {
		struct transfer *t = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		if (t)
			finish(http, t, msg->data.result);
	}
}

void http_flush(struct http *http)
{
	int running;

	curl_multi_socket_action(http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(http);
}

void http_cancel(struct http *http, uint64_t id)
{
	for (struct transfer *t = http->transfers; t; t = t->next) {
		if (t->id == id) {
			unlink_transfer(http, t);
			transfer_free(t);
			return;
		}
	}
}

void *http_request_ctx(const struct http *http, uint64_t id)
{
	for (const struct transfer *t = http->transfers; t; t = t->next)
		if (t->id == id)
			return t->ctx;
	return NULL;
}

size_t http_active(const struct http *http)
{
	size_t n = 0;

	for (const struct transfer *t = http->transfers; t; t = t->next)
		n++;
	return n;
}

size_t http_active_oneshot(const struct http *http)
{
	size_t n = 0;

	for (const struct transfer *t = http->transfers; t; t = t->next)
		if (!t->on_data)
			n++;
	return n;
}

struct sync_wait {
	bool done;
	struct http_response *out;
};

static void sync_done(void *ctx, const struct http_response *resp)
{
	struct sync_wait *w = ctx;

	*w->out = *resp;
	w->out->body = NULL;
	if (resp->body) {
		/* by length: a body may hold NUL bytes */
		w->out->body = xmalloc(resp->body_len + 1);
		memcpy(w->out->body, resp->body, resp->body_len + 1);
	}
	w->out->content_type = resp->content_type ? xstrdup(resp->content_type) : NULL;
	w->out->link = resp->link ? xstrdup(resp->link) : NULL;
	w->out->www_authenticate = resp->www_authenticate ? xstrdup(resp->www_authenticate) : NULL;
	w->out->retry_after = resp->retry_after ? xstrdup(resp->retry_after) : NULL;
	w->out->location = resp->location ? xstrdup(resp->location) : NULL;
	w->out->docker_content_digest = resp->docker_content_digest
		? xstrdup(resp->docker_content_digest) : NULL;
	w->out->etag = resp->etag ? xstrdup(resp->etag) : NULL;
	w->out->ratelimit_remaining = resp->ratelimit_remaining
		? xstrdup(resp->ratelimit_remaining) : NULL;
	w->out->ratelimit_reset = resp->ratelimit_reset ? xstrdup(resp->ratelimit_reset) : NULL;
	w->done = true;
}

int http_request_sync(struct http *http, struct loop *loop, const struct http_request *req,
		      struct http_response *resp, struct err *err)
{
	struct sync_wait w = { .out = resp };
	struct http_request r = *req;

	memset(resp, 0, sizeof *resp);
	r.on_done = sync_done;
	r.ctx = &w;
	r.on_data = NULL;
	if (!http_start(http, &r, err))
		return -1;
	while (!w.done)
		if (loop_run_once(loop, -1) < 0)
			break;
	return w.done ? 0 : err_set(err, "%s: interrupted", req->url);
}

struct http_stats http_stats(const struct http *http)
{
	return http->stats;
}
