#!/bin/bash
# Services and detached steps (issue 15): a service (a small HTTP server)
# starts before the steps, a step reaches it, the build passes, and the
# service's process is gone afterwards (checked by the pid it wrote). A
# plugin step without a container runtime says "needs image X", lists the
# PLUGIN_* variables it would get with the secret masked, and fails the
# build unless failure: ignore.
. "$(dirname "$0")/lib.sh"

PORT=$(python3 "$(dirname "$0")/../../free_port.py")
R=$WORK/app
new_repo "$R"
cd "$R"
mkdir -p site
printf 'hello from the service\n' >site/index.html
cat >.drone.yml <<YAML
kind: pipeline
type: docker
name: web
services:
- name: http
  image: python:3
  commands:
  - echo \$\$ >"\$SHIPDECK_PIDFILE"
  - exec python3 -m http.server $PORT --bind 127.0.0.1 --directory site
steps:
- name: wait
  image: alpine
  privileged: true
  commands:
  - for i in \$(seq 100); do python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/')" 2>/dev/null && exit 0; sleep 0.1; done; exit 1
- name: fetch
  image: alpine
  commands:
  - python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$PORT/index.html').read().decode().strip())"
- name: publish
  image: plugins/docker
  failure: ignore
  settings:
    repo: foo/bar
    tags: [1.0.0, "1.0"]
    password: {from_secret: REG_PASS}
YAML
commit_all "$R" "a pipeline with a service"
export SHIPDECK_PIDFILE=$WORK/service.pid REG_PASS=s3cr3t-pa55
rc=0
sd pipeline run >"$WORK/run" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "the build failed ($rc): $(cat "$WORK/run")"
grep -q '^fetch | hello from the service$' "$WORK/run" || fail "the step did not reach the service: $(cat "$WORK/run")"
ok "a step reaches the service and the build passes"
grep -q -- "-- http: passed .*stopped after the steps" "$WORK/run" || fail "the service was not stopped after the steps: $(cat "$WORK/run")"
pid=$(cat "$SHIPDECK_PIDFILE")
[ -n "$pid" ] || fail "the service wrote no pid"
if [ -d /proc/"$pid" ] && [ "$(cut -d' ' -f3 /proc/"$pid"/stat)" != Z ]; then
	fail "the service (pid $pid) still runs after the build"
fi
[ -z "$(build_processes "$R" 1)" ] || fail "processes of build 1 remain: $(build_processes "$R" 1)"
ok "the service (pid $pid) is gone after the build"
grep -q 'publish | shipdeck: needs image plugins/docker: no container runtime here' "$WORK/run" || fail "no 'needs image' line: $(cat "$WORK/run")"
grep -q 'publish | shipdeck: it would get PLUGIN_TAGS=1.0.0,1.0$' "$WORK/run" || fail "no PLUGIN_TAGS: $(cat "$WORK/run")"
grep -q 'publish | shipdeck: it would get PLUGIN_PASSWORD=\*\*\*$' "$WORK/run" || fail "the secret is not masked: $(cat "$WORK/run")"
! grep -rq s3cr3t-pa55 "$WORK/run" "$XDG_STATE_HOME" || fail "the secret reached the output or the history"
grep -q -- '-- publish: failed' "$WORK/run" || fail "the plugin step did not fail: $(cat "$WORK/run")"
ok "a plugin step needs its image: PLUGIN_* listed, the secret masked, failure ignored"

# without failure: ignore the plugin step fails the build
sed -i '/failure: ignore/d' .drone.yml
commit_all "$R" "the plugin step counts"
rc=0
sd pipeline run >"$WORK/run2" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "want exit 1 when a plugin step cannot run, got $rc: $(cat "$WORK/run2")"
ok "without failure: ignore, a plugin step that needs its image fails the build"

# a detached step runs in the background; the build does not wait for it
cat >.drone.yml <<YAML
kind: pipeline
type: exec
steps:
- name: bg
  detach: true
  commands:
  - echo \$\$ >"\$SHIPDECK_PIDFILE"
  - exec sleep 300
- name: quick
  commands: [echo done]
YAML
commit_all "$R" "a detached step"
start=$(date +%s)
sd pipeline run >"$WORK/run3" 2>&1 || fail "the build with a detached step failed: $(cat "$WORK/run3")"
[ $(($(date +%s) - start)) -lt 60 ] || fail "the build waited for its detached step"
pid=$(cat "$SHIPDECK_PIDFILE")
if [ -d /proc/"$pid" ] && [ "$(cut -d' ' -f3 /proc/"$pid"/stat)" != Z ]; then
	fail "the detached step (pid $pid) still runs after the build"
fi
ok "a detached step runs in the background and is stopped with the build"

# when.paths against the files the commit changes
cat >.drone.yml <<YAML
kind: pipeline
type: exec
steps:
- name: docs
  commands: [echo docs]
  when:
    paths: {include: ['docs/*']}
- name: code
  commands: [echo code]
  when:
    paths: {include: ['src/*', '.drone.yml']}
YAML
mkdir -p src docs
echo x >src/a.c
commit_all "$R" "code only"
sd pipeline run >"$WORK/run4" 2>&1 || fail "the paths build failed: $(cat "$WORK/run4")"
grep -q -- '-- docs: skipped' "$WORK/run4" || fail "docs ran though no docs/ file changed: $(cat "$WORK/run4")"
grep -q '^code | code$' "$WORK/run4" || fail "code did not run: $(cat "$WORK/run4")"
echo y >docs/b.md
commit_all "$R" "docs only"
sd pipeline run >"$WORK/run5" 2>&1 || fail "the second paths build failed: $(cat "$WORK/run5")"
grep -q '^docs | docs$' "$WORK/run5" || fail "docs did not run: $(cat "$WORK/run5")"
grep -q -- '-- code: skipped' "$WORK/run5" || fail "code ran though only docs changed: $(cat "$WORK/run5")"
ok "when.paths follows the files each commit changes"

# pipeline.runtime: host runs, podman and docker are refused in one line
# (no container runtime here), a bad value names file:line:col
cat >.drone.yml <<YAML
kind: pipeline
type: exec
steps:
- name: a
  commands: [echo a]
YAML
printf 'pipeline:\n  runtime: host\n' >.shipdeck.yml
commit_all "$R" "runtime host"
sd pipeline run >"$WORK/run6" 2>&1 || fail "runtime: host: $(cat "$WORK/run6")"
printf 'pipeline:\n  runtime: podman\n' >.shipdeck.yml
commit_all "$R" "runtime podman"
rc=0
sd pipeline run >"$WORK/run7" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "runtime: podman: exit $rc, want 2: $(cat "$WORK/run7")"
grep -q 'pipeline.runtime: podman: this shipdeck runs steps on the host only' "$WORK/run7" || fail "runtime: podman: $(cat "$WORK/run7")"
printf 'pipeline:\n  runtime: lxc\n' >.shipdeck.yml
rc=0
sd pipeline run >"$WORK/run8" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "runtime: lxc: exit $rc, want 2"
grep -q '\.shipdeck\.yml:2:12: pipeline.runtime: expected host, podman, docker or auto' "$WORK/run8" || fail "runtime: lxc: $(cat "$WORK/run8")"
ok "pipeline.runtime: host runs; podman and docker are refused here; a bad value names file:line:col"
