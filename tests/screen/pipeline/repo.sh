# A repository for the pipeline screen tests: a DAG with a failing test, an
# ignored lint failure, a secret and docker steps. Sourced after sd_setup.
# make_repo DIR
make_repo() {
	local r=$1
	mkdir -p "$r" "$XDG_CONFIG_HOME/shipdeck"
	git -C "$r" init -q -b main
	cat >"$r/.drone.yml" <<'YML'
kind: pipeline
type: docker
name: default
steps:
- name: build
  image: golang:1.22
  environment:
    TOKEN: {from_secret: registry_token}
  commands:
  - echo "compiling with token $TOKEN"
  - printf '\033[32mok\033[0m  example.com/app  0.01s\n'
- name: test
  image: golang:1.22
  depends_on: [build]
  commands:
  - echo "=== RUN   TestAdd"
  - 'echo "    add_test.go:9: assertion failed: 2+2 = 5"'
  - printf '\033[31mFAIL\033[0m example.com/app\n'
  - exit 1
- name: lint
  image: golangci/golangci-lint
  depends_on: [build]
  failure: ignore
  commands:
  - 'echo "main.go:3: exported function Add should have comment"'
  - exit 2
- name: docs
  image: alpine
  depends_on: [build]
  commands:
  - echo docs built
- name: publish
  image: plugins/docker
  depends_on: [test, lint]
  commands:
  - echo "pushing app:$SHIPDECK_IMAGE_TAG"
YML
	printf 'registry_token: hunter2-secret\n' >"$XDG_CONFIG_HOME/shipdeck/secrets.yaml"
	git -C "$r" add -A
	git -C "$r" -c user.name=Tester -c user.email=t@example.com commit -qm "add the calculator"
}

# hostile_repo DIR: a step whose output tries everything a log must not do.
hostile_repo() {
	local r=$1
	mkdir -p "$r"
	git -C "$r" init -q -b main
	cat >"$r/hostile.sh" <<'SH'
printf 'before\n'
printf '\033[2J\033[H\033[10;10Hcursor-moved\n'
printf '\033]0;PWNED-TITLE\007title-set\n'
printf '\033]52;c;ZXZpbA==\007clipboard-set\n'
printf 'bell\007bell\n'
printf 'bad utf8 \377\376 here\n'
printf '\033[31mred\033[0m and \033[1;32mbold green\033[0m\n'
printf '\033[?1049lalt-screen-off \033cRIS \033[5n\033[6n\n'
printf '\302\23331mC1-CSI \342\200\256reversed\n'
head -c 1048576 /dev/zero | tr '\0' A
printf 'END\n'
printf 'after\n'
SH
	cat >"$r/.drone.yml" <<'YML'
kind: pipeline
type: exec
steps:
- name: hostile
  commands:
  - sh hostile.sh
YML
	git -C "$r" add -A
	git -C "$r" -c user.name=Tester -c user.email=t@example.com commit -qm "hostile output"
}

# What only these tests know changes from run to run (the rest is
# tests/golden/normalise.sed's): the repository's commit ids (named
# exactly: a pattern would also catch numbers) and the status bar's passing
# message. norm_for DIR sets NORM.
norm_for() {
	local sha
	NORM=''
	for sha in $(git -C "$1" log --format=%H); do
		NORM="$NORM s/$sha/SHA40/g; s/${sha:0:7}/SHA7/g;"
	done
	NORM="$NORM s/^( [a-z]+:main │ no cluster).*$/\1/"
}
