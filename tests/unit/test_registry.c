/* The registry client's parsers, without a network: the tag template both
 * ways (the runner's tags read back by the images pane), Link pagination (and loops), WWW-Authenticate challenges,
 * manifest media types, docker's config.json auths, image names, the token
 * endpoint's answer and the token cache. */
#include <stdlib.h>
#include <string.h>

#include "registry/auth.h"
#include "registry/creds.h"
#include "registry/link.h"
#include "registry/manifest.h"
#include "registry/ref.h"
#include "util/tag_scheme.h"
#include "registry/www_auth.h"
#include "tap.h"

/* The runner expands the template and the images pane reads the tag back
 * with the same module: they cannot disagree. They did when each had its
 * own parser — the runner's took uppercase hex for a commit, the pane's did
 * not, and only the runner's read a literal '/' back from its '-'. */
static void test_tag_both_ways(void)
{
	struct tag_vars v = { .sha = "0123456789abcdef0123456789abcdef01234567", .build = 42,
			      .branch = "feature/login" };
	struct tag_match m;
	char *t;

	t = tag_scheme_expand("{sha7}-{build}", &v);
	tap_is_str(t, "0123456-42", "the default scheme");
	tap_ok(tag_scheme_match("{sha7}-{build}", t, &m) && !strcmp(m.sha, "0123456")
	       && m.build == 42, "read back: commit and build");
	free(t);
	t = tag_scheme_expand("{branch}-{build}-{sha7}", &v);
	tap_is_str(t, "feature-login-42-0123456", "a branch becomes a valid tag");
	tap_ok(tag_scheme_match("{branch}-{build}-{sha7}", t, &m), "parses back");
	tap_is_str(m.branch, "feature-login", "branch with a dash");
	tap_is_int((int)m.build, 42, "build");
	tap_is_str(m.sha, "0123456", "sha prefix");
	free(t);
	t = tag_scheme_expand("{system}.{build}", &v);
	tap_is_str(t, "shipdeck.42", "{system}");
	free(t);
	/* the disagreement: git writes lowercase hex, so an uppercase "commit"
	 * names none, for the runner's side as for the pane's */
	tap_ok(!tag_scheme_match("{sha7}-{build}", "A1B2C3D-7", &m), "uppercase hex is no commit");
	tap_ok(tag_scheme_match("{sha7}-{build}", "a1b2c3d-7", &m), "lowercase is");
	/* a literal outside the tag alphabet is written as '-', and read back so */
	t = tag_scheme_expand("v/{build}", &v);
	tap_is_str(t, "v-42", "'/' in the template becomes '-'");
	tap_ok(tag_scheme_match("v/{build}", t, &m) && m.build == 42, "and reads back");
	free(t);
	tap_ok(!tag_scheme_match("v/{build}", "vx42", &m), "but not any character for it");
}

static void test_tag_scheme(void)
{
	struct tag_match m;

	tap_ok(tag_scheme_match("{sha7}-{build}", "3f2a9c1-12", &m), "sha7-build matches");
	tap_is_str(m.sha, "3f2a9c1", "sha7 read");
	tap_is_int(m.build, 12, "build read");
	tap_ok(!tag_scheme_match("{sha7}-{build}", "3f2a9c-12", &m), "six hex digits are not sha7");
	tap_ok(!tag_scheme_match("{sha7}-{build}", "3f2a9c1x-12", &m), "eight characters are not");
	tap_ok(!tag_scheme_match("{sha7}-{build}", "3F2A9C1-12", &m), "uppercase hex is not git's");
	tap_ok(!tag_scheme_match("{sha7}-{build}", "3f2a9c1-", &m), "build needs a digit");
	tap_ok(!tag_scheme_match("{sha7}-{build}", "3f2a9c1-12a", &m), "build is digits only");
	tap_ok(!tag_scheme_match("{sha7}-{build}", "latest", &m), "latest does not match");
	tap_is_int(m.build, -1, "no build on a miss");
	tap_ok(tag_scheme_match("{build}", "7", &m) && m.build == 7 && !m.sha[0], "build alone");
	tap_ok(tag_scheme_match("v{build}-{sha}", "v3-0123456789abcdef0123456789abcdef01234567", &m),
	       "full sha with a literal prefix");
	tap_is_str(m.sha, "0123456789abcdef0123456789abcdef01234567", "full sha read");
	/* a branch may hold the separator: backtracking finds the split */
	tap_ok(tag_scheme_match("{branch}-{sha7}-{build}", "feature-x-abc1234-9", &m),
	       "branch with a dash");
	tap_is_str(m.branch, "feature-x", "branch read");
	tap_is_str(m.sha, "abc1234", "sha after the branch");
	tap_ok(tag_scheme_match("{system}{build}-{sha7}", "drone42-abc1234", &m), "system then build");
	tap_is_str(m.system, "drone", "system read (build takes the digits)");
	tap_is_int(m.build, 42, "build after system");
	tap_ok(tag_scheme_match("{sha7}-{build}-{sha7}", "abc1234-5-abc1234", &m),
	       "a placeholder twice, same text");
	tap_ok(!tag_scheme_match("{sha7}-{build}-{sha7}", "abc1234-5-abc1235", &m),
	       "a placeholder twice, other text");
	tap_ok(!tag_scheme_match("{sha7}-{build}", "abc1234-1234567890123456789", &m),
	       "a build number too long to be one");
	tap_ok(tag_is_mutable("latest") && !tag_is_mutable("latest-1"), "latest is mutable");
}

static void test_link(void)
{
	const char *base = "http://127.0.0.1:5000/v2/app/tags/list?n=2";
	struct link_walk walk = { 0 };
	struct err err;
	char *next;

	tap_is_int(link_next("</v2/app/tags/list?last=b&n=2>; rel=\"next\"", base, &next, &err), 1,
		   "relative next");
	tap_is_str(next, "http://127.0.0.1:5000/v2/app/tags/list?last=b&n=2", "resolved on the host");
	free(next);
	tap_is_int(link_next("<http://127.0.0.1:5000/v2/app/tags/list?last=c>; rel=next", base,
			     &next, &err), 1, "absolute next, unquoted rel");
	free(next);
	tap_is_int(link_next("</a>; rel=\"prev\", </b>; rel=\"next\"", base, &next, &err), 1,
		   "next among several links");
	tap_is_str(next, "http://127.0.0.1:5000/b", "the next one");
	free(next);
	tap_is_int(link_next("</c>; title=\"x\"; rel=\"last next\"", base, &next, &err), 1,
		   "next in a list of relation types");
	free(next);
	tap_is_int(link_next("?last=z", base, &next, &err), -1, "malformed header refused");
	tap_ok(strstr(err.msg, "malformed Link") && strstr(err.msg, base), "malformed names the URL");
	tap_is_int(link_next("</a>; rel=\"prev\"", base, &next, &err), 0, "no next page");
	tap_is_int(link_next(NULL, base, &next, &err), 0, "no header");
	tap_is_int(link_next("<http://evil.example/v2/app/tags/list>; rel=\"next\"", base, &next,
			     &err), -1, "another host refused");
	tap_ok(strstr(err.msg, "another host") != NULL, "and says so");
	tap_is_int(link_next("<list?last=q>; rel=\"next\"", base, &next, &err), 1,
		   "relative to the folder");
	tap_is_str(next, "http://127.0.0.1:5000/v2/app/tags/list?last=q", "folder-relative resolved");
	free(next);
	tap_is_int(link_next("</v2/app/tags/list?last=http://x/>; rel=\"next\"", base, &next, &err),
		   1, "a URL in the query is not the link's host");
	tap_is_str(next, "http://127.0.0.1:5000/v2/app/tags/list?last=http://x/", "so it stays here");
	free(next);
	tap_is_int(link_next("<//evil.example/v2/app/tags/list>; rel=\"next\"", base, &next, &err),
		   1, "a network-path reference stays a path on this host");
	tap_is_str(next, "http://127.0.0.1:5000//evil.example/v2/app/tags/list", "on this host");
	free(next);

	tap_ok(link_walk_visit(&walk, "http://r/v2/app/tags/list?n=2"), "first page");
	tap_ok(link_walk_visit(&walk, "http://r/v2/app/tags/list?n=2&last=b"), "second page");
	tap_ok(!link_walk_visit(&walk, "http://r/v2/app/tags/list?n=2"), "back to the first: a loop");
	tap_ok(!link_walk_visit(&walk, "http://r/v2/app/tags/list?n=2&last=b"), "to itself: a loop");
	link_walk_free(&walk);
	tap_ok(link_walk_visit(&walk, "http://r/v2/app/tags/list?n=2"), "a new walk starts clean");
	link_walk_free(&walk);
}

static void test_www_auth(void)
{
	struct www_auth a;

	tap_is_int(www_auth_parse("Bearer realm=\"https://auth.docker.io/token\","
				  "service=\"registry.docker.io\",scope=\"repository:library/nginx:pull\"",
				  &a), 0, "docker hub challenge");
	tap_is_int(a.scheme, WWW_AUTH_BEARER, "bearer");
	tap_is_str(a.realm, "https://auth.docker.io/token", "realm");
	tap_is_str(a.service, "registry.docker.io", "service");
	tap_is_str(a.scope, "repository:library/nginx:pull", "scope");
	www_auth_free(&a);
	tap_is_int(www_auth_parse("Basic realm=\"basic-realm\"", &a), 0, "basic challenge");
	tap_is_int(a.scheme, WWW_AUTH_BASIC, "basic");
	tap_is_str(a.realm, "basic-realm", "basic realm");
	www_auth_free(&a);
	tap_is_int(www_auth_parse("Basic realm=\"x\", Bearer realm=\"https://t/token\",scope="
				  "\"repository:a:pull,push\", error=\"invalid_token\"", &a), 0,
		   "two challenges");
	tap_is_int(a.scheme, WWW_AUTH_BEARER, "bearer preferred");
	tap_is_str(a.scope, "repository:a:pull,push", "comma inside quotes kept");
	tap_is_str(a.error, "invalid_token", "error parameter");
	www_auth_free(&a);
	tap_is_int(www_auth_parse("bearer REALM=\"https://t/a\\\"b\"", &a), 0, "case and escapes");
	tap_is_str(a.realm, "https://t/a\"b", "escaped quote");
	www_auth_free(&a);
	tap_is_int(www_auth_parse("Negotiate", &a), -1, "unknown scheme only");
	tap_is_int(www_auth_parse("Bearer service=\"x\"", &a), -1, "bearer without realm");
	tap_is_int(www_auth_parse("Bearer realm=\"unterminated", &a), -1, "unterminated quote");
	tap_is_int(www_auth_parse("realm=\"x\"", &a), -1, "parameter without a scheme");
	tap_is_int(www_auth_parse(NULL, &a), -1, "no header");
	tap_is_int(www_auth_parse("Negotiate abc, Basic realm=r", &a), 0, "token then basic");
	tap_is_int(a.scheme, WWW_AUTH_BASIC, "basic after an unknown scheme");
	www_auth_free(&a);
}

static void test_manifest(void)
{
	static const char image[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_DOCKER_MANIFEST "\","
		"\"config\":{\"digest\":\"sha256:c0\",\"size\":7},"
		"\"layers\":[{\"digest\":\"sha256:l1\",\"size\":1000},{\"digest\":\"sha256:l2\",\"size\":234}]}";
	static const char index[] =
		"{\"schemaVersion\":2,\"manifests\":["
		"{\"digest\":\"sha256:att\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
		"{\"digest\":\"sha256:arm\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
		"{\"digest\":\"sha256:amd\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
	static const char index_no_amd[] =
		"{\"manifests\":[{\"digest\":\"sha256:att\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
		"{\"digest\":\"sha256:arm\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}";
	struct manifest m;
	struct err err;
	int64_t created;

	tap_is_int(manifest_kind_of(MEDIA_OCI_INDEX), MANIFEST_INDEX, "OCI index");
	tap_is_int(manifest_kind_of(MEDIA_DOCKER_LIST), MANIFEST_INDEX, "Docker list");
	tap_is_int(manifest_kind_of(MEDIA_OCI_MANIFEST), MANIFEST_IMAGE, "OCI manifest");
	tap_is_int(manifest_kind_of(MEDIA_DOCKER_MANIFEST), MANIFEST_IMAGE, "Docker v2 manifest");
	tap_is_int(manifest_kind_of("application/vnd.docker.distribution.manifest.v1+prettyjws"),
		   MANIFEST_UNKNOWN, "schema 1 is not read");
	tap_ok(strstr(MANIFEST_ACCEPT, MEDIA_OCI_INDEX) && strstr(MANIFEST_ACCEPT, MEDIA_DOCKER_LIST)
	       && strstr(MANIFEST_ACCEPT, MEDIA_OCI_MANIFEST)
	       && strstr(MANIFEST_ACCEPT, MEDIA_DOCKER_MANIFEST), "Accept names all four");

	tap_is_int(manifest_parse(&m, MEDIA_DOCKER_MANIFEST, image, strlen(image), "u", &err), 0,
		   "image manifest parses");
	tap_is_int(m.kind, MANIFEST_IMAGE, "is an image");
	tap_is_int(m.size, 1234, "size is the sum of the layers");
	tap_is_int(m.nlayers, 2, "two layers");
	tap_is_str(m.config_digest, "sha256:c0", "config digest");
	manifest_free(&m);
	tap_is_int(manifest_parse(&m, "application/json; charset=utf-8", image, strlen(image), "u",
				  &err), 0, "generic content type: the body says");
	tap_is_str(m.media_type, MEDIA_DOCKER_MANIFEST, "type from mediaType");
	manifest_free(&m);
	tap_is_int(manifest_parse(&m, MEDIA_OCI_INDEX, index, strlen(index), "u", &err), 0,
		   "index parses");
	tap_is_str(m.child_digest, "sha256:amd", "linux/amd64 picked");
	tap_is_str(m.platform, "linux/amd64", "its platform");
	manifest_free(&m);
	tap_is_int(manifest_parse(&m, NULL, index_no_amd, strlen(index_no_amd), "u", &err), 0,
		   "index without a type and without amd64");
	tap_is_int(m.kind, MANIFEST_INDEX, "shape says index");
	tap_is_str(m.child_digest, "sha256:arm", "a real platform before an attestation");
	manifest_free(&m);
	tap_is_int(manifest_parse(&m, "application/vnd.example.unknown+json", image, strlen(image),
				  "http://r/v2/app/manifests/x", &err), -1, "unknown media type");
	tap_ok(strstr(err.msg, "unknown media type 'application/vnd.example.unknown+json'")
	       && strstr(err.msg, "http://r/v2/app/manifests/x"), "named with the URL");
	tap_is_int(manifest_parse(&m, MEDIA_OCI_MANIFEST, "{\"config\":{},\"layers\":[]}", 25, "u",
				  &err), -1, "config without a digest");
	tap_is_int(manifest_parse(&m, MEDIA_OCI_MANIFEST,
				  "{\"config\":{\"digest\":\"sha256:c\"},\"layers\":[{\"size\":-1}]}",
				  52, "u", &err), -1, "negative layer size");
	tap_is_int(manifest_parse(&m, MEDIA_OCI_MANIFEST,
				  "{\"config\":{\"digest\":\"../../x\"},\"layers\":[]}", 42, "u", &err),
		   -1, "a digest that is a path");
	tap_is_int(manifest_parse(&m, MEDIA_OCI_MANIFEST, "not json", 8, "u", &err), -1, "not JSON");
	tap_is_int(manifest_config_created("{\"created\":\"2024-05-01T10:00:00.123456789Z\"}", 44,
					   &created, "u", &err), 0, "config parses");
	tap_is_int(created, 1714557600, "created read");
	tap_is_int(manifest_config_created("{}", 2, &created, "u", &err), 0, "no created");
	tap_is_int(created, 0, "unknown is 0");
	tap_is_int(manifest_config_created("[]", 2, &created, "u", &err), -1, "not an object");
}

static void test_creds(void)
{
	static const char cfg[] =
		"{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnNlY3JldA==\"},"
		"\"127.0.0.1:5000\":{\"auth\":\"YWxpY2U6cDRzczp3b3Jk\"},"
		"\"http://reg.example:8080/v2/\":{\"username\":\"bob\",\"password\":\"pw\"},"
		"\"bad.example\":{\"auth\":\"bm9jb2xvbg==\"}},\"credsStore\":\"desktop\"}";
	struct registry_creds c = { 0 };
	struct err err;

	tap_is_int(docker_config_auth(cfg, strlen(cfg), "127.0.0.1:5000", "cfg.json", &c, &err), 0,
		   "host with a port");
	tap_is_str(c.user, "alice", "user from auth");
	tap_is_str(c.password, "p4ss:word", "password keeps its colon");
	tap_is_str(c.source, "cfg.json", "source named");
	registry_creds_free(&c);
	tap_is_int(docker_config_auth(cfg, strlen(cfg), "docker.io", "cfg.json", &c, &err), 0,
		   "docker hub's key");
	tap_is_str(c.user, "hub", "hub user");
	registry_creds_free(&c);
	tap_is_int(docker_config_auth(cfg, strlen(cfg), "reg.example:8080", "cfg.json", &c, &err), 0,
		   "key with scheme and path");
	tap_is_str(c.user, "bob", "username/password fields");
	registry_creds_free(&c);
	tap_is_int(docker_config_auth(cfg, strlen(cfg), "other:1", "cfg.json", &c, &err), 0,
		   "no entry");
	tap_ok(!c.user && c.hint && strstr(c.hint, "desktop"), "hint names the credential helper");
	registry_creds_free(&c);
	tap_is_int(docker_config_auth(cfg, strlen(cfg), "bad.example", "cfg.json", &c, &err), -1,
		   "auth without a colon");
	tap_ok(strstr(err.msg, "bad.example") != NULL, "bad entry named");
	tap_is_int(docker_config_auth("{", 1, "x", "cfg.json", &c, &err), -1, "broken file");
	tap_ok(strstr(err.msg, "cfg.json") != NULL, "broken file named");

	{
		struct registry_conf conf = { .host = "r:1", .username_env = "SD_TEST_USER",
					      .password_env = "SD_TEST_PASS" };

		setenv("SD_TEST_USER", "eve", 1);
		unsetenv("SD_TEST_PASS");
		tap_is_int(registry_creds_find(&conf, "r:1", &c, &err), -1, "user without password");
		tap_ok(strstr(err.msg, "$SD_TEST_PASS is not") != NULL, "the missing variable named");
		setenv("SD_TEST_PASS", "pw", 1);
		tap_is_int(registry_creds_find(&conf, "r:1", &c, &err), 0, "from the environment");
		tap_is_str(c.user, "eve", "env user");
		tap_is_str(c.source, "$SD_TEST_USER/$SD_TEST_PASS", "env source");
		registry_creds_free(&c);
	}
}

static void test_ref(void)
{
	struct image_ref r;
	struct err err;

	tap_is_int(image_ref_parse("127.0.0.1:5000/app", &r, &err), 0, "host:port/name");
	tap_is_str(r.host, "127.0.0.1:5000", "host");
	tap_is_str(r.name, "app", "name");
	tap_is_str(r.api_host, "127.0.0.1:5000", "api host");
	image_ref_free(&r);
	tap_is_int(image_ref_parse("nginx", &r, &err), 0, "docker hub short name");
	tap_is_str(r.name, "library/nginx", "library/");
	tap_is_str(r.api_host, "registry-1.docker.io", "hub's API host");
	image_ref_free(&r);
	tap_is_int(image_ref_parse("ghcr.io/acme/web/api", &r, &err), 0, "nested name");
	tap_is_str(r.name, "acme/web/api", "nested kept");
	image_ref_free(&r);
	tap_is_int(image_ref_parse("localhost/app", &r, &err), 0, "localhost is a host");
	tap_is_str(r.host, "localhost", "localhost");
	image_ref_free(&r);
	tap_is_int(image_ref_parse("127.0.0.1:5000/app:1.0", &r, &err), -1, "a tag is refused");
	tap_ok(strstr(err.msg, "without a tag") != NULL, "and says why");
	tap_is_int(image_ref_parse("127.0.0.1:5000/App", &r, &err), -1, "uppercase refused");
	tap_is_int(image_ref_parse("r.io/a//b", &r, &err), -1, "empty component refused");
}

static void test_tokens(void)
{
	struct registry_auth a;
	struct registry_creds none = { 0 };
	char *token;
	int64_t exp;
	struct err err;

	tap_is_int(registry_token_parse("{\"token\":\"t1\",\"expires_in\":300}", 33, &token, &exp,
					"u", &err), 0, "token answer");
	tap_is_str(token, "t1", "token");
	tap_is_int(exp, 300, "expires_in");
	free(token);
	tap_is_int(registry_token_parse("{\"access_token\":\"t2\"}", 21, &token, &exp, "u", &err), 0,
		   "access_token");
	tap_is_str(token, "t2", "access_token read");
	tap_is_int(exp, 60, "default 60 s");
	free(token);
	tap_is_int(registry_token_parse("{}", 2, &token, &exp, "http://t/token", &err), -1,
		   "no token");
	tap_ok(strstr(err.msg, "http://t/token") != NULL, "names the token URL");

	registry_auth_init(&a, NULL, NULL, &none, false);
	registry_auth_remember(&a, "repository:app:pull", "tok", 100, 1000);
	tap_is_str(registry_auth_cached(&a, "repository:app:pull", 2000), "tok", "cached");
	tap_ok(!registry_auth_cached(&a, "repository:other:pull", 2000), "per scope");
	tap_ok(!registry_auth_cached(&a, "repository:app:pull", 1000 + 100 * 1000), "expired");
	registry_auth_remember(&a, "repository:app:pull", "tok2", 100, 200000);
	tap_is_str(registry_auth_cached(&a, "repository:app:pull", 201000), "tok2", "replaced");
	tap_is_int(a.ntokens, 1, "one entry per scope");
	registry_auth_free(&a);
}

int main(void)
{
	test_tag_both_ways();
	test_tag_scheme();
	test_link();
	test_www_auth();
	test_manifest();
	test_creds();
	test_ref();
	test_tokens();
	return tap_done();
}
