/* Project settings: `.shipdeck.yml` at the repository root (CONTRACT.md).
 * Every key has a default and the file is optional; unknown keys are refused
 * with file:line:col. */
#ifndef SHIPDECK_PROJECT_PROJECT_H
#define SHIPDECK_PROJECT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct registry_conf {
	char *host;                 /* "127.0.0.1:5000" */
	bool plain_http;            /* defaults to true for loopback hosts */
	bool insecure_skip_verify;
	char *username_env;
	char *password_env;
};

struct metric_conf {
	char *name;
	char *query;                /* PromQL with {namespace} {deployment} {interval} */
	bool higher_is_better;
	bool has_min, has_max;
	double min, max;
};

enum release_strategy { RELEASE_CANARY, RELEASE_BLUE_GREEN };

struct app_conf {
	char *name;
	char *namespace;            /* NULL: the namespace in use */
	enum release_strategy strategy;
	int *steps;                 /* percent, increasing, last is 100 */
	size_t nsteps;
	int64_t interval_ms;
	int threshold;
	int min_samples;            /* per side before a PASS; 0: half of what an interval gives */
	double pass_score;
	double marginal_score;
	struct metric_conf *metrics;
	size_t nmetrics;
};

/* chaos: where experiments live and how far one may reach. */
struct chaos_conf {
	char *dir;                  /* default "chaos", relative to the repository */
	int max_pods;               /* pods one experiment may kill; default 1 */
	int max_pods_percent;       /* > 0 when max_pods was "N%": of a deployment's replicas */
	char **namespaces;          /* allowed namespaces; NULL: the namespace in use */
	size_t nnamespaces;
};

/* environments: an ordered list (dev → stage → prod); an image is promoted
 * from one to the next by digest (src/env/). */
struct env_app {
	char *name;                 /* the app: "web" */
	char **deployments;         /* the Deployments that make it up there */
	size_t ndeployments;
};

struct env_conf {
	char *name;                 /* "stage" */
	char *context;              /* a context of the kubeconfig; NULL: the current one */
	char *namespace;            /* default "default" */
	struct env_app *apps;
	size_t napps;
	/* rules for promoting into this environment */
	char *requires_passed;      /* an earlier environment the digest must run in, or NULL */
	int64_t requires_for_ms;    /* ... for at least this long (its oldest ready pod) */
	bool confirm_twice;         /* confirm: twice — a second question */
	char **expected;            /* drift fields expected to differ here (not reported) */
	size_t nexpected;
	int line;                   /* where it is declared, for messages */
};
/* ci: a remote CI backend the pipeline pane reads (several may be listed;
 * the console reads the first, headless commands pick one by --backend). */
enum ci_backend_kind { CI_BACKEND_LOCAL, CI_BACKEND_GITHUB, CI_BACKEND_GITEA, CI_BACKEND_DRONE };

struct ci_conf {
	enum ci_backend_kind backend;
	char *url;                  /* server root; github: https://api.github.com */
	char *repo;                 /* "owner/name"; NULL for local */
	char *token_env;            /* environment variable with the token, or NULL */
};

/* "local", "github", "gitea", "drone"; -1 for another word. */
const char *ci_backend_name(enum ci_backend_kind k);
int ci_backend_parse(const char *word);

struct project {
	char *path;                 /* the file read, or NULL when there was none */
	char *image_name;           /* NULL when not set */
	char *image_tag;            /* template, default "{sha7}-{build}" */
	double size_growth_warn;
	struct registry_conf *registries;
	size_t nregistries;
	char *pipeline_file;        /* default ".drone.yml" */
	char **test_steps;          /* NULL: steps whose name starts with "test" */
	size_t ntest_steps;
	int concurrency;
	char *pipeline_runtime;     /* host, podman, docker or auto (the default) */
	char *prometheus;           /* NULL when not set */
	struct app_conf *apps;
	size_t napps;
	struct chaos_conf chaos;
	struct env_conf *envs;
	size_t nenvs;
	struct ci_conf *ci;
	size_t nci;
};

/* Loads repo_root/.shipdeck.yml (defaults when absent; repo_root may be NULL). */
int project_load(struct project *p, const char *repo_root, struct err *err);
int project_parse(struct project *p, const char *name, const char *data, size_t len,
		  struct err *err);
void project_free(struct project *p);

/* The ci: entry for backend (the first of that kind), or NULL. */
const struct ci_conf *project_ci(const struct project *p, enum ci_backend_kind backend);

const struct app_conf *project_app(const struct project *p, const char *name);
/* The settings for a registry host, or NULL. */
const struct registry_conf *project_registry(const struct project *p, const char *host);

const struct env_conf *project_env(const struct project *p, const char *name);
/* The environment after env in the list, or NULL for the last. */
const struct env_conf *project_env_next(const struct project *p, const struct env_conf *env);
const struct env_app *env_conf_app(const struct env_conf *env, const char *app);
/* The app the Deployment deploy in namespace ns (of context, the one in use)
 * belongs to in some environment, or NULL. An environment without a context
 * of its own matches any. */
const char *project_app_of_deployment(const struct project *p, const char *context,
				      const char *ns, const char *deploy);

/* Parses environments: into p (project_env.c); frees with project_envs_free. */
struct ynode;
int project_parse_envs(struct project *p, const struct ynode *n, const char *name,
		       struct err *err);
void project_envs_free(struct project *p);

/* Checks a tag template: known placeholders only, unique per build ({build},
 * {sha} or {sha7}), never "latest". */
int project_check_tag_template(const char *tmpl, struct err *err);

#endif
