/* The demo's small real world as text: the app, its test, its pipeline, its
 * publish script and its Kubernetes manifests. */
#ifndef SHIPDECK_DEMO_TEMPLATE_H
#define SHIPDECK_DEMO_TEMPLATE_H

/* One commit of the demo repository: files to write (path, content) and
 * the message. */
struct demo_file {
	const char *path;
	const char *content;
	int mode;                   /* 0644 or 0755 */
};

struct demo_commit {
	const char *message;
	const struct demo_file *files;  /* NULL-path terminated */
};

/* In order: the first two pass their tests, the last breaks them. */
extern const struct demo_commit demo_commits[];
extern const int demo_ncommits;
/* The commit the demo builds and deploys first (index into demo_commits). */
enum { DEMO_GOOD_COMMIT = 1 };

/* Manifests for the sandbox: web (rolling update), shop + Service (canary),
 * pay-blue/pay-green + Service (blue/green), and greet in the namespaces
 * stage and prod (the environments, one env var apart), all on image.
 * Caller frees. */
char *demo_manifests(const char *image);
/* The environments' namespaces (stage, prod), as manifests. */
extern const char demo_namespaces[];
/* Faults: tags containing "bad-stall" never become ready, "bad-errors"
 * serve 20% errors and slow answers. */
extern const char demo_faults[];
/* .shipdeck.yml for the registry and Prometheus addresses. Caller frees. */
char *demo_project_settings(const char *registry, const char *prometheus_url);

#endif
