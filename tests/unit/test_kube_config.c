/* kubeconfig: merge rules, each auth kind, bad inputs with clear messages,
 * and the exec plugin's credential. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "kube/auth/exec.h"
#include "kube/kubeconfig.h"

static char dir[] = "/tmp/shipdeck-kcfg-XXXXXX";

static char *write_file(const char *name, const char *text)
{
	static char paths[16][512];
	static int next;
	char *p = paths[next++ % 16];
	FILE *f;

	snprintf(p, 512, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static const char *base =
	"apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
	"clusters:\n"
	"- name: dev\n  cluster:\n    server: https://127.0.0.1:6443/\n"
	"    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n"
	"- name: prod\n  cluster:\n    server: https://prod.example:443\n"
	"    insecure-skip-tls-verify: true\n"
	"contexts:\n"
	"- name: dev\n  context: {cluster: dev, user: tok, namespace: shop}\n"
	"- name: prod\n  context: {cluster: prod, user: basic}\n"
	"users:\n"
	"- name: tok\n  user: {token: abc123}\n"
	"- name: basic\n  user: {username: ann, password: s3cret}\n";

static int load(struct kube_config *c, const char *explicit_path, const char *env,
		const char *context, const char *ns, struct err *err)
{
	struct kube_config_opts o = { .explicit_path = explicit_path, .env = env, .home = dir,
				      .context = context, .namespace = ns };

	return kube_config_load(c, &o, err);
}

static void test_basic(void)
{
	struct kube_config c;
	struct err err = { 0 };
	char *p = write_file("base.yaml", base);

	tap_is_int(load(&c, p, NULL, NULL, NULL, &err), 0, "explicit file loads");
	tap_is_str(c.context, "dev", "current-context used");
	tap_is_str(c.server, "https://127.0.0.1:6443", "server without trailing slash");
	tap_is_str(c.namespace, "shop", "context namespace");
	tap_is_str(c.token, "abc123", "bearer token");
	tap_is_str(c.ca_pem, "-----BEGIN CERTIFICATE-----\n", "CA data decoded");
	tap_ok(!c.insecure, "TLS verification on by default");
	kube_config_free(&c);

	tap_is_int(load(&c, p, NULL, "prod", "web", &err), 0, "--context prod");
	tap_is_str(c.namespace, "web", "-n wins over the context");
	tap_is_str(c.username, "ann", "basic auth user");
	tap_is_str(c.password, "s3cret", "basic auth password");
	tap_ok(c.insecure, "insecure-skip-tls-verify honoured when set");
	kube_config_free(&c);
}

static void test_merge(void)
{
	struct kube_config c;
	struct err err = { 0 };
	char env[1200];
	char *a = write_file("a.yaml",
		"clusters:\n- name: dev\n  cluster: {server: 'https://first:1'}\n"
		"users:\n- name: tok\n  user: {token: first}\n");
	char *b;

	snprintf(env, sizeof env, "%s", a);
	b = write_file("b.yaml", base);
	snprintf(env, sizeof env, "%s/missing.yaml:%s:%s", dir, a, b);
	tap_is_int(load(&c, NULL, env, NULL, NULL, &err), 0, "KUBECONFIG list merges, missing skipped");
	tap_is_str(c.server, "https://first:1", "the first file to define a cluster wins");
	tap_is_str(c.token, "first", "the first file to define a user wins");
	tap_is_str(c.context, "dev", "current-context from the later file when the first has none");
	kube_config_free(&c);

	mkdir(strcat(strcpy(env, dir), "/.kube"), 0700);
	write_file(".kube/config", base);
	tap_is_int(load(&c, NULL, NULL, NULL, NULL, &err), 0, "~/.kube/config by default");
	tap_is_str(c.context, "dev", "home config context");
	kube_config_free(&c);
	tap_is_int(load(&c, NULL, "/nonexistent/x", NULL, NULL, &err), 1,
		   "KUBECONFIG naming only missing files: no config");
}

static void test_auth_kinds(void)
{
	struct kube_config c;
	struct err err = { 0 };
	char *p;

	write_file("token.txt", "from-file\n");
	write_file("client.crt", "CERT");
	write_file("client.key", "KEY");
	p = write_file("auth.yaml",
		"current-context: c\n"
		"clusters: [{name: k, cluster: {server: 'https://k:6443', certificate-authority: ca.crt}}]\n"
		"contexts:\n"
		"- {name: c, context: {cluster: k, user: files}}\n"
		"- {name: d, context: {cluster: k, user: data}}\n"
		"- {name: e, context: {cluster: k, user: exec}}\n"
		"- {name: f, context: {cluster: k, user: tokfile}}\n"
		"users:\n"
		"- {name: files, user: {client-certificate: client.crt, client-key: client.key}}\n"
		"- {name: data, user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}}\n"
		"- {name: tokfile, user: {tokenFile: token.txt}}\n"
		"- name: exec\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
		"      command: ./plugin.sh\n      args: [get-token, --fast]\n"
		"      env: [{name: REGION, value: eu}]\n      installHint: install plugin.sh\n");
	write_file("ca.crt", "CA");
	tap_is_int(load(&c, p, NULL, NULL, NULL, &err), 0, "client cert files");
	tap_ok(c.cert_file && strstr(c.cert_file, "/client.crt") && c.cert_file[0] == '/',
	       "relative cert path resolved against the file's folder");
	tap_ok(c.ca_file && strstr(c.ca_file, "/ca.crt"), "CA file resolved");
	kube_config_free(&c);
	tap_is_int(load(&c, p, NULL, "d", NULL, &err), 0, "client cert data");
	tap_is_str(c.cert_pem, "CERT", "cert data decoded");
	tap_is_str(c.key_pem, "KEY", "key data decoded");
	kube_config_free(&c);
	tap_is_int(load(&c, p, NULL, "f", NULL, &err), 0, "token file");
	tap_ok(c.token_file && strstr(c.token_file, "/token.txt"), "token file path kept");
	kube_config_free(&c);
	tap_is_int(load(&c, p, NULL, "e", NULL, &err), 0, "exec plugin");
	tap_ok(c.exec && strstr(c.exec->command, "/plugin.sh"), "exec command with / is a path");
	tap_is_int((int)c.exec->nargs, 2, "exec args");
	tap_is_str(c.exec->env[0], "REGION=eu", "exec env");
	kube_config_free(&c);
}

static void expect_error(const char *name, const char *yaml, const char *context,
			 const char *want)
{
	struct kube_config c;
	struct err err = { 0 };
	char *p = write_file(name, yaml);
	int rc = load(&c, p, NULL, context, NULL, &err);

	tap_is_int(rc, -1, name);
	if (!tap_ok(strstr(err.msg, want) != NULL, want))
		printf("#   message: %s\n", err.msg);
	if (!rc)
		kube_config_free(&c);
}

static void test_bad(void)
{
	struct kube_config c;
	struct err err = { 0 };
	char missing[600];

	snprintf(missing, sizeof missing, "%s/nope.yaml", dir);
	tap_is_int(load(&c, missing, NULL, NULL, NULL, &err), -1, "explicit missing file");
	tap_ok(strstr(err.msg, "nope.yaml") != NULL, "missing file named");
	expect_error("syntax.yaml", "clusters: [\n  - name: x\n", NULL, "syntax.yaml:");
	expect_error("noctx.yaml", base, "staging", "context 'staging' not found");
	expect_error("badb64.yaml",
		     "current-context: c\nclusters: [{name: k, cluster: {server: 'https://k'}}]\n"
		     "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
		     "users: [{name: u, user: {client-certificate-data: '!!notbase64', "
		     "client-key-data: S0VZ}}]\n", NULL, "client-certificate-data is not valid base64");
	expect_error("badb64.yaml",
		     "current-context: c\nclusters: [{name: k, cluster: {server: 'https://k'}}]\n"
		     "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
		     "users: [{name: u, user: {client-certificate-data: '!!notbase64', "
		     "client-key-data: S0VZ}}]\n", NULL, "badb64.yaml:4:");
	expect_error("noserver.yaml",
		     "current-context: c\nclusters: [{name: k, cluster: {}}]\n"
		     "contexts: [{name: c, context: {cluster: k}}]\n", NULL,
		     "cluster 'k': server is not set");
	expect_error("nocluster.yaml",
		     "current-context: c\ncontexts: [{name: c, context: {cluster: gone}}]\n", NULL,
		     "cluster 'gone' not found");
	expect_error("both.yaml",
		     "current-context: c\nclusters: [{name: k, cluster: {server: 'https://k'}}]\n"
		     "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
		     "users: [{name: u, user: {token: t, username: a, password: b}}]\n", NULL,
		     "not both");
	expect_error("nocurrent.yaml",
		     "clusters: [{name: k, cluster: {server: 'https://k'}}]\n"
		     "contexts: [{name: c, context: {cluster: k}}]\n", NULL,
		     "current-context is not set");
	expect_error("insecureca.yaml",
		     "current-context: c\nclusters: [{name: k, cluster: {server: 'https://k', "
		     "insecure-skip-tls-verify: true, certificate-authority-data: Q0E=}}]\n"
		     "contexts: [{name: c, context: {cluster: k}}]\n", NULL, "cannot both be set");
	expect_error("authprov.yaml",
		     "current-context: c\nclusters: [{name: k, cluster: {server: 'https://k'}}]\n"
		     "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
		     "users: [{name: u, user: {auth-provider: {name: gcp}}}]\n", NULL,
		     "auth-provider is not supported");
}

static void test_base64(void)
{
	size_t n;
	char *s = kube_base64_decode("aGVs\nbG8=", &n);

	tap_is_str(s, "hello", "base64 with a newline and padding");
	tap_is_int((int)n, 5, "base64 length");
	free(s);
	tap_ok(kube_base64_decode("a$b=", &n) == NULL, "bad base64 character refused");
	tap_ok(kube_base64_decode("aGVsbG8=x", &n) == NULL, "data after padding refused");
}

static void test_exec(void)
{
	struct kube_config c;
	struct kube_exec_cred cred;
	struct err err = { 0 };
	char *p;

	tap_is_int(kube_exec_parse("client.authentication.k8s.io/v1",
		"{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
		"\"status\":{\"token\":\"tk\",\"expirationTimestamp\":\"2030-01-02T03:04:05Z\"}}",
		&cred, &err), 0, "ExecCredential parsed");
	tap_is_str(cred.token, "tk", "exec token");
	tap_is_int((long long)cred.expires, 1893553445LL, "expiry read");
	kube_exec_cred_free(&cred);
	tap_is_int(kube_exec_parse("client.authentication.k8s.io/v1",
		"{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
		"\"status\":{\"token\":\"tk\"}}", &cred, &err), -1, "apiVersion mismatch refused");
	tap_is_int(kube_exec_parse("client.authentication.k8s.io/v1",
		"{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
		"\"status\":{}}", &cred, &err), -1, "no credential refused");

	p = write_file("plugin.sh",
		"#!/bin/sh\n"
		"case \"$KUBERNETES_EXEC_INFO\" in *ExecCredential*) ;; *) exit 3;; esac\n"
		"[ \"$REGION\" = eu ] || exit 4\n"
		"echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
		"\"status\":{\"token\":\"'\"$1\"'\"}}'\n");
	chmod(p, 0755);
	chmod(write_file("fail.sh", "#!/bin/sh\necho 'login expired, run: cloud auth login' >&2\n"
			 "exit 1\n"), 0755);
	p = write_file("exec.yaml",
		"current-context: e\n"
		"clusters: [{name: k, cluster: {server: 'https://k:6443'}}]\n"
		"contexts: [{name: e, context: {cluster: k, user: ex}}, {name: f, context: {cluster: k, user: bad}},"
		" {name: g, context: {cluster: k, user: none}}]\n"
		"users:\n"
		"- name: ex\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./plugin.sh,"
		" args: [tok-42], env: [{name: REGION, value: eu}]}\n"
		"- name: bad\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./fail.sh}\n"
		"- name: none\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: no-such-plugin-x,"
		" installHint: 'install it with apt'}\n");
	tap_is_int(load(&c, p, NULL, NULL, NULL, &err), 0, "exec config");
	tap_is_int(kube_exec_run(&c, &cred, &err), 0, "plugin runs");
	tap_is_str(cred.token, "tok-42", "plugin's token (args and env passed)");
	kube_exec_cred_free(&cred);
	kube_config_free(&c);
	load(&c, p, NULL, "f", NULL, &err);
	tap_is_int(kube_exec_run(&c, &cred, &err), -1, "failing plugin");
	tap_ok(strstr(err.msg, "exit status 1: login expired") != NULL, "its stderr explains");
	kube_config_free(&c);
	load(&c, p, NULL, "g", NULL, &err);
	tap_is_int(kube_exec_run(&c, &cred, &err), -1, "missing plugin");
	tap_ok(strstr(err.msg, "install it with apt") != NULL, "installHint shown");
	kube_config_free(&c);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_basic();
	test_merge();
	test_auth_kinds();
	test_bad();
	test_base64();
	test_exec();
	{
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd))
			return 1;
	}
	return tap_done();
}
