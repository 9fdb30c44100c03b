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

// privateEnv is the caller's environment without anything that would make
// the benchmark depend on the user's setup (their CLI configuration, a GitLab
// token, a data dir, variables, extra CLI arguments, a log level that slows
// Terraform down), plus the benchmark's own settings.
func privateEnv(cliConfig string, vars map[string]string) []string {
	drop := []string{"TF_CLI_CONFIG_FILE=", "TF_CLI_ARGS", "TF_DATA_DIR=", "TF_WORKSPACE=", "TF_VAR_", "TF_LOG",
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

// runTerraform executes `terraform -chdir=dir <args>` and returns its stdout.
// Stdout and stderr go to logPath; a failure returns the log's last lines.
// Terraform runs in its own process group, which is killed afterwards, so no
// provider plugin ever outlives its command. cpu is the CPU time of Terraform
// and the plugins it waited for.
func runTerraform(ctx context.Context, bin, dir string, env []string, logPath string, args ...string) (out string, cpu time.Duration, err error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if cerr := logFile.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%s: %w", rel(logPath), cerr)
		}
	}()
	if _, err := fmt.Fprintf(logFile, "$ terraform %s\n\n", strings.Join(args, " ")); err != nil {
		return "", 0, err
	}

	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	cmd.Stdout = io.MultiWriter(&stdout, logFile)
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 15 * time.Second

	err = cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		_ = logFile.Sync()
		return stdout.String(), cpu, fmt.Errorf("terraform %s failed (%v); the end of %s:\n%s", args[0], err, rel(logPath), tail(logPath, 30))
	}
	return stdout.String(), cpu, nil
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
