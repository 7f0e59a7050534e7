/* Drone's whole 1.x format (issue 15): every documented key parses, the
 * keys the local runner ignores each give one notice and the honoured ones
 * none, typos get "did you mean", anchors and merge keys, Drone 0.8 files
 * converted (and a matrix refused), plugin settings as the PLUGIN_*
 * variables Drone's plugin docs name, services and detach in plan and
 * scheduler, and the when/trigger conditions beyond branch and event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci/drone_keys.h"
#include "ci/env.h"
#include "ci/pipeline_file.h"
#include "ci/plan.h"
#include "ci/plugin_env.h"
#include "ci/sched.h"
#include "ci/secrets.h"
#include "tap.h"

static int parse(struct ci_file *f, const char *src, struct err *err)
{
	return ci_file_parse(f, ".drone.yml", src, strlen(src), err);
}

static const struct ci_step_def *step(const struct ci_pipeline_def *p, const char *name)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, name))
			return &p->steps[i];
	return NULL;
}

static const struct ci_env *var(const struct ci_env *e, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

/* The notice about `key`, or NULL. */
static const char *notice(const struct ci_pipeline_def *p, const char *key)
{
	char want[80];

	snprintf(want, sizeof want, "`%s`", key);
	for (size_t i = 0; i < p->nnotices; i++)
		if (!strncmp(p->notices[i], want, strlen(want)))
			return p->notices[i];
	return NULL;
}

/* Every key of the list in one docker pipeline. */
static const char full_docker[] =
	"kind: pipeline\n"
	"type: docker\n"
	"name: all\n"
	"platform: {os: linux, arch: amd64, variant: v8, version: '1809'}\n"
	"workspace: {base: /go, path: src/example.com/app}\n"
	"clone: {disable: false, depth: 50, retries: 3, skip_verify: true, tags: true}\n"
	"node: {zone: eu}\n"
	"node_selector: {disk: ssd}\n"
	"tolerations: [{key: dedicated, operator: Equal, value: ci, effect: NoSchedule}]\n"
	"image_pull_secrets: [dockerconfig]\n"
	"environment: {GOFLAGS: -mod=vendor}\n"
	"concurrency: {limit: 2}\n"
	"resources: {requests: {cpu: 1000, memory: 1GiB}}\n"
	"pool: {use: ubuntu}\n"
	"labels: {team: web}\n"
	"volumes:\n"
	"- {name: cache, temp: {}}\n"
	"- {name: sock, host: {path: /var/run/docker.sock}}\n"
	"trigger:\n"
	"  branch: [main]\n"
	"  event: {include: [push, tag, promote, cron]}\n"
	"  ref: {exclude: [refs/pull/**]}\n"
	"  repo: [octocat/hello-world]\n"
	"  status: [success, failure]\n"
	"  target: {exclude: [production]}\n"
	"  cron: {exclude: [nightly]}\n"
	"  action: {exclude: [closed]}\n"
	"  instance: [drone.example.com]\n"
	"  paths: {include: ['src/**'], exclude: ['docs/**']}\n"
	"services:\n"
	"- name: db\n"
	"  image: postgres:15\n"
	"  environment: {POSTGRES_PASSWORD: pw}\n"
	"  entrypoint: [docker-entrypoint.sh]\n"
	"  command: [postgres]\n"
	"  privileged: false\n"
	"  volumes: [{name: cache, path: /var/lib/postgresql}]\n"
	"  working_dir: /tmp\n"
	"  user: postgres\n"
	"steps:\n"
	"- name: build\n"
	"  image: golang:1.22\n"
	"  pull: if-not-exists\n"
	"  commands: [go build ./...]\n"
	"  environment: {CGO_ENABLED: '0', TOKEN: {from_secret: token}}\n"
	"  volumes: [{name: cache, path: /go/pkg}]\n"
	"  network_mode: host\n"
	"  user: root\n"
	"  shell: /bin/bash\n"
	"  working_dir: /go/src\n"
	"  resources: {limits: {cpu: 2000, memory: 2GiB}}\n"
	"  devices: [{name: tty, path: /dev/tty0}]\n"
	"  dns: [8.8.8.8]\n"
	"  dns_search: [example.com]\n"
	"  extra_hosts: ['somehost:162.242.195.82']\n"
	"  network: bridge\n"
	"  privileged: true\n"
	"- name: server\n"
	"  image: golang:1.22\n"
	"  detach: true\n"
	"  commands: [go run ./cmd/server]\n"
	"- name: publish\n"
	"  image: plugins/docker\n"
	"  settings: {repo: foo/bar, tags: [latest]}\n"
	"  failure: ignore\n"
	"  depends_on: [build]\n"
	"  when:\n"
	"    branch: {include: [main], exclude: [wip/*]}\n"
	"    event: [push]\n"
	"    ref: [refs/heads/main]\n"
	"    status: [success]\n"
	"    target: {exclude: [staging]}\n"
	"    cron: {exclude: [weekly]}\n"
	"    action: {exclude: [synchronized]}\n"
	"    paths: [src/**]\n"
	"    repo: [octocat/hello-world]\n"
	"    instance: [drone.example.com]\n"
	"---\n"
	"kind: pipeline\n"
	"type: kubernetes\n"
	"name: k8s\n"
	"metadata: {namespace: ci}\n"
	"service_account_name: builder\n"
	"node_selector: {pool: ci}\n"
	"steps:\n"
	"- name: test\n"
	"  image: golang\n"
	"  commands: [go test ./...]\n"
	"  resources: {requests: {cpu: 250, memory: 100MiB}}\n"
	"---\n"
	"kind: pipeline\n"
	"type: exec\n"
	"name: host\n"
	"platform: {os: linux, arch: amd64}\n"
	"steps:\n"
	"- name: make\n"
	"  commands: [make]\n"
	"---\n"
	"kind: pipeline\n"
	"type: ssh\n"
	"name: remote\n"
	"server:\n"
	"  host: 1.2.3.4\n"
	"  user: root\n"
	"  password: {from_secret: pw}\n"
	"steps:\n"
	"- name: uname\n"
	"  commands: [uname -a]\n"
	"---\n"
	"kind: pipeline\n"
	"type: digitalocean\n"
	"name: droplet\n"
	"token: {from_secret: token}\n"
	"server: {image: docker-18-04, size: s-1vcpu-1gb, region: nyc1}\n"
	"steps:\n"
	"- name: hello\n"
	"  commands: [echo hi]\n"
	"---\n"
	"kind: secret\n"
	"name: token\n"
	"get: {path: secret/data/ci, name: token}\n"
	"---\n"
	"kind: secret\n"
	"name: dockerconfig\n"
	"data: abcdef==\n"
	"---\n"
	"kind: signature\n"
	"hmac: 0123abcd\n";

static void test_every_key(void)
{
	struct ci_file f;
	struct err err = { 0 };
	const struct ci_pipeline_def *p;
	const struct ci_step_def *s;

	if (!tap_ok(parse(&f, full_docker, &err) == 0, "every documented key parses")) {
		printf("# %s\n", err.msg);
		return;
	}
	tap_is_int(f.n, 5, "five pipelines (secret and signature documents are checked, not run)");
	p = &f.pipelines[0];
	tap_is_int(p->nservices, 1, "one service");
	tap_ok(p->services[0].service && p->services[0].detach, "a service runs detached");
	tap_is_str(p->services[0].image, "postgres:15", "service image");
	tap_ok(step(p, "server")->detach, "detach: true");
	tap_ok(!step(p, "build")->detach, "steps are not detached by default");
	s = step(p, "publish");
	tap_ok(ci_step_needs_image(s), "a step without commands needs its image");
	tap_ok(!ci_step_needs_image(step(p, "build")), "a step with commands runs on the host");
	tap_is_int(s->nsettings, 2, "settings become variables");
	tap_ok(s->ignore_failure, "failure: ignore");
	tap_is_str(var(step(p, "build")->env, step(p, "build")->nenv, "TOKEN")->secret, "token",
		   "from_secret in a step's environment");
	tap_ok(p->trigger.status == (CI_ON_SUCCESS | CI_ON_FAILURE), "trigger.status both");
	tap_is_int(p->trigger.paths.ninclude, 1, "trigger.paths.include");
	tap_is_int(p->trigger.paths.nexclude, 1, "trigger.paths.exclude");
	tap_is_int(s->when.paths.ninclude, 1, "when.paths as a list");
	tap_is_str(f.pipelines[1].type, "kubernetes", "type kubernetes");
	tap_is_str(f.pipelines[3].type, "ssh", "type ssh");
	tap_is_str(f.pipelines[4].type, "digitalocean", "type digitalocean");
	ci_file_free(&f);
}

/* Each key the runner ignores gives a notice naming it; honoured keys none. */
static void test_notices(void)
{
	static const char *const ignored[] = {
		"platform", "node_selector", "tolerations", "image_pull_secrets", "resources",
		"pool", "labels", "concurrency", "node", "volumes", "clone.depth",
		"clone.retries", "clone.skip_verify", "clone.tags", "workspace.base",
		"trigger.repo", "trigger.instance", "when.repo", "when.instance", "privileged",
		"pull", "network_mode", "user", "shell", "working_dir", "devices", "dns",
		"dns_search", "extra_hosts", "network", "entrypoint", "command", "image", NULL,
	};
	static const char *const honoured[] = {
		"kind", "type", "name", "steps", "services", "environment", "trigger", "depends_on",
		"clone.disable", "workspace.path", "commands", "settings", "when", "detach",
		"failure", "trigger.branch", "trigger.paths", "when.paths", "trigger.target",
		"trigger.cron", "trigger.action", "when.target", NULL,
	};
	struct ci_file f;
	struct err err = { 0 };
	const struct ci_pipeline_def *p;
	const char *n;

	if (parse(&f, full_docker, &err)) {
		tap_ok(0, err.msg);
		return;
	}
	p = &f.pipelines[0];
	for (size_t i = 0; ignored[i]; i++) {
		char name[120];

		snprintf(name, sizeof name, "a notice for `%s`", ignored[i]);
		tap_ok(notice(p, ignored[i]) != NULL, name);
	}
	for (size_t i = 0; honoured[i]; i++) {
		char name[120];

		snprintf(name, sizeof name, "no notice for the honoured `%s`", honoured[i]);
		tap_ok(notice(p, honoured[i]) == NULL, name);
	}
	tap_is_str(notice(p, "privileged"), "`privileged` (db, build): ignored by the local runner: "
		   "steps run as processes on this host, not in a container",
		   "a step key's notice names the step and why");
	tap_is_str(notice(p, "user"), "`user` (db, build): ignored by the local runner: steps "
		   "run as processes on this host, not in a container",
		   "one line per key, naming every step and service");
	tap_is_str(notice(p, "node_selector"), "`node_selector`: ignored by the local runner: it "
		   "chooses a machine on a Drone server; the build runs here",
		   "a pipeline key's notice");
	n = notice(&f.pipelines[2], "platform");
	tap_ok(n != NULL, "exec pipelines note platform too");
	tap_ok(notice(&f.pipelines[2], "image") == NULL && notice(&f.pipelines[2], "type") == NULL,
	       "an exec pipeline runs on the host as written: no type notice");
	tap_ok(notice(&f.pipelines[3], "type") != NULL && notice(&f.pipelines[3], "server"),
	       "ssh: the commands run here, server ignored");
	tap_ok(notice(&f.pipelines[1], "metadata") && notice(&f.pipelines[1], "service_account_name"),
	       "kubernetes keys are noted");
	ci_file_free(&f);

	tap_ok(parse(&f, "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n---\nkind: template\n"
		     "load: go.starlark\ndata: {x: 1}\n", &err) == 0, "a template document loads");
	tap_is_int(f.nnotices, 1, "a template gives a file notice");
	tap_is_str(f.nnotices ? f.notices[0] : NULL, "document 2 (kind: template, load: "
		   "go.starlark): ignored by the local runner: a template is expanded by the Drone "
		   "server", "the template notice");
	ci_file_free(&f);
	tap_ok(parse(&f, "kind: template\nload: go.starlark\n", &err) == -1,
	       "a file of only templates has nothing to run");
	tap_ok(strstr(err.msg, "expanded by the Drone server") != NULL, "and says why");
}

struct bad {
	const char *src, *want, *name;
};

static void test_typos(void)
{
	static const struct bad cases[] = {
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  enviroment: {A: b}\n",
		  ".drone.yml:5:3: unknown key 'enviroment' in pipeline 'default'.steps[0] (a); "
		  "did you mean 'environment'?", "step key typo" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  depend_on: [b]\n",
		  ".drone.yml:5:3: unknown key 'depend_on' in pipeline 'default'.steps[0] (a); "
		  "did you mean 'depends_on'?", "depend_on" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  privilged: true\n",
		  ".drone.yml:5:3: unknown key 'privilged' in pipeline 'default'.steps[0] (a); "
		  "did you mean 'privileged'?", "privilged" },
		{ "kind: pipeline\ntriger: {branch: main}\nsteps:\n- name: a\n  commands: [x]\n",
		  ".drone.yml:2:1: unknown key 'triger' in document 1; did you mean 'trigger'?",
		  "pipeline key typo" },
		{ "kind: pipeline\ntrigger: {brnch: main}\nsteps:\n- name: a\n  commands: [x]\n",
		  ".drone.yml:2:11: unknown key 'brnch' in pipeline 'default'.trigger; did you mean "
		  "'branch'?", "trigger key typo" },
		{ "kind: pipeline\nclone: {dept: 1}\nsteps:\n- name: a\n  commands: [x]\n",
		  ".drone.yml:2:9: unknown key 'dept' in pipeline 'default'.clone; did you mean "
		  "'depth'?", "clone key typo" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  zzzqqq: 1\n",
		  ".drone.yml:5:3: unknown key 'zzzqqq' in pipeline 'default'.steps[0] (a)",
		  "nothing close: no hint" },
		{ "kind: pipeline\nservices:\n- name: db\n  image: redis\n  detach: true\n"
		  "steps:\n- name: a\n  commands: [x]\n",
		  ".drone.yml:5:3: unknown key 'detach' in pipeline 'default'.services[0] (db)",
		  "services have no detach (they are detached)" },
		{ "kind: pipeline\nvolumes: [{name: c, temp: {}}]\nsteps:\n- name: a\n"
		  "  commands: [x]\n  volumes: [{name: d, path: /d}]\n",
		  ".drone.yml:6:20: pipeline 'default'.steps[0] (a).volumes: no volume named 'd' in "
		  "the pipeline's volumes", "a step's volume must exist" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  <<: oops\n",
		  ".drone.yml:5:7: '<<' expects a map or a list of maps (an alias such as "
		  "*defaults)", "a bad merge" },
		{ "kind: pipeline\nconcurrency: {limit: many}\nsteps:\n- name: a\n  commands: [x]\n",
		  NULL, "concurrency.limit is a number" },
		{ "kind: pipeline\nsteps:\n- name: a\n  image: x\n  settings: {'a b': 1}\n",
		  ".drone.yml:5:14: pipeline 'default'.steps[0] (a).settings: 'a b' cannot be a "
		  "variable name (PLUGIN_…)", "a setting that cannot be a variable" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct ci_file f;
		struct err err = { 0 };

		tap_ok(parse(&f, cases[i].src, &err) == -1, cases[i].name);
		if (cases[i].want)
			tap_is_str(err.msg, cases[i].want, cases[i].name);
		else
			tap_ok(!strncmp(err.msg, ".drone.yml:", 11), cases[i].name);
	}
	tap_is_str(drone_key_suggest(drone_step_keys, "env"), "environment",
		   "a prefix suggests the key");
	tap_is_str(drone_key_suggest(drone_step_keys, "comand"), "command", "the nearest key");
	tap_ok(drone_key_suggest(drone_step_keys, "xyzzy") == NULL, "no suggestion when far");
}

static void test_merge_keys(void)
{
	static const char src[] =
		"kind: pipeline\n"
		"type: docker\n"
		"name: anchors\n"
		"environment: &env\n"
		"  A: '1'\n"
		"steps:\n"
		"- &base\n"
		"  name: build\n"
		"  image: golang\n"
		"  environment: *env\n"
		"  commands: [make]\n"
		"- <<: *base\n"
		"  name: test\n"
		"  commands: [make test]\n"
		"- <<: [*base, {failure: ignore, image: other}]\n"
		"  name: lint\n"
		"  image: linter\n";
	struct ci_file f;
	struct err err = { 0 };
	const struct ci_pipeline_def *p;

	if (!tap_ok(parse(&f, src, &err) == 0, "anchors, aliases and merge keys parse")) {
		printf("# %s\n", err.msg);
		return;
	}
	p = &f.pipelines[0];
	tap_is_int(p->nsteps, 3, "three steps");
	tap_is_str(step(p, "build")->env[0].value, "1", "an alias of a map");
	tap_is_str(step(p, "test")->image, "golang", "a merged key");
	tap_is_str(step(p, "test")->commands[0], "make test", "the map's own key wins");
	tap_is_str(step(p, "test")->env[0].name, "A", "merged nested map");
	tap_is_str(step(p, "lint")->image, "linter", "own key wins over a list of merges");
	tap_is_str(step(p, "lint")->commands[0], "make", "the first merged map gives commands");
	tap_ok(step(p, "lint")->ignore_failure, "the second merged map adds failure");
	ci_file_free(&f);
}

static void test_legacy(void)
{
	static const char src[] =
		"workspace:\n"
		"  base: /go\n"
		"  path: src/example.com/app\n"
		"branches: [master, release/*]\n"
		"clone:\n"
		"  git:\n"
		"    image: plugins/git\n"
		"    depth: 50\n"
		"pipeline:\n"
		"  deps:\n"
		"    image: golang\n"
		"    commands: [go mod download]\n"
		"  vet:\n"
		"    group: check\n"
		"    image: golang\n"
		"    commands: [go vet ./...]\n"
		"    environment: [GOOS=linux, CGO_ENABLED=0]\n"
		"  test:\n"
		"    group: check\n"
		"    image: golang\n"
		"    commands: [go test ./...]\n"
		"    secrets: [codecov_token, {source: db_pass, target: pg_password}]\n"
		"  publish:\n"
		"    image: plugins/docker\n"
		"    repo: foo/bar\n"
		"    tags: [latest, '1.0']\n"
		"    secrets: [docker_username]\n"
		"    when:\n"
		"      event: [push, deployment]\n"
		"      matrix: {GO: 1.11}\n"
		"services:\n"
		"  redis:\n"
		"    image: redis\n"
		"    commands: [redis-server]\n";
	struct ci_file f;
	struct err err = { 0 };
	const struct ci_pipeline_def *p;
	const struct ci_step_def *s;

	if (!tap_ok(parse(&f, src, &err) == 0, "a Drone 0.8 file is converted")) {
		printf("# %s\n", err.msg);
		return;
	}
	p = &f.pipelines[0];
	tap_ok(p->legacy, "marked as converted");
	tap_is_int(p->nsteps, 4, "four steps");
	tap_is_str(p->steps[0].name, "deps", "steps in the order written");
	tap_is_str(p->steps[3].name, "publish", "the last step");
	tap_ok(p->dag, "groups make a DAG");
	s = step(p, "vet");
	tap_ok(s->ndeps == 1 && !strcmp(s->depends_on[0], "deps"), "a group runs after the step before");
	s = step(p, "test");
	tap_ok(s->ndeps == 1 && !strcmp(s->depends_on[0], "deps"), "the same group runs together");
	s = step(p, "publish");
	tap_ok(s->ndeps == 2, "the step after a group waits for all of it");
	tap_is_str(var(step(p, "vet")->env, step(p, "vet")->nenv, "GOOS")->value, "linux",
		   "environment as NAME=value");
	tap_is_str(var(step(p, "test")->env, step(p, "test")->nenv, "CODECOV_TOKEN")->secret,
		   "codecov_token", "a secret by name, upper-cased");
	tap_is_str(var(step(p, "test")->env, step(p, "test")->nenv, "PG_PASSWORD")->secret,
		   "db_pass", "a secret with source and target");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_REPO")->value, "foo/bar",
		   "a plugin's parameters become settings");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_TAGS")->value, "latest,1.0",
		   "a list parameter");
	tap_ok(ci_cond_match(&s->when.event, "promote") && !ci_cond_match(&s->when.event, "pull_request"),
	       "the deployment event is promote");
	tap_is_int(p->nservices, 1, "a service");
	tap_is_str(p->services[0].name, "redis", "its name");
	tap_ok(ci_cond_match(&p->trigger.branch, "release/2") && !ci_cond_match(&p->trigger.branch, "dev"),
	       "branches becomes the trigger");
	tap_ok(p->nnotices && strstr(p->notices[0], "converted from the Drone 0.8 format"),
	       "a notice says it was converted");
	tap_ok(p->nnotices && strstr(p->notices[0], "left out: clone, when.matrix"),
	       "and what was left out");
	ci_file_free(&f);

	tap_ok(parse(&f, "pipeline:\n  a:\n    image: x\n    commands: [y]\nmatrix:\n  GO: [1]\n",
		     &err) == -1, "a matrix is refused");
	tap_is_str(err.msg, ".drone.yml:5:1: this is a Drone 0.8 file with a build matrix, which "
		   "cannot be converted faithfully: run `drone convert` and write one pipeline per "
		   "matrix entry", "in one line that says how");
	tap_ok(parse(&f, "pipeline:\n  a:\n    image: x\nsteps: []\n", &err) == -1,
	       "a 0.8 file with a 1.x key is refused");
	tap_ok(strstr(err.msg, "unknown key 'steps' in a Drone 0.8 file") != NULL, err.msg);
	tap_ok(parse(&f, "kind: pipeline\npipeline: {}\nsteps:\n- name: a\n  commands: [x]\n",
		     &err) == -1 && strstr(err.msg, "unknown key 'pipeline'"),
	       "a 1.x file with pipeline: is a typo, not 0.8");
}

/* The example of docs.drone.io/plugins/overview and the variables the plugins'
 * own docs read (drone-docker: PLUGIN_REPO, PLUGIN_TAGS=a,b; drone-slack:
 * PLUGIN_CHANNEL). */
static void test_plugin_env(void)
{
	static const char src[] =
		"kind: pipeline\n"
		"steps:\n"
		"- name: publish\n"
		"  image: plugins/docker\n"
		"  settings:\n"
		"    username: kevinbacon\n"
		"    password: {from_secret: docker_password}\n"
		"    repo: foo/bar\n"
		"    tags: [1.0.0, '1.0']\n"
		"    auto_tag: true\n"
		"    build-args: [A=1, B=2]\n"
		"    cache.from: x\n"
		"    labels: {team: web, tier: 1}\n"
		"    mirrors: [{host: a, port: 5000}]\n"
		"    dry_run:\n"
		"- name: notify\n"
		"  image: plugins/slack\n"
		"  settings: {channel: developers, username: drone}\n";
	struct ci_file f;
	struct err err = { 0 };
	struct ci_envv env = { 0 };
	struct ci_secrets sec = { 0 };
	struct ci_mask mask = { 0 };
	struct strbuf out = { 0 };
	char *names[] = { "docker_password" }, *values[] = { "pa55word" };
	const struct ci_step_def *s;
	const char *line;

	if (!tap_ok(parse(&f, src, &err) == 0, "plugin settings parse")) {
		printf("# %s\n", err.msg);
		return;
	}
	s = &f.pipelines[0].steps[0];
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_USERNAME")->value, "kevinbacon",
		   "PLUGIN_USERNAME");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_PASSWORD")->secret, "docker_password",
		   "PLUGIN_PASSWORD from_secret");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_REPO")->value, "foo/bar", "PLUGIN_REPO");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_TAGS")->value, "1.0.0,1.0",
		   "PLUGIN_TAGS: a list comma-joined");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_AUTO_TAG")->value, "true",
		   "PLUGIN_AUTO_TAG");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_BUILD_ARGS")->value, "A=1,B=2",
		   "'-' becomes '_'");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_CACHE_FROM")->value, "x",
		   "'.' becomes '_'");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_LABELS")->value,
		   "{\"team\":\"web\",\"tier\":1}", "a map as JSON");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_MIRRORS")->value,
		   "[{\"host\":\"a\",\"port\":5000}]", "a list of maps as JSON");
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_DRY_RUN")->value, "", "an empty value");
	s = &f.pipelines[0].steps[1];
	tap_is_str(var(s->settings, s->nsettings, "PLUGIN_CHANNEL")->value, "developers",
		   "PLUGIN_CHANNEL (drone-slack)");
	{
		char *v = ci_plugin_var("some-Key.x");

		tap_is_str(v, "PLUGIN_SOME_KEY_X", "a variable name");
		free(v);
	}

	/* resolved through the secrets and masked like any secret */
	unsetenv("docker_password");
	sec.names = names;
	sec.values = values;
	sec.n = 1;
	s = &f.pipelines[0].steps[0];
	tap_ok(ci_envv_apply(&env, s->settings, s->nsettings, &sec, &err) == 0,
	       "settings resolve with the secrets");
	line = NULL;
	for (size_t i = 0; i < env.n; i++)
		if (!strncmp(env.v[i], "PLUGIN_PASSWORD=", 16))
			line = env.v[i];
	tap_is_str(line, "PLUGIN_PASSWORD=pa55word", "the secret's value reaches the step");
	ci_mask_add(&mask, ci_secret_get(&sec, "docker_password"));
	ci_mask_apply(&mask, "PLUGIN_PASSWORD=pa55word\n", 25, &out);
	tap_is_str(sb_str(&out), "PLUGIN_PASSWORD=***\n", "and is masked in the log");
	sec.n = 0;
	tap_ok(ci_envv_apply(&env, s->settings, s->nsettings, &sec, &err) == -1
	       && strstr(err.msg, "secret 'docker_password' (for PLUGIN_PASSWORD) is not set"),
	       "a missing secret is named");
	sb_free(&out);
	ci_mask_free(&mask);
	ci_envv_free(&env);
	ci_file_free(&f);
}

static void test_conditions(void)
{
	static const char src[] =
		"kind: pipeline\n"
		"steps:\n"
		"- name: a\n"
		"  commands: [x]\n"
		"  when:\n"
		"    target: [production]\n"
		"- name: b\n"
		"  commands: [x]\n"
		"  when:\n"
		"    paths: {include: ['src/*'], exclude: ['*.md']}\n"
		"- name: c\n"
		"  commands: [x]\n"
		"  when:\n"
		"    cron: {exclude: [nightly]}\n"
		"    action: {exclude: [closed]}\n";
	char *some[] = { "README.md", "src/main.c" }, *docs[] = { "README.md", "CHANGES.md" };
	char *other[] = { "Makefile" };
	struct ci_facts push = { .branch = "main", .event = "push" };
	struct ci_facts promote = { .branch = "main", .event = "promote", .target = "production" };
	struct ci_facts changed = push;
	struct ci_file f;
	struct err err = { 0 };
	const struct ci_pipeline_def *p;

	if (parse(&f, src, &err)) {
		tap_ok(0, err.msg);
		return;
	}
	p = &f.pipelines[0];
	tap_ok(!ci_when_match_facts(&p->steps[0].when, &push), "target: not on a push");
	tap_ok(ci_when_match_facts(&p->steps[0].when, &promote), "target matches a promote");
	tap_ok(ci_when_match_facts(&p->steps[1].when, &push), "paths match when changes are unknown");
	changed.changed_known = true;
	changed.changed = some;
	changed.nchanged = 2;
	tap_ok(ci_when_match_facts(&p->steps[1].when, &changed), "paths: an included file changed");
	changed.changed = docs;
	tap_ok(!ci_when_match_facts(&p->steps[1].when, &changed), "paths: only excluded files");
	changed.changed = other;
	changed.nchanged = 1;
	tap_ok(!ci_when_match_facts(&p->steps[1].when, &changed), "paths: nothing included");
	tap_ok(ci_when_match_facts(&p->steps[2].when, &push), "cron and action excludes pass a push");
	push.cron = "nightly";
	tap_ok(!ci_when_match_facts(&p->steps[2].when, &push), "cron: nightly excluded");
	ci_file_free(&f);
}

static size_t key_index(const struct ci_plan *plan, const char *key)
{
	for (size_t i = 0; i < plan->n; i++)
		if (!strcmp(plan->steps[i].key, key))
			return i;
	return plan->n;
}

static void test_plan_and_sched(void)
{
	static const char src[] =
		"kind: pipeline\n"
		"services:\n"
		"- name: db\n"
		"  image: postgres\n"
		"  commands: [postgres]\n"
		"- name: cache\n"
		"  image: redis\n"
		"steps:\n"
		"- name: server\n"
		"  image: x\n"
		"  detach: true\n"
		"  commands: [serve]\n"
		"- name: test\n"
		"  image: x\n"
		"  commands: [test]\n"
		"- name: push\n"
		"  image: plugins/docker\n"
		"  settings: {repo: a/b}\n"
		"trigger: {branch: main}\n";
	struct ci_plan_opts o = { .branch = "main", .event = "push", .clone = true };
	struct ci_plan plan;
	struct ci_sched sched;
	struct ci_file f;
	struct err err = { 0 };
	size_t start[8], n, db, cache, server, test, push;

	if (parse(&f, src, &err) || ci_plan_make(&plan, &f, &o, &err)) {
		tap_ok(0, err.msg);
		return;
	}
	tap_is_int(plan.n, 6, "clone, two services, three steps");
	tap_is_str(plan.steps[1].key, "db", "services come first");
	db = key_index(&plan, "db");
	cache = key_index(&plan, "cache");
	server = key_index(&plan, "server");
	test = key_index(&plan, "test");
	push = key_index(&plan, "push");
	tap_ok(plan.steps[db].detach && plan.steps[server].detach, "services and detach steps");
	tap_ok(plan.steps[cache].needs_image && plan.steps[push].needs_image,
	       "steps without commands need their image");
	tap_ok(plan.steps[server].ndeps == 2, "the first step waits for the services to start");
	ci_sched_init(&sched, &plan);
	n = ci_sched_next(&sched, 1, start);
	tap_ok(n == 1 && start[0] == 0, "the clone first");
	ci_sched_finish(&sched, 0, CI_PASSED);
	n = ci_sched_next(&sched, 1, start);
	tap_is_int(n, 4, "services, the detached step and the next one start at once");
	tap_ok(sched.status[db] == CI_PASSED && sched.status[server] == CI_PASSED,
	       "detached steps are done for the others");
	tap_ok(sched.status[test] == CI_RUNNING, "the step after a detached one runs");
	tap_is_int(sched.running, 1, "detached steps do not count against the limit");
	ci_sched_detached_failed(&sched, server);
	tap_is_int(sched.status[server], CI_FAILED, "a detached step that cannot start fails");
	ci_sched_finish(&sched, test, CI_PASSED);
	n = ci_sched_next(&sched, 1, start);
	tap_ok(n == 1 && start[0] == push, "then the plugin step");
	ci_sched_finish(&sched, push, CI_FAILED);
	tap_ok(ci_sched_done(&sched), "done");
	tap_is_int(ci_sched_result(&sched), CI_FAILED, "the failed steps fail the build");
	ci_sched_free(&sched);
	ci_plan_free(&plan);

	o.branch = "dev";
	tap_ok(ci_plan_make(&plan, &f, &o, &err) == -1, "the trigger keeps dev out");
	o.all = true;
	tap_ok(ci_plan_make(&plan, &f, &o, &err) == 0 && plan.n == 6, "lint plans every pipeline");
	ci_plan_free(&plan);
	ci_file_free(&f);
}

int main(void)
{
	test_every_key();
	test_notices();
	test_typos();
	test_merge_keys();
	test_legacy();
	test_plugin_env();
	test_conditions();
	test_plan_and_sched();
	return tap_done();
}
