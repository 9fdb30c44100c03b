package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// terraform runs the Terraform CLI in the demo's working directory with a
// private environment. Every run's output goes to a log file under .demo/logs;
// a failure prints the end of it.
type terraform struct {
	bin    string
	dir    string // working directory (the copy of examples/demo)
	logDir string
	env    []string
	runs   int
}

// privateEnv is the caller's environment without anything that would make the
// demo depend on the user's setup (their CLI configuration, a GitLab token, a
// data dir or workspace, variables), plus the demo's own settings.
func privateEnv(cliConfig string, vars map[string]string) []string {
	drop := []string{"TF_CLI_CONFIG_FILE=", "TF_CLI_ARGS", "TF_DATA_DIR=", "TF_WORKSPACE=", "TF_VAR_",
		"GITLAB_TOKEN=", "GITLAB_BASE_URL=", "TF_REATTACH_PROVIDERS=", "TF_PLUGIN_CACHE_DIR="}
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range drop {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	for k, v := range vars {
		env = append(env, "TF_VAR_"+k+"="+v)
	}
	return env
}

// run executes `terraform <args>` and returns its stdout. Stdout and stderr
// both go to the log; on failure the error carries the log's last lines.
func (t *terraform) run(ctx context.Context, extraEnv []string, args ...string) (string, error) {
	t.runs++
	logPath := filepath.Join(t.logDir, fmt.Sprintf("%02d-terraform-%s.log", t.runs, args[0]))
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", err
	}
	defer func() { _ = logFile.Close() }()
	_, _ = fmt.Fprintf(logFile, "$ terraform %s\n\n", strings.Join(args, " "))

	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, t.bin, append([]string{"-chdir=" + t.dir}, args...)...)
	cmd.Env = append(append([]string{}, t.env...), extraEnv...)
	cmd.Stdout = io.MultiWriter(&stdout, logFile)
	cmd.Stderr = logFile
	// Terraform runs in its own process group: on Ctrl-C or a failure of the
	// demo, the whole group (Terraform and its provider plugin) gets SIGINT,
	// and SIGKILL if it is still there 15 seconds later.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 15 * time.Second

	err = cmd.Run()
	if cmd.Process != nil {
		// Nothing of this run may outlive it (a provider plugin left behind
		// would keep the port of a dead mock busy in a user's process list).
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		_ = logFile.Sync()
		return stdout.String(), fmt.Errorf("terraform %s failed (%v); the end of %s:\n%s",
			args[0], err, rel(logPath), tail(logPath, 40))
	}
	return stdout.String(), nil
}

// tail returns the last n lines of a file, indented.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "    (log unreadable: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// summaryLine picks Terraform's one-line result ("Apply complete! ...") from its output.
func summaryLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "Apply complete!") || strings.HasPrefix(l, "Destroy complete!") {
			return l
		}
	}
	return ""
}

func rel(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}
