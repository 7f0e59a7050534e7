/* kubeconfig files, as kubectl would read them: the input is one file, or two
 * merged through $KUBECONFIG when it holds a line "---8<---" (the first file
 * to name something wins); every context it names is then resolved, and an
 * exec plugin's printed credential is read from the same bytes. The loader
 * reads files, so the input goes to a private temporary folder first. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kube/auth/exec.h"
#include "kube/kubeconfig.h"
#include "util/ydoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char path_a[96], path_b[96], env[200];

static void cleanup(void)
{
	unlink(path_a);
	unlink(path_b);
	rmdir(dir);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
}

/* Resolves one context (NULL: current-context) and, when it loads, checks
 * that what it holds is consistent. */
static void resolve(const struct kube_config_opts *o, const char *context)
{
	struct kube_config_opts oo = *o;
	struct kube_config cfg;
	struct err err;

	oo.context = context;
	if (kube_config_load(&cfg, &oo, &err) != 0)
		return;
	if (!cfg.server || strncmp(cfg.server, "http", 4) || !cfg.namespace || !cfg.context)
		abort();
	if (cfg.insecure && (cfg.ca_file || cfg.ca_pem))
		abort();
	kube_config_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char cut[] = "\n---8<---\n";
	const char *text = (const char *)data, *sep;
	struct kube_config_opts o = { .home = dir };
	struct kube_exec_cred cred;
	struct ydoc doc = { 0 };
	struct err err;
	char *copy;

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/shipdeck-fuzz-kcfg-%ld", (long)getpid());
		if (mkdir(dir, 0700))
			abort();
		snprintf(path_a, sizeof path_a, "%s/a.yaml", dir);
		snprintf(path_b, sizeof path_b, "%s/b.yaml", dir);
		snprintf(env, sizeof env, "%s:%s/missing:%s", path_a, dir, path_b);
		atexit(cleanup);
	}
	sep = memmem(text, size, cut, sizeof cut - 1);
	if (sep) {
		write_file(path_a, text, (size_t)(sep - text));
		write_file(path_b, sep + sizeof cut - 1, size - (size_t)(sep - text) - (sizeof cut - 1));
		o.env = env;
	} else {
		write_file(path_a, text, size);
		unlink(path_b);
		o.explicit_path = path_a;
	}
	resolve(&o, NULL);
	/* every context the first file names, and one it does not */
	if (ydoc_parse(&doc, "a.yaml", text, sep ? (size_t)(sep - text) : size, &err) == 0) {
		const struct ynode *ctxs = doc.n ? ynode_get(doc.roots[0], "contexts") : NULL;

		for (size_t i = 0; ctxs && ctxs->kind == YNODE_SEQ && i < ctxs->n && i < 8; i++) {
			const char *name = ynode_str(ynode_get(ctxs->items[i], "name"));

			if (name)
				resolve(&o, name);
		}
		ydoc_free(&doc);
	}
	resolve(&o, "no-such-context");

	copy = malloc(size + 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (kube_exec_parse("client.authentication.k8s.io/v1", copy, &cred, &err) == 0)
		kube_exec_cred_free(&cred);
	if (kube_exec_parse("client.authentication.k8s.io/v1beta1", copy, &cred, &err) == 0)
		kube_exec_cred_free(&cred);
	free(copy);
	return 0;
}
