/* The read-only gate in the HTTP layer, the wall behind the action gate:
 * with read-only set, every method but GET and HEAD — and a GET with a body,
 * which curl would send as a POST — is refused before anything is sent. A
 * local socket sees what does leave: the allowed requests arrive as GET and
 * HEAD, the refused ones never connect. Also the timeout cap of
 * SHIPDECK_NET_TIMEOUT. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/http.h"
#include "runtime/loop.h"
#include "tap.h"
#include "util/timefmt.h"

static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16)
	    || getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static bool answered;

static void on_done(void *ctx, const struct http_response *resp)
{
	(void)ctx;
	(void)resp;
	answered = true;
}

/* Runs the loop for ms and returns the request line of the first connection
 * that arrived on lfd ("" when none did). */
static void arrived(struct loop *loop, int lfd, int ms, char *line, size_t size)
{
	int64_t end = time_mono_ms() + ms;
	int fd = -1;
	size_t n = 0;

	line[0] = '\0';
	while (time_mono_ms() < end) {
		loop_run_once(loop, 10);
		if (fd < 0)
			fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0 && n < size - 1) {
			ssize_t r = read(fd, line + n, size - 1 - n);

			if (r > 0)
				n += (size_t)r;
			line[n] = '\0';
			if (strstr(line, "\r\n"))
				break;
		}
	}
	if (strstr(line, "\r\n"))
		*strstr(line, "\r\n") = '\0';
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	static const char *const refused[] = { "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
					       "get", "CONNECT", "" };
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	struct err err;
	char url[64], line[256];
	int port = 0, lfd = listener(&port);
	uint64_t id;

	tap_ok(lfd >= 0, "a local listener");
	snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
	http_set_read_only(http, true);
	tap_ok(http_read_only(http), "read-only set");

	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char name[64];

		snprintf(name, sizeof name, "'%s' refused before sending", refused[i]);
		tap_is_int(http_start(http, &(struct http_request){ .method = refused[i], .url = url,
								     .body = "{}", .body_len = 2,
								     .on_done = on_done }, &err),
			   0, name);
		tap_ok(strstr(err.msg, "read-only: refused") != NULL, "and says read-only");
	}
	tap_is_int(http_start(http, &(struct http_request){ .method = "GET", .url = url,
							     .body = "{}", .body_len = 2,
							     .on_done = on_done }, &err),
		   0, "a GET with a body (curl would POST it) refused");
	tap_is_int(http_start(http, &(struct http_request){ .method = "HEAD", .url = url,
							     .body = "x", .body_len = 1,
							     .on_done = on_done }, &err),
		   0, "a HEAD with a body refused");
	arrived(loop, lfd, 300, line, sizeof line);
	tap_is_str(line, "", "nothing refused reached the wire");
	tap_is_int(http_stats(http).refused, 10, "every refusal counted");
	tap_is_int(http_stats(http).sent_other, 0, "nothing but GET and HEAD sent");

	id = http_start(http, &(struct http_request){ .url = url, .on_done = on_done }, &err);
	tap_ok(id > 0, "a GET starts");
	arrived(loop, lfd, 3000, line, sizeof line);
	tap_is_str(line, "GET /x HTTP/1.1", "and arrives as GET");
	http_cancel(http, id);
	id = http_start(http, &(struct http_request){ .method = "HEAD", .url = url,
						       .on_done = on_done }, &err);
	tap_ok(id > 0, "a HEAD starts");
	arrived(loop, lfd, 3000, line, sizeof line);
	tap_is_str(line, "HEAD /x HTTP/1.1", "and arrives as HEAD");
	http_cancel(http, id);
	tap_is_int(http_stats(http).sent_get, 2, "two safe requests counted");

	/* the same requests without read-only go out as asked */
	http_set_read_only(http, false);
	id = http_start(http, &(struct http_request){ .method = "PATCH", .url = url, .body = "{}",
						       .body_len = 2, .on_done = on_done }, &err);
	tap_ok(id > 0, "without read-only a PATCH starts");
	arrived(loop, lfd, 3000, line, sizeof line);
	tap_is_str(line, "PATCH /x HTTP/1.1", "and arrives as PATCH");
	http_cancel(http, id);

	/* a token over plain HTTP: never, unless asked for and the host is a
	 * loopback literal (a local CI server); refused before anything is sent */
	{
		static const char *const not_loopback[] = {
			"http://127.evil.example/x", "http://127.0.0.1.evil.example/x",
			"http://localhost.evil.example/x", "http://127.0.0.1000/x",
			"http://10.0.0.1/x", "http://[::1].evil/x",
		};
		char ok_url[64];

		tap_is_int(http_start(http, &(struct http_request){ .url = url, .bearer_token = "t",
								     .on_done = on_done }, &err),
			   0, "a token to http://127.0.0.1 without the flag: refused");
		tap_ok(strstr(err.msg, "refusing to send a token over plain HTTP") != NULL, err.msg);
		for (size_t i = 0; i < sizeof not_loopback / sizeof *not_loopback; i++)
			tap_is_int(http_start(http, &(struct http_request){
				.url = not_loopback[i], .bearer_token = "t",
				.allow_token_to_loopback = true, .on_done = on_done }, &err),
				   0, not_loopback[i]);
		snprintf(ok_url, sizeof ok_url, "http://127.0.0.1:%d/t", port);
		id = http_start(http, &(struct http_request){ .url = ok_url, .bearer_token = "t",
							       .allow_token_to_loopback = true,
							       .on_done = on_done }, &err);
		tap_ok(id > 0, "with the flag, to 127.0.0.1: sent");
		arrived(loop, lfd, 3000, line, sizeof line);
		tap_is_str(line, "GET /t HTTP/1.1", "and arrives");
		http_cancel(http, id);
	}

	/* the timeout cap: a server that accepts and never answers is given up */
	http_set_timeout_cap(http, 500);
	tap_is_int(http_timeout_cap(http), 500, "timeout cap set");
	answered = false;
	id = http_start(http, &(struct http_request){ .url = url, .timeout_ms = 60000,
						       .on_done = on_done }, &err);
	{
		int64_t start = time_mono_ms();

		while (!answered && time_mono_ms() - start < 5000)
			loop_run_once(loop, 50);
		tap_ok(answered, "a silent server is given up");
		tap_ok(time_mono_ms() - start < 2500, "within the cap, not the 60 s asked");
	}

	http_free(&http);
	loop_free(&loop);
	close(lfd);
	return tap_done();
}
