/* Chaos experiments (issue 18): the experiment reader's checks and its
 * file:line:col errors, the chaos: settings, label selectors, the blast
 * radius over a store and its limits, the journal reader, the store's
 * chaos domain, and the demo's experiment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../tap.h"
#include "chaos/blast.h"
#include "chaos/experiment.h"
#include "chaos/journal.h"
#include "demo/template.h"
#include "kube/objects.h"
#include "project/project.h"
#include "store/chaos.h"
#include "store/kube.h"

static const char good_json[] =
	"{\n"
	"  \"title\": \"losing one web pod keeps web available\",\n"
	"  \"description\": \"kill one\",\n"
	"  \"configuration\": {\"ns\": \"default\"},\n"
	"  \"secrets\": {\"k8s\": {\"KUBERNETES_TOKEN\": \"s3cret\"}},\n"
	"  \"steady-state-hypothesis\": {\n"
	"    \"title\": \"web is available\",\n"
	"    \"probes\": [{\"type\": \"probe\", \"name\": \"up\", \"tolerance\": true,\n"
	"      \"provider\": {\"type\": \"python\", \"module\": \"chaosk8s.deployment.probes\",\n"
	"        \"func\": \"deployment_available_and_healthy\", \"arguments\": {\"name\": \"web\"}}}]\n"
	"  },\n"
	"  \"method\": [{\"type\": \"action\", \"name\": \"kill\", \"pauses\": {\"after\": 5},\n"
	"    \"provider\": {\"type\": \"python\", \"module\": \"chaosk8s.pod.actions\",\n"
	"      \"func\": \"terminate_pods\", \"arguments\": {\"label_selector\": \"app=web\", \"qty\": QTY}}}],\n"
	"  \"rollbacks\": [{\"type\": \"action\", \"name\": \"undo\",\n"
	"    \"provider\": {\"type\": \"process\", \"path\": \"kubectl\", \"arguments\": \"rollout undo deploy/web\"}}]\n"
	"}\n";

static char *with_qty(const char *qty)
{
	const char *at = strstr(good_json, "QTY");
	char *s = malloc(strlen(good_json) + strlen(qty) + 1);

	sprintf(s, "%.*s%s%s", (int)(at - good_json), good_json, qty, at + 3);
	return s;
}

static int parse(struct chaos_experiment *x, const char *name, const char *text, struct err *err)
{
	return chaos_experiment_parse(x, name, text, strlen(text), err);
}

static void test_experiment(void)
{
	struct chaos_experiment x;
	struct err err;
	char *text = with_qty("1");

	tap_ok(parse(&x, "web.json", text, &err) == 0, "a good experiment loads");
	tap_is_str(x.title, "losing one web pod keeps web available", "title");
	tap_is_str(x.hypothesis, "web is available", "hypothesis title");
	tap_ok(x.nprobes == 1 && !strcmp(x.probes[0].tolerance, "true"), "probe with tolerance");
	tap_ok(x.nmethod == 1 && !x.method[0].probe && x.method[0].pause_after == 5, "method, pause");
	tap_ok(x.method[0].line == 12, "activity line");
	tap_ok(x.nrollbacks == 1 && x.rollbacks[0].provider == CHAOS_PROVIDER_PROCESS, "rollback");
	tap_ok(x.nsecrets == 1 && !strcmp(x.secrets[0], "k8s.KUBERNETES_TOKEN"), "secret named");
	tap_ok(x.nconfiguration == 1, "configuration key");
	chaos_experiment_free(&x);
	free(text);

	tap_ok(parse(&x, "bad.json", "{\n  \"title\": \"t\",\n  \"description\": x\n}\n", &err), "bad JSON");
	tap_is_str(err.msg, "bad.json:3:18: not valid JSON", "JSON error names line:col");
	tap_ok(parse(&x, "bad.json", "{\"title\": \"t\"", &err), "cut JSON");
	tap_is_str(err.msg, "bad.json:1:13: not valid JSON: it ends too early (a [ or { is not closed)",
		   "cut JSON names where it stops");
	tap_ok(parse(&x, "bad.yaml", "title: t\ndescription: [x\n", &err), "bad YAML");
	tap_ok(!strncmp(err.msg, "bad.yaml:", 9) && strchr(err.msg + 9, ':'), "YAML error line:col");

	text = with_qty("1");
	{
		char *p = strstr(text, "\"python\", \"module\": \"chaosk8s.pod");

		memcpy(p, "\"pythom\"", 8);
	}
	tap_ok(parse(&x, "web.json", text, &err), "unknown provider type refused");
	tap_is_str(err.msg, "web.json:13:26: method[0].provider.type: unknown provider 'pythom' "
		   "(python, process or http)", "unknown provider: line:col and field");
	free(text);

	text = with_qty("1");
	{
		char *p = strstr(text, "terminate_pods");

		memcpy(p, "terminate_podz", 14);
	}
	tap_ok(parse(&x, "web.json", text, &err), "unknown chaosk8s function refused");
	tap_ok(strstr(err.msg, "web.json:14:15: method[0].provider.func: unknown provider: "
		      "chaostoolkit-kubernetes has no function 'terminate_podz'") != NULL,
	       "unknown function: line:col and field");
	free(text);

	tap_ok(parse(&x, "h.yaml", "title: t\ndescription: d\nmethod:\n  - type: action\n"
		     "    name: a\n    provider: {type: process, path: 'true'}\n", &err),
	       "missing hypothesis refused");
	tap_is_str(err.msg, "h.yaml:1:1: steady-state-hypothesis: missing: shipdeck runs experiments "
		   "that say what steady state they expect", "missing hypothesis: line and field");
	tap_ok(parse(&x, "t.yaml", "title: t\ndescription: d\nsteady-state-hypothesis:\n  title: h\n"
		     "  probes:\n    - type: probe\n      name: p\n      provider: {type: process, path: 'true'}\n"
		     "method:\n  - type: action\n    name: a\n    provider: {type: process, path: 'true'}\n",
		     &err), "probe without tolerance refused");
	tap_ok(strstr(err.msg, "t.yaml:6:7: steady-state-hypothesis.probes[0].tolerance: missing") != NULL,
	       "missing tolerance: line:col and field");
	tap_ok(parse(&x, "m.yaml", "title: t\ndescription: d\nsteady-state-hypothesis:\n  title: h\n"
		     "  probes:\n    - type: probe\n      name: p\n      tolerance: 0\n"
		     "      provider: {type: process, path: 'true'}\n", &err), "no method refused");
	tap_ok(strstr(err.msg, "m.yaml:1:1: method: missing") != NULL, "missing method named");
}

static void test_demo_experiment(void)
{
	const struct demo_file *f = demo_commits[0].files;
	struct chaos_experiment x;
	struct err err;

	while (f->path && strcmp(f->path, "chaos/web-pod.json"))
		f++;
	tap_ok(f->path != NULL, "the demo has chaos/web-pod.json");
	if (!f->path)
		return;
	tap_ok(parse(&x, f->path, f->content, &err) == 0, "the demo's experiment loads");
	tap_is_str(x.title, "losing one web pod keeps web available", "the demo's title");
	chaos_experiment_free(&x);
	{
		/* the integration tests run this copy: it must stay the demo's */
		FILE *fp = fopen(SOURCE_ROOT "/tests/integration/chaos/web-pod.json", "r");
		char buf[8192];
		size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;

		buf[n] = '\0';
		if (fp)
			fclose(fp);
		tap_is_str(buf, f->content, "tests/integration/chaos/web-pod.json is the demo's");
	}
}

static void test_project(void)
{
	struct project p;
	struct err err;
	const char *yml = "chaos:\n  dir: experiments\n  max_pods: 2\n  namespaces: [default, shop]\n";

	tap_ok(project_parse(&p, ".shipdeck.yml", "", 0, &err) == 0, "empty project");
	tap_ok(!strcmp(p.chaos.dir, "chaos") && p.chaos.max_pods == 1 && !p.chaos.nnamespaces,
	       "chaos defaults: chaos/, 1 pod, the namespace in use");
	project_free(&p);
	tap_ok(project_parse(&p, ".shipdeck.yml", yml, strlen(yml), &err) == 0, "chaos: parses");
	tap_ok(!strcmp(p.chaos.dir, "experiments") && p.chaos.max_pods == 2
	       && p.chaos.nnamespaces == 2 && !strcmp(p.chaos.namespaces[1], "shop"), "chaos: values");
	project_free(&p);
	yml = "chaos:\n  max_pods: \"34%\"\n";
	tap_ok(project_parse(&p, ".shipdeck.yml", yml, strlen(yml), &err) == 0
	       && p.chaos.max_pods_percent == 34, "max_pods as a share of replicas");
	project_free(&p);
	yml = "chaos:\n  max_pods: lots\n";
	tap_ok(project_parse(&p, ".shipdeck.yml", yml, strlen(yml), &err), "bad max_pods refused");
	tap_ok(strstr(err.msg, ".shipdeck.yml:2:13: chaos.max_pods") != NULL, "bad max_pods: line:col");
	yml = "chaos:\n  max_pod: 1\n";
	tap_ok(project_parse(&p, ".shipdeck.yml", yml, strlen(yml), &err), "unknown chaos key");
	tap_is_str(err.msg, ".shipdeck.yml:2:3: unknown key 'max_pod' in chaos", "unknown key named");
}

static void test_selector(void)
{
	struct err err;

	tap_ok(chaos_selector_match("app=web", "app=web,track=stable", &err) == 1, "equality");
	tap_ok(chaos_selector_match("app==web,track!=canary", "app=web,track=stable", &err) == 1,
	       "== and !=");
	tap_ok(chaos_selector_match("app=shop", "app=web", &err) == 0, "no match");
	tap_ok(chaos_selector_match("track", "app=web", &err) == 0, "exists");
	tap_ok(chaos_selector_match("!track", "app=web", &err) == 1, "does not exist");
	tap_ok(chaos_selector_match("app in (web)", "app=web", &err) == -1, "set-based refused");
}

static void upsert(struct store_kube *k, enum kube_resource res, const char *json)
{
	cJSON *o = cJSON_Parse(json);
	struct kube_event ev = { .type = KUBE_EV_UPSERT, .res = res, .obj = kube_object_parse(res, o) };

	store_kube_apply(k, &ev);
	cJSON_Delete(o);
}

static void world(struct store_kube *k)
{
	static const char *const pods[] = { "web-abc-1", "web-abc-2", "web-abc-3" };
	char buf[1024];

	store_kube_init(k);
	upsert(k, KUBE_DEPLOYMENTS,
	       "{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"d1\"},"
	       "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
	       "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
	       "[{\"name\":\"web\",\"image\":\"example/web:1.0\"}]}}},\"status\":{\"replicas\":3}}");
	upsert(k, KUBE_REPLICASETS,
	       "{\"metadata\":{\"name\":\"web-abc\",\"namespace\":\"default\",\"uid\":\"r1\","
	       "\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"abc\"},"
	       "\"ownerReferences\":[{\"kind\":\"Deployment\",\"name\":\"web\",\"uid\":\"d1\","
	       "\"controller\":true}]},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":"
	       "{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}}}}}");
	for (int i = 0; i < 3; i++) {
		snprintf(buf, sizeof buf,
			 "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"uid\":\"p%d\","
			 "\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"abc\"},"
			 "\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"web-abc\","
			 "\"uid\":\"r1\",\"controller\":true}]},\"spec\":{\"containers\":"
			 "[{\"name\":\"web\"}]},\"status\":{\"phase\":\"Running\"}}", pods[i], i);
		upsert(k, KUBE_PODS, buf);
	}
}

static void test_blast(void)
{
	struct store_kube k;
	struct chaos_experiment x;
	struct chaos_blast b;
	struct chaos_conf l = { .max_pods = 1 };
	struct err err;
	char *text;

	world(&k);
	text = with_qty("1");
	parse(&x, "web.json", text, &err);
	tap_ok(chaos_blast_resolve(&x, &k, "default", &l, &b, &err) == 0, "resolves");
	tap_is_str(b.summary, "kills 1 of 3 pods of deploy/web in default", "kills 1 of 3");
	tap_ok(!b.refusal && b.pods == 1, "within max_pods 1");
	tap_ok(b.deployment && !strcmp(b.deployment, "web"), "target deployment");
	chaos_blast_free(&b);
	tap_ok(chaos_blast_resolve(&x, &k, "shop", &l, &b, &err) == 0 && b.refusal
	       && strstr(b.refusal, "acts in namespace default; allowed: only the namespace in use, shop"),
	       "another namespace refused");
	chaos_blast_free(&b);
	chaos_experiment_free(&x);
	free(text);

	text = with_qty("2");
	parse(&x, "web.json", text, &err);
	chaos_blast_resolve(&x, &k, "default", &l, &b, &err);
	tap_is_str(b.summary, "kills 2 of 3 pods of deploy/web in default", "kills 2 of 3");
	tap_is_str(b.refusal, "the method kills 2 pods; chaos.max_pods is 1", "refused with numbers");
	chaos_blast_free(&b);
	l.max_pods = 0;
	l.max_pods_percent = 50;
	chaos_blast_resolve(&x, &k, "default", &l, &b, &err);
	tap_ok(b.refusal && strstr(b.refusal, "more than chaos.max_pods 50% of deploy/web's 3 replicas"),
	       "share of replicas refused");
	chaos_blast_free(&b);
	l.max_pods_percent = 0;
	l.max_pods = 5;
	chaos_blast_resolve(&x, &k, "default", &l, &b, &err);
	tap_ok(!b.refusal, "within max_pods 5");
	chaos_blast_free(&b);
	chaos_experiment_free(&x);
	free(text);
	store_kube_free(&k);
}

static const char journal_json[] =
	"{\"status\": \"completed\", \"deviated\": true, \"start\": \"s\", \"end\": \"e\",\n"
	" \"experiment\": {\"secrets\": {\"k\": {\"t\": \"s3cret\"}}},\n"
	" \"steady_states\": {\n"
	"  \"before\": {\"steady_state_met\": true, \"probes\": [{\"activity\": {\"name\": \"up\", "
	"\"tolerance\": true}, \"output\": true, \"status\": \"succeeded\", \"tolerance_met\": true}]},\n"
	"  \"after\": {\"steady_state_met\": false, \"probes\": [{\"activity\": {\"name\": \"up\", "
	"\"tolerance\": true}, \"output\": false, \"status\": \"succeeded\", \"tolerance_met\": false}]},\n"
	"  \"during\": []},\n"
	" \"run\": [{\"activity\": {\"type\": \"action\", \"name\": \"kill\"}, \"status\": \"succeeded\", "
	"\"output\": [\"web-1\"]}],\n"
	" \"rollbacks\": [{\"activity\": {\"type\": \"action\", \"name\": \"undo\"}, \"status\": \"failed\", "
	"\"exception\": [\"Traceback\\n\", \"ActivityFailed: no\\n\"]}]}\n";

static void test_journal(void)
{
	struct chaos_journal j;
	struct err err;

	tap_ok(chaos_journal_parse(&j, "journal.json", journal_json, strlen(journal_json), &err) == 0,
	       "journal parses");
	tap_is_str(j.status, "deviated", "deviated outranks completed");
	tap_ok(j.nlines == 9, "nine lines");
	if (j.nlines == 9) {
		tap_is_str(j.lines[0], "hypothesis before: met", "before");
		tap_is_str(j.lines[1], "  ✓ probe up: true (tolerance true) met", "before probe");
		tap_is_str(j.lines[3], "  ✓ action kill: succeeded → [\"web-1\"]", "method activity");
		tap_is_str(j.lines[4], "hypothesis after: NOT met", "after");
		tap_is_str(j.lines[5], "  ✗ probe up: false (tolerance true) not met", "after probe");
		tap_is_str(j.lines[7], "  ✗ action undo: failed: ActivityFailed: no", "rollback failed");
		tap_is_str(j.lines[8], "status: deviated (deviated: yes)", "status line");
	}
	{
		char *all = cJSON_PrintUnformatted(j.root);

		tap_ok(!strstr(all, "s3cret"), "the experiment (and its secrets) is not kept");
		free(all);
	}
	chaos_journal_free(&j);
	tap_ok(chaos_journal_parse(&j, "j.json", "[]", 2, &err) != 0, "not a journal");
	tap_is_str(err.msg, "j.json: not a Chaos Toolkit journal (not a JSON object)", "says so");
}

static void test_store(void)
{
	struct store_chaos c;
	struct chaos_event ev = { .type = CHAOS_EV_PHASE, .text = strdup("method") };

	store_chaos_init(&c);
	tap_ok(!store_chaos_apply(&c, &ev), "no phase before a start");
	ev = (struct chaos_event){ .type = CHAOS_EV_START, .number = 3, .title = strdup("t"),
				   .deployment = strdup("web"), .time_ms = 5 };
	tap_ok(store_chaos_apply(&c, &ev) && c.running && c.number == 3, "start");
	ev = (struct chaos_event){ .type = CHAOS_EV_PHASE, .text = strdup("method") };
	tap_ok(store_chaos_apply(&c, &ev) && !strcmp(c.phase, "method"), "phase");
	ev = (struct chaos_event){ .type = CHAOS_EV_INTERRUPT };
	tap_ok(store_chaos_apply(&c, &ev) && c.interrupting, "interrupting");
	ev = (struct chaos_event){ .type = CHAOS_EV_END, .text = strdup("interrupted") };
	tap_ok(store_chaos_apply(&c, &ev) && !c.running && !strcmp(c.status, "interrupted"), "end");
	ev = (struct chaos_event){ .type = CHAOS_EV_END, .text = strdup("x") };
	tap_ok(!store_chaos_apply(&c, &ev), "a second end changes nothing");
	store_chaos_free(&c);
}

int main(void)
{
	test_experiment();
	test_demo_experiment();
	test_project();
	test_selector();
	test_blast();
	test_journal();
	test_store();
	return tap_done();
}
