/* shipdeck-upstream: the real Kubernetes control plane on 127.0.0.1, with the
 * same contract as shipdeck-sandbox — a kubeconfig out, one line on stdout
 * once it serves, SIGTERM stops exactly what it started — so the demo and the
 * tests run on either cluster the same way. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/loop.h"
#include "upstream/cluster.h"
#include "util/args.h"
#include "util/file.h"
#include "util/xalloc.h"

static const char usage[] =
	"usage: shipdeck-upstream --kubeconfig-out FILE [--port N] [--dir D] [--bin-dir D]\n"
	"                         [--faults FILE.yaml] [--manifests FILE.yaml]\n"
	"                         [--audit-log FILE | --request-log FILE] [--time-scale X]\n"
	"                         [--nodes N] [--api-qps N]\n"
	"\n"
	"Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok\n"
	"(built by upstream/build) on free 127.0.0.1 ports and prints\n"
	"  shipdeck-upstream listening on https://127.0.0.1:PORT\n"
	"once the nodes are Ready. SIGTERM or SIGINT stops them all. Pod logs are\n"
	"written to D/podlogs and served by kwok's kubelet server.\n"
	"  --dir D        data, certificates and logs (default: a temporary folder,\n"
	"                 removed at exit); started again on the same D, the cluster\n"
	"                 keeps D/pki's CA, certificates and tokens\n"
	"  --bin-dir D    the binaries (default $SHIPDECK_UPSTREAM_BIN, else\n"
	"                 $XDG_CACHE_HOME/shipdeck/upstream/" SHIPDECK_UPSTREAM_KEY "/bin)\n"
	"  --faults F     the sandbox's faults by image, as kwok stages\n"
	"  --audit-log F  the apiserver's audit log (default D/audit.log)\n"
	"  --time-scale X divides kwok's pod delays, and the progress deadline and\n"
	"                 minReadySeconds of the --manifests Deployments (the real\n"
	"                 controller counts real seconds)\n"
	"  --api-qps N    the controller-manager's and scheduler's requests a second\n"
	"                 to the apiserver (burst 2N; default theirs, 20 and 50: a\n"
	"                 ReplicaSet of 10,000 pods takes 8 minutes at 20)\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "shipdeck-upstream: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

struct run {
	struct upstream_cluster *cluster;
	struct loop *loop;
	int exit_code;
	bool done;
};

static void on_signal(void *ctx, int signo)
{
	struct run *r = ctx;

	(void)signo;
	r->done = true;
}

static void on_child(void *ctx, pid_t pid, int status)
{
	struct run *r = ctx;
	int comp = upstream_component_of(r->cluster, pid);

	if (comp < 0)
		return;
	r->cluster->procs[comp].pid = 0;
	fprintf(stderr, "shipdeck-upstream: %s exited (%s %d); log: %s\n",
		upstream_component_names[comp], WIFEXITED(status) ? "status" : "signal",
		WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		r->cluster->procs[comp].log);
	r->exit_code = 1;
	r->done = true;
}

static void remove_tree(const char *dir)
{
	char *argv[] = { "/bin/rm", "-rf", (char *)dir, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	struct upstream_opts o = { .time_scale = 1, .nodes = 3 };
	struct upstream_cluster cluster;
	struct run run = { .cluster = &cluster };
	struct err err = { 0 };
	char *bin_dir = NULL, *tmp_dir = NULL;
	const char *missing;

	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("shipdeck-upstream %s (%s)\n", SHIPDECK_VERSION,
			       SHIPDECK_UPSTREAM_KEY);
			return 0;
		} else if ((v = args_flag_value(argc, argv, &i, "--kubeconfig-out"))) {
			o.kubeconfig_out = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--dir"))) {
			o.dir = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--bin-dir"))) {
			o.bin_dir = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--faults"))) {
			o.faults = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--manifests"))) {
			o.manifests = v;
		} else if ((v = args_flag_value(argc, argv, &i, "--audit-log"))
			   || (v = args_flag_value(argc, argv, &i, "--request-log"))) {
			/* the sandbox's --request-log: here the apiserver's own audit
			 * log, one JSON event per line (verb, requestURI, user) */
			o.audit_log = v;
		} else if (!strcmp(argv[i], "--plain-http")
			   || args_flag_value(argc, argv, &i, "--watch-history")) {
			return usage_error("%s is shipdeck-sandbox's; the real apiserver serves "
					   "only HTTPS and keeps watch history until etcd compacts "
					   "it", argv[i]);
		} else if ((v = args_flag_value(argc, argv, &i, "--port"))) {
			long p = strtol(v, &end, 10);

			if (!*v || *end || p < 0 || p > 65535)
				return usage_error("--port: expected 0..65535, got '%s'", v);
			o.port = (int)p;
		} else if ((v = args_flag_value(argc, argv, &i, "--nodes"))) {
			long n = strtol(v, &end, 10);

			if (!*v || *end || n < 1 || n > 1000)
				return usage_error("--nodes: expected 1..1000, got '%s'", v);
			o.nodes = (int)n;
		} else if ((v = args_flag_value(argc, argv, &i, "--api-qps"))) {
			long n = strtol(v, &end, 10);

			if (!*v || *end || n < 1 || n > 100000)
				return usage_error("--api-qps: expected 1..100000, got '%s'", v);
			o.api_qps = (int)n;
		} else if ((v = args_flag_value(argc, argv, &i, "--time-scale"))) {
			o.time_scale = strtod(v, &end);
			if (!*v || *end || o.time_scale <= 0)
				return usage_error("--time-scale: expected a number > 0, got '%s'",
						   v);
		} else {
			return usage_error("unknown argument '%s'", argv[i]);
		}
	}
	if (!o.kubeconfig_out || !*o.kubeconfig_out)
		return usage_error("--kubeconfig-out FILE is required");

	bin_dir = o.bin_dir ? xstrdup(o.bin_dir) : upstream_default_bin_dir();
	o.bin_dir = bin_dir;
	if ((missing = upstream_missing_binary(bin_dir))) {
		fprintf(stderr,
			"shipdeck-upstream: %s not found in %s: build the upstream components with "
			"upstream/build (in shipdeck's source tree; Go ≥ 1.26 and the Go module "
			"proxy)\n", missing, bin_dir);
		free(bin_dir);
		return 2;
	}
	if (!o.dir) {
		tmp_dir = xstrdup("/tmp/shipdeck-upstream.XXXXXX");
		if (!mkdtemp(tmp_dir)) {
			perror("shipdeck-upstream: mkdtemp");
			return 1;
		}
		o.dir = tmp_dir;
	} else if (file_mkdirs(o.dir, &err)) {
		fprintf(stderr, "shipdeck-upstream: %s\n", err.msg);
		return 1;
	}

	o.stop = &run.done;
	run.loop = loop_new();
	/* watched before anything starts, so a ^C during start-up is seen */
	loop_signal_watch(run.loop, SIGTERM, on_signal, &run);
	loop_signal_watch(run.loop, SIGINT, on_signal, &run);
	signal(SIGPIPE, SIG_IGN);
	if (upstream_start(&cluster, &o, run.loop, &err)) {
		fprintf(stderr, "shipdeck-upstream: %s\n", err.msg);
		run.exit_code = 1;
	} else {
		for (int i = 0; i < UP_NCOMPONENTS; i++)
			loop_child_watch(run.loop, cluster.procs[i].pid, on_child, &run);
		printf("shipdeck-upstream listening on %s\n", cluster.url);
		fflush(stdout);
		loop_run(run.loop, &run.done);
		upstream_stop(&cluster, UPSTREAM_GRACE_MS);
	}
	upstream_free(&cluster);
	loop_free(&run.loop);
	if (tmp_dir)
		remove_tree(tmp_dir);
	free(tmp_dir);
	free(bin_dir);
	return run.exit_code;
}
