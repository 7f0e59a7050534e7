#include "ci/drone_keys.h"

#include <stdlib.h>
#include <string.h>

/* Reasons, so that the notices read alike. */
#define NO_CONTAINER "steps run as processes on this host, not in a container"
#define NO_SCHEDULER "it chooses a machine on a Drone server; the build runs here"
#define ONE_HOST "the build runs on this host"

const struct drone_key drone_pipeline_keys[] = {
	{ "kind", NULL },
	{ "type", NULL },
	{ "name", NULL },
	{ "platform", ONE_HOST },
	{ "workspace", NULL },
	{ "clone", NULL },
	{ "steps", NULL },
	{ "services", NULL },
	{ "volumes", NO_CONTAINER },
	{ "environment", NULL },
	{ "trigger", NULL },
	{ "depends_on", NULL },
	{ "concurrency", "it limits builds queued on a Drone server" },
	{ "node", NO_SCHEDULER },
	{ "node_selector", NO_SCHEDULER },
	{ "tolerations", NO_SCHEDULER },
	{ "image_pull_secrets", "no image is pulled here" },
	{ "resources", NO_CONTAINER },
	{ "pool", NO_SCHEDULER },
	{ "server", ONE_HOST },
	{ "labels", NO_SCHEDULER },
	{ "metadata", NO_SCHEDULER },
	{ "service_account_name", NO_SCHEDULER },
	{ "dns_config", NO_CONTAINER },
	{ "host_aliases", NO_CONTAINER },
	{ "token", ONE_HOST },
	{ NULL, NULL },
};

#define STEP_COMMON                                                                       \
	{ "name", NULL },                                                                 \
	{ "image", NULL },                                                                \
	{ "pull", "no image is pulled here" },                                            \
	{ "commands", NULL },                                                             \
	{ "entrypoint", NO_CONTAINER },                                                   \
	{ "command", NO_CONTAINER },                                                      \
	{ "environment", NULL },                                                          \
	{ "settings", NULL },                                                             \
	{ "privileged", NO_CONTAINER },                                                   \
	{ "volumes", NO_CONTAINER },                                                      \
	{ "network_mode", NO_CONTAINER },                                                 \
	{ "user", NO_CONTAINER },                                                         \
	{ "shell", "commands run with sh -e here" },                                      \
	{ "working_dir", NO_CONTAINER },                                                  \
	{ "resources", NO_CONTAINER },                                                    \
	{ "devices", NO_CONTAINER },                                                      \
	{ "dns", NO_CONTAINER },                                                          \
	{ "dns_search", NO_CONTAINER },                                                   \
	{ "extra_hosts", NO_CONTAINER },                                                  \
	{ "network", NO_CONTAINER },                                                      \
	{ "shm_size", NO_CONTAINER },                                                     \
	{ "cpu_limit", NO_CONTAINER },                                                    \
	{ "mem_limit", NO_CONTAINER }

const struct drone_key drone_step_keys[] = {
	STEP_COMMON,
	{ "when", NULL },
	{ "depends_on", NULL },
	{ "failure", NULL },
	{ "detach", NULL },
	{ NULL, NULL },
};

const struct drone_key drone_service_keys[] = {
	STEP_COMMON,
	{ "when", NULL },
	{ NULL, NULL },
};

const struct drone_key drone_when_keys[] = {
	{ "branch", NULL },
	{ "event", NULL },
	{ "ref", NULL },
	{ "status", NULL },
	{ "target", NULL },
	{ "cron", NULL },
	{ "action", NULL },
	{ "paths", NULL },
	{ "repo", "there is no Drone repository slug here" },
	{ "instance", "there is no Drone server here" },
	{ NULL, NULL },
};

const struct drone_key drone_platform_keys[] = {
	{ "os", NULL }, { "arch", NULL }, { "variant", NULL }, { "version", NULL }, { NULL, NULL },
};

const struct drone_key drone_workspace_keys[] = {
	{ "path", NULL },
	{ "base",
	  "steps run in the build's work folder, which holds the checkout as BASE/PATH would" },
	{ NULL, NULL },
};

const struct drone_key drone_clone_keys[] = {
	{ "disable", NULL },
	{ "depth", "the checkout copies the one commit from the local repository" },
	{ "retries", "the checkout is local and is not retried" },
	{ "skip_verify", "the checkout is local: no TLS" },
	{ "tags", "the checkout is local" },
	{ "trace", "the checkout is local" },
	{ NULL, NULL },
};

const struct drone_key drone_volume_keys[] = {
	{ "name", NULL }, { "host", NULL }, { "temp", NULL }, { "claim", NULL },
	{ "config_map", NULL }, { NULL, NULL },
};

const struct drone_key drone_step_volume_keys[] = {
	{ "name", NULL }, { "path", NULL }, { NULL, NULL },
};

const struct drone_key drone_concurrency_keys[] = {
	{ "limit", NULL }, { NULL, NULL },
};

const struct drone_key drone_secret_keys[] = {
	{ "kind", NULL }, { "type", NULL }, { "name", NULL }, { "get", NULL }, { "data", NULL },
	{ NULL, NULL },
};

const struct drone_key drone_signature_keys[] = {
	{ "kind", NULL }, { "hmac", NULL }, { NULL, NULL },
};

const struct drone_key drone_template_keys[] = {
	{ "kind", NULL }, { "type", NULL }, { "name", NULL }, { "load", NULL }, { "data", NULL },
	{ NULL, NULL },
};

const struct drone_key *drone_key_find(const struct drone_key *keys, const char *name)
{
	for (const struct drone_key *k = keys; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

/* Levenshtein distance, capped: words longer than 63 bytes are never close. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], prev, tmp;

	if (la > 63 || lb > 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *drone_key_suggest(const struct drone_key *keys, const char *word)
{
	const char *best = NULL;
	size_t best_d = 3, wl = strlen(word);

	for (const struct drone_key *k = keys; k->name; k++) {
		size_t d = distance(word, k->name);

		/* "env" for "environment": a prefix of 3+ letters is close too */
		if (d >= best_d && wl >= 3 && !strncmp(k->name, word, wl))
			d = 2;
		if (d < best_d) {
			best_d = d;
			best = k->name;
		}
	}
	return best;
}

int drone_check_keys(const struct ynode *map, const struct drone_key *keys, const char *file,
		     const char *where, struct err *err)
{
	if (!map || map->kind != YNODE_MAP)
		return 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->keys[i];
		const char *hint;

		if (drone_key_find(keys, k->scalar))
			continue;
		hint = drone_key_suggest(keys, k->scalar);
		if (hint)
			return err_set(err, "%s:%d:%d: unknown key '%s' in %s; did you mean '%s'?",
				       file, k->line, k->col, k->scalar, where, hint);
		return err_set(err, "%s:%d:%d: unknown key '%s' in %s", file, k->line, k->col,
			       k->scalar, where);
	}
	return 0;
}
