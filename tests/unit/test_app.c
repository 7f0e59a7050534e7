/* The app layer without curses: actions and keymap, config, project settings,
 * themes, the audit log, the loop. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action/action.h"
#include "action/audit.h"
#include "app/config.h"
#include "app/theme.h"
#include "project/project.h"
#include "runtime/loop.h"
#include "store/store.h"
#include "tap.h"
#include "util/file.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

static void test_actions(void)
{
	struct keymap km;
	struct err err;
	char buf[32];

	tap_is_int(action_by_name("rollback"), ACTION_ROLLBACK, "action by name");
	tap_is_int(action_by_name("nope"), ACTION_NONE, "unknown action");
	tap_ok(action_is_mutating(ACTION_ROLLBACK), "rollback mutates");
	tap_ok(!action_is_mutating(ACTION_DOWN), "down does not");
	keymap_init_defaults(&km);
	tap_is_int(keymap_lookup(&km, 'r'), ACTION_ROLLBACK, "r rolls back");
	tap_is_int(keymap_lookup(&km, KEYC_DOWN), ACTION_DOWN, "arrow down");
	tap_is_int(keymap_lookup(&km, KEYC_BTAB), ACTION_PREV_PANE, "S-Tab");
	tap_is_int(keymap_lookup(&km, ' '), ACTION_PAUSE_RESUME, "Space");
	/* one key, one action per pane */
	tap_is_int(keymap_lookup_in(&km, 'P', "pipeline"), ACTION_CI_PROMOTE, "P in the pipeline pane");
	tap_is_int(keymap_lookup_in(&km, 'P', "rollout"), ACTION_PROMOTE_FULL, "P in the rollout pane");
	tap_is_int(keymap_lookup_in(&km, 'P', "log"), ACTION_CI_PROMOTE, "P elsewhere: the first bound");
	tap_is_int(keymap_lookup_in(&km, 'r', "pipeline"), ACTION_ROLLBACK, "a key of one pane only");
	tap_ok(keymap_bind(&km, ACTION_ROLLBACK, "u", &err) == 0, "rebind rollback");
	tap_is_int(keymap_lookup(&km, 'u'), ACTION_ROLLBACK, "u rolls back now");
	tap_is_int(keymap_lookup(&km, 'r'), ACTION_NONE, "r is free");
	tap_ok(keymap_bind(&km, ACTION_HELP, "j", &err) == 0, "take j for help");
	tap_is_int(keymap_lookup(&km, 'j'), ACTION_HELP, "j helps");
	tap_is_str(keymap_keys_of(&km, ACTION_DOWN, buf, sizeof buf), "Down", "down keeps its arrow");
	tap_ok(keymap_bind(&km, ACTION_HELP, "Hyper-x", &err) == -1, "bad key refused");
	tap_ok(strstr(err.msg, "unknown key 'Hyper-x'") != NULL, "bad key named");
	keymap_free(&km);
	tap_is_int(keyc_parse("C-f"), KEYC_CTRL | 'f', "C-f");
	tap_is_int(keyc_parse("F5"), KEYC_F1 + 4, "F5");
	tap_is_str(keyc_name(KEYC_PGDN, buf, sizeof buf), "PgDn", "key name");
}

static void test_config(void)
{
	struct config cfg;
	struct err err;
	static const char good[] = "theme: light\nkeys:\n  rollback: \"u\"\n";
	static const char bad_key[] = "theme: x\nkeys:\n  rolback: u\n";
	static const char bad_top[] = "themes: x\n";

	memset(&cfg, 0, sizeof cfg);
	keymap_init_defaults(&cfg.keymap);
	tap_ok(config_parse(&cfg, "config.yaml", good, strlen(good), &err) == 0, "config parses");
	tap_is_str(cfg.theme, "light", "theme read");
	tap_is_int(keymap_lookup(&cfg.keymap, 'u'), ACTION_ROLLBACK, "key rebound");
	config_free(&cfg);

	keymap_init_defaults(&cfg.keymap);
	tap_ok(config_parse(&cfg, "config.yaml", bad_key, strlen(bad_key), &err) == -1,
	       "unknown action refused");
	tap_ok(!strncmp(err.msg, "config.yaml:3:3: unknown action 'rolback'", 41), "names line:col");
	config_free(&cfg);
	keymap_init_defaults(&cfg.keymap);
	tap_ok(config_parse(&cfg, "config.yaml", bad_top, strlen(bad_top), &err) == -1,
	       "unknown key refused");
	tap_is_str(err.msg, "config.yaml:1:1: unknown key 'themes' in the top level", "names key");
	config_free(&cfg);
}

static int parse(struct project *p, const char *src, struct err *err)
{
	return project_parse(p, ".shipdeck.yml", src, strlen(src), err);
}

static void test_project(void)
{
	struct project p;
	struct err err;
	static const char full[] =
		"image:\n  name: 127.0.0.1:5000/app\n  tag: \"{sha7}-{build}\"\n"
		"registries:\n  127.0.0.1:5000:\n    plain_http: true\n  ghcr.io:\n"
		"    username_env: U\n"
		"pipeline:\n  file: .drone.yml\n  test_steps: [test, test-integration]\n"
		"  concurrency: 3\n"
		"prometheus: http://127.0.0.1:9090\n"
		"apps:\n  shop:\n    strategy: blue-green\n    steps: [20, 100]\n    interval: 5s\n"
		"    metrics:\n      - name: err\n        query: 'up'\n        better: lower\n"
		"        max: 0.1\n  web:\n";
	const struct app_conf *a;

	tap_ok(project_parse(&p, ".shipdeck.yml", full, strlen(full), &err) == 0, "project parses");
	tap_is_str(p.image_name, "127.0.0.1:5000/app", "image name");
	tap_is_int(p.concurrency, 3, "concurrency");
	tap_is_int(p.ntest_steps, 2, "test steps");
	tap_ok(project_registry(&p, "127.0.0.1:5000")->plain_http, "loopback plain http");
	tap_ok(!project_registry(&p, "ghcr.io")->plain_http, "remote registry https");
	a = project_app(&p, "shop");
	tap_ok(a && a->strategy == RELEASE_BLUE_GREEN, "blue-green app");
	tap_is_int(a->interval_ms, 5000, "interval");
	tap_is_int(a->nmetrics, 1, "own metrics replace defaults");
	tap_ok(!a->metrics[0].higher_is_better && a->metrics[0].has_max, "metric direction");
	a = project_app(&p, "web");
	tap_ok(a && a->strategy == RELEASE_CANARY && a->nsteps == 4, "defaults for a bare app");
	tap_is_int(a->nmetrics, 2, "default metrics");
	project_free(&p);

	tap_ok(parse(&p, "image:\n  tag: latest\n", &err) == -1,
	       "latest refused");
	tap_ok(strstr(err.msg, ".shipdeck.yml:2:8: image.tag") != NULL, "latest names line:col");
	tap_ok(parse(&p, "image:\n  tag: \"{branch}\"\n", &err) == -1,
	       "non-unique template refused");
	tap_ok(parse(&p, "apps:\n  x:\n    steps: [50, 20]\n", &err) == -1, "decreasing steps refused");
	tap_ok(parse(&p, "pipline: {}\n", &err) == -1, "typo refused");
	tap_is_str(err.msg, ".shipdeck.yml:1:1: unknown key 'pipline' in the top level",
		   "typo named");
	tap_ok(project_check_tag_template("{sha7}-{build}", &err) == 0, "default template ok");
	tap_ok(project_check_tag_template("v-{nope}", &err) == -1, "unknown placeholder");
}

static void test_theme(void)
{
	struct theme t;
	struct err err;
	static const char good[] = "name: t\nroles:\n  ok: {fg: green, attrs: [bold]}\n"
				   "  border: {fg: 244, bg: default}\n";
	static const char bad_role[] = "name: t\nroles:\n  okay: {fg: green}\n";
	static const char bad_color[] = "name: t\nroles:\n  ok: {fg: greenish}\n";

	tap_ok(theme_parse(&t, "t.yaml", good, strlen(good), &err) == 0, "theme parses");
	tap_is_int(t.roles[ROLE_OK].fg, 2, "green is 2");
	tap_is_int(t.roles[ROLE_BORDER].fg, 244, "256-colour number");
	tap_is_int(t.roles[ROLE_BORDER].bg, THEME_DEFAULT_COLOR, "default colour");
	tap_ok(t.roles[ROLE_OK].attrs & THEME_BOLD, "attrs");
	tap_ok(theme_parse(&t, "t.yaml", bad_role, strlen(bad_role), &err) == -1, "bad role");
	tap_is_str(err.msg, "t.yaml:3: unknown role 'okay'", "bad role named with line");
	tap_ok(theme_parse(&t, "t.yaml", bad_color, strlen(bad_color), &err) == -1, "bad colour");
	tap_ok(!strncmp(err.msg, "t.yaml:3: role 'ok': unknown colour 'greenish'", 45),
	       "bad colour named with role");
	setenv("NO_COLOR", "1", 1);
	tap_is_str(theme_choose("light", NULL), "mono", "NO_COLOR wins");
	unsetenv("NO_COLOR");
	tap_is_str(theme_choose(NULL, "light"), "light", "config theme");
	tap_is_str(theme_choose(NULL, NULL), "default", "default theme");
	for (const char *const *n = (const char *const[]){ "default", "light", "high-contrast",
							     "mono", NULL }; *n; n++) {
		char *path = xasprintf("%s/themes/%s.yaml", SOURCE_ROOT, *n);
		size_t len;
		char *data = file_read_all(path, &len, &err);

		tap_ok(data && theme_parse(&t, path, data, len, &err) == 0, *n);
		free(data);
		free(path);
	}
}

static void test_audit(void)
{
	char dir[] = "/tmp/shipdeck-audit.XXXXXX";
	char *path, *data;
	struct err err;
	struct audit_record r = { .user = "ops", .action = "rollback", .target = "deploy/web",
				  .from = "revision 3", .to = "revision 2", .result = "ok" };
	size_t len;

	tap_ok(mkdtemp(dir) != NULL, "temp dir");
	path = xasprintf("%s/state/shipdeck/audit.jsonl", dir);
	tap_ok(audit_append(path, &r, &err) == 0, "append");
	r.result = "failed";
	tap_ok(audit_append(path, &r, &err) == 0, "append again");
	data = file_read_all(path, &len, &err);
	tap_ok(data && strstr(data, "\"action\":\"rollback\",\"target\":\"deploy/web\","
			      "\"from\":\"revision 3\",\"to\":\"revision 2\",\"result\":\"ok\""),
	       "record fields in order");
	tap_ok(data && strchr(data, '\n') && strchr(strchr(data, '\n') + 1, '\n')
	       && !*(strchr(strchr(data, '\n') + 1, '\n') + 1), "two whole lines");
	free(data);
	/* a torn last line (a power cut): the next record starts a line of its own */
	data = xasprintf("echo -n '{\"time\":\"2024-05-01T10:00:00Z\",\"us' >>%s", path);
	tap_ok(system(data) == 0, "a torn record at the end");
	free(data);
	tap_ok(audit_append(path, &r, &err) == 0, "append after the torn record");
	data = file_read_all(path, &len, &err);
	tap_ok(data && len > 2 && data[len - 1] == '\n'
	       && !strncmp(strrchr(data, '\n') - 1, "}\n", 2)
	       && strstr(data, "\"us\n{\"time\""), "the new record is on its own line");
	free(data);
	tap_ok(audit_append("/dev/full", &r, &err) == -1, "disk full reported");
	tap_ok(strstr(err.msg, "audit log") != NULL, "error names the audit log");
	free(path);
}

/* The reader: intents and results paired by id, one line per action. */
static void test_audit_readable(void)
{
	static const char log[] =
		/* a record from before ids */
		"{\"time\":\"2024-05-01T10:00:00Z\",\"user\":\"ada\",\"action\":\"rollback\","
		"\"target\":\"deploy/web\",\"from\":\"revision 3\",\"to\":\"revision 2\","
		"\"result\":\"ok\",\"message\":null}\n"
		/* two actions in flight at once, answered in the other order */
		"{\"time\":\"2026-12-01T10:00:00Z\",\"user\":\"ops\",\"action\":\"promote\","
		"\"target\":\"deploy/shop-canary\",\"from\":\"10%\",\"to\":\"25%\","
		"\"result\":null,\"message\":null,\"id\":\"aa\",\"phase\":\"intent\"}\n"
		"{\"time\":\"2026-12-01T10:00:01Z\",\"user\":\"ops\",\"action\":\"scale\","
		"\"target\":\"deploy/web\",\"from\":\"3 replicas\",\"to\":\"5 replicas\","
		"\"result\":null,\"message\":null,\"id\":\"bb\",\"phase\":\"intent\"}\n"
		"{\"time\":\"2026-12-01T10:00:02Z\",\"user\":\"ops\",\"action\":\"scale\","
		"\"target\":\"deploy/web\",\"from\":\"3 replicas\",\"to\":\"5 replicas\","
		"\"result\":\"failed\",\"message\":\"forbidden (HTTP 403)\",\"id\":\"bb\","
		"\"phase\":\"result\"}\n"
		"{\"time\":\"2026-12-01T10:00:03Z\",\"user\":\"ops\",\"action\":\"promote\","
		"\"target\":\"deploy/shop-canary\",\"from\":\"10%\",\"to\":\"25%\","
		"\"result\":\"ok\",\"message\":\"shop at 25%\",\"id\":\"aa\",\"phase\":\"result\"}\n"
		/* killed while in flight */
		"{\"time\":\"2026-12-01T10:01:00Z\",\"user\":\"ops\",\"action\":\"pause-resume\","
		"\"target\":\"deploy/web\",\"from\":\"rolling\",\"to\":\"paused\","
		"\"result\":null,\"message\":null,\"id\":\"cc\",\"phase\":\"intent\"}\n"
		/* a cancel and a hold: results alone */
		"{\"time\":\"2026-12-01T10:02:00Z\",\"user\":\"ops\",\"action\":\"deploy\","
		"\"target\":\"deploy/web\",\"from\":null,\"to\":\"web=reg/web:latest\","
		"\"result\":\"cancelled\",\"message\":\"not confirmed\",\"id\":\"dd\","
		"\"phase\":\"result\"}\n"
		"{\"time\":\"2026-12-01T10:03:00Z\",\"user\":\"ops\",\"action\":\"auto-analysis\","
		"\"target\":\"app/shop\",\"from\":\"MARGINAL → hold\",\"to\":null,"
		"\"result\":\"hold\",\"message\":\"automatic: MARGINAL\",\"id\":\"ee\","
		"\"phase\":\"result\"}\n"
		/* a result whose id is another's: it does not steal the open intent */
		"{\"time\":\"2026-12-01T10:04:00Z\",\"action\":\"restart\",\"target\":\"deploy/web\","
		"\"result\":\"ok\",\"id\":\"zz\",\"phase\":\"result\"}\n"
		/* an id seen twice (a log pasted onto itself): the result pairs with the
		 * latest intent, as a result follows its own */
		"{\"time\":\"2026-12-01T10:04:10Z\",\"action\":\"scale\",\"target\":\"deploy/a\","
		"\"id\":\"rr\",\"phase\":\"intent\"}\n"
		"{\"time\":\"2026-12-01T10:04:20Z\",\"action\":\"scale\",\"target\":\"deploy/b\","
		"\"id\":\"rr\",\"phase\":\"intent\"}\n"
		"{\"time\":\"2026-12-01T10:04:30Z\",\"action\":\"scale\",\"target\":\"deploy/b\","
		"\"result\":\"ok\",\"id\":\"rr\",\"phase\":\"result\"}\n"
		/* torn by a power cut, then blank */
		"{\"time\":\"2026-12-01T10:05:00Z\",\"us\n\n";
	char *text = audit_readable(log, sizeof log - 1);
	char *lines[16] = { 0 };
	int n = 0;

	for (char *p = text, *nl; *p && n < 16; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		lines[n++] = p;
	}
	tap_is_int(n, 10, "ten actions, one line each");
	tap_is_str(lines[0], "2024-05-01T10:00:00Z  rollback deploy/web  revision 3 → revision 2  ok"
		   "  by ada", "a record from before ids: a line of its own");
	tap_is_str(lines[1], "2026-12-01T10:00:00Z  promote deploy/shop-canary  10% → 25%  ok: shop "
		   "at 25%  by ops", "paired by id though answered second, at its intent's time");
	tap_is_str(lines[2], "2026-12-01T10:00:01Z  scale deploy/web  3 replicas → 5 replicas  "
		   "failed: forbidden (HTTP 403)  by ops", "a failure with its message");
	tap_is_str(lines[3], "2026-12-01T10:01:00Z  pause-resume deploy/web  rolling → paused  "
		   "outcome unknown (sent; no result was recorded)  by ops",
		   "an intent without a result: outcome unknown");
	tap_is_str(lines[4], "2026-12-01T10:02:00Z  deploy deploy/web  web=reg/web:latest  "
		   "cancelled: not confirmed  by ops", "a cancel: its result alone");
	tap_is_str(lines[5], "2026-12-01T10:03:00Z  auto-analysis app/shop  MARGINAL → hold  "
		   "hold: automatic: MARGINAL  by ops", "a hold");
	tap_is_str(lines[6], "2026-12-01T10:04:00Z  restart deploy/web  ok",
		   "a result without its intent: shown as it is");
	tap_is_str(lines[7], "2026-12-01T10:04:10Z  scale deploy/a  outcome unknown (sent; no result "
		   "was recorded)", "an id seen twice: the earlier intent stays open");
	tap_is_str(lines[8], "2026-12-01T10:04:20Z  scale deploy/b  ok",
		   "… and the result pairs with the latest");
	tap_is_str(lines[9], "(not a record: {\"time\":\"2026-12-01T10:05:00Z\",\"us)",
		   "a torn line says so");
	free(text);
	text = audit_readable("", 0);
	tap_is_str(text, "", "an empty log: no lines");
	free(text);
}

static int fired;

static void on_timer(void *ctx)
{
	(void)ctx;
	fired++;
}

static void on_child(void *ctx, pid_t pid, int status)
{
	(void)pid;
	*(int *)ctx = WEXITSTATUS(status) + 100;
}

static void test_loop(void)
{
	struct loop *loop = loop_new();
	uint64_t cancelled;
	int child_status = 0;
	pid_t pid;
	int64_t t0 = time_mono_ms();

	loop_timer_add(loop, 20, on_timer, NULL);
	cancelled = loop_timer_add(loop, 10, on_timer, NULL);
	loop_timer_cancel(loop, cancelled);
	while (!fired && time_mono_ms() - t0 < 2000)
		loop_run_once(loop, -1);
	tap_is_int(fired, 1, "one timer fired, the cancelled one did not");
	tap_is_int(loop_next_timer_ms(loop), -1, "no timer left");
	pid = fork();
	if (pid == 0)
		_exit(7);
	loop_child_watch(loop, pid, on_child, &child_status);
	while (!child_status && time_mono_ms() - t0 < 4000)
		loop_run_once(loop, 100);
	tap_is_int(child_status, 107, "child exit reported");
	loop_free(&loop);
	tap_ok(loop == NULL, "free clears the pointer");
}

static void test_store_status(void)
{
	struct store s;
	struct store_event ev = { .domain = STORE_STATUS };
	uint64_t v;

	store_init(&s);
	ev.status = (struct status_event){ .type = STATUS_EV_SOURCE, .source = SOURCE_KUBE,
					   .state = SOURCE_RECONNECTING, .attempt = 3,
					   .text = xstrdup("connection refused") };
	tap_ok(store_apply(&s, &ev), "source state applied");
	tap_is_int(s.status.sources[SOURCE_KUBE].attempt, 3, "attempt kept");
	v = s.version;
	ev.status = (struct status_event){ .type = STATUS_EV_SOURCE, .source = SOURCE_KUBE,
					   .state = SOURCE_RECONNECTING, .attempt = 3,
					   .text = xstrdup("connection refused") };
	tap_ok(!store_apply(&s, &ev) && s.version == v, "same state: no change, no redraw");
	ev = (struct store_event){ .domain = STORE_LOG };
	ev.log = (struct log_event){ .type = LOG_EV_OPEN, .id = xstrdup("audit") };
	store_apply(&s, &ev);
	ev.log = (struct log_event){ .type = LOG_EV_APPEND, .id = xstrdup("audit"),
				     .text = xstrdup("one\ntwo\r\nthree"), .text_len = 14 };
	store_apply(&s, &ev);
	tap_is_int(store_log_find(&s.logs, "audit")->count, 3, "three lines");
	tap_is_str(log_buffer_line(store_log_find(&s.logs, "audit"), 1)->text, "two", "CR dropped");
	store_free(&s);
}

static void test_environments(void)
{
	static const char good[] =
		"environments:\n"
		"  - name: stage\n    context: a\n    namespace: stage\n"
		"    apps: {web: [web, web-worker], api: api}\n"
		"  - name: prod\n    namespace: prod\n    apps: [web]\n"
		"    requires: {passed: stage, for: 10m}\n    confirm: twice\n"
		"    expected_differences: [replicas, env.LOG_LEVEL]\n";
	static const struct { const char *src, *msg; } bad[] = {
		{ "environments:\n  - namespace: x\n    apps: [web]\n",
		  ".shipdeck.yml:2:5: environments[0]: an environment needs a name" },
		{ "environments:\n  - name: a\n    apps: [w]\n  - name: a\n    apps: [w]\n",
		  ".shipdeck.yml:4:11: environments[1].name: environment 'a' is listed twice" },
		{ "environments:\n  - name: a\n",
		  ".shipdeck.yml:2:5: environments[0] (a).apps: say which Deployments make up each "
		  "app there (apps: [web])" },
		{ "environments:\n  - name: a\n    apps: [w]\n    requires: {passed: b}\n",
		  ".shipdeck.yml:4:24: environments[0] (a).requires.passed: 'b' is not an "
		  "environment listed before 'a'" },
		{ "environments:\n  - name: a\n    apps: [w]\n  - name: b\n    apps: [w]\n"
		  "    requires: {passed: a, for: soon}\n",
		  ".shipdeck.yml:6:32: environments[1] (b).requires.for: expected a duration like "
		  "10m or 1h" },
		{ "environments:\n  - name: a\n    apps: [w]\n    confirm: thrice\n",
		  ".shipdeck.yml:4:14: environments[0] (a).confirm: expected once or twice" },
		{ "environments:\n  - name: a\n    apps: [w]\n    cluster: x\n",
		  ".shipdeck.yml:4:5: unknown key 'cluster' in environments[0]" },
		{ "environments:\n  - name: a\n    apps: {web: []}\n",
		  ".shipdeck.yml:3:17: environments[0] (a).apps.web: name at least one" },
	};
	struct project p;
	struct err err = { 0 };
	const struct env_conf *e;

	tap_ok(parse(&p, good, &err) == 0, "environments parse");
	tap_is_int(p.nenvs, 2, "two environments, in order");
	e = project_env(&p, "stage");
	tap_is_str(e ? e->context : "", "a", "context");
	tap_is_int(e && env_conf_app(e, "web") ? (long)env_conf_app(e, "web")->ndeployments : 0, 2,
		   "an app of two Deployments");
	tap_is_str(e && env_conf_app(e, "api") ? env_conf_app(e, "api")->deployments[0] : "",
		   "api", "one Deployment as a scalar");
	tap_ok(project_env_next(&p, e) == project_env(&p, "prod"), "prod follows stage");
	e = project_env(&p, "prod");
	tap_ok(e && !e->context, "no context: the current one");
	tap_is_str(e ? e->requires_passed : "", "stage", "requires passed");
	tap_is_int(e ? e->requires_for_ms : 0, 600000, "for 10m");
	tap_ok(e && e->confirm_twice, "confirm twice");
	tap_is_int(e ? (long)e->nexpected : 0, 2, "expected differences");
	tap_ok(!project_env_next(&p, e), "prod is last");
	project_free(&p);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tap_ok(parse(&p, bad[i].src, &err) == -1, "bad environments refused");
		tap_is_str(err.msg, bad[i].msg, "file:line:col and field");
	}
}

int main(void)
{
	test_actions();
	test_config();
	test_project();
	test_environments();
	test_theme();
	test_audit();
	test_audit_readable();
	test_loop();
	test_store_status();
	return tap_done();
}
