/* The Kubernetes REST client: one kubeconfig context turned into requests on
 * the app's HTTP layer (libcurl multi in the loop). Credentials are attached
 * here — a bearer token, a token file re-read as kubectl does, basic auth, a
 * client certificate, or an exec plugin's credential cached until it
 * expires — and never sent over plain HTTP (runtime/http refuses that too). */
#ifndef SHIPDECK_KUBE_CLIENT_H
#define SHIPDECK_KUBE_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "kube/kubeconfig.h"
#include "runtime/http.h"
#include "runtime/rt.h"
#include "store/kube.h"

struct kube_watch;
struct kube_discovery;

/* Allocated by kube_client_open, freed by kube_client_free. */
struct kube_client {
	struct rt *rt;
	struct kube_config_opts opts;
	struct kube_config cfg;
	char *namespace;            /* in use: the config's, or :ns; "" for all */
	struct http_tls tls;
	struct kube_exec_cred *exec_cred;   /* the plugin's credential, while valid */
	char *file_token;           /* tokenFile's content and when it was read */
	int64_t file_token_read_ms;
	uint32_t rand_state;        /* jitter for reconnects */

	/* The source (kube/source.c): one watch per resource while started. */
	struct kube_watch *watches[KUBE_RESOURCE_COUNT];
	int started_watches;
	struct kube_discovery *discovery;   /* which CRD kinds are served */
	bool ever_synced;
	struct kube_pod_log *logs;  /* pod log streams under way */
};

/* Reads the kubeconfig from the app's options and $KUBECONFIG. Returns 0
 * with *out set, 1 when there is no kubeconfig at all, -1 with one line
 * naming the file, context or field. */
int kube_client_open(struct rt *rt, struct kube_client **out, struct err *err);
void kube_client_free(struct kube_client **kc);

/* Switches context (":ctx"): the caller restarts the source. */
int kube_client_use_context(struct kube_client *kc, const char *context, struct err *err);
void kube_client_use_namespace(struct kube_client *kc, const char *ns);

/* One call: method (GET when NULL), an API path with its query
 * ("/apis/apps/v1/namespaces/ns/deployments?limit=500"), an optional body. */
struct kube_call {
	const char *method;
	const char *path;
	const char *content_type;   /* of the body */
	const char *body;
	long timeout_ms;            /* 0: 30 s for one-shot calls, none for streams */
	long stall_timeout_ms;
	http_data_fn on_data;       /* streams (watch, log -f) */
	http_done_fn on_done;
	void *ctx;
};

/* Starts a call. Returns the HTTP id (> 0) or 0 with err (refused before
 * sending: read-only, token over http, credential plugin failed). */
uint64_t kube_start(struct kube_client *kc, const struct kube_call *call, struct err *err);
/* Runs the loop until the call is answered (headless commands). The caller
 * frees resp with http_response_free. */
int kube_call_sync(struct kube_client *kc, const struct kube_call *call,
		   struct http_response *resp, struct err *err);
/* Forgets a cached exec credential (after a 401). */
void kube_client_invalidate_credential(struct kube_client *kc);

/* One line for an answer that is not 2xx, or a transport failure: the
 * server's Status message with the verb and resource refused ("forbidden:
 * cannot patch deployments in namespace prod: ..."), or what could not be
 * reached and with which kubeconfig context. */
void kube_response_error(const struct kube_client *kc, const char *method, const char *path,
			 const struct http_response *resp, struct err *err);
/* True when resp is a transport failure (no HTTP status): for headless
 * commands this is a configuration problem (exit 2). */
bool kube_response_unreachable(const struct http_response *resp);

/* API paths. ns NULL or "" lists every namespace. Caller frees. */
char *kube_path(enum kube_resource res, const char *ns, const char *name);
/* The API group path of a kind that only exists where its CRD is installed
 * ("/apis/argoproj.io/v1alpha1"), NULL for the built-in kinds; its plural. */
const char *kube_resource_group(enum kube_resource res);
const char *kube_resource_plural(enum kube_resource res);
/* "%"-escapes a query value. Caller frees. */
char *kube_query_escape(const char *s);

/* A uniformly random number in [0, n) for jitter. */
uint32_t kube_client_random(struct kube_client *kc, uint32_t n);

#endif
