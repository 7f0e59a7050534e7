// A STAND-IN for act_runner, for shipdeck's remote CI tests only: it is not
// Gitea's runner (gitea.com/gitea/act_runner is not on the Go module proxy;
// tests/README.md). It speaks Gitea's runner protocol (gitea.dev/actions-
// proto-go, the module Gitea itself uses) so that runs of a real Gitea move:
// it registers with a registration token, fetches tasks, runs each step's
// `run:` with sh on this host, streams the output as log rows and reports
// the step states, and stops a task Gitea says is cancelled. Nothing else of
// a workflow (uses:, services, containers, expressions) is done.
//
//	standin-runner --url http://127.0.0.1:PORT --token REGISTRATION_TOKEN
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"

	"connectrpc.com/connect"
	runnerv1 "gitea.dev/actions-proto-go/runner/v1"
	"gitea.dev/actions-proto-go/runner/v1/runnerv1connect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

type auth struct{ uuid, token string }

func (a auth) set(h http.Header) {
	h.Set("x-runner-uuid", a.uuid)
	h.Set("x-runner-token", a.token)
}

func call[T any](a auth, m *T) *connect.Request[T] {
	r := connect.NewRequest(m)
	a.set(r.Header())
	return r
}

// The task's steps: the `run:` of each, in order (the payload is the one
// job's workflow, as Gitea's job parser writes it).
var runLine = regexp.MustCompile(`^\s*(?:-\s+)?run:\s*(.*)$`)

func steps(payload []byte) []string {
	var out []string
	for _, l := range strings.Split(string(payload), "\n") {
		if m := runLine.FindStringSubmatch(l); m != nil {
			out = append(out, strings.Trim(m[1], `"'`))
		}
	}
	return out
}

func main() {
	url := flag.String("url", "", "Gitea's root URL")
	token := flag.String("token", "", "a runner registration token")
	flag.Parse()
	cli := runnerv1connect.NewRunnerServiceClient(http.DefaultClient, strings.TrimRight(*url, "/")+"/api/actions")
	ctx := context.Background()
	reg, err := cli.Register(ctx, connect.NewRequest(&runnerv1.RegisterRequest{
		Name: "shipdeck-standin", Token: *token, Version: "standin", Labels: []string{"ubuntu-latest"},
	}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin-runner: register:", err)
		os.Exit(1)
	}
	a := auth{reg.Msg.Runner.Uuid, reg.Msg.Runner.Token}
	if _, err := cli.Declare(ctx, call(a, &runnerv1.DeclareRequest{Version: "standin", Labels: []string{"ubuntu-latest"}})); err != nil {
		fmt.Fprintln(os.Stderr, "standin-runner: declare:", err)
	}
	fmt.Println("standin-runner registered")
	var version int64
	for {
		res, err := cli.FetchTask(ctx, call(a, &runnerv1.FetchTaskRequest{TasksVersion: version}))
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		version = res.Msg.TasksVersion
		if res.Msg.Task == nil {
			time.Sleep(300 * time.Millisecond)
			continue
		}
		run(ctx, cli, a, res.Msg.Task)
	}
}

func run(ctx context.Context, cli runnerv1connect.RunnerServiceClient, a auth, t *runnerv1.Task) {
	cmds := steps(t.WorkflowPayload)
	state := &runnerv1.TaskState{Id: t.Id, StartedAt: timestamppb.Now()}
	var index int64
	cancelled := false
	report := func() {
		res, err := cli.UpdateTask(ctx, call(a, &runnerv1.UpdateTaskRequest{State: state}))
		if err == nil && res.Msg.State != nil && res.Msg.State.Result == runnerv1.Result_RESULT_CANCELLED {
			cancelled = true
		}
	}
	logRows := func(rows []*runnerv1.LogRow, last bool) {
		cli.UpdateLog(ctx, call(a, &runnerv1.UpdateLogRequest{TaskId: t.Id, Index: index, Rows: rows, NoMore: last}))
		index += int64(len(rows))
	}
	for i := range cmds {
		state.Steps = append(state.Steps, &runnerv1.StepState{Id: int64(i)})
	}
	report()
	result := runnerv1.Result_RESULT_SUCCESS
	for i, c := range cmds {
		st := state.Steps[i]
		if result != runnerv1.Result_RESULT_SUCCESS || cancelled {
			st.Result = runnerv1.Result_RESULT_SKIPPED
			continue
		}
		st.StartedAt = timestamppb.Now()
		st.LogIndex = index
		report()
		cmd := exec.Command("sh", "-c", c)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = cmd.Stdout
		cmd.Start()
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		tick := time.NewTicker(500 * time.Millisecond)
		var rows []*runnerv1.LogRow
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				rows = append(rows, &runnerv1.LogRow{Time: timestamppb.Now(), Content: l})
			case <-tick.C:
				if len(rows) > 0 {
					logRows(rows, false)
					st.LogLength = index - st.LogIndex
					rows = nil
				}
				report()
				if cancelled {
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				}
			}
		}
		tick.Stop()
		logRows(rows, false)
		err := cmd.Wait()
		st.LogLength = index - st.LogIndex
		st.StoppedAt = timestamppb.Now()
		switch {
		case cancelled:
			st.Result = runnerv1.Result_RESULT_CANCELLED
			result = runnerv1.Result_RESULT_CANCELLED
		case err != nil:
			st.Result = runnerv1.Result_RESULT_FAILURE
			result = runnerv1.Result_RESULT_FAILURE
		default:
			st.Result = runnerv1.Result_RESULT_SUCCESS
		}
		report()
	}
	logRows(nil, true)
	state.Result = result
	state.StoppedAt = timestamppb.Now()
	report()
}
