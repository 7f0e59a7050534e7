/* The pipeline file: what is understood, and errors that name file:line:col
 * and the key. */
#include <stdlib.h>
#include <string.h>

#include "ci/pipeline_file.h"
#include "tap.h"

static int parse(struct ci_file *f, const char *src, struct err *err)
{
	return ci_file_parse(f, ".drone.yml", src, strlen(src), err);
}

static void test_full(void)
{
	static const char src[] =
		"kind: pipeline\n"
		"type: exec\n"
		"name: linux\n"
		"platform: {os: linux, arch: amd64}\n"
		"environment: {GOFLAGS: -mod=vendor}\n"
		"steps:\n"
		"- name: build\n"
		"  image: golang:1.22\n"
		"  commands: [make]\n"
		"- name: test\n"
		"  commands:\n"
		"  - make test\n"
		"  environment:\n"
		"    TOKEN: {from_secret: REG_TOKEN}\n"
		"    MODE: ci\n"
		"  depends_on: [build]\n"
		"- name: lint\n"
		"  commands: [make lint]\n"
		"  failure: ignore\n"
		"  depends_on: [build]\n"
		"- name: publish\n"
		"  commands: [make push]\n"
		"  depends_on: [test, lint]\n"
		"  when:\n"
		"    branch: [main, release/*]\n"
		"    event: {exclude: [pull_request]}\n"
		"- name: notify\n"
		"  commands: [echo failed]\n"
		"  when: {status: [failure]}\n"
		"  depends_on: [publish]\n"
		"trigger:\n"
		"  branch: main\n"
		"---\n"
		"kind: pipeline\n"
		"name: deploy\n"
		"depends_on: [linux]\n"
		"steps:\n"
		"- name: apply\n"
		"  image: bitnami/kubectl\n"
		"  commands: [kubectl apply -f k8s/]\n"
		"---\n"
		"kind: signature\n"
		"hmac: 0123\n";
	struct ci_file f;
	struct err err = { 0 };
	const struct ci_pipeline_def *p;

	tap_ok(parse(&f, src, &err) == 0, "a full file parses");
	if (f.n != 2) {
		tap_is_str(err.msg, "", "no error");
		return;
	}
	tap_is_int(f.n, 2, "two pipelines (the signature document is ignored)");
	p = &f.pipelines[0];
	tap_is_str(p->name, "linux", "pipeline name");
	tap_is_str(p->type, "exec", "type");
	tap_ok(p->dag, "depends_on makes it a DAG");
	tap_is_int(p->nsteps, 5, "five steps");
	tap_is_str(p->steps[1].env[0].secret, "REG_TOKEN", "from_secret kept");
	tap_is_str(p->steps[1].env[1].value, "ci", "plain environment value");
	tap_ok(p->steps[2].ignore_failure, "failure: ignore");
	tap_is_int(p->steps[3].ndeps, 2, "two dependencies");
	tap_ok(ci_when_match(&p->steps[3].when, "release/1.2", "push", ""), "glob branch matches");
	tap_ok(!ci_when_match(&p->steps[3].when, "main", "pull_request", ""), "excluded event");
	tap_is_int(p->steps[4].when.status, CI_ON_FAILURE, "status: failure");
	tap_is_int(p->steps[0].when.status, CI_ON_SUCCESS, "status defaults to success");
	tap_ok(ci_when_match(&p->trigger, "main", "push", ""), "trigger matches main");
	tap_ok(!ci_when_match(&p->trigger, "dev", "push", ""), "trigger refuses dev");
	tap_is_str(f.pipelines[1].type, "docker", "type defaults to docker");
	tap_is_str(f.pipelines[1].steps[0].image, "bitnami/kubectl", "image kept");
	tap_is_str(f.pipelines[1].depends_on[0], "linux", "pipeline depends_on");
	ci_file_free(&f);
}

struct bad {
	const char *src, *want, *name;
};

static void test_errors(void)
{
	static const struct bad cases[] = {
		{ "kind: pipeline\nsteps:\n- name: a\n  comands: [x]\n",
		  ".drone.yml:4:3: unknown key 'comands' in pipeline 'default'.steps[0] (a); "
		  "did you mean 'commands'?",
		  "unknown step key with line:col" },
		{ "kind: pipeline\nstep:\n- name: a\n",
		  ".drone.yml:2:1: unknown key 'step' in document 1; did you mean 'steps'?",
		  "unknown pipeline key" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: make\n",
		  ".drone.yml:4:13: pipeline 'default'.steps[0] (a).commands: expected a list, "
		  "found a value", "commands must be a list" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  depends_on: [b]\n",
		  ".drone.yml:5:16: pipeline 'default'.steps: step 'a' depends on 'b', but there "
		  "is no step named 'b'", "missing depends_on target" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  depends_on: [b]\n"
		  "- name: b\n  commands: [x]\n  depends_on: [a]\n",
		  ".drone.yml:5:15: pipeline 'default'.steps: depends_on makes a cycle: a → b → a",
		  "a cycle" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n- name: a\n  commands: [y]\n",
		  ".drone.yml:5:9: pipeline 'default'.steps: duplicate step name 'a'",
		  "duplicate step" },
		{ "kind: pipeline\ntype: sssh\nsteps:\n- name: a\n  commands: [x]\n",
		  ".drone.yml:2:7: pipeline 'default': type 'sssh' is not a Drone pipeline type "
		  "(docker, kubernetes, exec, ssh, digitalocean, macstadium, vm, aws)",
		  "unknown type" },
		{ "kind: pipeline\ntype: exec\nsteps:\n- name: a\n  image: plugins/docker\n",
		  ".drone.yml:4:3: pipeline 'default'.steps[0] (a): step 'a' has no commands (an "
		  "exec pipeline runs commands, not images)", "an exec step needs commands" },
		{ "kind: pipeline\nsteps:\n- name: a\n  pull: always\n",
		  ".drone.yml:3:3: pipeline 'default'.steps[0] (a): step 'a' has neither commands "
		  "nor an image", "a step needs commands or an image" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  failure: always\n",
		  ".drone.yml:5:12: pipeline 'default'.steps[0] (a): failure: expected ignore",
		  "failure value" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  when: {status: [done]}\n",
		  ".drone.yml:5:18: pipeline 'default'.steps[0] (a).when.status: expected success "
		  "or failure, found 'done'", "when status value" },
		{ "kind: pipeline\nsteps:\n- name: a\n  commands: [x]\n  environment:\n"
		  "    K: {secret: X}\n",
		  ".drone.yml:6:8: pipeline 'default'.steps[0] (a).environment.K: expected a value "
		  "or {from_secret: NAME}", "environment shape" },
		{ "kind: pipeline\nname: b\ndepends_on: [a]\nsteps:\n- name: x\n  commands: [x]\n",
		  ".drone.yml:3:14: pipelines: pipeline 'b' depends on 'a', but there is no "
		  "pipeline named 'a'", "missing pipeline dependency" },
		{ "kind: build\nsteps: []\n", ".drone.yml:1:7: document 1: kind: expected "
		  "pipeline, secret, signature or template", "unknown kind" },
		{ "kind: pipeline\nsteps: [\n", NULL, "YAML syntax error" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct ci_file f;
		struct err err = { 0 };

		tap_ok(parse(&f, cases[i].src, &err) == -1, cases[i].name);
		if (cases[i].want)
			tap_is_str(err.msg, cases[i].want, cases[i].name);
		else
			tap_ok(!strncmp(err.msg, ".drone.yml:", 11), "syntax error names the file");
	}
}

int main(void)
{
	test_full();
	test_errors();
	return tap_done();
}
