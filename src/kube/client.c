#include "kube/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "kube/auth/exec.h"
#include "util/file.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* kubectl re-reads a token file at most once a minute (a projected service
 * account token rotates underneath it). */
enum { TOKEN_FILE_REFRESH_MS = 60000, ONESHOT_TIMEOUT_MS = 30000 };

static void set_tls(struct kube_client *kc)
{
	const struct kube_config *c = &kc->cfg;
	const struct kube_exec_cred *ec = kc->exec_cred;

	kc->tls = (struct http_tls){
		.ca_file = c->ca_file,
		.ca_pem = c->ca_pem,
		.ca_pem_len = c->ca_len,
		.cert_file = c->cert_file,
		.cert_pem = ec && ec->cert_pem ? ec->cert_pem : c->cert_pem,
		.cert_pem_len = ec && ec->cert_pem ? ec->cert_len : c->cert_len,
		.key_file = c->key_file,
		.key_pem = ec && ec->key_pem ? ec->key_pem : c->key_pem,
		.key_pem_len = ec && ec->key_pem ? ec->key_len : c->key_len,
		.insecure_skip_verify = c->insecure,
	};
}

static void client_reset_target(struct kube_client *kc)
{
	free(kc->namespace);
	kc->namespace = xstrdup(kc->cfg.namespace);
	kube_client_invalidate_credential(kc);
	xfree(&kc->file_token);
	set_tls(kc);
}

int kube_client_open(struct rt *rt, struct kube_client **out, struct err *err)
{
	struct kube_client *kc = xcalloc(1, sizeof *kc);
	int rc;

	kc->rt = rt;
	kube_config_opts_from_env(&kc->opts, rt->opts->kubeconfig, rt->opts->context,
				  rt->opts->namespace);
	rc = kube_config_load(&kc->cfg, &kc->opts, err);
	if (rc) {
		free(kc);
		*out = NULL;
		return rc;
	}
	kc->rand_state = (uint32_t)time_wall_ms() ^ (uint32_t)getpid() * 2654435761u;
	if (!kc->rand_state)
		kc->rand_state = 1;
	client_reset_target(kc);
	*out = kc;
	return 0;
}

void kube_client_invalidate_credential(struct kube_client *kc)
{
	if (kc->exec_cred) {
		kube_exec_cred_free(kc->exec_cred);
		xfree(&kc->exec_cred);
		set_tls(kc);
	}
}

void kube_client_free(struct kube_client **kcp)
{
	struct kube_client *kc = *kcp;

	if (!kc)
		return;
	kube_client_invalidate_credential(kc);
	kube_config_free(&kc->cfg);
	free(kc->namespace);
	free(kc->file_token);
	free(kc);
	*kcp = NULL;
}

int kube_client_use_context(struct kube_client *kc, const char *context, struct err *err)
{
	if (kube_config_switch(&kc->cfg, &kc->opts, context, err))
		return -1;
	client_reset_target(kc);
	return 0;
}

void kube_client_use_namespace(struct kube_client *kc, const char *ns)
{
	free(kc->namespace);
	kc->namespace = xstrdup(ns ? ns : "");
}

uint32_t kube_client_random(struct kube_client *kc, uint32_t n)
{
	uint32_t x = kc->rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	kc->rand_state = x;
	return n ? x % n : 0;
}

/* The credential for the next request, refreshed when due. */
static int credentials(struct kube_client *kc, const char **token, struct err *err)
{
	const struct kube_config *c = &kc->cfg;

	*token = c->token;
	if (!c->token && c->token_file) {
		int64_t now = time_mono_ms();

		if (!kc->file_token || now - kc->file_token_read_ms >= TOKEN_FILE_REFRESH_MS) {
			size_t len;
			char *t = file_read_all(c->token_file, &len, err);

			if (!t)
				return err_prefix(err, "kubeconfig user '%s': tokenFile",
						  c->user ? c->user : "");
			t[strcspn(t, "\r\n")] = '\0';
			free(kc->file_token);
			kc->file_token = t;
			kc->file_token_read_ms = now;
		}
		*token = kc->file_token;
	}
	if (c->exec && !c->token && !c->token_file) {
		/* renew a little before expiry so a request never carries a dead token */
		if (kc->exec_cred && kc->exec_cred->expires
		    && time(NULL) + 10 >= kc->exec_cred->expires)
			kube_client_invalidate_credential(kc);
		if (!kc->exec_cred) {
			struct kube_exec_cred cred;

			if (kube_exec_run(c, &cred, err))
				return err_prefix(err, "kubeconfig user '%s'",
						  c->user ? c->user : "");
			kc->exec_cred = xmalloc(sizeof *kc->exec_cred);
			*kc->exec_cred = cred;
			set_tls(kc);
		}
		if (kc->exec_cred->token)
			*token = kc->exec_cred->token;
	}
	return 0;
}

uint64_t kube_start(struct kube_client *kc, const struct kube_call *call, struct err *err)
{
	const char *token = NULL;
	char *url, *ct = NULL;
	const char *headers[3] = { "Accept: application/json", NULL, NULL };
	uint64_t id;

	if (credentials(kc, &token, err))
		return 0;
	url = xasprintf("%s%s", kc->cfg.server, call->path);
	if (call->content_type) {
		ct = xasprintf("Content-Type: %s", call->content_type);
		headers[1] = ct;
	}
	id = http_start(kc->rt->http, &(struct http_request){
		.method = call->method,
		.url = url,
		.headers = headers,
		.body = call->body,
		.body_len = call->body ? strlen(call->body) : 0,
		.bearer_token = token,
		.basic_user = token ? NULL : kc->cfg.username,
		.basic_password = kc->cfg.password,
		.tls = &kc->tls,
		.timeout_ms = call->timeout_ms ? call->timeout_ms
			: call->on_data ? 0 : ONESHOT_TIMEOUT_MS,
		.stall_timeout_ms = call->stall_timeout_ms,
		.on_data = call->on_data,
		.on_done = call->on_done,
		.ctx = call->ctx,
	}, err);
	free(url);
	free(ct);
	return id;
}

/* A kept-alive connection the server dropped just as it was reused: a safe
 * request is worth sending once more, as Go's transport does. */
static bool dropped_connection(const struct kube_call *call, const struct http_response *resp)
{
	return !resp->status && http_method_is_safe(call->method)
		&& (strstr(resp->error, "reset") || strstr(resp->error, "Empty reply")
		    || strstr(resp->error, "Send failure"));
}

int kube_call_sync(struct kube_client *kc, const struct kube_call *call,
		   struct http_response *resp, struct err *err)
{
	const char *token = NULL;
	char *url, *ct = NULL;
	const char *headers[3] = { "Accept: application/json", NULL, NULL };
	struct http_request req;
	int rc;

	memset(resp, 0, sizeof *resp);
	if (credentials(kc, &token, err))
		return -1;
	url = xasprintf("%s%s", kc->cfg.server, call->path);
	if (call->content_type) {
		ct = xasprintf("Content-Type: %s", call->content_type);
		headers[1] = ct;
	}
	req = (struct http_request){
		.method = call->method,
		.url = url,
		.headers = headers,
		.body = call->body,
		.body_len = call->body ? strlen(call->body) : 0,
		.bearer_token = token,
		.basic_user = token ? NULL : kc->cfg.username,
		.basic_password = kc->cfg.password,
		.tls = &kc->tls,
		.timeout_ms = call->timeout_ms ? call->timeout_ms : ONESHOT_TIMEOUT_MS,
	};
	rc = http_request_sync(kc->rt->http, kc->rt->loop, &req, resp, err);
	if (!rc && dropped_connection(call, resp)) {
		http_response_free(resp);
		rc = http_request_sync(kc->rt->http, kc->rt->loop, &req, resp, err);
	}
	free(url);
	free(ct);
	if (!rc && resp->status == 401 && kc->exec_cred)
		kube_client_invalidate_credential(kc);
	return rc;
}

bool kube_response_unreachable(const struct http_response *resp)
{
	return resp->status == 0;
}

/* "/apis/apps/v1/namespaces/NS/deployments/web/scale?x" → verb, resource,
 * namespace, as the server's authorizer sees them. */
static void describe(const char *method, const char *path, char *verb, size_t vsize,
		     char *resource, size_t rsize, char *ns, size_t nsize)
{
	char *copy = xstrndup(path, strcspn(path, "?")), *save = NULL, *parts[10];
	const char *query = strchr(path, '?');
	int n = 0, i;
	bool named;

	for (char *p = strtok_r(copy, "/", &save); p && n < 10; p = strtok_r(NULL, "/", &save))
		parts[n++] = p;
	i = n > 0 && !strcmp(parts[0], "api") ? 2 : 3;    /* after api/v1 or apis/g/v */
	*ns = '\0';
	if (i + 1 < n && !strcmp(parts[i], "namespaces")) {
		snprintf(ns, nsize, "%s", parts[i + 1]);
		i += 2;
	}
	snprintf(resource, rsize, "%s%s%s", i < n ? parts[i] : "resources",
		 i + 2 < n ? "/" : "", i + 2 < n ? parts[i + 2] : "");
	named = i + 1 < n;
	if (!method || !strcmp(method, "GET"))
		snprintf(verb, vsize, "%s", named ? "get" : query && strstr(query, "watch=")
			 ? "watch" : "list");
	else if (!strcmp(method, "PATCH"))
		snprintf(verb, vsize, "patch");
	else if (!strcmp(method, "PUT"))
		snprintf(verb, vsize, "update");
	else if (!strcmp(method, "DELETE"))
		snprintf(verb, vsize, "delete");
	else if (!strcmp(method, "POST"))
		snprintf(verb, vsize, "create");
	else
		snprintf(verb, vsize, "%s", method);
	free(copy);
}

void kube_response_error(const struct kube_client *kc, const char *method, const char *path,
			 const struct http_response *resp, struct err *err)
{
	char verb[16], resource[96], ns[256], where[300];
	cJSON *st = NULL;
	const cJSON *msg;
	const char *text = NULL;

	if (resp->status == 0) {
		bool tls = strstr(resp->error, "SSL") || strstr(resp->error, "certificate");

		err_set(err, "cannot reach %s (context '%s' in %s): %s%s%s%s", kc->cfg.server,
			kc->cfg.context, kc->cfg.files, resp->error[0] ? resp->error : "no answer",
			tls ? " — check certificate-authority of cluster '" : "",
			tls ? kc->cfg.cluster : "", tls ? "'" : "");
		return;
	}
	if (resp->error[0]) {
		/* an answer began, then the transfer broke (a cut stream, a stall) */
		err_set(err, "lost the connection to %s (context '%s'): %s", kc->cfg.server,
			kc->cfg.context, resp->error);
		return;
	}
	describe(method, path, verb, sizeof verb, resource, sizeof resource, ns, sizeof ns);
	if (resp->body)
		st = cJSON_Parse(resp->body);
	msg = cJSON_GetObjectItemCaseSensitive(st, "message");
	if (cJSON_IsString(msg) && *msg->valuestring)
		text = msg->valuestring;
	if (*ns)
		snprintf(where, sizeof where, " in namespace %s", ns);
	else
		where[0] = '\0';
	if (resp->status == 401)
		err_set(err, "unauthorized: the server refused the credentials of user '%s' "
			"(context '%s') to %s %s%s: %s", kc->cfg.user ? kc->cfg.user : "",
			kc->cfg.context, verb, resource, where, text ? text : "401 Unauthorized");
	else if (resp->status == 403)
		err_set(err, "forbidden: cannot %s %s%s: %s", verb, resource, where,
			text ? text : "403 Forbidden");
	else
		err_set(err, "%s %s%s: %s (HTTP %ld)", verb, resource, where,
			text ? text : "the server refused", resp->status);
	cJSON_Delete(st);
}

static const struct {
	const char *group;          /* "/api/v1" or "/apis/apps/v1" */
	const char *plural;
	bool optional;              /* a CRD's: watched only where it is served */
} resources[KUBE_RESOURCE_COUNT] = {
	[KUBE_DEPLOYMENTS] = { "/apis/apps/v1", "deployments" },
	[KUBE_REPLICASETS] = { "/apis/apps/v1", "replicasets" },
	[KUBE_PODS] = { "/api/v1", "pods" },
	[KUBE_EVENTS] = { "/api/v1", "events" },
	[KUBE_SERVICES] = { "/api/v1", "services" },
	[KUBE_ROLLOUTS] = { "/apis/argoproj.io/v1alpha1", "rollouts", true },
	[KUBE_ANALYSISRUNS] = { "/apis/argoproj.io/v1alpha1", "analysisruns", true },
	[KUBE_CANARIES] = { "/apis/flagger.app/v1beta1", "canaries", true },
};

const char *kube_resource_group(enum kube_resource res)
{
	return resources[res].optional ? resources[res].group : NULL;
}

const char *kube_resource_plural(enum kube_resource res)
{
	return resources[res].plural;
}

char *kube_path(enum kube_resource res, const char *ns, const char *name)
{
	if (ns && *ns)
		return xasprintf("%s/namespaces/%s/%s%s%s", resources[res].group, ns,
				 resources[res].plural, name ? "/" : "", name ? name : "");
	return xasprintf("%s/%s%s%s", resources[res].group, resources[res].plural,
			 name ? "/" : "", name ? name : "");
}

char *kube_query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		    || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
