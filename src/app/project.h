/* Project settings: `.shipdeck.yml` at the repository root (CONTRACT.md).
 * Every key has a default and the file is optional; unknown keys are refused
 * with file:line:col. */
#ifndef SHIPDECK_APP_PROJECT_H
#define SHIPDECK_APP_PROJECT_H

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
};

/* Loads repo_root/.shipdeck.yml (defaults when absent; repo_root may be NULL). */
int project_load(struct project *p, const char *repo_root, struct err *err);
int project_parse(struct project *p, const char *name, const char *data, size_t len,
		  struct err *err);
void project_free(struct project *p);

const struct app_conf *project_app(const struct project *p, const char *name);
/* The settings for a registry host, or NULL. */
const struct registry_conf *project_registry(const struct project *p, const char *host);

/* Checks a tag template: known placeholders only, unique per build ({build},
 * {sha} or {sha7}), never "latest". */
int project_check_tag_template(const char *tmpl, struct err *err);

#endif
