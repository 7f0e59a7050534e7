#include "sandbox/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sandbox/api.h"
#include "sandbox/response.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Bodies above this are refused (413) whole: no object is that big. */
#define MAX_BODY (8u << 20)
#define STREAM_BLOCK 32768

struct server {
	struct MHD_Daemon *d;
	struct sandbox *sb;
};

struct conn_ctx {
	char *uri;            /* raw, as the client sent it */
	struct strbuf body;
	bool too_large;
	bool started;
};

struct stream_holder {
	struct stream s;
};

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn_ctx *cc = xcalloc(1, sizeof *cc);

	(void)cls;
	(void)c;
	cc->uri = xstrdup(uri ? uri : "/");
	return cc;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *cc = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!cc)
		return;
	free(cc->uri);
	sb_free(&cc->body);
	free(cc);
	*con_cls = NULL;
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_holder *h = cls;
	ssize_t n = h->s.read(h->s.ctx, buf, max);

	(void)pos;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void stream_free(void *cls)
{
	struct stream_holder *h = cls;

	h->s.free(h->s.ctx);
	free(h);
}

static void json_escape(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_printf(sb, "\\u%04x", c);
		else
			sb_putc(sb, (char)c);
	}
	sb_putc(sb, '"');
}

static void request_log(struct sandbox *sb, const struct request *req, int status)
{
	struct strbuf line = { 0 };
	struct timespec ts;
	struct tm tm;
	char when[40];

	if (sb->reqlog_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	sb_puts(&line, "{\"time\":");
	json_escape(&line, when);
	sb_puts(&line, ",\"method\":");
	json_escape(&line, req->method);
	sb_puts(&line, ",\"path\":");
	json_escape(&line, req->path);
	sb_puts(&line, ",\"query\":");
	json_escape(&line, req->query);
	sb_puts(&line, ",\"content_type\":");
	json_escape(&line, req->content_type ? req->content_type : "");
	sb_printf(&line, ",\"status\":%d}\n", status);
	pthread_mutex_lock(&sb->reqlog_mu);
	if (write(sb->reqlog_fd, line.s, line.len) < 0)
		perror("shipdeck-sandbox: request log");
	pthread_mutex_unlock(&sb->reqlog_mu);
	sb_free(&line);
}

/* /metrics is an application's endpoint and /version, /healthz are public on
 * a real cluster too; everything else needs the token over HTTPS. */
static bool public_path(const char *path)
{
	return !strcmp(path, "/metrics") || !strcmp(path, "/version") || !strcmp(path, "/healthz")
	       || !strcmp(path, "/livez") || !strcmp(path, "/readyz");
}

static bool authorized(struct sandbox *sb, struct MHD_Connection *c, const char *path)
{
	const char *auth;
	unsigned diff = 0;
	size_t n;

	if (!sb->token[0] || public_path(path))
		return true;
	auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!auth || strncmp(auth, "Bearer ", 7))
		return false;
	auth += 7;
	n = strlen(auth);
	if (n != strlen(sb->token))
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned)(auth[i] ^ sb->token[i]);
	return diff == 0;
}

static enum MHD_Result queue(struct MHD_Connection *c, struct response *r)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;

	if (r->stream.read) {
		struct stream_holder *h = xcalloc(1, sizeof *h);

		h->s = r->stream;
		memset(&r->stream, 0, sizeof r->stream);
		mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK,
						       stream_reader, h, stream_free);
	} else {
		mr = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
		r->body = NULL;
	}
	if (!mr)
		return MHD_NO;
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
				r->content_type ? r->content_type : "application/json");
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache, private");
	ret = MHD_queue_response(c, (unsigned)r->status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct conn_ctx *cc = *con_cls;
	struct request req = { 0 };
	struct response resp = { 0 };
	const union MHD_ConnectionInfo *ci;
	enum MHD_Result ret;

	(void)url;
	(void)version;
	if (!cc)
		return MHD_NO;
	if (!cc->started) {
		cc->started = true;
		return MHD_YES;
	}
	if (*upload_size) {
		if (cc->body.len + *upload_size > MAX_BODY)
			cc->too_large = true;
		else
			sb_append(&cc->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	request_parse_uri(&req, cc->uri);
	req.method = method;
	req.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE);
	req.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	req.body = cc->body.s;
	req.body_len = cc->body.len;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	req.client_fd = ci ? ci->connect_fd : -1;
	if (!authorized(s->sb, c, req.path))
		resp_error(&resp, 401, "Unauthorized", "Unauthorized");
	else if (cc->too_large)
		resp_error(&resp, 413, "RequestEntityTooLarge", "the request body is larger than "
			   "%u bytes", MAX_BODY);
	else
		api_handle(s->sb, &req, &resp);
	request_log(s->sb, &req, resp.status);
	ret = queue(c, &resp);
	resp_free(&resp);
	request_free(&req);
	return ret;
}

struct server *server_start(struct sandbox *sb, const struct tls_material *tls, struct err *err)
{
	struct server *s = xcalloc(1, sizeof *s);
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_port = htons((uint16_t)sb->opt.port) };
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
			 | MHD_USE_POLL;
	const union MHD_DaemonInfo *info;

	s->sb = sb;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tls)
		flags |= MHD_USE_TLS;
	if (getenv("SHIPDECK_SANDBOX_DEBUG"))
		flags |= MHD_USE_ERROR_LOG;
	if (tls)
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s,
					MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
					MHD_OPTION_URI_LOG_CALLBACK, uri_logger, NULL,
					MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
					MHD_OPTION_HTTPS_MEM_KEY, tls->key_pem,
					MHD_OPTION_HTTPS_MEM_CERT, tls->cert_pem,
					MHD_OPTION_END);
	else
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s,
					MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
					MHD_OPTION_URI_LOG_CALLBACK, uri_logger, NULL,
					MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
					MHD_OPTION_END);
	if (!s->d) {
		err_set(err, "cannot listen on 127.0.0.1:%d (port in use?)", sb->opt.port);
		free(s);
		return NULL;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	sb->port = info ? info->port : sb->opt.port;
	return s;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
