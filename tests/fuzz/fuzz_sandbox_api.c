/* libFuzzer target: whole API requests against one in-memory sandbox (no
 * HTTP), each followed by a pass of the controllers, so fuzzed objects also
 * meet the deployment controller, the ReplicaSet controller and the kubelet.
 *
 * Input: "METHOD PATH?QUERY\nContent-Type\n" then the body. The sandbox
 * keeps its state from one input to the next, so run it with
 * -detect_leaks=0 (leaks are checked by the replay under ASan). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/api.h"
#include "sandbox/sandbox.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sandbox sb;
static bool ready;
static int64_t now = 1000000;

static void reset(void)
{
	struct sandbox_opts opt = { .time_scale = 1000, .watch_history = 100 };

	if (ready)
		sandbox_free(&sb);
	sandbox_init(&sb, &opt);
	ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	char *nl1, *nl2, *sp;
	struct request req = { .client_fd = -1 };
	struct response resp = { 0 };
	size_t objects = 0;
	int64_t next;

	memcpy(text, data, size);
	text[size] = 0;
	nl1 = memchr(text, '\n', size);
	nl2 = nl1 ? memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - text)) : NULL;
	if (!ready)
		reset();
	if (!nl1 || !nl2 || !(sp = memchr(text, ' ', (size_t)(nl1 - text)))) {
		free(text);
		return 0;
	}
	*sp = 0;
	*nl1 = 0;
	*nl2 = 0;
	request_parse_uri(&req, sp + 1);
	req.method = text;
	req.content_type = *(nl1 + 1) ? nl1 + 1 : NULL;
	req.body = nl2 + 1;
	req.body_len = size - (size_t)(nl2 + 1 - text);
	if (strlen(req.method) < 16 && strlen(req.path) < 4096) {
		api_handle(&sb, &req, &resp);
		if (resp.stream.read) {
			/* one read of a watch or log stream: what is ready now */
			char buf[4096];

			pthread_mutex_lock(&sb.mu);
			sb.stopping = true;
			pthread_mutex_unlock(&sb.mu);
			while (resp.stream.read(resp.stream.ctx, buf, sizeof buf) > 0)
				;
			pthread_mutex_lock(&sb.mu);
			sb.stopping = false;
			pthread_mutex_unlock(&sb.mu);
		}
		resp_free(&resp);
	}
	request_free(&req);
	free(text);

	pthread_mutex_lock(&sb.mu);
	for (int i = 0; i < 3; i++) {
		next = now + 1000;
		now += 50;
		sandbox_pass(&sb, now, &next);
	}
	for (int k = 0; k < KIND_COUNT; k++)
		objects += sb.store.k[k].n;
	pthread_mutex_unlock(&sb.mu);
	if (objects > 500)
		reset();
	return 0;
}
