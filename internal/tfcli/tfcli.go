// Package tfcli is the one home for running a Terraform or OpenTofu command,
// for the repository's tools (bench and demo) and its tests (acctest.CLI):
// with a private environment (PrivateEnv), in its own process group that
// ends with the command (Command, KillGroup), and, for the tools, its output
// logged to a file (Run).
package tfcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Binary checks the Terraform binary path given on the command line and
// returns it absolute. usage completes the error when none was given
// ("no Terraform binary given: " + usage).
func Binary(path, usage string) (string, error) {
	if path == "" {
		return "", errors.New("no Terraform binary given: " + usage)
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(path); err != nil || fi.IsDir() {
		return "", fmt.Errorf("no Terraform binary at %s: run `make tools` first", path)
	}
	return path, nil
}

// Name is how a user runs bin: "tofu" when `bin version` says OpenTofu (or,
// should it fail, when the file is named tofu…), else "terraform".
func Name(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err == nil {
		if strings.HasPrefix(string(out), "OpenTofu") {
			return "tofu"
		}
		return "terraform"
	}
	if strings.HasPrefix(filepath.Base(bin), "tofu") {
		return "tofu"
	}
	return "terraform"
}

// PrivateEnv is the caller's environment without anything that would make a
// run depend on the user's setup (their CLI configuration, a GitLab token, a
// data dir or workspace, variables, extra CLI arguments), and without the
// variables starting with one of alsoDrop; plus cliConfig as the CLI
// configuration, no checkpoint calls, no input, vars as TF_VAR_s, and the
// provider's journal of creates in a directory beside cliConfig.
func PrivateEnv(cliConfig string, vars map[string]string, alsoDrop ...string) []string {
	drop := append([]string{"TF_CLI_CONFIG_FILE=", "TF_CLI_ARGS", "TF_DATA_DIR=", "TF_WORKSPACE=", "TF_VAR_",
		"GITLAB_TOKEN=", "GITLAB_BASE_URL=", "TF_REATTACH_PROVIDERS=", "TF_PLUGIN_CACHE_DIR="}, alsoDrop...)
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
		// The provider's journal of creates (userrunner.JournalDirEnv), beside
		// the CLI configuration: these runs' mock is gone after them.
		"GITLABRUNNER_CREATE_JOURNAL_DIR="+filepath.Join(filepath.Dir(cliConfig), "journal"),
	)
	for k, v := range vars {
		env = append(env, "TF_VAR_"+k+"="+v)
	}
	return env
}

// Run executes `bin -chdir=dir <args>` with env and returns its stdout.
// Stdout and stderr go to logPath; a failure returns the log's last
// tailLines lines. Terraform runs in its own process group: on cancellation
// the whole group (Terraform and its provider plugins) gets SIGINT, and
// SIGKILL if it is still there 15 seconds later; afterwards the group is
// killed, so no provider plugin ever outlives its command. cpu is the CPU
// time of Terraform and the plugins it waited for.
func Run(ctx context.Context, bin, dir string, env []string, logPath string, tailLines int, args ...string) (out string, cpu time.Duration, err error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if cerr := logFile.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%s: %w", Rel(logPath), cerr)
		}
	}()
	if _, err := fmt.Fprintf(logFile, "$ %s %s\n\n", filepath.Base(bin), strings.Join(args, " ")); err != nil {
		return "", 0, err
	}

	var stdout bytes.Buffer
	cmd := Command(ctx, bin, dir, env, args...)
	cmd.Stdout = io.MultiWriter(&stdout, logFile)
	cmd.Stderr = logFile

	err = cmd.Run()
	KillGroup(cmd)
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		_ = logFile.Sync()
		return stdout.String(), cpu, fmt.Errorf("terraform %s failed (%v); the end of %s:\n%s", args[0], err, Rel(logPath), Tail(logPath, tailLines))
	}
	return stdout.String(), cpu, nil
}

// Command is `bin -chdir=dir <args>` with env, in a process group of its
// own, as a terminal runs it: when ctx ends, the whole group (Terraform and
// its provider plugins) gets SIGINT, as Ctrl-C sends it, and SIGKILL if it is
// still there 15 seconds later. dir "" runs in the current directory without
// -chdir.
func Command(ctx context.Context, bin, dir string, env []string, args ...string) *exec.Cmd {
	if dir != "" {
		args = append([]string{"-chdir=" + dir}, args...)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 15 * time.Second
	return cmd
}

// KillGroup kills what is left of a Command's process group once it has
// ended: nothing of a run may outlive it (a provider plugin left behind
// would keep the port of a dead mock busy in a user's process list).
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// Tail returns the last n lines of a file, indented.
func Tail(path string, n int) string {
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

// Rel is path relative to the working directory when it lies below it,
// otherwise path unchanged.
func Rel(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}
