/* shipdeck-sandbox: command line, start-up and shutdown. */
#include <errno.h>
#include <fcntl.h>

#include <curl/curl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/api.h"
#include "sandbox/controllers.h"
#include "sandbox/jsonx.h"
#include "sandbox/mirror_client.h"
#include "sandbox/sandbox.h"
#include "sandbox/server.h"
#include "sandbox/tls.h"
#include "util/args.h"
#include "util/ydoc.h"

#define DEFAULT_WATCH_HISTORY 1000

static const char usage[] =
	"usage: shipdeck-sandbox --port N (0: free port) --kubeconfig-out FILE\n"
	"                        [--plain-http] [--time-scale X] [--manifests FILE.yaml]\n"
	"                        [--faults FILE.yaml] [--request-log FILE] [--watch-history N]\n"
	"       shipdeck-sandbox --traffic-only --kubeconfig FILE --port N\n"
	"                        [--faults FILE.yaml] [--request-log FILE]\n"
	"\n"
	"--traffic-only runs only the simulated traffic and its /metrics, for the pods of\n"
	"the cluster of FILE's current context (any Kubernetes API server): it lists and\n"
	"watches Deployments, ReplicaSets, Services and Pods there (GET requests only,\n"
	"never a write) and sends 20 requests/s to the ready pods behind each Service\n"
	"with a selector; faults come from pod annotations and --faults as usual. It\n"
	"serves /metrics and /healthz over plain HTTP on 127.0.0.1:N, no token; the\n"
	"listening line says http://.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "shipdeck-sandbox: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

static int parse_args(int argc, char **argv, struct sandbox_opts *o)
{
	bool have_port = false, have_scale = false, have_history = false;

	*o = (struct sandbox_opts){ .time_scale = 1, .watch_history = DEFAULT_WATCH_HISTORY };
	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(argv[i], "--version")) {
			printf("shipdeck-sandbox %s (Kubernetes API v1.32)\n", SHIPDECK_VERSION);
			exit(0);
		} else if (!strcmp(argv[i], "--plain-http")) {
			o->plain_http = true;
		} else if (!strcmp(argv[i], "--traffic-only")) {
			o->traffic_only = true;
		} else if ((v = args_flag_value(argc, argv, &i, "--kubeconfig"))) {
			if (!*v)
				return usage_error("--kubeconfig: expected a file name");
			o->kubeconfig = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--port"))) {
			long p = strtol(v, &end, 10);

			if (!*v || *end || p < 0 || p > 65535)
				return usage_error("--port: expected 0..65535, got '%s'", v);
			o->port = (int)p;
			have_port = true;
		} else if ((v = args_flag_value(argc, argv, &i, "--kubeconfig-out"))) {
			if (!*v)
				return usage_error("--kubeconfig-out: expected a file name");
			o->kubeconfig_out = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--time-scale"))) {
			have_scale = true;
			o->time_scale = strtod(v, &end);
			if (!*v || *end || !(o->time_scale > 0) || o->time_scale > 1e6)
				return usage_error("--time-scale: expected a number above 0, got "
						   "'%s'", v);
		} else if ((v = args_flag_value(argc, argv, &i, "--manifests"))) {
			o->manifests = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--faults"))) {
			o->faults = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--request-log"))) {
			o->request_log = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--watch-history"))) {
			long long n = strtoll(v, &end, 10);

			if (!*v || *end || n < 1 || n > 100000000)
				return usage_error("--watch-history: expected a number above 0, "
						   "got '%s'", v);
			o->watch_history = (size_t)n;
			have_history = true;
		} else {
			return usage_error("unknown argument '%s'", argv[i]);
		}
	}
	if (!have_port)
		return usage_error("--port is required");
	if (o->traffic_only) {
		/* the other cluster keeps its own objects and time */
		const char *no = o->kubeconfig_out ? "--kubeconfig-out" : o->manifests
			? "--manifests"
				 : have_scale ? "--time-scale" : have_history ? "--watch-history"
				 : NULL;

		if (no)
			return usage_error("%s does not go with --traffic-only", no);
		if (!o->kubeconfig)
			return usage_error("--traffic-only needs --kubeconfig FILE");
		o->plain_http = true;
		return 0;
	}
	if (o->kubeconfig)
		return usage_error("--kubeconfig is for --traffic-only (the sandbox writes its own "
				   "with --kubeconfig-out)");
	if (!o->kubeconfig_out)
		return usage_error("--kubeconfig-out is required");
	return 0;
}

static int load_manifests(struct sandbox *sb, const char *path, struct err *err)
{
	struct ydoc doc;
	int rc = 0;

	if (ydoc_load_file(&doc, path, err))
		return -1;
	for (size_t i = 0; i < doc.n && !rc; i++) {
		cJSON *obj = ynode_to_json(doc.roots[i]);

		if (cJSON_IsArray(J(obj, "items"))) {
			/* a List of objects, as `kubectl get -o yaml` writes */
			cJSON *item;

			cJSON_ArrayForEach(item, J(obj, "items"))
				if (!rc && api_create_object(sb, cJSON_Duplicate(item, 1), err))
					rc = err_prefix(err, "%s:%d:%d", path, doc.roots[i]->line,
							doc.roots[i]->col);
			cJSON_Delete(obj);
			continue;
		}
		if (api_create_object(sb, obj, err))
			rc = err_prefix(err, "%s:%d:%d", path, doc.roots[i]->line,
					doc.roots[i]->col);
	}
	ydoc_free(&doc);
	return rc;
}

int main(int argc, char **argv)
{
	struct sandbox_opts opt;
	struct sandbox sb;
	struct tls_material tls = { 0 };
	struct server *srv = NULL;
	struct mirror *mirror = NULL;
	pthread_t controller;
	bool controller_running = false;
	struct err err = { 0 };
	sigset_t sigs;
	char url[64];
	int rc = 1, sig;

	rc = parse_args(argc, argv, &opt);
	if (rc)
		return rc;
	rc = 1;

	/* Signals go to sigwait() below, never to a handler on a random thread. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	sandbox_init(&sb, &opt);

	if (sb.opt.faults && faults_load(&sb.faults, sb.opt.faults, &err)) {
		fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
		rc = 2;
		goto out;
	}
	pthread_mutex_lock(&sb.mu);
	if (sb.opt.manifests && load_manifests(&sb, sb.opt.manifests, &err)) {
		pthread_mutex_unlock(&sb.mu);
		fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
		rc = 2;
		goto out;
	}
	pthread_mutex_unlock(&sb.mu);

	if (sb.opt.request_log) {
		sb.reqlog_fd = open(sb.opt.request_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				    0644);
		if (sb.reqlog_fd < 0) {
			fprintf(stderr, "shipdeck-sandbox: %s: %s\n", sb.opt.request_log,
				strerror(errno));
			rc = 2;
			goto out;
		}
	}
	if (sb.opt.traffic_only) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		mirror = mirror_start(&sb, sb.opt.kubeconfig, &err);
		if (!mirror) {
			fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
			goto out;
		}
	} else if (!sb.opt.plain_http) {
		if (tls_make(&tls, &err)) {
			fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
			goto out;
		}
		tls_make_token(sb.token);
		pthread_mutex_lock(&sb.mu);
		sb.ca_pem = tls.ca_pem;
		pthread_mutex_unlock(&sb.mu);
	}
	srv = server_start(&sb, sb.opt.plain_http ? NULL : &tls, &err);
	if (!srv) {
		fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
		goto out;
	}
	snprintf(url, sizeof url, "%s://127.0.0.1:%d", sb.opt.plain_http ? "http" : "https",
		 sb.port);
	if (!sb.opt.traffic_only
	    && tls_write_kubeconfig(sb.opt.kubeconfig_out, url,
				    sb.opt.plain_http ? NULL : tls.ca_pem,
				    sb.opt.plain_http ? NULL : sb.token, &err)) {
		fprintf(stderr, "shipdeck-sandbox: %s\n", err.msg);
		goto out;
	}
	if (pthread_create(&controller, NULL, sb.opt.traffic_only ? traffic_only_main
			   : controller_main, &sb)) {
		fprintf(stderr, "shipdeck-sandbox: cannot start the controller thread\n");
		goto out;
	}
	controller_running = true;
	printf("shipdeck-sandbox listening on %s\n", url);
	fflush(stdout);

	sigdelset(&sigs, SIGPIPE);
	do {
		if (sigwait(&sigs, &sig))
			break;
	} while (sig != SIGTERM && sig != SIGINT && sig != SIGHUP);
	rc = 0;
out:
	pthread_mutex_lock(&sb.mu);
	sb.stopping = true;
	pthread_cond_broadcast(&sb.changed);
	pthread_cond_broadcast(&sb.kick);
	pthread_mutex_unlock(&sb.mu);
	if (controller_running)
		pthread_join(controller, NULL);
	mirror_stop(mirror);
	server_stop(srv);
	sandbox_free(&sb);
	tls_material_free(&tls);
	if (sb.opt.traffic_only)
		curl_global_cleanup();
	return rc;
}
