#include "sandbox/mirror_client.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "kube/kubeconfig.h"
#include "sandbox/jsonx.h"
#include "sandbox/kinds.h"
#include "sandbox/mirror.h"
#include "util/file.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

#define PAGE_LIMIT 500
#define CONNECT_TIMEOUT_S 10L
#define LIST_TIMEOUT_S 60L
#define STALL_S 150L               /* bookmarks come about every minute */
#define WATCH_MIN_S 300            /* timeoutSeconds in [300, 600), as client-go */
#define MAX_LIST_BODY (512u << 20)
#define MAX_ERROR_BODY (64u << 10)
#define MAX_LINE (64u << 20)
#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 8000

struct mirror;

/* The reflector of one kind; everything here belongs to its thread. */
struct kwatch {
	struct mirror *m;
	const struct kind *k;
	pthread_t thread;
	bool running;
	char *rv;                   /* the last resourceVersion seen */
	uint32_t rand;

	/* the request under way */
	CURL *easy;
	bool watching;
	struct strbuf body;         /* a list's answer, or any answer but 200 to a watch */
	struct strbuf line;         /* the watch line not yet complete */
	size_t events;              /* watch lines applied */
	enum mirror_line stream_rc;
	struct err stream_err;
	long status;                /* of the last answer, 0 when none came */

	char reported[sizeof(struct err)];  /* the failure last printed */
};

struct mirror {
	struct sandbox *sb;
	struct kube_config cfg;
	atomic_bool stopping;
	bool starting;              /* the first lists, on the main thread */
	const char *ns;             /* the context's namespace when the user may not
	                             * list cluster-wide; else NULL: every namespace */
	pthread_mutex_t mu;         /* only for cv: back-off sleeps end at stop */
	pthread_cond_t cv;
	struct kwatch w[MIRROR_KINDS];
};

static char *kind_path(const struct mirror *m, const struct kind *k)
{
	char *ns = m->ns ? xasprintf("/namespaces/%s", m->ns) : xstrdup(""), *path;

	path = k->group[0] ? xasprintf("/apis/%s/%s%s/%s", k->group, k->version, ns, k->plural)
			   : xasprintf("/api/%s%s/%s", k->version, ns, k->plural);
	free(ns);
	return path;
}

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct kwatch *w = ctx;
	size_t len = size * n;
	long status = 0;
	char *nl;

	curl_easy_getinfo(w->easy, CURLINFO_RESPONSE_CODE, &status);
	if (!w->watching || status != 200) {
		size_t max = w->watching || status != 200 ? MAX_ERROR_BODY : MAX_LIST_BODY;

		if (w->body.len + len > max) {
			w->stream_rc = MIRROR_LINE_ERROR;
			err_set(&w->stream_err, "the answer (%ld) is larger than %zu bytes", status,
				max);
			return 0;
		}
		sb_append(&w->body, data, len);
		return len;
	}
	sb_append(&w->line, data, len);
	while (w->line.len && (nl = memchr(w->line.s, '\n', w->line.len))) {
		size_t l = (size_t)(nl - w->line.s);

		if (l && !(l == 1 && w->line.s[0] == '\r')) {
			w->stream_rc = mirror_apply_line(w->m->sb, w->k, w->line.s, l, &w->rv,
							 &w->stream_err);
			if (w->stream_rc != MIRROR_LINE_OK)
				return 0;
			w->events++;
		}
		sb_consume(&w->line, l + 1);
	}
	if (w->line.len > MAX_LINE) {
		w->stream_rc = MIRROR_LINE_ERROR;
		err_set(&w->stream_err, "a watch line is longer than %u bytes", MAX_LINE);
		return 0;
	}
	return len;
}

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct kwatch *w = ctx;
	sigset_t pending;

	if (atomic_load(&w->m->stopping))
		return 1;
	/* main blocks the signals it waits for: one that came while the first
	 * lists wait for a slow server ends them */
	if (w->m->starting && !sigpending(&pending)
	    && (sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1
		|| sigismember(&pending, SIGHUP) == 1)) {
		atomic_store(&w->m->stopping, true);
		return 1;
	}
	return 0;
}

/* " (kubeconfig F, context C)", for every message about the cluster. */
static void where(const struct mirror *m, char *buf, size_t size)
{
	snprintf(buf, size, " (kubeconfig %s, context '%s')", m->cfg.files, m->cfg.context);
}

static void set_tls(CURL *easy, const struct kube_config *c)
{
	struct curl_blob blob;

	if (c->ca_file)
		curl_easy_setopt(easy, CURLOPT_CAINFO, c->ca_file);
	if (c->ca_pem) {
		blob = (struct curl_blob){ c->ca_pem, c->ca_len, CURL_BLOB_COPY };
		curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->cert_file)
		curl_easy_setopt(easy, CURLOPT_SSLCERT, c->cert_file);
	if (c->cert_pem) {
		blob = (struct curl_blob){ c->cert_pem, c->cert_len, CURL_BLOB_COPY };
		curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (c->key_file)
		curl_easy_setopt(easy, CURLOPT_SSLKEY, c->key_file);
	if (c->key_pem) {
		blob = (struct curl_blob){ c->key_pem, c->key_len, CURL_BLOB_COPY };
		curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (c->insecure) {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

/* The bearer token for the next request: the kubeconfig's, or its tokenFile
 * read again (as kubectl does, so a rotated token is picked up). */
static int bearer(const struct mirror *m, char **out, struct err *err)
{
	const struct kube_config *c = &m->cfg;
	size_t len;

	*out = NULL;
	if (c->token) {
		*out = xstrdup(c->token);
	} else if (c->token_file) {
		if (!(*out = file_read_all(c->token_file, &len, err)))
			return err_prefix(err, "kubeconfig %s: user '%s': tokenFile", c->files,
					  c->user ? c->user : "");
		(*out)[strcspn(*out, "\r\n")] = '\0';
	}
	return 0;
}

/* One GET of url. Returns the HTTP status with the answer in w->body (a
 * watch's 200 goes line by line to the mirror), or -1 with err when no
 * complete answer came (a stream cut by a bad line leaves w->stream_rc). */
static long http_get(struct kwatch *w, const char *url, struct err *err)
{
	w->status = 0;
	struct mirror *m = w->m;
	struct curl_slist *hdr = NULL;
	char *token = NULL, *auth = NULL, cerr[CURL_ERROR_SIZE] = "", at[1200];
	CURLcode code;
	long status = -1;

	sb_reset(&w->body);
	sb_reset(&w->line);
	w->events = 0;
	w->stream_rc = MIRROR_LINE_OK;
	if (bearer(m, &token, err))
		return -1;
	w->easy = curl_easy_init();
	if (!w->easy) {
		free(token);
		return err_set(err, "GET %s: libcurl could not start a request", url);
	}
	hdr = curl_slist_append(hdr, "Accept: application/json");
	if (token && *token) {
		auth = xasprintf("Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth);
	}
	curl_easy_setopt(w->easy, CURLOPT_URL, url);
	curl_easy_setopt(w->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(w->easy, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(w->easy, CURLOPT_USERAGENT, "shipdeck-sandbox/" SHIPDECK_VERSION
			 " (traffic-only)");
	curl_easy_setopt(w->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->easy, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(w->easy, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(w->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(w->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(w->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	if (w->watching) {
		curl_easy_setopt(w->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(w->easy, CURLOPT_LOW_SPEED_TIME, STALL_S);
	} else {
		curl_easy_setopt(w->easy, CURLOPT_TIMEOUT, LIST_TIMEOUT_S);
	}
	if (m->cfg.username) {
		curl_easy_setopt(w->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(w->easy, CURLOPT_USERNAME, m->cfg.username);
		curl_easy_setopt(w->easy, CURLOPT_PASSWORD, m->cfg.password ? m->cfg.password : "");
	}
	set_tls(w->easy, &m->cfg);
	curl_easy_setopt(w->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(w->easy, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(w->easy, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(w->easy, CURLOPT_XFERINFODATA, w);
	curl_easy_setopt(w->easy, CURLOPT_NOPROGRESS, 0L);
	code = curl_easy_perform(w->easy);
	if (code == CURLE_OK) {
		curl_easy_getinfo(w->easy, CURLINFO_RESPONSE_CODE, &status);
	} else if (w->stream_rc != MIRROR_LINE_OK) {
		err_set(err, "GET %s: %s", url, w->stream_err.msg);
	} else {
		where(m, at, sizeof at);
		err_set(err, "GET %s: %s%s%s", url, cerr[0] ? cerr : curl_easy_strerror(code),
			code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE
			? " (check the cluster's certificate-authority)" : "", at);
	}
	w->status = status;
	curl_easy_cleanup(w->easy);
	w->easy = NULL;
	curl_slist_free_all(hdr);
	free(auth);
	free(token);
	return status;
}

/* An answer that is not 200: its Status message when it has one. */
static int answer_error(struct kwatch *w, const char *url, long status, struct err *err)
{
	cJSON *st = cJSON_ParseWithLength(w->body.s ? w->body.s : "", w->body.len);
	const char *msg = jstr(J(st, "message")), *reason = jstr(J(st, "reason"));
	char at[1200];

	where(w->m, at, sizeof at);
	if (msg)
		err_set(err, "GET %s: %ld %s: %s%s", url, status, reason ? reason : "", msg, at);
	else
		err_set(err, "GET %s: %ld: %.200s%s", url, status, w->body.s ? w->body.s : "", at);
	cJSON_Delete(st);
	return -1;
}

/* Lists every page and puts the result in the store. */
static int list_all(struct kwatch *w, struct err *err)
{
	char *path = kind_path(w->m, w->k), *cont = NULL, *url = NULL;
	cJSON *all = NULL, *page = NULL;
	int rc = -1;

	w->watching = false;
	for (;;) {
		const char *next;
		long status;

		free(url);
		if (cont) {
			char *esc = curl_easy_escape(NULL, cont, 0);

			url = xasprintf("%s%s?limit=%d&continue=%s", w->m->cfg.server, path,
					PAGE_LIMIT, esc ? esc : "");
			curl_free(esc);
		} else {
			url = xasprintf("%s%s?limit=%d", w->m->cfg.server, path, PAGE_LIMIT);
		}
		status = http_get(w, url, err);
		if (status < 0)
			goto out;
		if (status != 200) {
			answer_error(w, url, status, err);
			goto out;
		}
		page = cJSON_ParseWithLength(w->body.s ? w->body.s : "", w->body.len);
		if (!cJSON_IsObject(page) || !(cJSON_IsArray(J(page, "items"))
					       || cJSON_IsNull(J(page, "items")))) {
			err_set(err, "GET %s: the answer is not a %sList", url, w->k->kind);
			goto out;
		}
		next = jstr(J(page, "metadata", "continue"));
		free(cont);
		cont = next && *next ? xstrdup(next) : NULL;
		if (!all) {
			all = page;
		} else {
			cJSON *items = J(page, "items"), *into = J(all, "items");

			if (!cJSON_IsArray(into)) {
				into = cJSON_CreateArray();
				jset(all, "items", into);
			}
			while (cJSON_IsArray(items) && items->child)
				cJSON_AddItemToArray(into,
						     cJSON_DetachItemViaPointer(items,
										items->child));
			cJSON_Delete(page);
		}
		page = NULL;
		if (!cont)
			break;
	}
	rc = mirror_apply_list(w->m->sb, w->k, all, &w->rv, err);
	all = NULL;
	if (rc)
		err_prefix(err, "GET %s", url);
out:
	cJSON_Delete(page);
	cJSON_Delete(all);
	free(path);
	free(cont);
	free(url);
	return rc;
}

enum watch_end {
	WATCH_AGAIN,                /* the server ended it: watch on from w->rv */
	WATCH_RELIST,               /* 410: list again at once */
	WATCH_FAILED,               /* err says why: back off, then list again */
};

static enum watch_end watch_once(struct kwatch *w, struct err *err)
{
	char *path = kind_path(w->m, w->k), *esc = curl_easy_escape(NULL, w->rv ? w->rv : "", 0),
		*url;
	int64_t began = time_mono_ms();
	enum watch_end end = WATCH_FAILED;
	long status;

	w->rand = w->rand * 1103515245u + 12345u;
	url = xasprintf("%s%s?watch=1&allowWatchBookmarks=true&resourceVersion=%s"
			"&timeoutSeconds=%u", w->m->cfg.server, path, esc ? esc : "",
			WATCH_MIN_S + (w->rand >> 8) % WATCH_MIN_S);
	curl_free(esc);
	w->watching = true;
	status = http_get(w, url, err);
	if (w->stream_rc == MIRROR_LINE_EXPIRED || status == 410)
		end = WATCH_RELIST;
	else if (status == 200 && !w->events && time_mono_ms() - began < 1000)
		err_set(err, "GET %s: the watch ended at once, without an event", url);
	else if (status == 200)
		end = WATCH_AGAIN;
	else if (status > 0)
		answer_error(w, url, status, err);
	free(url);
	free(path);
	return end;
}

static void pause_ms(struct mirror *m, int64_t ms)
{
	struct timespec ts;
	int64_t until = time_mono_ms() + ms;

	ts.tv_sec = (time_t)(until / 1000);
	ts.tv_nsec = (long)(until % 1000) * 1000000L;
	pthread_mutex_lock(&m->mu);
	while (!atomic_load(&m->stopping) && time_mono_ms() < until)
		pthread_cond_timedwait(&m->cv, &m->mu, &ts);
	pthread_mutex_unlock(&m->mu);
}

static int64_t backoff_ms(struct kwatch *w, int fails)
{
	int64_t ms = BACKOFF_FIRST_MS;

	while (fails-- > 0 && ms < BACKOFF_MAX_MS)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	w->rand = w->rand * 1103515245u + 12345u;
	return ms * (75 + (int64_t)((w->rand >> 8) % 51)) / 100;
}

static void *watch_main(void *arg)
{
	struct kwatch *w = arg;
	struct mirror *m = w->m;
	bool relist = false;
	int fails = 0;
	struct err err;

	while (!atomic_load(&m->stopping)) {
		enum watch_end end = WATCH_FAILED;

		if (!relist || !list_all(w, &err)) {
			if (relist && w->reported[0]) {
				fprintf(stderr, "shipdeck-sandbox: %s: in step with %s again\n",
					w->k->plural, m->cfg.server);
				w->reported[0] = '\0';
			}
			relist = false;
			end = watch_once(w, &err);
		}
		if (atomic_load(&m->stopping))
			break;
		if (end == WATCH_RELIST) {
			relist = true;
		} else if (end == WATCH_AGAIN) {
			fails = 0;
		} else {
			if (w->events)
				fails = 0;  /* it was in step until the stream broke */
			if (strcmp(w->reported, err.msg)) {
				fprintf(stderr, "shipdeck-sandbox: %s: %s (retrying)\n",
					w->k->plural, err.msg);
				snprintf(w->reported, sizeof w->reported, "%s", err.msg);
			}
			relist = true;
			pause_ms(m, backoff_ms(w, fails++));
		}
	}
	return NULL;
}

struct mirror *mirror_start(struct sandbox *sb, const char *kubeconfig, struct err *err)
{
	struct mirror *m = xcalloc(1, sizeof *m);
	struct kube_config_opts o = { .explicit_path = kubeconfig };
	const struct kube_config *c = &m->cfg;
	pthread_condattr_t attr;

	m->sb = sb;
	atomic_init(&m->stopping, false);
	pthread_mutex_init(&m->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&m->cv, &attr);
	pthread_condattr_destroy(&attr);
	for (int i = 0; i < MIRROR_KINDS; i++)
		m->w[i] = (struct kwatch){ .m = m, .k = &kinds[mirror_kinds[i]],
					   .rand = (uint32_t)time_wall_ms() + (uint32_t)i * 7919u };
	if (kube_config_load(&m->cfg, &o, err))
		goto fail;
	if (c->exec && !c->token && !c->token_file) {
		err_set(err, "kubeconfig %s: user '%s': exec credential plugins are not supported "
			"by --traffic-only (give the user a token or a client certificate)",
			c->files, c->user ? c->user : "");
		goto fail;
	}
	if (!strncmp(c->server, "http://", 7) && (c->token || c->token_file || c->username)) {
		err_set(err, "kubeconfig %s: cluster '%s': server %s is plain http: the user's "
			"credentials are sent over https only", c->files, c->cluster, c->server);
		goto fail;
	}
	m->starting = true;
	for (int i = 0; i < MIRROR_KINDS; i++) {
		int rc = list_all(&m->w[i], err);

		if (rc && i == 0 && m->w[0].status == 403 && c->namespace_explicit
		    && !atomic_load(&m->stopping)) {
			/* a user who may not list every namespace: the context's one */
			struct err first = *err;

			m->ns = c->namespace;
			if ((rc = list_all(&m->w[0], err)))
				*err = first;
			else
				fprintf(stderr,
					"shipdeck-sandbox: kubeconfig user '%s' may not list every "
					"namespace: the traffic is for namespace '%s' only\n",
					c->user ? c->user : "", m->ns);
		}
		if (rc) {
			if (atomic_load(&m->stopping))
				err_set(err, "stopped by a signal while listing %s from %s",
					m->w[i].k->plural, c->server);
			goto fail;
		}
	}
	m->starting = false;
	for (int i = 0; i < MIRROR_KINDS; i++) {
		if (pthread_create(&m->w[i].thread, NULL, watch_main, &m->w[i])) {
			err_set(err, "cannot start a thread for %s", m->w[i].k->plural);
			goto fail;
		}
		m->w[i].running = true;
	}
	return m;
fail:
	mirror_stop(m);
	return NULL;
}

void mirror_stop(struct mirror *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	atomic_store(&m->stopping, true);
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
	for (int i = 0; i < MIRROR_KINDS; i++) {
		if (m->w[i].running)
			pthread_join(m->w[i].thread, NULL);
		free(m->w[i].rv);
		sb_free(&m->w[i].body);
		sb_free(&m->w[i].line);
	}
	kube_config_free(&m->cfg);
	pthread_cond_destroy(&m->cv);
	pthread_mutex_destroy(&m->mu);
	free(m);
}
