#include "kube/auth/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* A plugin that has not answered in this long is stuck (waiting for a
 * browser login, say): give up rather than freeze the console. */
enum { EXEC_TIMEOUT_MS = 60000 };

void kube_exec_cred_free(struct kube_exec_cred *c)
{
	free(c->token);
	free(c->cert_pem);
	free(c->key_pem);
	memset(c, 0, sizeof *c);
}

int kube_exec_parse(const char *api_version, const char *json, struct kube_exec_cred *out,
		    struct err *err)
{
	cJSON *root = cJSON_Parse(json), *status;
	const cJSON *kind, *api, *tok, *cert, *key, *exp;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(root)) {
		err_set(err, "its output is not a JSON ExecCredential");
		goto out;
	}
	kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
	api = cJSON_GetObjectItemCaseSensitive(root, "apiVersion");
	if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "ExecCredential")) {
		err_set(err, "its output is not an ExecCredential (kind)");
		goto out;
	}
	if (!cJSON_IsString(api) || strcmp(api->valuestring, api_version)) {
		err_set(err, "it answered apiVersion '%s', the kubeconfig asks for '%s'",
			cJSON_IsString(api) ? api->valuestring : "", api_version);
		goto out;
	}
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (!cJSON_IsObject(status)) {
		err_set(err, "its ExecCredential has no status");
		goto out;
	}
	tok = cJSON_GetObjectItemCaseSensitive(status, "token");
	cert = cJSON_GetObjectItemCaseSensitive(status, "clientCertificateData");
	key = cJSON_GetObjectItemCaseSensitive(status, "clientKeyData");
	exp = cJSON_GetObjectItemCaseSensitive(status, "expirationTimestamp");
	if (cJSON_IsString(tok) && *tok->valuestring)
		out->token = xstrdup(tok->valuestring);
	if (cJSON_IsString(cert) && *cert->valuestring && cJSON_IsString(key)
	    && *key->valuestring) {
		out->cert_pem = xstrdup(cert->valuestring);
		out->cert_len = strlen(out->cert_pem);
		out->key_pem = xstrdup(key->valuestring);
		out->key_len = strlen(out->key_pem);
	} else if (cJSON_IsString(cert) != cJSON_IsString(key)) {
		err_set(err, "its ExecCredential has a client certificate without a key, or a key "
			"without a certificate");
		goto out;
	}
	if (!out->token && !out->cert_pem) {
		err_set(err, "its ExecCredential has neither a token nor a client certificate");
		goto out;
	}
	if (cJSON_IsString(exp)) {
		time_t t;

		if (time_parse_rfc3339(exp->valuestring, &t)) {
			err_set(err, "its expirationTimestamp '%s' is not RFC 3339",
				exp->valuestring);
			goto out;
		}
		out->expires = t;
	}
	rc = 0;
out:
	if (rc)
		kube_exec_cred_free(out);
	cJSON_Delete(root);
	return rc;
}

static char *exec_info(const struct kube_config *cfg)
{
	cJSON *o = cJSON_CreateObject(), *spec = cJSON_AddObjectToObject(o, "spec");
	char *s;

	cJSON_AddStringToObject(o, "kind", "ExecCredential");
	cJSON_AddStringToObject(o, "apiVersion", cfg->exec->api_version);
	cJSON_AddBoolToObject(spec, "interactive", false);
	if (cfg->exec->provide_cluster_info) {
		cJSON *cl = cJSON_AddObjectToObject(spec, "cluster");

		cJSON_AddStringToObject(cl, "server", cfg->server);
		if (cfg->insecure)
			cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify", true);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static void child(const struct kube_config *cfg, int out_fd, int err_fd, const char *info)
{
	const struct kube_exec *e = cfg->exec;
	char **argv = xcalloc(e->nargs + 2, sizeof *argv);
	int devnull = open("/dev/null", O_RDONLY);

	argv[0] = e->command;
	for (size_t i = 0; i < e->nargs; i++)
		argv[i + 1] = e->args[i];
	if (devnull >= 0)
		dup2(devnull, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	setenv("KUBERNETES_EXEC_INFO", info, 1);
	for (size_t i = 0; i < e->nenv; i++)
		putenv(e->env[i]);
	signal(SIGPIPE, SIG_DFL);
	execvp(e->command, argv);
	dprintf(STDERR_FILENO, "exec: %s", strerror(errno));
	_exit(127);
}

/* Reads stdout and stderr of the child until both close or time runs out. */
static bool drain(int out_fd, int err_fd, struct strbuf *out, struct strbuf *errs)
{
	struct pollfd fds[2] = { { .fd = out_fd, .events = POLLIN },
				 { .fd = err_fd, .events = POLLIN } };
	int64_t deadline = time_mono_ms() + EXEC_TIMEOUT_MS;
	int open_fds = 2;

	while (open_fds) {
		int64_t left = deadline - time_mono_ms();
		char buf[4096];

		if (left <= 0)
			return false;
		if (poll(fds, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			n = read(fds[i].fd, buf, sizeof buf);
			if (n > 0) {
				if ((i ? errs : out)->len < (1u << 20))
					sb_append(i ? errs : out, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	return true;
}

int kube_exec_run(const struct kube_config *cfg, struct kube_exec_cred *out, struct err *err)
{
	const struct kube_exec *e = cfg->exec;
	struct strbuf so = { 0 }, se = { 0 };
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, status = 0, rc = -1;
	char *info = exec_info(cfg), *first;
	bool finished;
	pid_t pid;

	memset(out, 0, sizeof *out);
	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		err_set(err, "exec plugin %s: %s", e->command, strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err_set(err, "exec plugin %s: %s", e->command, strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(cfg, outp[1], errp[1], info);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	finished = drain(outp[0], errp[0], &so, &se);
	if (!finished)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* the first line of stderr says why; a plugin's output is not drawn raw */
	first = xstrndup(sb_str(&se), strcspn(sb_str(&se), "\n"));
	if (!finished) {
		err_set(err, "exec plugin %s: no credential after %d s", e->command,
			EXEC_TIMEOUT_MS / 1000);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !so.len) {
		err_set(err, "exec plugin %s: cannot run it (%s)%s%s", e->command, first,
			e->install_hint ? "; " : "", e->install_hint ? e->install_hint : "");
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		err_set(err, "exec plugin %s: exit status %d%s%s", e->command,
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			*first ? ": " : "", first);
	} else if (kube_exec_parse(e->api_version, sb_str(&so), out, err)) {
		err_prefix(err, "exec plugin %s", e->command);
	} else {
		rc = 0;
	}
	free(first);
out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	sb_free(&so);
	sb_free(&se);
	cJSON_free(info);
	return rc;
}
